import { applyPipeline, identityPipeline, ruleInput, type PipelineResult } from '../pipeline/apply-pipeline';
import { renderQuery, type RenderedQuery } from '../render/render-query';
import type { SigmaRule } from '../rule/model';
import type { ConversionPlan } from './plan';

/** One rule in the target's terms: mapped by the pipeline, its condition and source rendered. */
export interface TranslatedRule {
  readonly rule: SigmaRule;
  readonly mapped: PipelineResult;
  readonly query: RenderedQuery;
  /** The table (KQL table, EQL category, CIM data model) queried: the pipeline's choice, else --table or the backend's default. */
  readonly table: string | undefined;
}

/** The pure rule conversion: pipeline, then rendering; no output format, no definitions loaded. */
export function translateRule(plan: ConversionPlan, rule: SigmaRule): TranslatedRule {
  const mapped = plan.pipeline
    ? applyPipeline(ruleInput(rule), plan.pipeline, plan.schemas, { allowUnmapped: plan.allowUnmapped })
    : identityPipeline(ruleInput(rule), plan.defaultTable);
  const table = mapped.table ?? plan.defaultTable;
  const query = renderQuery(mapped.expr, plan.backend, { pipelineTable: mapped.table, table: plan.table, index: plan.index, logsourceLoc: rule.logsourceLoc }, plan.pipeline?.stages);
  return { rule, mapped, query, table };
}
