import { toDiagnostic, type Diagnostic } from '../core/errors';
import type { ResourceLoader } from '../core/resources';
import { ResourceCache } from '../conversion/resource-cache';
import { applyPipeline, identityPipeline, ruleInput } from '../pipeline/apply-pipeline';
import type { Placeholders } from '../rule/modifiers';
import type { PipelineSource } from '../pipeline/merge-pipeline';
import type { LogSource } from '../rule/model';
import { parseRule, requireRuleDocument } from '../rule/parse-rule';
import { parseYamlDocuments } from '../rule/yaml-source';
import type { SigmaFilter } from '../correlation/model';
import { applyFilters } from '../correlation/convert-collection';
import type { EventAccessor } from './event-accessor';
import { compileExpr } from './evaluate-expr';
import { classifyEvent, compileLogsourceFilter, loadLogsourceMap, type LogsourceMap } from './logsource-map';

export interface TestOptions {
  /** A pipeline name or sources (built-in first, then files), or 'none' / undefined to evaluate the rule's own field names. */
  readonly pipeline?: string | readonly PipelineSource[];
  readonly placeholders?: Placeholders;
  /** Values one rule may expand to in total (core/limits.ts). */
  readonly maxAlternatives?: number;
  /** Filter documents of the run: each applies to the rules it names, as in conversion. */
  readonly filters?: readonly SigmaFilter[];
}

/** One rule made ready for evaluation (or the reason it cannot be evaluated). */
export interface PreparedRule {
  readonly file: string;
  readonly document: number;
  readonly id: string | null;
  readonly title: string | null;
  readonly pipeline: string;
  readonly logsource: LogSource;
  readonly errors: readonly Diagnostic[];
  /** The whole verdict: the event is of the rule's logsource and satisfies its (mapped) condition. */
  matches(event: PreparedEvent): boolean;
}

/** An event with what is computed once for every rule: its accessor and the logsources it says it is of. */
export interface PreparedEvent {
  readonly accessor: EventAccessor;
  readonly sources: readonly number[];
}

/** Columns that name the table a row comes from (Defender XDR exports; Sentinel / Log Analytics). */
const TABLE_COLUMNS = ['Table', 'Type'] as const;

/**
 * Evaluates Sigma rules on events through the same IR, and with `pipeline` the same mapped IR, that the
 * backends render. Definitions are loaded once per tester; preparing a rule compiles it once.
 */
export class RuleTester {
  private readonly resources: ResourceCache;
  private map: LogsourceMap | null = null;

  constructor(loader: ResourceLoader) {
    this.resources = new ResourceCache(loader);
  }

  /** Loads a pipeline before any rule is read (unknown names, invalid files are usage errors); returns its name. */
  checkPipeline(sources: string | readonly PipelineSource[] | undefined): string {
    if (sources === undefined || sources === 'none') return 'none';
    const def = this.resources.resolvePipeline(sources);
    this.resources.schemasFor(def);
    return def.name;
  }

  logsourceMap(): LogsourceMap {
    if (!this.map) this.map = loadLogsourceMap(this.resources.loader);
    return this.map;
  }

  prepareEvent(accessor: EventAccessor): PreparedEvent {
    return { accessor, sources: classifyEvent(this.logsourceMap(), accessor) };
  }

  /** Prepares every document of one rule file; a document that cannot be evaluated carries its errors. */
  prepareText(text: string, file: string, options: TestOptions = {}): PreparedRule[] {
    const lines = text.split('\n');
    const sources = options.pipeline ?? 'none';
    const pipelineName = sources === 'none' ? 'none' : this.resources.resolvePipeline(sources).name;
    return parseYamlDocuments(text).map((doc): PreparedRule => {
      const meta = documentMeta(doc.value);
      const base = { file, document: doc.index, id: meta.id, title: meta.title, pipeline: pipelineName };
      try {
        requireRuleDocument(doc, "'test'");
        const parsed = parseRule(doc, lines, { placeholders: options.placeholders, maxAlternatives: options.maxAlternatives });
        const named = (options.filters ?? []).filter((f) => f.rules.some((r) => r.ref === parsed.id || r.ref === parsed.name));
        const rule = applyFilters(parsed, named);
        let table: string | undefined;
        let expr = identityPipeline(ruleInput(rule)).expr;
        if (sources !== 'none') {
          const def = this.resources.resolvePipeline(sources);
          const mapped = applyPipeline(ruleInput(rule), def, this.resources.schemasFor(def));
          expr = mapped.expr;
          table = mapped.table;
        }
        const condition = compileExpr(expr);
        const ofLogsource = compileLogsourceFilter(this.logsourceMap(), rule.logsource);
        const wantedTable = table?.toLowerCase();
        const ofTable = wantedTable === undefined ? () => true : (ev: EventAccessor) => tableMatches(ev, wantedTable);
        return {
          ...base,
          logsource: rule.logsource,
          errors: [],
          matches: (ev) => ofLogsource(ev.sources) && ofTable(ev.accessor) && condition(ev.accessor),
        };
      } catch (err) {
        return { ...base, logsource: {}, errors: [toDiagnostic(err)], matches: () => false };
      }
    });
  }
}

/** A row that names its table must come from the table the pipeline chose for the rule's logsource. */
function tableMatches(ev: EventAccessor, wanted: string): boolean {
  for (const column of TABLE_COLUMNS) {
    const v = ev.get(column);
    if (typeof v === 'string') return v.toLowerCase() === wanted;
  }
  return true;
}

function documentMeta(value: unknown): { id: string | null; title: string | null } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { id: null, title: null };
  const v = value as Record<string, unknown>;
  const s = (x: unknown) => (typeof x === 'string' || typeof x === 'number' ? String(x) : null);
  return { id: s(v.id), title: s(v.title) };
}
