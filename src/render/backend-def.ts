import { parseDataYaml } from '../core/data-yaml';
import { checkDefinition } from '../core/definition-schema';
import { SigmaError } from '../core/errors';
import { didYouMean } from '../core/suggest';
import type { ResourceLoader } from '../core/resources';
import { QUOTING } from './escape';
import { CORRELATION_DEF_SCHEMA, type CorrelationDef } from '../correlation/correlation-def';

import type { RegexDialect } from './regex-dialects';

export type { RegexDialect } from './regex-dialects';
export type BoolOp = 'and' | 'or' | 'not';

export interface StageDef {
  readonly name: string;
  readonly precedence: readonly BoolOp[];
  readonly tokens: { readonly and: string; readonly or: string; readonly not: string; readonly group: string };
  readonly field_quoting: string;
  readonly string_quoting?: string;
  /** Quoting of the values of `*_cased` operators (and CIDR networks) when it differs from string_quoting. */
  readonly string_quoting_cased?: string;
  readonly regex_quoting?: string;
  /** Quoting of a regex that must match case-insensitively, for stages without a case-insensitive regex operator (it folds case itself). */
  readonly regex_quoting_i?: string;
  /** A literal strategy for the network of `|cidr` (default string_quoting): the SQL targets write an exact address regex. */
  readonly cidr_quoting?: string;
  readonly regex_dialect?: RegexDialect;
  readonly operators: Readonly<Record<string, string>>;
  readonly compare_ops?: Readonly<Record<string, string>>;
  readonly time_parts?: Readonly<Record<string, string>>;
  readonly in_allows_wildcards?: boolean;
  /** Longest run of terms joined by one and/or before the run is split into parenthesised groups (parser depth limits). */
  readonly max_chain?: number;
  /** Parenthesise every and/or nested in the other (for clauses whose precedence is not documented). */
  readonly group_mixed?: boolean;
  /** Used only when a pipeline names it in its `stages` (e.g. Splunk's tstats for CIM data models). */
  readonly optional?: boolean;
}

export interface FormatDef {
  readonly template: string;
  readonly extension: string;
  readonly description?: string;
  /** The format renders one file for a whole rule collection rather than one block per rule. */
  readonly collection?: boolean;
  /** The template lists the rule's query for every other target too (the page format). */
  readonly others?: boolean;
  /** What separates the outputs of several rules in one file or stream (default: a blank line). */
  readonly separator?: string;
  /**
   * How several rules make one valid document on one stream (src/output/stream.ts): `separator` (the
   * default: outputs joined by `separator`), `conf-stanzas` (likewise, stanza names made unique),
   * `json-array`, `arm-resources` (one ARM template with every rule's resources), or `one-per-file`
   * (several rules need -o DIR/).
   */
  readonly stream?: 'separator' | 'conf-stanzas' | 'json-array' | 'arm-resources' | 'one-per-file';
  /** The output has one tactic field (Defender's alert category): further tactics are reported unless a technique implies them. */
  readonly single_tactic?: boolean;
  /** The output keeps the rule's tags (ATT&CK group and software tags travel there). */
  readonly carries_tags?: boolean;
  /** The format deploys correlation rules too (their query with the correlation's metadata). */
  readonly correlations?: boolean;
  /** The search is restricted to the data source's index / sourcetype (Splunk saved searches). */
  readonly search_prefix?: boolean;
  /** Why the format cannot deploy correlation rules, for the refusal. */
  readonly correlation_refusal?: string;
}

export interface BackendDef {
  readonly name: string;
  readonly description: string;
  readonly default_pipeline: string;
  /** The data models (pipelines' `data_model`) this target can query: a pipeline of any of them may be used. */
  readonly data_models?: readonly string[];
  /**
   * table: the pipeline's table is the query's source; index: Splunk's --index; category: the EQL event
   * category; condition: the table (but `any`) becomes a condition `source_field == table`, ANDed to the query.
   */
  readonly source_option: 'table' | 'index' | 'category' | 'condition';
  /** With source_option condition: the field holding the table's value (e.g. ECS event.category). */
  readonly source_field?: string;
  /** The table queried when neither the pipeline nor --table names one (the SQL targets' `events`). */
  readonly default_table?: string;
  readonly stages: readonly StageDef[];
  readonly formats: Readonly<Record<string, FormatDef>>;
  /** The stage whose boolean expressions can also compute a column (enrichment flags); none: the target cannot. */
  readonly column_stage?: string;
  /** How correlation rules are written for this target (docs/correlations.md). */
  readonly correlation?: CorrelationDef;
}

const OPERATOR_PLACEHOLDERS: Readonly<Record<string, readonly string[]>> = {
  equals: ['field', 'value'],
  contains: ['field', 'value'],
  startswith: ['field', 'value'],
  endswith: ['field', 'value'],
  pattern: ['field', 'value'],
  any: ['field'],
  in: ['field', 'values'],
  regex: ['field', 'regex'],
  regex_i: ['field', 'regex'],
  number: ['field', 'value'],
  boolean: ['field', 'value'],
  compare: ['field', 'op', 'value'],
  null: ['field'],
  exists: ['field'],
  cidr4: ['field', 'value'],
  cidr6: ['field', 'value'],
  fieldref: ['field', 'other'],
  timepart: ['field', 'part', 'op', 'value'],
  keyword: ['value'],
  keyword_regex: ['regex'],
};

function operatorBase(key: string): string {
  return key.replace(/_cased$/, '');
}

const schema = {
  type: 'object',
  required: ['name', 'description', 'default_pipeline', 'source_option', 'stages', 'formats'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
    description: { type: 'string' },
    default_pipeline: { type: 'string' },
    data_models: { type: 'array', items: { type: 'string' }, minItems: 1 },
    source_option: { enum: ['table', 'index', 'category', 'condition'] },
    source_field: { type: 'string', minLength: 1 },
    default_table: { type: 'string' },
    stages: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'precedence', 'tokens', 'field_quoting', 'operators'],
        additionalProperties: false,
        properties: {
          name: { type: 'string' },
          precedence: { type: 'array', items: { enum: ['and', 'or', 'not'] }, minItems: 3, maxItems: 3, uniqueItems: true },
          tokens: {
            type: 'object',
            required: ['and', 'or', 'not', 'group'],
            additionalProperties: false,
            properties: { and: { type: 'string' }, or: { type: 'string' }, not: { type: 'string', pattern: '\\{expr\\}' }, group: { type: 'string', pattern: '\\{expr\\}' } },
          },
          field_quoting: { enum: Object.keys(QUOTING.field) },
          string_quoting: { enum: [...Object.keys(QUOTING.literal), ...Object.keys(QUOTING.pattern)] },
          string_quoting_cased: { enum: [...Object.keys(QUOTING.literal), ...Object.keys(QUOTING.pattern)] },
          regex_quoting: { enum: Object.keys(QUOTING.literal) },
          regex_quoting_i: { enum: Object.keys(QUOTING.literal) },
          cidr_quoting: { enum: Object.keys(QUOTING.literal) },
          regex_dialect: { enum: ['re2', 'pcre', 'lucene'] },
          operators: {
            type: 'object',
            propertyNames: { enum: Object.keys(OPERATOR_PLACEHOLDERS).flatMap((k) => [k, k + '_cased']) },
            additionalProperties: { type: 'string' },
          },
          compare_ops: { type: 'object', additionalProperties: { type: 'string' } },
          time_parts: { type: 'object', additionalProperties: { type: 'string' } },
          in_allows_wildcards: { type: 'boolean' },
          max_chain: { type: 'integer', minimum: 2 },
          group_mixed: { type: 'boolean' },
          optional: { type: 'boolean' },
        },
      },
    },
    correlation: CORRELATION_DEF_SCHEMA,
    column_stage: { type: 'string' },
    formats: {
      type: 'object',
      required: ['query'],
      additionalProperties: {
        type: 'object',
        required: ['template', 'extension'],
        additionalProperties: false,
        properties: {
          template: { type: 'string' },
          extension: { type: 'string' },
          description: { type: 'string' },
          collection: { type: 'boolean' },
          others: { type: 'boolean' },
          separator: { type: 'string' },
          stream: { enum: ['separator', 'conf-stanzas', 'json-array', 'arm-resources', 'one-per-file'] },
          carries_tags: { type: 'boolean' },
          single_tactic: { type: 'boolean' },
          correlations: { type: 'boolean' },
          search_prefix: { type: 'boolean' },
          correlation_refusal: { type: 'string' },
        },
      },
    },
  },
} as const;

export const BACKEND_DEFINITION_SCHEMA = schema;

/** Every target: the backends/<name>.yml files, sorted. Scripts, tests, `list` and the page read this, never a list of their own. */
export function listTargets(loader: ResourceLoader): string[] {
  return loader
    .list('backends')
    .filter((f) => f.endsWith('.yml'))
    .map((f) => f.slice(0, -'.yml'.length));
}

/** Loads and fully validates backends/<name>.yml; errors name the file and the offending path. */
export function loadBackendDef(loader: ResourceLoader, name: string): BackendDef {
  const path = `backends/${name}.yml`;
  const text = loader.read(path);
  if (text === undefined) {
    const targets = listTargets(loader);
    throw new SigmaError('backend-definition', `unknown target '${name}' (no ${path}); available: ${targets.join(', ')}${didYouMean(name, targets)}`);
  }
  const data = parseDataYaml(text, path, 'backend-definition', loader);
  checkDefinition(schema, data, `${path}: invalid backend definition`, 'backend-definition');
  const def = data as unknown as BackendDef;
  if ((def.source_option === 'condition') !== (def.source_field !== undefined)) {
    throw new SigmaError('backend-definition', `${path}: source_field goes with source_option condition, and only with it`);
  }
  if (def.column_stage !== undefined && !def.stages.some((st) => st.name === def.column_stage)) {
    throw new SigmaError('backend-definition', `${path}: column_stage '${def.column_stage}' is not a stage of this target`);
  }
  for (const stage of def.stages) {
    for (const [key, template] of Object.entries(stage.operators)) {
      const allowed = OPERATOR_PLACEHOLDERS[operatorBase(key)] ?? [];
      // `\x{A0}` in a template is a regex escape (RE2), not a placeholder.
      for (const m of template.matchAll(/(?<!\\x)\{(\w+)\}/g)) {
        if (!allowed.includes(m[1] as string)) {
          throw new SigmaError('backend-definition', `${path}: operator '${key}' of stage '${stage.name}' uses {${m[1]}}; it may use ${allowed.map((a) => `{${a}}`).join(', ')}`);
        }
      }
    }
    const needsRegex = Object.keys(stage.operators).some((k) => k.startsWith('regex') || k === 'keyword_regex');
    if (needsRegex && (!stage.regex_quoting || !stage.regex_dialect)) {
      throw new SigmaError('backend-definition', `${path}: stage '${stage.name}' has regex operators but no regex_quoting / regex_dialect`);
    }
  }
  return def;
}
