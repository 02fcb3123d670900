/**
 * A Converter that remembers every regex its queries hold, for a given regex engine: after each
 * rule's conversion (the Converter's rule observer) it asks the renderer (regexFor) which regex each
 * predicate of the mapped expression became. Correlation members and rules with filters are observed too.
 */
import { Converter } from '../../src/convert';
import { regexFor } from '../../src/render/render-expr';
import { mapPredicates } from '../../src/ir/normalize';
import type { ResourceLoader } from '../../src/core/resources';

export interface CollectedRegex {
  /** The regex as the target engine receives it (before the query language's string quoting). */
  readonly pattern: string;
  readonly caseInsensitive: boolean;
  /** Where it came from: the rule's file (when known) and title. */
  readonly rule: string;
  readonly target: string;
}

export class RegexCollectingConverter extends Converter {
  readonly regexes: CollectedRegex[];

  constructor(loader: ResourceLoader, engine: string) {
    const regexes: CollectedRegex[] = [];
    super(loader, (rule, mapped, plan, file) => {
      const stages = plan.backend.stages.filter((s) => s.regex?.engine === engine);
      const where = `${file ? `${file}: ` : ''}${rule.title}`;
      mapPredicates(mapped.expr, (p) => {
        for (const stage of stages) {
          const re = regexFor(p, stage);
          if (re) regexes.push({ pattern: re.pattern, caseInsensitive: re.caseInsensitiveOp, rule: where, target: plan.backend.name });
        }
        return p;
      });
    });
    this.regexes = regexes;
  }
}
