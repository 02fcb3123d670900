import { SigmaError } from '../core/errors';
import type { Expr, Predicate } from '../ir/types';
import type { StageDef } from './backend-def';
import { describePredicate, fillTemplate, isRefused, joinChain, needsGroup, renderInStage, type Refusal } from './render-expr';

/**
 * Renders a condition across the target's stages: each top-level AND term goes to the first stage
 * that can express it whole (for Splunk: the search command, else `| where`). Terms of an AND
 * evaluated in successive pipeline stages keep the AND's meaning.
 */
export function renderStages(expr: Expr, stages: readonly StageDef[], target: string): Record<string, string> {
  const terms = expr.kind === 'and' ? expr.args : [expr];
  const buckets = new Map<string, { term: Expr; text: string }[]>();
  for (const term of terms) {
    let stage: StageDef | undefined;
    let text: string | null = null;
    const refusals: (readonly Refusal[])[] = [];
    for (const s of stages) {
      const r = renderInStage(term, s);
      if (isRefused(r)) {
        refusals.push(r.refused);
        continue;
      }
      stage = s;
      text = r.text;
      break;
    }
    if (!stage || text === null) throw refusalError(term, stages, refusals, target);
    const entry = { term, text };
    const list = buckets.get(stage.name);
    if (list) list.push(entry);
    else buckets.set(stage.name, [entry]);
  }
  const out: Record<string, string> = {};
  for (const stage of stages) {
    const list = buckets.get(stage.name);
    if (!list) continue;
    // A lone term needs no parentheses: it is the stage's whole condition.
    out[stage.name] =
      list.length === 1
        ? (list[0] as { text: string }).text
        : joinChain(
            list.map((e) => (needsGroup(e.term, 'and', stage) ? fillTemplate(stage.tokens.group, { expr: e.text }) : e.text)),
            stage.tokens.and,
            stage,
          );
  }
  return out;
}

/**
 * No stage wrote the term. Each stage listed every predicate it refused, in the term's order: the culprit
 * is the first predicate every stage refused; when there is none, the term mixes predicates that only
 * different stages can write.
 */
function refusalError(term: Expr, stages: readonly StageDef[], refusals: readonly (readonly Refusal[])[], target: string): SigmaError {
  const refusedBy = refusals.map((list) => new Set(list.map((r) => r.predicate)));
  const culprit = refusals[0]?.find((r) => refusedBy.every((set) => set.has(r.predicate)))?.predicate;
  if (!culprit) return mixedStagesError(stages, refusals, target);
  return new SigmaError('unsupported-feature', `target '${target}' cannot express ${describePredicate(culprit)} exactly${hint(culprit)}`, culprit.loc);
}
/** Why a kind of predicate typically has no exact form, and what the user can do. */
function hint(p: Predicate): string {
  switch (p.kind) {
    case 'keyword':
      return ': keywords (unbound values) need a free-text search this target does not have in this form; match a field instead';
    case 'timepart':
      return ': the target cannot extract a part of a timestamp from an arbitrary field; use a target with date functions (kql)';
    case 'regex':
      return ': rewrite the regular expression with the basic Sigma regex features';
    default:
      return '';
  }
}

/** Every predicate has some stage, but an OR/NOT joins predicates that live in different stages. */
function mixedStagesError(stages: readonly StageDef[], refusals: readonly (readonly Refusal[])[], target: string): SigmaError {
  const parts = stages
    .map((s, i) => ({ stage: s.name, first: refusals[i]?.[0] }))
    .filter((x): x is { stage: string; first: Refusal } => x.first !== undefined)
    .map((x) => `${describePredicate(x.first.predicate)} cannot be written in the '${x.stage}' stage (${x.first.reason})`);
  return new SigmaError('unsupported-feature', `target '${target}' cannot express this condition in one stage: ${parts.join('; ')}; split the OR into separate rules`);
}
