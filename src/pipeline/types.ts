import type { ValueTransformDef } from './values/value-transform-def';

/** Pipeline data as written in backends/pipelines/<name>.yml (see docs/pipelines.md). */
export type FieldTarget = string | readonly string[];

export interface PipelineCondition {
  readonly field: string;
  readonly value: string | number | readonly (string | number)[];
}

export interface LogsourceMatch {
  readonly category?: string | readonly string[];
  readonly product?: string | readonly string[];
  readonly service?: string | readonly string[];
}

/**
 * Where a logsource's events are stored, for the deployable formats: Elastic index patterns, Splunk
 * index / sourcetype / source, and the field a Splunk risk object is taken from. `products` overrides
 * any of these for rules of one product (an entry matched by category serves Windows and Linux alike).
 */
export interface DataSource {
  readonly index?: readonly string[];
  readonly sourcetype?: readonly string[];
  readonly source?: readonly string[];
  /** Splunk ES: the result field naming the risk object, and its type (system, user, other). */
  readonly risk_object?: { readonly field: string; readonly type: 'system' | 'user' | 'other' };
}

export interface DataSourceDef extends DataSource {
  readonly products?: Readonly<Record<string, DataSource>>;
}

export interface LogsourceEntry {
  readonly match: LogsourceMatch;
  /** Where these events are stored (see DataSource); the pipeline's `default.data_source` otherwise. */
  readonly data_source?: DataSourceDef;
  readonly table?: string;
  readonly conditions?: readonly PipelineCondition[];
  readonly fields?: Readonly<Record<string, FieldTarget>>;
  readonly implied?: Readonly<Record<string, readonly (string | number | boolean)[]>>;
  /** A JSON column (e.g. WindowsEvent.EventData) whose keys are the Sigma field names: a field that is not a column is read from it. */
  readonly dynamic_fields?: string;
  /** Sigma fields never read from dynamic_fields (their meaning differs there, e.g. classic 'Data'). */
  readonly dynamic_exclude?: readonly string[];
  /** With a pipeline `field_schema`: the field sets (data sources) whose fields this logsource's events carry. */
  readonly field_sets?: readonly string[];
}

export interface PipelineDef {
  readonly name: string;
  /** The target the pipeline was written for (listed by `list pipelines`). */
  readonly target: string;
  /**
   * The data its queries read (ecs, windows, cim, defender, sentinel): every target whose `data_models`
   * names it can use the pipeline (Lucene, EQL and ES|QL share `ecs`). Without it, only `target`.
   */
  readonly data_model?: string;
  readonly description: string;
  readonly schema?: string;
  /**
   * For targets without tables: backends/field-schemas/<name>.yml lists, per data source, the fields the SIEM
   * keeps. A rule field that maps outside its logsource's `field_sets` is refused unless allowed.
   */
  readonly field_schema?: string;
  /**
   * The one product whose data this pipeline knows (e.g. splunk-windows: windows): a rule that names no
   * product is matched against the entries as if it named this one.
   */
  readonly assume_product?: string;
  /**
   * Tables declared in the pipeline itself (table -> column -> type), merged column by column over the
   * `schema` file's tables: a custom pipeline can add its SIEM's own tables or columns.
   */
  readonly tables?: TableSchemas;
  /** Conditions added to every rule's query, whatever its logsource (e.g. a Splunk `index`). */
  readonly conditions?: readonly PipelineCondition[];
  /** The column holding each event's time, for correlation windows (e.g. Timestamp, TimeGenerated). */
  readonly timestamp?: string;
  /** Field names the rules write are the target's own: keep them without warning. */
  readonly keep_unmapped?: boolean;
  /**
   * Where keywords (unbound values) are searched, for targets without free-text search: the field
   * holding the event's full log message (Sigma applies keywords to the full log message).
   */
  readonly keyword_field?: string;
  /** Types of target fields without a schema (exact names or `prefix*`): numbers compared with a text field become text. */
  readonly field_types?: Readonly<Record<string, string>>;
  /** The target's CIDR function needs an IP-typed field: on a `string` field, an exact IPv4 pattern is used instead. */
  readonly cidr_needs_ip?: boolean;
  /** The backend stages this pipeline's queries use, in order (default: the backend's non-optional stages). */
  readonly stages?: readonly string[];
  /** A query template replacing the target's plain `query` one (e.g. tstats over a data model). */
  readonly query_template?: string;
  readonly fields?: Readonly<Record<string, FieldTarget>>;
  /** Values the SIEM stores in another form or across columns (src/pipeline/values/, docs/pipelines.md). */
  readonly value_transforms?: readonly ValueTransformDef[];
  readonly logsources: readonly LogsourceEntry[];
  readonly default?: {
    readonly table?: string;
    readonly conditions?: readonly PipelineCondition[];
    readonly field_sets?: readonly string[];
    readonly data_source?: DataSourceDef;
  };
  /** The data source of every logsource entry without its own, for pipelines with no `default` (which would accept any logsource). */
  readonly data_source?: DataSourceDef;
  /** Not written in YAML: target fields that pipeline files stacked on a built-in one map to (see merge-pipeline.ts). */
  readonly declaredFields?: readonly string[];
  /** Not written in YAML: the `field_schema` file, attached when the pipeline is loaded (Converter.pipeline). */
  readonly loadedFieldSchema?: FieldSchema;
}

/** One data source of a field schema: the fields its events carry (name -> type), and what it includes. */
export interface FieldSet {
  readonly description?: string;
  /** Other sets whose fields these events also carry (e.g. the ECS base fields). */
  readonly include?: readonly string[];
  readonly fields?: Readonly<Record<string, string>>;
  /** Names below these prefixes are all kept verbatim (e.g. `winlog.event_data.` for generic channels). */
  readonly prefixes?: readonly string[];
  /** Names matching this regular expression are kept (e.g. every Splunk-cleaned EventData name). */
  readonly name_pattern?: string;
}

/** backends/field-schemas/<name>.yml of a `field_schema`: set name -> fields. */
export type FieldSchema = Readonly<Record<string, FieldSet>>;

/** Table → column → type. */
export type TableSchemas = Readonly<Record<string, Readonly<Record<string, string>>>>;
