import { SigmaError } from '../core/errors';
import type { Expr } from '../ir/types';
import type { SigmaRule } from '../rule/model';
import type { FormatDef } from '../render/backend-def';
import type { RenderedQuery } from '../render/render-query';
import { quoteSplunkSearch } from '../render/escape';
import { findDialect, quotePlain } from '../render/dialects';
import type { SigmaCorrelation } from '../correlation/model';
import type { DataSource } from '../pipeline/types';
import type { TelemetryRef } from './telemetry';
import { applyPipeline } from '../pipeline/apply-pipeline';
import type { PipelineDef } from '../pipeline/types';
import type { ConversionPlan } from '../conversion/plan';
import type { ResourceCache } from '../conversion/resource-cache';
import type { TranslatedRule } from '../conversion/translate-rule';
import { ruleContext } from './rule-context';
import { parseEnrichment, renderEnrichment, type RenderedFlag } from './enrichment';
import type { AttackMapping } from './attack-mapping';
import { buildFormatContext, fieldProbe, type FieldColumn, type OtherTarget } from './format-context';
import type { AttackData } from './metadata';
import { settingsForRule, type ResolvedSettings } from './settings';
import { parseTelemetry } from './telemetry';
import { own } from '../core/own';
import { DerivedMemo } from '../core/derived-memo';
import { predicatesOf } from '../ir/visit';

export interface FormatOutput {
  readonly text: string;
  /** The full template context of the rule (collection formats render from the contexts of all rules). */
  readonly context: Record<string, unknown>;
  readonly warnings: readonly string[];
}

/** The rule converted for other targets: those named (settings other_targets), else every target. */
export type OtherTargets = (named: readonly string[] | null) => readonly OtherTarget[];

/**
 * Renders a translated rule through the plan's output format. `others` converts the rule for the other
 * targets, for the formats that show them (the caller converts: this module converts nothing).
 */
export function renderRuleFormat(cache: ResourceCache, plan: ConversionPlan, translated: TranslatedRule, file: string, others: OtherTargets): FormatOutput {
  const { rule, mapped, query } = translated;
  const { backend, formatDef: format, schemas } = plan;
  const warnings: string[] = [];
  const table = translated.table ?? null;
  const enrichment = renderRuleEnrichment(plan, rule, warnings);
  if (enrichment.length) {
    refuseShadowingFlags(enrichment, rule, [...query.fields], schemas && table ? own(schemas, table) : undefined, plan.pipeline?.timestamp, cache.vocabulary().output_columns);
  }
  // The query's properties written out rather than spread (see buildFormatContext): same keys, same order.
  const base = {
    stages: query.stages,
    condition: query.condition,
    source: query.source,
    fields: query.fields,
    rule: ruleContext(rule),
    target: backend.name,
    pipeline: plan.pipelineName,
    enrichment,
    computed_flags: enrichment.filter((f) => f.condition !== null),
  };
  const settings = plan.settings ? settingsForRule(plan.settings, rule.id) : null;
  const risk = settings ? riskObject(settings, mapped.dataSource) : null;
  const queryTemplate = plan.pipeline?.query_template ?? plan.queryFormat.template;
  // An aggregating query (tstats) outputs only its by-fields: the risk object must be one of them.
  const by = byFields(plan, query, enrichment, plan.pipeline?.query_template && settings?.splunk.risk ? risk?.field : undefined);
  // data_source: where the logsource's events are stored (ES|QL names its index patterns in FROM).
  // trimEnd drops exactly what /\s+$/ matches (white space and line terminators), without scanning the whole text.
  // Object.assign rather than a spread followed by new keys, which V8 (Node 20) builds key by key, many times slower.
  const queryContext = Object.assign({}, base, { by_fields: by, datamodel: table, data_source: mapped.dataSource ?? null });
  const queryText = cache.template(queryTemplate)(queryContext).trimEnd();
  if (!settings) return { text: queryText, context: base, warnings };

  return renderDeployable(
    cache,
    plan,
    rule,
    settings,
    {
      query,
      queryText,
      table,
      tables: table ? [table] : [],
      tableColumns: schemas && table ? (own(schemas, table) ?? null) : null,
      fields: fieldColumns(plan, rule),
      enrichment,
      dataSource: mapped.dataSource ?? null,
      outputColumns: null,
      risk,
      // A search (not an aggregating tstats) can be restricted to the data source's indices.
      searchPrefix: format.search_prefix && !plan.pipeline?.query_template ? splunkDataRestriction(settings, mapped.dataSource) : null,
      others: format.others ? others(settings.other_targets) : [],
      telemetry: parseTelemetry(rule),
      file,
    },
    warnings,
  );
}

/** Refuses a correlation in a format that cannot deploy one, naming the formats that can. */
export function requireCorrelationFormat(plan: ConversionPlan, c: SigmaCorrelation): void {
  if (plan.formatDef.correlations) return;
  const able = Object.entries(plan.backend.formats)
    .filter(([, f]) => f.correlations)
    .map(([n]) => n);
  throw new SigmaError(
    'unsupported-feature',
    `format '${plan.format}' cannot deploy correlation rules${plan.formatDef.correlation_refusal ? `: ${plan.formatDef.correlation_refusal}` : ''}; use ${[...able, 'query'].map((n) => `--format ${n}`).join(' or ')}`,
    c.loc,
  );
}

/**
 * A correlation rule in a deployable format: its query (already rendered) with the correlation's own
 * metadata, the tables and data sources of the rules it refers to, and the columns its query returns.
 */
export function renderCorrelationFormat(cache: ResourceCache, plan: ConversionPlan, c: SigmaCorrelation, parts: CorrelationParts): FormatOutput {
  requireCorrelationFormat(plan, c);
  if (!plan.settings) throw new SigmaError('internal', `format '${plan.format}' has no settings`);
  const rule = correlationAsRule(c);
  let settings = settingsForRule(plan.settings, rule.id);
  const warnings: string[] = [];
  // A run sees events of the last `lookback`: a window of `timespan` that began before the previous run's
  // end is only complete if lookback covers the schedule plus the timespan. The default lookback grows to
  // that; one the user set is kept, with a warning.
  const needed = settings.frequency.seconds + c.timespan.seconds;
  if (settings.lookback.seconds < needed) {
    if (userSetLookback(plan, rule.id)) {
      warnings.push(
        `correlation '${c.title}': schedule.lookback ${settings.lookback.text} is shorter than schedule.frequency ${settings.frequency.text} plus the timespan ${c.timespan.text}, so windows that straddle two runs are missed`,
      );
    } else {
      settings = { ...settings, lookback: { text: `${needed}s`, seconds: needed } };
    }
  }
  const indices = unique(parts.dataSources.flatMap((d) => d.index ?? []));
  const dataSource: DataSource | null = parts.dataSources.length ? { ...parts.dataSources[0], ...(indices.length ? { index: indices } : {}) } : null;
  return renderDeployable(
    cache,
    plan,
    rule,
    settings,
    {
      query: { stages: {}, condition: '', source: '', fields: [] },
      queryText: parts.queryText,
      table: parts.tables[0] ?? null,
      tables: unique(parts.tables),
      tableColumns: null,
      fields: [],
      enrichment: [],
      dataSource,
      outputColumns: parts.columns,
      risk: riskObject(settings, dataSource ?? undefined, parts.columns),
      searchPrefix: null,
      others: [],
      telemetry: [],
      file: parts.file,
    },
    warnings,
  );
}

function renderDeployable(cache: ResourceCache, plan: ConversionPlan, rule: SigmaRule, settings: ResolvedSettings, parts: DeployableParts, warnings: string[]): FormatOutput {
  const { backend, formatDef: format } = plan;
  const metadata = cache.metadata();
  const context = buildFormatContext({
    rule,
    ruleContext: ruleContext(rule),
    target: backend.name,
    targetDescription: backend.description,
    pipeline: plan.pipelineName,
    query: parts.query,
    queryText: parts.searchPrefix ? `${parts.searchPrefix} ${parts.queryText}` : parts.queryText,
    table: parts.table,
    tables: parts.tables,
    tableColumns: parts.tableColumns,
    fields: parts.fields,
    enrichment: parts.enrichment,
    metadata,
    settings,
    dataSource: parts.dataSource,
    outputColumns: parts.outputColumns,
    risk: parts.risk,
    others: parts.others,
    telemetry: parts.telemetry,
    file: parts.file,
  });
  // A string literal of the target's column stage (hunting's DetectionType column).
  const columnStage = backend.stages.find((st) => st.name === backend.column_stage);
  const quoting = columnStage?.quoting !== undefined ? findDialect(columnStage.dialect)?.quoting.get(columnStage.quoting) : undefined;
  context.detection_type_literal = quoting ? quotePlain(quoting, String(context.detection_type)) : null;
  warnings.push(...attackWarnings(context.attack as AttackMapping, format, metadata.attack));
  if (format.collection) return { text: '', context, warnings };
  return { text: cache.template(format.template)(context).trimEnd(), context, warnings };
}

/** The rule's enrichment flags through its pipeline (without the logsource's own conditions) and column stage. */
function renderRuleEnrichment(plan: ConversionPlan, rule: SigmaRule, warnings: string[]): RenderedFlag[] {
  const flags = parseEnrichment(rule);
  if (!flags.length) return [];
  const stageName = plan.backend.column_stage;
  const stage = stageName ? (plan.backend.stages.find((s) => s.name === stageName) ?? null) : null;
  const rendered = renderEnrichment(flags, (e) => mapExpr(plan, e, rule), stage, plan.backend.name);
  for (const f of rendered) if (f.reason && stage) warnings.push(`enrichment flag '${f.name}' is left out: ${f.reason}`);
  return rendered;
}

/** A flag is evaluated on rows the query already selected, so the logsource's extra conditions are not repeated. */
function mapExpr(plan: ConversionPlan, e: Expr, rule: SigmaRule): Expr {
  const p = plan.pipeline;
  if (!p) return e;
  return applyPipeline({ expr: e, logsource: rule.logsource, span: rule.logsourceLoc }, withoutConditions(p), plan.schemas).expr;
}

/**
 * The pipeline without the conditions it adds, made once per pipeline: a new copy per call would also start
 * the lookups memoised per pipeline definition (logsource entries, field types) afresh for every rule.
 */
function withoutConditions(p: PipelineDef): PipelineDef {
  return bareOf.get(p, '', () => ({
    ...p,
    conditions: undefined,
    logsources: p.logsources.map((l) => ({ ...l, conditions: undefined })),
    default: p.default ? { table: p.default.table } : undefined,
  }));
}

/** Derived from a loaded pipeline, which never changes: one entry per pipeline. */
const bareOf = new DerivedMemo<PipelineDef, PipelineDef>(1);

/** Where each of the rule's `fields` lives in the target (null: the pipeline has no column for it). */
function fieldColumns(plan: ConversionPlan, rule: SigmaRule): FieldColumn[] {
  return rule.fields.map((field) => {
    try {
      const cols: string[] = [];
      for (const p of predicatesOf(mapExpr(plan, fieldProbe(field, rule.loc), rule))) if (p.kind === 'exists') cols.push(p.field);
      return { field, columns: cols.length ? cols : null };
    } catch (err) {
      // The pipeline refuses the field (unmapped, or outside its field schema): it has no column.
      if (!(err instanceof SigmaError)) throw err;
      return { field, columns: null };
    }
  });
}

/**
 * The fields an aggregating query (tstats) must group by so that later stages and enrichment
 * columns still see them: every field of the condition, then those of the enrichment flags.
 */
function byFields(plan: ConversionPlan, query: RenderedQuery, flags: readonly RenderedFlag[], extra?: string): string[] {
  const stageName = plan.pipeline?.stages?.[0];
  const stage = plan.backend.stages.find((s) => (stageName ? s.name === stageName : !s.optional));
  const quote = stage ? findDialect(stage.dialect)?.field : undefined;
  const out = new Set(query.fields);
  for (const f of flags) if (f.condition !== null) for (const name of f.fields) out.add(quote?.(name) ?? name);
  if (extra !== undefined) out.add(quote?.(extra) ?? extra);
  return [...out];
}

/** ATT&CK tags a format cannot carry, or carries only in part, as warnings (text and --json). */
function attackWarnings(attack: AttackMapping, format: FormatDef, data: AttackData): string[] {
  const version = data.version;
  const out: string[] = [];
  if (format.single_tactic) {
    // One tactic field: the others travel only as the tactics of the techniques carried.
    const implied = new Set(attack.techniques.flatMap((t) => data.techniques.get(t.id)?.tactics ?? []));
    const lost = attack.tactics.slice(1).filter((t) => !implied.has(t.tag));
    if (lost.length) out.push(`ATT&CK tactics beyond the first have no place in this format and no technique of the rule implies them: ${lost.map((t) => t.name).join(', ')}`);
  }
  if (attack.unknownTags.length) out.push(`ATT&CK tags unknown to ATT&CK v${version} (and its v19 tactics), not carried by this format: ${attack.unknownTags.join(', ')}`);
  if (attack.otherTags.length && !format.carries_tags) out.push(`ATT&CK group/software/mitigation tags have no place in this format and are not carried: ${attack.otherTags.join(', ')}`);
  out.push(...attack.notes.map((n) => `ATT&CK: ${n}`));
  return out;
}

interface DeployableParts {
  readonly query: RenderedQuery;
  readonly queryText: string;
  readonly table: string | null;
  readonly tables: readonly string[];
  readonly tableColumns: Readonly<Record<string, string>> | null;
  readonly fields: readonly FieldColumn[];
  readonly enrichment: readonly RenderedFlag[];
  readonly dataSource: DataSource | null;
  readonly outputColumns: readonly string[] | null;
  readonly risk: RiskObject | null;
  /** Restriction put before the search (Splunk index / sourcetype). */
  readonly searchPrefix: string | null;
  readonly others: readonly OtherTarget[];
  readonly telemetry: readonly TelemetryRef[];
  readonly file: string;
}

/** What a correlation's deployable output is built from (src/correlation/convert-collection.ts). */
export interface CorrelationParts {
  readonly queryText: string;
  /** Tables and data sources of the rules it refers to. */
  readonly tables: readonly string[];
  readonly dataSources: readonly DataSource[];
  /** The columns its query returns (group-by columns, time). */
  readonly columns: readonly string[];
  readonly file: string;
}

export interface RiskObject {
  readonly field: string;
  readonly type: 'system' | 'user' | 'other';
}

/** The settings' risk object, else the data source's; for a correlation, only one its results keep. */
function riskObject(settings: ResolvedSettings, dataSource: DataSource | undefined, columns?: readonly string[]): RiskObject | null {
  const chosen = settings.splunk.risk_object ?? dataSource?.risk_object ?? null;
  if (!chosen || !columns) return chosen;
  if (columns.includes(chosen.field)) return chosen;
  return columns[0] ? { field: columns[0], type: 'other' } : null;
}

/** `index IN (...) sourcetype IN (...)` from the settings, else the data source (Splunk searches). */
function splunkDataRestriction(settings: ResolvedSettings, dataSource: DataSource | undefined): string | null {
  const terms: string[] = [];
  const index = settings.splunk.index ?? dataSource?.index ?? null;
  const sourcetype = settings.splunk.sourcetype ?? dataSource?.sourcetype ?? null;
  for (const [field, values] of [['index', index], ['sourcetype', sourcetype]] as const) {
    if (!values?.length) continue;
    const quoted = values.map((v) => {
      // '*' in an index or sourcetype name is Splunk's wildcard.
      const q = quoteSplunkSearch({ type: 'string', parts: v.split('*').flatMap((p, i) => (i ? [{ wildcard: 'multi' as const }, p] : [p])).filter((p) => p !== '') });
      if (q === null) throw new SigmaError('invalid-value', `${field} '${v}' cannot be written in a Splunk search`);
      return q;
    });
    terms.push(`${field} IN (${quoted.join(', ')})`);
  }
  return terms.length ? terms.join(' ') : null;
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** A correlation's metadata in the shape of a rule, for the same templates. */
function correlationAsRule(c: SigmaCorrelation): SigmaRule {
  const raw = c.raw;
  const text = (x: unknown) => (typeof x === 'string' ? x : undefined);
  const texts = (x: unknown) => (Array.isArray(x) ? x.filter((v): v is string => typeof v === 'string') : []);
  return {
    kind: 'rule',
    document: c.origin.document,
    ...(c.id !== undefined ? { id: c.id } : {}),
    ...(c.name !== undefined ? { name: c.name } : {}),
    title: c.title,
    status: text(raw.status),
    description: text(raw.description),
    author: text(raw.author),
    date: text(raw.date),
    modified: text(raw.modified),
    references: texts(raw.references),
    tags: texts(raw.tags),
    level: c.level,
    falsepositives: texts(raw.falsepositives),
    fields: [],
    logsource: {},
    detections: new Map(),
    conditions: [],
    expr: { kind: 'and', args: [] },
    unusedIdentifiers: [],
    raw,
    loc: c.loc,
    logsourceLoc: c.loc,
  };
}

/** Whether --settings sets schedule.lookback for this rule (globally or in its `rules:` entry). */
function userSetLookback(plan: ConversionPlan, id: string | undefined): boolean {
  const user = plan.userSettings;
  if (!user) return false;
  const perRule = id !== undefined && user.rules && Object.hasOwn(user.rules, id) ? user.rules[id] : undefined;
  return user.schedule?.lookback !== undefined || perRule?.schedule?.lookback !== undefined;
}

/**
 * A flag becomes a column (`extend Name = ...`, `eval Name=...`): named like a column the query reads, a
 * column of the table, a generated or a time column, it would overwrite that column for everything after it.
 */
function refuseShadowingFlags(
  flags: readonly RenderedFlag[],
  rule: SigmaRule,
  read: readonly string[],
  columns: Readonly<Record<string, string>> | undefined,
  timestamp: string | undefined,
  /** Columns the output formats generate next to the flags, and time columns (vocabulary.yml output_columns). */
  generated: readonly string[],
): void {
  const unquoted = read.map((f) => f.replace(/^\['(.*)'\]$|^`(.*)`$|^"(.*)"$/, (_m, a?: string, b?: string, c?: string) => a ?? b ?? c ?? ''));
  for (const f of flags) {
    const lower = f.name.toLowerCase();
    const clash =
      generated.some((g) => g.toLowerCase() === lower) || (timestamp !== undefined && timestamp.toLowerCase() === lower) ? 'a column the output generates or the time column'
      : read.includes(f.name) || unquoted.includes(f.name) ? 'a column the query reads'
      : columns !== undefined && Object.hasOwn(columns, f.name) ? 'a column of the table'
      : f.name.startsWith('_') ? "Splunk's internal field namespace (names starting with '_')"
      : null;
    if (clash) throw new SigmaError('invalid-rule', `custom attribute 'enrichment': flag name '${f.name}' is ${clash}, which the flag's column would replace; rename the flag (see docs/enrichment.md)`, rule.loc);
  }
}
