import { SigmaError } from '../core/errors';
import type { Expr } from '../ir/types';
import type { StageDef } from './backend-def';
import { describePredicate, findInexpressible, renderInStage } from './render-expr';

/**
 * Renders a condition across the target's stages: each top-level AND term goes to the first stage
 * that can express it whole (for Splunk: the search command, else `| where`). Terms of an AND
 * evaluated in successive pipeline stages keep the AND's meaning.
 */
export function renderStages(expr: Expr, stages: readonly StageDef[], target: string): Record<string, string> {
  const terms = expr.kind === 'and' ? expr.args : [expr];
  const buckets = new Map<string, Expr[]>();
  for (const term of terms) {
    const stage = stages.find((s) => renderInStage(term, s) !== null);
    if (!stage) {
      const culprit = findInexpressible(term, stages);
      const what = culprit ? describePredicate(culprit) : 'this combination of conditions';
      throw new SigmaError(
        'unsupported-feature',
        `target '${target}' cannot express ${what} exactly${culprit?.kind === 'keyword' ? ' (it has no free-text search; match a field instead)' : ''}`,
        culprit && 'loc' in culprit ? culprit.loc : undefined,
      );
    }
    buckets.set(stage.name, [...(buckets.get(stage.name) ?? []), term]);
  }
  const out: Record<string, string> = {};
  for (const stage of stages) {
    const list = buckets.get(stage.name);
    if (!list) continue;
    const combined: Expr = list.length === 1 ? (list[0] as Expr) : { kind: 'and', args: list };
    out[stage.name] = renderInStage(combined, stage) as string;
  }
  return out;
}
