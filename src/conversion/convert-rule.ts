import { SigmaError } from '../core/errors';
import type { SigmaRule } from '../rule/model';
import type { PipelineResult } from '../pipeline/apply-pipeline';
import type { RenderedQuery } from '../render/render-query';
import { renderRuleFormat, type FormatOutput } from '../output/format-renderer';
import type { OtherTarget } from '../output/format-context';
import { resolvePlan, type ConversionPlan } from './plan';
import type { ResourceCache } from './resource-cache';
import { translateRule } from './translate-rule';
import { DerivedMemo } from '../core/derived-memo';

/** The parts of one rule's conversion that output formats are rendered from. */
export interface ConvertedRule {
  readonly rule: SigmaRule;
  readonly mapped: PipelineResult;
  readonly query: RenderedQuery;
  readonly text: string;
  /** The output format's template context and its warnings. */
  readonly output: FormatOutput;
}

/** Pipeline, render and output format for one parsed rule. */
export function convertRule(cache: ResourceCache, plan: ConversionPlan, rule: SigmaRule, file = ''): ConvertedRule {
  const translated = translateRule(plan, rule);
  const output = renderRuleFormat(cache, plan, translated, file, (named) => otherTargets(cache, plan, rule, named));
  plan.observe?.(rule, translated.mapped, plan, file);
  return { rule, mapped: translated.mapped, query: translated.query, text: output.text, output };
}

/**
 * The rule's query for other targets (those named, in their order, else every target) with their default
 * pipelines; a refusal keeps its message.
 */
function otherTargets(cache: ResourceCache, plan: ConversionPlan, rule: SigmaRule, named: readonly string[] | null): OtherTarget[] {
  const { placeholders, userSettings: settings, limits } = plan;
  const all = cache.targets();
  for (const t of named ?? []) {
    if (!all.includes(t)) throw new SigmaError('invalid-value', `settings other_targets: unknown target '${t}'; available: ${all.join(', ')}`);
  }
  return (named ?? all)
    .filter((t) => t !== plan.backend.name)
    .map((target) => {
      let pipeline = '';
      let description = target;
      try {
        const other = otherPlan(cache, plan, target, () => resolvePlan(cache, { target, placeholders, settings, format: 'query', limits }, plan.observe));
        pipeline = other.pipelineName;
        description = other.backend.description;
        const converted = convertRule(cache, other, rule);
        return { target, description, pipeline, table: converted.mapped.table ?? null, ok: true, query: converted.text, error: null };
      } catch (err) {
        if (!(err instanceof SigmaError)) throw err;
        return { target, description, pipeline, table: null, ok: false, query: null, error: err.message };
      }
    });
}

/**
 * The plans of the other targets, per resource cache, plan and target: each is derived from the plan's own
 * options and the cache's definitions, neither of which changes, so it is resolved once rather than for
 * every rule of a page (a failed resolution is not kept, and fails again for the next rule).
 */
const otherPlans = new WeakMap<ResourceCache, DerivedMemo<ConversionPlan, ConversionPlan>>();

function otherPlan(cache: ResourceCache, plan: ConversionPlan, target: string, resolve: () => ConversionPlan): ConversionPlan {
  let memo = otherPlans.get(cache);
  if (!memo) otherPlans.set(cache, (memo = new DerivedMemo<ConversionPlan, ConversionPlan>(256)));
  return memo.get(plan, target, resolve);
}
