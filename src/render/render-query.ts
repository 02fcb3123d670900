import { SigmaError } from '../core/errors';
import { isPredicate, predicateField, type Expr } from '../ir/types';
import { plainSigmaString } from '../rule/sigma-string';
import type { BackendDef } from './backend-def';
import { QUOTING } from './escape';
import { renderStages } from './split-stages';

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
  readonly table?: string; // from the pipeline or --table
  readonly index?: string;
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
  // The table as a condition (ECS event.category for Lucene and ES|QL, where EQL writes `process where`).
  // `any` is the pipelines' word for every table. Exact values: a cased match.
  if (backend.source_option === 'condition' && backend.source_field && src.table && src.table !== 'any' && !(expr.kind === 'const' && !expr.value)) {
    const restriction: Expr = { kind: 'match', field: backend.source_field, value: plainSigmaString(src.table), cased: true };
    expr = expr.kind === 'const' ? restriction : { kind: 'and', args: [restriction, ...(expr.kind === 'and' ? expr.args : [expr])] };
  }
  if (expr.kind === 'const') {
    if (!expr.value) {
      throw new SigmaError('unsupported-feature', 'the rule can never match with this pipeline (its logsource excludes every value the rule asks for)');
    }
    stages = {};
  } else {
    stages = renderStages(expr, selected, backend.name);
  }
  const quote = QUOTING.field[first.field_quoting];
  const fields = exprFields(expr).map((f) => quote?.(f) ?? f);
  return { stages, condition: stages[first.name] ?? '', source: renderSource(backend, first.field_quoting, src), fields };
}

function renderSource(backend: BackendDef, fieldQuoting: string, src: SourceOptions): string {
  switch (backend.source_option) {
    case 'table': {
      if (!src.table) {
        throw new SigmaError('unknown-logsource', `target '${backend.name}' needs a table: give --table NAME (required with --pipeline none)`);
      }
      const quoted = QUOTING.field[fieldQuoting]?.(src.table);
      if (!quoted) throw new SigmaError('invalid-value', `'${src.table}' cannot be used as a table name`);
      return quoted;
    }
    case 'index': {
      if (!src.index) return '';
      const quoted = QUOTING.pattern['splunk-search']?.({ type: 'string', parts: [src.index] });
      if (!quoted) throw new SigmaError('invalid-value', `'${src.index}' cannot be used as an index name`);
      return `index=${quoted}`;
    }
    case 'condition':
      return '';
    case 'category': {
      const category = src.table ?? 'any';
      if (!/^[a-z_][a-z0-9_]*$/i.test(category)) throw new SigmaError('invalid-value', `'${category}' is not a valid EQL event category`);
      return category;
    }
  }
}

/** The distinct fields an expression reads (fieldrefs included), in order of appearance. */
export function exprFields(e: Expr): string[] {
  const out = new Set<string>();
  const walk = (x: Expr): void => {
    if (x.kind === 'and' || x.kind === 'or') x.args.forEach(walk);
    else if (x.kind === 'not') walk(x.arg);
    else if (isPredicate(x)) {
      const field = predicateField(x);
      if (field !== null) out.add(field);
      if (x.kind === 'fieldref') out.add(x.other);
    }
  };
  walk(e);
  return [...out];
}
