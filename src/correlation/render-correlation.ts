import { SigmaError } from '../core/errors';
import type { SourceLocation } from '../ir/types';
import type { PipelineDef, TableSchemas } from '../pipeline/types';
import { findDialect, quotePlain } from '../render/dialects';
import { fillTemplate } from '../render/render-expr';
import type { TemplateFn } from '../render/handlebars';
import type { SigmaRule } from '../rule/model';
import type { CorrelationDef } from './correlation-def';
import { mapRuleField } from './field-map';
import type { CorrelationType, SigmaCorrelation, Threshold } from './model';
import type { Referable, RuleSet } from './rule-set';
import { own } from '../core/own';

/** What rendering a correlation needs from the converter, for one target and pipeline. */
export interface CorrelationEnv {
  readonly target: string;
  readonly set: RuleSet;
  readonly def: CorrelationDef;
  readonly pipeline: PipelineDef | null;
  readonly pipelineName: string;
  readonly schemas: TableSchemas | null;
  /** The rule's plain query (filters applied), as the `query` format prints it. */
  convertRule(rule: SigmaRule): { readonly text: string; readonly warnings: readonly string[] };
  template(path: string): TemplateFn;
}

export interface RenderedCorrelation {
  /** Named subqueries the body refers to (KQL `let` statements), innermost first. */
  readonly bindings: readonly string[];
  /** The query itself: a tabular expression producing one row per firing. */
  readonly body: string;
  /** Output column per Sigma group-by name. */
  readonly columns: ReadonlyMap<string, string>;
  readonly warnings: readonly string[];
}

/** The aggregated column each type compares with its condition. */
const RESULT_COLUMN: Readonly<Record<CorrelationType, string>> = {
  event_count: 'event_count',
  value_count: 'value_count',
  temporal: 'rule_count',
  temporal_ordered: 'rule_count',
  value_sum: 'value_sum',
  value_avg: 'value_avg',
  value_percentile: 'value_percentile',
  value_median: 'value_percentile',
};

interface Column {
  readonly name: string;
  readonly expr: string;
  readonly same: boolean;
}

/** Renders a correlation and, through it, every rule and correlation it refers to. */
export function renderCorrelation(c: SigmaCorrelation, env: CorrelationEnv, counter = { next: 0 }): RenderedCorrelation {
  const { def, target } = env;
  const typeDef = def.types[c.type];
  const pair = `correlation type '${c.type}' with target '${target}'`;
  if (!typeDef) throw new SigmaError('unsupported-feature', `${pair} is not supported`, c.loc);
  if ('refuse' in typeDef) throw new SigmaError('unsupported-feature', `${pair} is not supported: ${typeDef.refuse}`, c.loc);
  if (env.pipeline?.query_template) {
    // Such a pipeline's queries already aggregate (tstats): counting their rows again would count groups, not events.
    throw new SigmaError(
      'unsupported-feature',
      `${pair} is not supported with pipeline '${env.pipeline.name}', whose queries aggregate; use the target's event-level pipeline`,
      c.loc,
    );
  }

  // The backend loader checked both names (src/render/backend-def.ts).
  const dialect = findDialect(def.dialect);
  const quoting = dialect?.quoting.get(def.quoting);
  const field = (name: string): string => quote(dialect?.field, name, 'column name', c.loc);
  const literal = (text: string): string => quote(quoting && ((t: string) => quotePlain(quoting, t)), text, 'string', c.loc);
  const timestampOf = (): string => env.pipeline?.timestamp ?? def.default_timestamp;
  const warnings: string[] = [];
  const bindings: string[] = [];

  const resolved = c.rules.map((ref) => ({ ref, target: env.set.resolve(ref, `correlation '${c.title}'`) }));
  const sources = resolved.map(({ ref, target: src }, index) => {
    const inner = src.kind === 'correlation' ? renderCorrelation(src.correlation, env, counter) : null;
    let query: string;
    if (inner) {
      bindings.push(...inner.bindings);
      query = inner.body;
      warnings.push(...inner.warnings);
    } else {
      const rule = (src as Extract<Referable, { kind: 'rule' }>).rule;
      let converted: { text: string; warnings: readonly string[] };
      try {
        converted = env.convertRule(rule);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new SigmaError(err instanceof SigmaError ? err.code : 'internal', `rule '${rule.title}' used by this correlation cannot be converted: ${message}`, ref.loc);
      }
      query = converted.text;
      warnings.push(...converted.warnings);
    }
    const sourceColumn = (sigmaField: string, loc?: SourceLocation): string => {
      if (inner) {
        const col = inner.columns.get(sigmaField);
        if (!col) {
          throw new SigmaError('correlation', `correlation '${(src as Extract<Referable, { kind: 'correlation' }>).correlation.title}' does not keep field '${sigmaField}' (it groups by ${[...inner.columns.keys()].join(', ')}); an outer correlation can only group by those`, loc);
        }
        return col;
      }
      return mapRuleField((src as Extract<Referable, { kind: 'rule' }>).rule, sigmaField, env.pipeline, env.schemas, loc);
    };
    const groupFields = c.groupBy.map((g) => {
      const alias = c.aliases.get(g);
      if (!alias) return { group: g, column: sourceColumn(g, c.loc) };
      const item = src.kind === 'rule' ? src.rule : src.correlation;
      const aliased = (item.name !== undefined ? alias.get(item.name) : undefined) ?? (item.id !== undefined ? alias.get(item.id) : undefined);
      if (!aliased) throw new SigmaError('correlation', `alias '${g}' gives no field for rule '${ref.ref}'; add '${ref.ref}: <field>' under aliases.${g}`, ref.loc);
      return { group: g, column: sourceColumn(aliased, c.loc) };
    });
    const valueColumn = c.field !== undefined ? sourceColumn(c.field, c.loc) : undefined;
    const item = src.kind === 'rule' ? src.rule : src.correlation;
    return { index, ref, src, query, groupFields, valueColumn, label: item.name ?? item.id ?? item.title };
  });

  // One output column per group-by name: the common column when every source agrees, else the Sigma name.
  const outGroup = c.groupBy.map((g, i) => {
    const cols = new Set(sources.map((s) => s.groupFields[i]?.column));
    return c.aliases.has(g) || cols.size !== 1 ? g : (sources[0]?.groupFields[i]?.column as string);
  });
  refuseGeneratedNames(c, [...outGroup, ...(c.field !== undefined ? [c.field] : [])], def, timestampOf());
  // An alias column is written over the source rows: it must not replace a column another group-by or the value reads.
  c.groupBy.forEach((g, i) => {
    if (!c.aliases.has(g)) return;
    const read = sources.flatMap((s) => [...s.groupFields.filter((_f, j) => j !== i).map((f) => f.column), ...(s.valueColumn !== undefined ? [s.valueColumn] : [])]);
    if (read.includes(g)) throw new SigmaError('correlation', `alias '${g}' of correlation '${c.title}' is also a column the correlation reads from the events; rename the alias`, c.loc);
  });
  const valueCols = new Set(sources.map((s) => s.valueColumn));
  const outValue = c.field === undefined ? undefined : valueCols.size === 1 ? (sources[0]?.valueColumn as string) : c.field;
  const timestamp = timestampOf();

  const single = sources.length === 1;
  const needBinding = !single || c.type === 'temporal_ordered';
  const sourceContexts = sources.map((s) => {
    let name: string | null = null;
    if (needBinding && def.bind) {
      name = `sigma_${counter.next++}`;
      bindings.push(fillTemplate(def.bind, { name, query: s.query }));
    } else if (needBinding && sources.some((x) => x.src.kind === 'correlation')) {
      throw new SigmaError('unsupported-feature', `correlation type '${c.type}' with target '${target}' cannot combine the result of another correlation with further rules`, c.loc);
    }
    const columns: Column[] = s.groupFields.map((g, i) => ({ name: field(outGroup[i] as string), expr: field(g.column), same: outGroup[i] === g.column }));
    const value: Column | null = s.valueColumn !== undefined && outValue !== undefined ? { name: field(outValue), expr: field(s.valueColumn), same: outValue === s.valueColumn } : null;
    return {
      index: s.index,
      previous: s.index - 1,
      name,
      query: s.query,
      label: literal(s.label),
      columns,
      value,
      renames: [...columns, ...(value ? [value] : [])].filter((col) => !col.same),
      keys: columns.map((col) => col.expr).join(', '),
    };
  });

  const resultColumn = RESULT_COLUMN[c.type];
  const condition: readonly Threshold[] = c.condition.length ? c.condition : [{ op: 'gte', value: c.rules.length }];
  const threshold = condition.map((t) => `${resultColumn} ${def.compare_ops[t.op]} ${t.value}`).join(def.and);
  const window = def.windows?.[c.type];
  if (window === 'fixed') {
    warnings.push(
      `correlation '${c.title}': ${target} counts in fixed ${c.timespan.text} windows aligned to the clock, so events closer than ${c.timespan.text} but on both sides of a window edge are not correlated (see docs/correlations.md)`,
    );
  }
  const context = {
    type: c.type,
    title: c.title,
    single,
    sameKeys: outGroup.every((g, i) => sources.every((s) => s.groupFields[i]?.column === g)) && !c.aliases.size,
    sources: sourceContexts,
    timestamp: field(timestamp),
    ruleColumn: field(def.rule_column),
    groupBy: outGroup.map(field),
    by: outGroup.map(field).join(', '),
    bySpace: outGroup.map(field).join(' '),
    lastIndex: sources.length - 1,
    span: fillTemplate(def.span, { amount: String(c.timespan.amount), unit: own(def.units, c.timespan.unit) ?? c.timespan.unit, seconds: String(c.timespan.seconds) }),
    spanSeconds: c.timespan.seconds,
    threshold,
    resultColumn,
    field: outValue !== undefined ? field(outValue) : null,
    percentile: c.percentile ?? null,
    ruleCount: c.rules.length,
    input: '',
  };
  // Targets without an input template (EQL) only have types whose template reads the sources itself.
  context.input = def.input ? env.template(def.input)(context).replace(/\s+$/, '') : single ? (sourceContexts[0]?.query ?? '') : '';
  const body = env.template(typeDef.template)(context).replace(/\s+$/, '');
  const columns = new Map(c.groupBy.map((g, i) => [g, outGroup[i] as string]));
  return { bindings, body, columns, warnings };
}

/** Columns the correlation templates create (aggregates, window and sequence bookkeeping, the rule-name column). */
const GENERATED_COLUMNS = new Set(['window_start', 'sequence_start', 'next_time', 'value_list', ...Object.values(RESULT_COLUMN)]);
const GENERATED_PREFIXES = /^(sequence_step_|sequence_prev_|sigma_\d)/;

/**
 * A group-by or alias name becomes an output column next to the columns the query generates: one named
 * like them (or like the time column) would overwrite or shadow it, so it is refused with the reason.
 */
function refuseGeneratedNames(c: SigmaCorrelation, names: readonly string[], def: CorrelationDef, timestamp: string): void {
  for (const name of names) {
    const clash =
      name === def.rule_column ? 'the column holding the rule name'
      : name === timestamp ? 'the time column'
      : GENERATED_COLUMNS.has(name) || GENERATED_PREFIXES.test(name) ? 'a column the correlation query computes'
      : null;
    if (clash) throw new SigmaError('correlation', `'${name}' cannot name a group-by or alias column of correlation '${c.title}': it is ${clash}; rename it`, c.loc);
  }
}

function quote(fn: ((s: string) => string | null) | undefined, text: string, what: string, loc?: SourceLocation): string {
  if (!fn) throw new SigmaError('backend-definition', `the correlation section names an unknown dialect or quoting style for ${what}s`);
  const q = fn(text);
  if (q === null) throw new SigmaError('invalid-value', `'${text}' cannot be written as a ${what} in this target`, loc);
  return q;
}
