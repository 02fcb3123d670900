import { SigmaError } from '../core/errors';
import type { Expr } from '../ir/types';
import type { SigmaRule } from '../rule/model';
import { listTargets, sourceTable, type BackendDef, type FormatDef } from '../render/backend-def';
import type { RenderedQuery } from '../render/render-query';
import { quoteSplunkSearch } from '../render/escape';
import { findDialect, quotePlain } from '../render/dialects';
import type { SigmaCorrelation } from '../correlation/model';
import type { DataSource } from '../pipeline/types';
import type { TelemetryRef } from './telemetry';
import { applyPipeline, type PipelineResult } from '../pipeline/apply-pipeline';
import type { PipelineDef } from '../pipeline/types';
import type { Converter, ConvertOptions } from '../convert';
import { ruleContext } from '../convert';
import { parseEnrichment, renderEnrichment, type RenderedFlag } from './enrichment';
import type { AttackMapping } from './attack-mapping';
import { buildFormatContext, fieldProbe, type FieldColumn, type OtherTarget } from './format-context';
import { loadMetadata, type AttackData, type Metadata } from './metadata';
import { loadDefaultSettings, mergeSettings, settingsForRule, type ResolvedSettings, type Settings } from './settings';
import { parseTelemetry } from './telemetry';
import { own } from '../core/own';

export interface Resolved {
  readonly backend: BackendDef;
  readonly pipeline: PipelineDef | null;
  readonly pipelineName: string;
  readonly format: string;
}

export interface FormatOutput {
  readonly text: string;
  /** The full template context of the rule (collection formats render from the contexts of all rules). */
  readonly context: Record<string, unknown>;
  readonly warnings: readonly string[];
}

/**
 * Renders a converted rule through its output format. Metadata and default settings are loaded once per
 * Converter (through its loader), so the core stays free of file system access and global state.
 */
export class FormatRenderer {
  private metadataCache: Metadata | null = null;
  private defaultsCache: Settings | null = null;

  constructor(private readonly converter: Converter) {}

  metadata(): Metadata {
    this.metadataCache ??= loadMetadata(this.converter.loader);
    return this.metadataCache;
  }

  settings(options: ConvertOptions): Settings {
    this.defaultsCache ??= loadDefaultSettings(this.converter.loader);
    return mergeSettings(this.defaultsCache, options.settings);
  }

  /** Targets are the backends/*.yml files. */
  targets(): string[] {
    return listTargets(this.converter.loader);
  }

  render(rule: SigmaRule, options: ConvertOptions, resolved: Resolved, mapped: PipelineResult, query: RenderedQuery, file = ''): FormatOutput {
    const { backend } = resolved;
    const warnings: string[] = [];
    const table = mapped.table ?? sourceTable(backend, options) ?? null;
    const enrichment = this.enrichment(rule, resolved, warnings);
    const schemas = resolved.pipeline ? this.converter.schemasFor(resolved.pipeline) : null;
    refuseShadowingFlags(enrichment, rule, [...query.fields], schemas && table ? own(schemas, table) : undefined, resolved.pipeline?.timestamp);
    const base = {
      ...query,
      rule: ruleContext(rule),
      target: backend.name,
      pipeline: resolved.pipelineName,
      enrichment,
      computed_flags: enrichment.filter((f) => f.condition !== null),
    };
    const format = requireFormat(backend, resolved.format);
    const deployable = resolved.format !== 'query' || format.collection === true;
    const settings = deployable ? settingsForRule(this.settings(options), rule.id) : null;
    const risk = settings ? riskObject(settings, mapped.dataSource) : null;
    const queryFormat = requireFormat(backend, 'query');
    const queryTemplate = resolved.pipeline?.query_template ?? queryFormat.template;
    // An aggregating query (tstats) outputs only its by-fields: the risk object must be one of them.
    const by = byFields(resolved, query, enrichment, resolved.pipeline?.query_template && settings?.splunk.risk ? risk?.field : undefined);
    // data_source: where the logsource's events are stored (ES|QL names its index patterns in FROM).
    const queryText = this.converter.template(queryTemplate)({ ...base, by_fields: by, datamodel: table, data_source: mapped.dataSource ?? null }).replace(/\s+$/, '');
    if (!settings) return { text: queryText, context: base, warnings };

    return this.renderDeployable(
      rule,
      resolved,
      format,
      settings,
      {
        query,
        queryText,
        table,
        tables: table ? [table] : [],
        tableColumns: schemas && table ? (own(schemas, table) ?? null) : null,
        fields: this.fieldColumns(rule, resolved),
        enrichment,
        dataSource: mapped.dataSource ?? null,
        outputColumns: null,
        risk,
        // A search (not an aggregating tstats) can be restricted to the data source's indices.
        searchPrefix: format.search_prefix && !resolved.pipeline?.query_template ? splunkDataRestriction(settings, mapped.dataSource) : null,
        others: format.others ? this.otherTargets(rule, options, backend.name, settings.other_targets) : [],
        telemetry: parseTelemetry(rule),
        file,
      },
      warnings,
    );
  }

  /**
   * A correlation rule in a deployable format: its query (already rendered) with the correlation's own
   * metadata, the tables and data sources of the rules it refers to, and the columns its query returns.
   */
  renderCorrelation(c: SigmaCorrelation, options: ConvertOptions, resolved: Resolved, parts: CorrelationParts): FormatOutput {
    const format = requireFormat(resolved.backend, resolved.format);
    if (!format.correlations) {
      const able = Object.entries(resolved.backend.formats)
        .filter(([, f]) => f.correlations)
        .map(([n]) => n);
      throw new SigmaError(
        'unsupported-feature',
        `format '${resolved.format}' cannot deploy correlation rules${format.correlation_refusal ? `: ${format.correlation_refusal}` : ''}; use ${[...able, 'query'].map((n) => `--format ${n}`).join(' or ')}`,
        c.loc,
      );
    }
    const rule = correlationAsRule(c);
    let settings = settingsForRule(this.settings(options), rule.id);
    const warnings: string[] = [];
    // A run sees events of the last `lookback`: a window of `timespan` that began before the previous run's
    // end is only complete if lookback covers the schedule plus the timespan. The default lookback grows to
    // that; one the user set is kept, with a warning.
    const needed = settings.frequency.seconds + c.timespan.seconds;
    if (settings.lookback.seconds < needed) {
      if (userSetLookback(options, rule.id)) {
        warnings.push(
          `correlation '${c.title}': schedule.lookback ${settings.lookback.text} is shorter than schedule.frequency ${settings.frequency.text} plus the timespan ${c.timespan.text}, so windows that straddle two runs are missed`,
        );
      } else {
        settings = { ...settings, lookback: { text: `${needed}s`, seconds: needed } };
      }
    }
    const indices = unique(parts.dataSources.flatMap((d) => d.index ?? []));
    const dataSource: DataSource | null = parts.dataSources.length ? { ...parts.dataSources[0], ...(indices.length ? { index: indices } : {}) } : null;
    return this.renderDeployable(
      rule,
      resolved,
      format,
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

  private renderDeployable(rule: SigmaRule, resolved: Resolved, format: FormatDef, settings: ResolvedSettings, parts: DeployableParts, warnings: string[]): FormatOutput {
    const { backend } = resolved;
    const context = buildFormatContext({
      rule,
      ruleContext: ruleContext(rule),
      target: backend.name,
      targetDescription: backend.description,
      pipeline: resolved.pipelineName,
      query: parts.query,
      queryText: parts.searchPrefix ? `${parts.searchPrefix} ${parts.queryText}` : parts.queryText,
      table: parts.table,
      tables: parts.tables,
      tableColumns: parts.tableColumns,
      fields: parts.fields,
      enrichment: parts.enrichment,
      metadata: this.metadata(),
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
    warnings.push(...attackWarnings(context.attack as AttackMapping, format, this.metadata().attack));
    if (format.collection) return { text: '', context, warnings };
    return { text: this.converter.template(format.template)(context).replace(/\s+$/, ''), context, warnings };
  }

  /** The rule's enrichment flags through its pipeline (without the logsource's own conditions) and column stage. */
  private enrichment(rule: SigmaRule, resolved: Resolved, warnings: string[]): RenderedFlag[] {
    const flags = parseEnrichment(rule);
    if (!flags.length) return [];
    const stageName = resolved.backend.column_stage;
    const stage = stageName ? (resolved.backend.stages.find((s) => s.name === stageName) ?? null) : null;
    const rendered = renderEnrichment(flags, (e) => this.mapExpr(e, rule, resolved), stage, resolved.backend.name);
    for (const f of rendered) if (f.reason && stage) warnings.push(`enrichment flag '${f.name}' is left out: ${f.reason}`);
    return rendered;
  }

  /** A flag is evaluated on rows the query already selected, so the logsource's extra conditions are not repeated. */
  private mapExpr(e: Expr, rule: SigmaRule, resolved: Resolved): Expr {
    const p = resolved.pipeline;
    if (!p) return e;
    const bare: PipelineDef = { ...p, conditions: undefined, logsources: p.logsources.map((l) => ({ ...l, conditions: undefined })), default: p.default ? { table: p.default.table } : undefined };
    return applyPipeline({ expr: e, logsource: rule.logsource }, bare, this.converter.schemasFor(p)).expr;
  }

  /** Where each of the rule's `fields` lives in the target (null: the pipeline has no column for it). */
  private fieldColumns(rule: SigmaRule, resolved: Resolved): FieldColumn[] {
    return rule.fields.map((field) => {
      try {
        const cols: string[] = [];
        const walk = (e: Expr): void => {
          if (e.kind === 'exists') cols.push(e.field);
          else if (e.kind === 'and' || e.kind === 'or') e.args.forEach(walk);
        };
        walk(this.mapExpr(fieldProbe(field), rule, resolved));
        return { field, columns: cols.length ? cols : null };
      } catch {
        return { field, columns: null };
      }
    });
  }

  /** The rule's query for every other target with its default pipeline; a refusal keeps its message. */
  /** The rule converted for the other targets: those the settings name (in their order), else every target. */
  private otherTargets(rule: SigmaRule, options: ConvertOptions, self: string, named: readonly string[] | null): OtherTarget[] {
    const all = this.targets();
    for (const t of named ?? []) {
      if (!all.includes(t)) throw new SigmaError('invalid-value', `settings other_targets: unknown target '${t}'; available: ${all.join(', ')}`);
    }
    return (named ?? all)
      .filter((t) => t !== self)
      .map((target) => {
        const opts: ConvertOptions = { target, placeholders: options.placeholders, settings: options.settings, format: 'query', limits: options.limits };
        let pipeline = '';
        let description = target;
        try {
          const resolved = this.converter.resolveOptions(opts);
          pipeline = resolved.pipelineName;
          description = resolved.backend.description;
          const converted = this.converter.convertRule(rule, opts, resolved);
          return { target, description, pipeline, table: converted.mapped.table ?? null, ok: true, query: converted.text, error: null };
        } catch (err) {
          return { target, description, pipeline, table: null, ok: false, query: null, error: (err as Error).message };
        }
      });
  }
}

function requireFormat(backend: BackendDef, name: string): FormatDef {
  const f = own(backend.formats, name);
  if (!f) throw new SigmaError('unsupported-feature', `target '${backend.name}' has no format '${name}'`);
  return f;
}

/**
 * The fields an aggregating query (tstats) must group by so that later stages and enrichment
 * columns still see them: every field of the condition, then those of the enrichment flags.
 */
function byFields(resolved: Resolved, query: RenderedQuery, flags: readonly RenderedFlag[], extra?: string): string[] {
  const stageName = resolved.pipeline?.stages?.[0];
  const stage = resolved.backend.stages.find((s) => (stageName ? s.name === stageName : !s.optional));
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
    ...(c.loc ? { loc: c.loc } : {}),
  } as SigmaRule;
}

/** Whether --settings sets schedule.lookback for this rule (globally or in its `rules:` entry). */
function userSetLookback(options: ConvertOptions, id: string | undefined): boolean {
  const user = options.settings;
  if (!user) return false;
  const perRule = id !== undefined && user.rules && Object.hasOwn(user.rules, id) ? user.rules[id] : undefined;
  return user.schedule?.lookback !== undefined || perRule?.schedule?.lookback !== undefined;
}

/** Columns the output formats generate next to the flags (hunting's DetectionType, correlations' rule name) and time columns. */
const GENERATED_COLUMNS = ['DetectionType', 'sigma_rule', 'Timestamp', 'TimeGenerated', '_time', '@timestamp'];

/**
 * A flag becomes a column (`extend Name = ...`, `eval Name=...`): named like a column the query reads, a
 * column of the table, a generated or a time column, it would overwrite that column for everything after it.
 */
function refuseShadowingFlags(flags: readonly RenderedFlag[], rule: SigmaRule, read: readonly string[], columns: Readonly<Record<string, string>> | undefined, timestamp: string | undefined): void {
  const unquoted = read.map((f) => f.replace(/^\['(.*)'\]$|^`(.*)`$|^"(.*)"$/, (_m, a?: string, b?: string, c?: string) => a ?? b ?? c ?? ''));
  for (const f of flags) {
    const lower = f.name.toLowerCase();
    const clash =
      GENERATED_COLUMNS.some((g) => g.toLowerCase() === lower) || (timestamp !== undefined && timestamp.toLowerCase() === lower) ? 'a column the output generates or the time column'
      : read.includes(f.name) || unquoted.includes(f.name) ? 'a column the query reads'
      : columns !== undefined && Object.hasOwn(columns, f.name) ? 'a column of the table'
      : f.name.startsWith('_') ? "Splunk's internal field namespace (names starting with '_')"
      : null;
    if (clash) throw new SigmaError('invalid-rule', `custom attribute 'enrichment': flag name '${f.name}' is ${clash}, which the flag's column would replace; rename the flag (see docs/enrichment.md)`, rule.loc);
  }
}
