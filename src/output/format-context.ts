import type { Expr, SourceLocation } from '../ir/types';
import type { SigmaRule } from '../rule/model';
import type { RenderedQuery } from '../render/render-query';
import { mapAttackTags, type AttackMapping } from './attack-mapping';
import { cronEvery, defenderPeriod, isoDuration, shortDuration } from './durations';
import type { RenderedFlag } from './enrichment';
import type { LevelGrades, Metadata, Level } from './metadata';
import type { ResolvedSettings } from './settings';
import type { TelemetryRef } from './telemetry';
import type { DataSource } from '../pipeline/types';
import { own } from '../core/own';

/** The same rule converted for another target (the page format lists them); a refusal keeps its reason. */
export interface OtherTarget {
  readonly target: string;
  /** The backend's description (the detection page names the platform with it). */
  readonly description: string;
  readonly pipeline: string;
  /** The table (KQL), data model or event category the query reads, when the pipeline names one. */
  readonly table: string | null;
  readonly ok: boolean;
  readonly query: string | null;
  readonly error: string | null;
}

export interface FieldColumn {
  /** The field as the rule's `fields` names it. */
  readonly field: string;
  /** The target's column(s), or null when the pipeline has none. */
  readonly columns: readonly string[] | null;
}

export interface ContextInput {
  readonly rule: SigmaRule;
  readonly ruleContext: Record<string, unknown>;
  readonly target: string;
  readonly targetDescription: string;
  readonly pipeline: string;
  readonly query: RenderedQuery;
  /** The target's query format rendered (enrichment columns included where the target computes them). */
  readonly queryText: string;
  readonly table: string | null;
  /** Every table the query reads (a correlation reads those of its rules). */
  readonly tables: readonly string[];
  /** Where the events are stored (pipeline data_source): Elastic index patterns, Splunk sourcetypes. */
  readonly dataSource: DataSource | null;
  /** The columns the query returns when it is not one event per row (a correlation): no projection is added. */
  readonly outputColumns: readonly string[] | null;
  /** The Splunk risk object (a field the search outputs). */
  readonly risk: { readonly field: string; readonly type: string } | null;
  /** Columns of `table` from the pipeline's schema, when it has one. */
  readonly tableColumns: Readonly<Record<string, string>> | null;
  readonly fields: readonly FieldColumn[];
  readonly enrichment: readonly RenderedFlag[];
  readonly metadata: Metadata;
  readonly settings: ResolvedSettings;
  readonly others: readonly OtherTarget[];
  readonly telemetry: readonly TelemetryRef[];
  readonly file: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Sigma dates are YYYY-MM-DD (older rules: YYYY/MM/DD); Elastic's TOML wants YYYY/MM/DD. */
function slashDate(date: unknown): string | null {
  return typeof date === 'string' && /^\d{4}[-/]\d{2}[-/]\d{2}$/.test(date) ? date.replace(/-/g, '/') : null;
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/**
 * Everything a format template may read, computed once per rule: metadata mapped through backends/metadata/,
 * settings resolved for the rule, the columns a deployable query projects, and Sentinel entities.
 */
export function buildFormatContext(input: ContextInput): Record<string, unknown> {
  const { rule, metadata, settings } = input;
  const level: Level = settings.severity ?? (isLevel(rule.level) ? rule.level : settings.default_level);
  const grades: LevelGrades = metadata.levels[level];
  const attack: AttackMapping = mapAttackTags(rule.tags, metadata.attack);
  const projection = own(metadata.microsoft.projection, input.pipeline) ?? metadata.microsoft.projection.none ?? { time: [], always: [] };
  const has = (c: string) => input.tableColumns === null || c in input.tableColumns;
  const timeColumn = projection.time.find(has) ?? null;
  const ruleColumns = input.fields.flatMap((f) => f.columns ?? []);
  const flags = input.enrichment.filter((f) => f.condition !== null);
  // The table's entity columns (host, account, IP, process, file, URL) travel with every alert.
  const entityColumns = input.tableColumns ? metadata.microsoft.entities.map((e) => e.column).filter((c) => input.tableColumns !== null && Object.hasOwn(input.tableColumns, c)) : [];
  const columns =
    input.outputColumns !== null ? [] : unique([...projection.always.filter(has), ...ruleColumns, ...entityColumns, ...flags.map((f) => f.name)]).filter((c) => IDENTIFIER.test(c));
  const entities = entityMappings(input.outputColumns ?? columns, metadata);
  const connectors = unique(input.tables.map((t) => own(metadata.microsoft.connectors, t)).filter((c): c is string => c !== undefined)).map((connectorId) => ({
    connectorId,
    dataTypes: input.tables.filter((t) => own(metadata.microsoft.connectors, t) === connectorId),
  }));
  const description = (rule.description ?? rule.title).trim();
  const notComputed = input.enrichment.filter((f) => f.condition === null);
  const { stages, condition, source } = input.query;
  // The query's own properties written out, not spread: a spread followed by this many properties makes V8
  // build the object property by property, several times slower (this is the widest object of a conversion).
  return {
    stages,
    condition,
    source,
    // The rule's `fields` and their columns (the query's own field list was always replaced here).
    fields: input.fields,
    query: input.queryText,
    rule: input.ruleContext,
    target: input.target,
    target_description: input.targetDescription,
    pipeline: input.pipeline,
    file: input.file,
    table: input.table,
    description,
    level,
    severity: grades,
    attack,
    tactic_keys: attack.tactics.map((t) => t.key),
    // Splunk ES reads ATT&CK tactic and technique ids from the correlation search's annotations (JSON).
    annotations: { mitre_attack: [...attack.tacticIds, ...attack.techniqueIds] },
    // In ARM, a string starting with '[' is an expression; inside it a literal is single-quoted ('' escapes ').
    arm_resource_name: rule.id ? `[concat(parameters('workspace'), '/Microsoft.SecurityInsights/', '${rule.id.replace(/'/g, "''")}')]` : null,
    schedule: {
      frequency: shortDuration(settings.frequency),
      lookback: shortDuration(settings.lookback),
      frequency_iso: isoDuration(settings.frequency),
      lookback_iso: isoDuration(settings.lookback),
      cron: cronEvery(settings.frequency),
      defender_period: defenderPeriod(settings.frequency),
    },
    settings,
    trigger: {
      operator: settings.trigger.operator,
      arm_operator: metadata.vocabulary.trigger_operators[settings.trigger.operator].arm,
      splunk_relation: metadata.vocabulary.trigger_operators[settings.trigger.operator].splunk,
      threshold: settings.trigger.threshold,
    },
    maturity: own(metadata.statuses, rule.status ?? '') ?? 'development',
    dates: { created: slashDate(rule.date), updated: slashDate(rule.modified ?? rule.date) },
    authors: (settings.author ?? rule.author ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a),
    license: settings.license ?? (typeof rule.raw.license === 'string' ? rule.raw.license : null),
    unmapped_fields: input.fields.filter((f) => f.columns === null).map((f) => f.field),
    columns,
    time_column: timeColumn,
    enrichment: input.enrichment,
    // Where the target cannot compute columns, the flags travel in the rule's notes for the analyst.
    note: notComputed.length
      ? ['Triage flags (enrichment) to check on each alert:', ...notComputed.map((f) => `- ${f.name}: ${f.description} (${f.field} ${f.match} ${f.values.map((v) => JSON.stringify(v)).join(', ')})`)].join('\n')
      : null,
    computed_flags: flags,
    uncomputed_flags: notComputed,
    entities,
    connectors,
    data_source: input.dataSource,
    // Elastic: the settings' index patterns, else the data source's for the rule's logsource.
    index_patterns: settings.index_patterns ?? input.dataSource?.index ?? null,
    risk: settings.splunk.risk ? input.risk : null,
    correlation: input.outputColumns !== null,
    detection_type: rule.name ?? rule.title,
    defender_category: attack.tactics[0]?.key ?? metadata.vocabulary.defender.default_category,
    defender_problem: defenderProblem(columns, input.table, metadata.vocabulary.defender.required_columns),
    tables: input.tables,
    others: input.others,
    telemetry: input.telemetry,
  };
}

function isLevel(x: string | undefined): x is Level {
  return x === 'informational' || x === 'low' || x === 'medium' || x === 'high' || x === 'critical';
}

/** Sentinel entity mappings for the projected columns: per entity type, the first column of each identifier. */
function entityMappings(columns: readonly string[], metadata: Metadata) {
  const byType = new Map<string, Map<string, string>>();
  for (const e of metadata.microsoft.entities) {
    if (!columns.includes(e.column)) continue;
    const ids = byType.get(e.entity) ?? new Map<string, string>();
    // Sentinel takes at most 3 identifiers per entity mapping.
    if (!ids.has(e.identifier) && ids.size < 3) ids.set(e.identifier, e.column);
    byType.set(e.entity, ids);
  }
  return [...byType].map(([entityType, ids]) => ({
    entityType,
    fieldMappings: [...ids].map(([identifier, columnName]) => ({ identifier, columnName })),
  }));
}

/** The IR used to ask the pipeline where one of the rule's `fields` lives. */
export function fieldProbe(field: string, loc: SourceLocation): Expr {
  return { kind: 'exists', field, loc };
}

/** Defender XDR custom detections need the time, an entity id and the report id among their results (vocabulary.yml). */
function defenderProblem(columns: readonly string[], table: string | null, required: readonly string[]): string | null {
  const missing = required.filter((c) => !columns.includes(c));
  return missing.length ? `a Defender XDR custom detection must return ${missing.join(', ')}, which ${table ?? 'the table'} does not have` : null;
}
