/**
 * A Converter that remembers every regex its queries hold, for a given regex engine: after each
 * rule's conversion it asks the renderer (regexFor) which regex each predicate of the rendered
 * expression became. Correlation members and rules with filters go through the same convertRule.
 */
import { Converter } from '../../src/convert';
import type { ConvertedRule, ConvertOptions } from '../../src/convert';
import type { SigmaRule } from '../../src/rule/model';
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
  readonly regexes: CollectedRegex[] = [];

  constructor(loader: ResourceLoader, private readonly engine: string) {
    super(loader);
  }

  override convertRule(rule: SigmaRule, options: ConvertOptions, resolved = this.resolveOptions(options), file = ''): ConvertedRule {
    const converted = super.convertRule(rule, options, resolved, file);
    const stages = resolved.backend.stages.filter((s) => s.regex?.engine === this.engine);
    const where = `${file ? `${file}: ` : ''}${rule.title}`;
    mapPredicates(converted.mapped.expr, (p) => {
      for (const stage of stages) {
        const re = regexFor(p, stage);
        if (re) this.regexes.push({ pattern: re.pattern, caseInsensitive: re.caseInsensitiveOp, rule: where, target: resolved.backend.name });
      }
      return p;
    });
    return converted;
  }
}
