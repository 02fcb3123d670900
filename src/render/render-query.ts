import { SigmaError } from '../core/errors';
import { predicateField, type Expr, type SourceLocation } from '../ir/types';
import type { BackendDef, SourceDef, StageDef } from './backend-def';
import { findDialect, quotePlain } from './dialects';
import { plainSigmaString } from '../rule/sigma-string';
import { fillTemplate } from './render-expr';
import { renderStages } from './split-stages';
import { predicatesOf } from '../ir/visit';

export interface RenderedQuery {
  /** The condition text per stage name (e.g. { where } or { search, where }). */
  readonly stages: Readonly<Record<string, string>>;
  /** The first stage's condition, for single-stage targets. */
  readonly condition: string;
  /** The rendered source clause: KQL table, Splunk index restriction, EQL event category. */
  readonly source: string;
  /** Every target field the condition reads, quoted for the first stage, in order of appearance. */
  readonly fields: readonly string[];
}

export interface SourceOptions {
  /** The pipeline's table (data source) for the rule's logsource. */
  readonly pipelineTable?: string;
  /** --table and --index. */
  readonly table?: string;
  readonly index?: string;
  /** Where the rule names its logsource: the location of a source written as a condition. */
  readonly logsourceLoc?: SourceLocation;
}

/** Renders the condition for every stage and the source clause, ready for a query template. */
export function renderQuery(expr: Expr, backend: BackendDef, src: SourceOptions, stageNames?: readonly string[]): RenderedQuery {
  const selected = stageNames
    ? stageNames.map((n) => {
        const s = backend.stages.find((st) => st.name === n);
        if (!s) throw new SigmaError('pipeline-definition', `the pipeline asks for stage '${n}', which target '${backend.name}' does not have`);
        return s;
      })
    : backend.stages.filter((s) => !s.optional);
  const first = selected[0];
  if (!first) throw new SigmaError('backend-definition', `backend '${backend.name}' has no stages`);
  let stages: Record<string, string>;
  expr = withSourceCondition(expr, backend.source, src);
  if (expr.kind === 'const') {
    if (!expr.value) {
      throw new SigmaError('unsupported-feature', 'the rule can never match with this pipeline (its logsource excludes every value the rule asks for)');
    }
    stages = {};
  } else {
    stages = renderStages(expr, selected, backend.name);
  }
  const dialect = findDialect(first.dialect);
  const fields = exprFields(expr).map((f) => dialect?.field(f) ?? f);
  return { stages, condition: stages[first.name] ?? '', source: renderSource(backend, first, src), fields };
}

/** The source's name, from the places the backend lists (first found wins). */
export function sourceName(source: SourceDef, src: SourceOptions): string | undefined {
  for (const from of source.from) {
    const name = from === 'pipeline' ? src.pipelineTable : from === 'table' ? src.table : src.index;
    if (name) return name;
  }
  return undefined;
}

/**
 * A source written as a condition (`source: {field: event.category}`: Lucene and ES|QL, where EQL writes
 * `process where`): `field` equal to the name (exact: a cased match), ANDed to the query; the name `every`
 * stands for every source and adds nothing.
 */
function withSourceCondition(expr: Expr, source: SourceDef, src: SourceOptions): Expr {
  const name = source.field === undefined ? undefined : sourceName(source, src);
  if (source.field === undefined || !name || name === source.every || (expr.kind === 'const' && !expr.value)) return expr;
  const restriction: Expr = { kind: 'match', field: source.field, value: plainSigmaString(name), cased: true, loc: src.logsourceLoc ?? { line: 1, col: 1 } };
  return expr.kind === 'const' ? restriction : { kind: 'and', args: [restriction, ...(expr.kind === 'and' ? expr.args : [expr])] };
}

/** The source clause as the backend's `source:` says: where the name comes from, how it is quoted, its template. */
function renderSource(backend: BackendDef, first: StageDef, src: SourceOptions): string {
  const source = backend.source;
  if (source.field !== undefined) return '';
  const name = sourceName(source, src) ?? source.default;
  if (name === undefined) {
    if (!source.required) return '';
    const options = source.from.filter((f) => f !== 'pipeline').map((f) => `--${f} NAME`);
    throw new SigmaError('unknown-logsource', `target '${backend.name}' needs ${source.what}: give ${options.join(' or ')} (required with --pipeline none)`);
  }
  const dialect = findDialect(first.dialect);
  const quoting = source.quoting === 'field' || source.quoting === undefined ? undefined : dialect?.quoting.get(source.quoting);
  const quoted = source.quoting === 'field' ? (dialect?.field(name) ?? null) : quoting ? quotePlain(quoting, name) : null;
  if (quoted === null) throw new SigmaError('invalid-value', `'${name}' cannot be used as ${source.what}`);
  return source.template === undefined ? quoted : fillTemplate(source.template, { name: quoted });
}

/** The distinct fields an expression reads (fieldrefs included), in order of appearance. */
export function exprFields(e: Expr): string[] {
  const out = new Set<string>();
  for (const p of predicatesOf(e)) {
    const field = predicateField(p);
    if (field !== null) out.add(field);
    if (p.kind === 'fieldref') out.add(p.other);
  }
  return [...out];
}
