import type { SigmaString } from '../../ir/types';
import type { Predicate } from '../../ir/types';
import type { PrefixRewrite } from './value-transform-def';
import { leadingLiteral } from './sigma-pattern';
import { refuse } from './transform-context';

/**
 * Rewrites the literal start of a value into the store's spelling (`HKLM\` -> `HKEY_LOCAL_MACHINE\`),
 * case-insensitively as Sigma compares; a prefix the store writes in several ways gives one value per
 * spelling (any of them may match). A start the store writes in a form no pattern can follow exactly
 * (Defender's `HKEY_CURRENT_USER\<SID>\...` for `HKCU\`) refuses the rule with the pipeline's reason.
 */
export function rewritePrefix(value: SigmaString, def: PrefixRewrite, field: string, p: Predicate): readonly SigmaString[] {
  const lead = leadingLiteral(value);
  if (!lead) return [value];
  const lower = lead.text.toLowerCase();
  for (const [prefix, reason] of Object.entries(def.refuse_prefixes ?? {})) {
    if (lower.startsWith(prefix.toLowerCase())) refuse(field, value, reason, p);
  }
  // Longest prefix first: '\REGISTRY\MACHINE\' before a shorter one that it starts with.
  const prefixes = Object.entries(def.prefixes ?? {}).sort((a, b) => b[0].length - a[0].length);
  for (const [prefix, spellings] of prefixes) {
    const spelledAs = typeof spellings === 'string' ? [spellings] : spellings;
    if (lower.startsWith(prefix.toLowerCase())) return spelledAs.map((spelled) => lead.replace(spelled + lead.text.slice(prefix.length)));
    const spelled = spelledAs.join("' or '");
    // After a leading '*' the text may begin inside a short hive name ('*LM\SOFTWARE'), which the store spells otherwise.
    // (Forms starting with a separator, '\REGISTRY\MACHINE\', are rule spellings only: the source never writes them.)
    const short = prefix.toLowerCase();
    const partial = short.startsWith(lower) && !spelledAs.every((x) => x.toLowerCase().startsWith(lower)); // 'HKL': a start only the short name has
    if (/^[a-z]/i.test(prefix) && (partial || (lead.star && cutsInto(short, lower)))) {
      refuse(field, value, `the text may begin inside or stop short of '${prefix}', which the store writes '${spelled}': no exact pattern`, p);
    }
  }
  return [value];
}

/** Whether text, placed at a position k >= 1 of prefix, agrees with it on more than a trailing separator. */
function cutsInto(prefix: string, text: string): boolean {
  for (let k = 1; k < prefix.length; k++) {
    const overlap = Math.min(prefix.length - k, text.length);
    if (prefix.slice(k, k + overlap) !== text.slice(0, overlap)) continue;
    const sharedTail = k === prefix.length - 1 && !/[a-z0-9]/i.test(prefix.slice(k));
    if (!sharedTail) return true;
  }
  return false;
}
