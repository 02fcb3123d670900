import type { SigmaString } from '../../ir/types';
import type { Predicate } from '../../ir/types';
import type { PrefixRewrite } from './value-transform-def';
import { leadingLiteral } from './sigma-pattern';
import { refuse } from './transform-context';

/**
 * Rewrites the literal start of a value into the store's spelling (`HKLM\` -> `HKEY_LOCAL_MACHINE\`),
 * case-insensitively as Sigma compares. A start the store writes in a form no pattern can follow exactly
 * (Defender's `HKEY_CURRENT_USER\<SID>\...` for `HKCU\`) refuses the rule with the pipeline's reason.
 */
export function rewritePrefix(value: SigmaString, def: PrefixRewrite, field: string, p: Predicate): SigmaString {
  const lead = leadingLiteral(value);
  if (!lead) return value;
  const lower = lead.text.toLowerCase();
  for (const [prefix, reason] of Object.entries(def.refuse_prefixes ?? {})) {
    if (lower.startsWith(prefix.toLowerCase())) refuse(field, value, reason, p);
  }
  // Longest prefix first: '\REGISTRY\MACHINE\' before a shorter one that it starts with.
  const prefixes = Object.entries(def.prefixes ?? {}).sort((a, b) => b[0].length - a[0].length);
  for (const [prefix, spelled] of prefixes) {
    if (lower.startsWith(prefix.toLowerCase())) return lead.replace(spelled + lead.text.slice(prefix.length));
  }
  return value;
}
