import { SigmaError, toDiagnostic } from '../core/errors';
import type { RuleResult } from '../conversion/options';
import { withFormat, type ConversionPlan } from '../conversion/plan';
import type { ResourceCache } from '../conversion/resource-cache';
import { convertRule } from '../conversion/convert-rule';
import { renderCorrelationFormat, requireCorrelationFormat } from '../output/format-renderer';
import { mappingFacts } from '../pipeline/apply-pipeline';
import type { Expr } from '../ir/types';
import type { SigmaRule } from '../rule/model';
import { requireCorrelationDef } from './correlation-def';
import type { SigmaCorrelation, SigmaFilter } from './model';
import type { DataSource } from '../pipeline/types';
import { renderCorrelation } from './render-correlation';
import { RuleSet, type SetEntry, type SourceText } from './rule-set';
import { locateWarnings } from '../output/locate-warnings';

/** The rule with every filter's condition excluded: `rule AND NOT filter` (Sigma filters specification). */
export function applyFilters(rule: SigmaRule, filters: readonly SigmaFilter[]): SigmaRule {
  if (filters.length === 0) return rule;
  const expr: Expr = { kind: 'and', args: [rule.expr, ...filters.map((f): Expr => ({ kind: 'not', arg: f.expr }))] };
  return { ...rule, expr };
}

/**
 * Converts all documents of all files of one run together: plain rules as before (with the filters
 * that name them), correlations from the queries of the rules they refer to, wherever those are
 * defined. Rules used by a correlation are only printed on their own when it says `generate: true`.
 * Results follow the order of the documents; filter documents produce a result only when broken.
 */
export function convertCollection(
  cache: ResourceCache,
  plan: ConversionPlan,
  sources: readonly SourceText[],
  extraFilters: readonly SourceText[] = [],
  /** Sees the rule set (what it holds decides whether parts converted apart may be joined: src/cli/parallel-convert.ts). */
  onSet?: (set: RuleSet) => void,
): RuleResult[] {
  const set = new RuleSet(sources, extraFilters, { placeholders: plan.placeholders, maxAlternatives: plan.limits?.alternatives });
  onSet?.(set);
  const results: RuleResult[] = [];
  // The rules a correlation reads are converted to their plain query.
  const queryPlan = withFormat(cache, plan, 'query');

  const ruleWithFilters = (entry: Extract<SetEntry, { kind: 'rule' }>): SigmaRule => {
    const filters = set.filtersFor(entry);
    for (const f of filters) set.checkFilter(f, true);
    return applyFilters(entry.rule, filters);
  };

  for (const entry of set.entries) {
    const item = entry.kind === 'rule' ? entry.rule : entry.kind === 'correlation' ? entry.correlation : entry.kind === 'filter' ? entry.filter : null;
    const base = {
      file: entry.origin.file,
      document: entry.origin.document,
      id: entry.kind === 'error' ? entry.id : item?.id ?? null,
      title: entry.kind === 'error' ? entry.title : item?.title ?? null,
      target: plan.backend.name,
      pipeline: plan.pipelineName,
      format: plan.format,
    };
    if (entry.kind === 'error') {
      results.push({ ...base, ok: false, queries: [], errors: [entry.error], warnings: [] });
      continue;
    }
    try {
      const indexError = set.indexErrors.get(entry);
      if (indexError) {
        results.push({ ...base, ok: false, queries: [], errors: [indexError], warnings: [] });
        continue;
      }
      switch (entry.kind) {
        case 'filter':
          set.checkFilter(entry.filter, entry.extra);
          continue;
        case 'rule': {
          if (set.isHiddenByCorrelation(entry)) continue;
          const converted = convertRule(cache, plan, ruleWithFilters(entry), base.file);
          results.push({
            ...base,
            ok: true,
            queries: [converted.text],
            errors: [],
            warnings: [...locateWarnings(converted.mapped.warnings, converted.rule), ...locateWarnings(converted.output.warnings, converted.rule)],
            mapping: mappingFacts(converted.mapped),
          });
          continue;
        }
        case 'correlation': {
          // Checked first: correlations in a cycle use each other, and would otherwise all stay hidden.
          set.checkCorrelation(entry.correlation);
          if (set.isHiddenByCorrelation(entry)) continue;
          const out = convertCorrelation(entry.correlation, entry.origin.file);
          results.push({ ...base, ok: true, queries: [out.text], errors: [], warnings: locateWarnings(out.warnings, entry.correlation) });
          continue;
        }
      }
    } catch (err) {
      results.push({ ...base, ok: false, queries: [], errors: [toDiagnostic(err)], warnings: [] });
    }
  }
  return results;

  function convertCorrelation(c: SigmaCorrelation, file: string): { text: string; warnings: string[] } {
    // Checked before rendering, so the refusal names the format rather than a query detail.
    if (plan.format !== 'query') requireCorrelationFormat(plan, c);
    set.checkCorrelation(c);
    const { backend, pipeline } = plan;
    const tables: string[] = [];
    const dataSources: DataSource[] = [];
    const rendered = renderCorrelation(c, {
      target: backend.name,
      set,
      def: requireCorrelationDef(backend.correlation, backend.name),
      pipeline,
      pipelineName: plan.pipelineName,
      schemas: plan.schemas,
      convertRule: (rule) => {
        const entry = set.entries.find((e): e is Extract<SetEntry, { kind: 'rule' }> => e.kind === 'rule' && e.rule === rule);
        const converted = convertRule(cache, queryPlan, entry ? ruleWithFilters(entry) : rule);
        if (converted.mapped.table) tables.push(converted.mapped.table);
        if (converted.mapped.dataSource) dataSources.push(converted.mapped.dataSource);
        return { text: converted.text, warnings: converted.mapped.warnings };
      },
      template: (path) => cache.template(path),
    });
    const text = [...rendered.bindings, rendered.body].join('\n');
    const warnings = [...new Set(rendered.warnings)];
    if (plan.format === 'query') return { text, warnings };
    const columns = [...new Set([...rendered.columns.values(), pipeline?.timestamp ?? backend.correlation?.default_timestamp ?? ''])].filter((x) => x !== '');
    const out = renderCorrelationFormat(cache, plan, c, { queryText: text, tables, dataSources, columns, file });
    return { text: out.text, warnings: [...warnings, ...out.warnings] };
  }
}
