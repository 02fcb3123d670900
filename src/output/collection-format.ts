import { SigmaError, toDiagnostic } from '../core/errors';
import type { RuleResult } from '../conversion/options';
import type { ConversionPlan } from '../conversion/plan';
import type { ResourceCache } from '../conversion/resource-cache';
import { convertRule } from '../conversion/convert-rule';
import { parseYamlDocuments } from '../rule/yaml-source';
import { documentKind, parseRule } from '../rule/parse-rule';
import { locateWarnings } from './locate-warnings';

export interface CollectionOutput {
  /** One result per document (queries empty: the rules' text is the collection's). */
  readonly results: RuleResult[];
  /** The collection rendered once for the whole file; null when no rule converted. */
  readonly text: string | null;
}

/**
 * A collection format (`collection: true` in backends/<target>.yml, e.g. KQL `hunting`) renders all rules
 * of one file through one template, which reads `rules` (each rule's full format context) and `failed`
 * (title and reason of each rule that did not convert, so the output says what it leaves out).
 */
export function convertCollectionFormat(cache: ResourceCache, plan: ConversionPlan, text: string, file: string): CollectionOutput {
  const { formatDef: format } = plan;
  if (!format.collection) throw new SigmaError('internal', `format '${plan.format}' is not a collection format`);
  const lines = text.split('\n');
  const results: RuleResult[] = [];
  const contexts: Record<string, unknown>[] = [];
  const failed: { title: string; error: string }[] = [];
  for (const doc of parseYamlDocuments(text)) {
    const value = (doc.value ?? {}) as Record<string, unknown>;
    const title = typeof value.title === 'string' ? value.title : null;
    const id = typeof value.id === 'string' ? value.id : null;
    const base = { file, document: doc.index, id, title, target: plan.backend.name, pipeline: plan.pipelineName, format: plan.format };
    try {
      if (doc.error) throw doc.error;
      const kind = documentKind(doc.value);
      if (kind !== 'rule') {
        throw new SigmaError('unsupported-feature', `document ${doc.index} is ${kind === 'unknown' ? 'not a Sigma rule' : `a Sigma ${kind} rule`}: the ${plan.format} format unions detection rules only`, {
          line: doc.firstLine,
          col: 1,
        });
      }
      const rule = parseRule(doc, lines, { placeholders: plan.placeholders, maxAlternatives: plan.limits?.alternatives });
      const converted = convertRule(cache, plan, rule, file);
      contexts.push(converted.output.context);
      // Object.assign, not a spread followed by new keys (a slow path of V8 on Node 20): the same keys in the same order.
      results.push(Object.assign({}, base, { ok: true as const, queries: [], errors: [], warnings: locateWarnings([...converted.mapped.warnings, ...converted.output.warnings], rule) }));
    } catch (err) {
      const diagnostic = toDiagnostic(err);
      failed.push({ title: title ?? `document ${doc.index}`, error: diagnostic.message });
      results.push(Object.assign({}, base, { ok: false as const, queries: [], errors: [diagnostic], warnings: [] }));
    }
  }
  if (contexts.length === 0) return { results, text: null };
  const times = new Set(contexts.map((c) => c.time_column));
  const context = {
    rules: contexts,
    failed,
    file,
    target: plan.backend.name,
    pipeline: plan.pipelineName,
    // Sorting needs one time column shared by every branch.
    time_column: times.size === 1 ? (contexts[0]?.time_column ?? null) : null,
  };
  return { results, text: cache.template(format.template)(context).trimEnd() };
}
