/** Small structural operations on Sigma strings (literals and wildcards) for value transformations. */
import type { SigmaString, StrPart } from '../../ir/types';
import { isWildcard, matchShape, mergeParts } from '../../rule/sigma-string';

export function sigmaString(parts: readonly StrPart[]): SigmaString {
  // Canonical parts (adjacent literals joined, '**' collapsed), so that matchShape classifies the result.
  return { type: 'string', parts: mergeParts(parts) };
}

/** How many times `ch` stands literally in the value. */
export function countLiteral(value: SigmaString, ch: string): number {
  let n = 0;
  for (const p of value.parts) if (typeof p === 'string') for (const c of p) if (c === ch) n++;
  return n;
}

/** The value cut at its first literal `ch`: the parts before and after (the character itself dropped). */
export function splitAtFirst(value: SigmaString, ch: string): { left: SigmaString; right: SigmaString } | null {
  for (let i = 0; i < value.parts.length; i++) {
    const p = value.parts[i] as StrPart;
    if (typeof p !== 'string') continue;
    const at = p.indexOf(ch);
    if (at < 0) continue;
    return {
      left: sigmaString([...value.parts.slice(0, i), p.slice(0, at)]),
      right: sigmaString([p.slice(at + 1), ...value.parts.slice(i + 1)]),
    };
  }
  return null;
}

/**
 * The literal text the value starts with (after one leading `*`, which matches from any position and so
 * keeps a prefix's meaning only where the store's values all start with it), and a rebuild function
 * replacing that text.
 */
export function leadingLiteral(value: SigmaString): { text: string; star: boolean; replace: (text: string) => SigmaString } | null {
  const parts = value.parts;
  const star = parts[0] !== undefined && isWildcard(parts[0]) && parts[0].wildcard === 'multi';
  const at = star ? 1 : 0;
  const first = parts[at];
  if (typeof first !== 'string') return null;
  return { text: first, star, replace: (text) => sigmaString([...parts.slice(0, at), text, ...parts.slice(at + 1)]) };
}

/**
 * Tests a Sigma string against known texts, case-insensitively unless cased (for closed vocabularies).
 * Implemented on the canonical shapes plus a linear glob for patterns.
 */
export function sigmaStringMatches(value: SigmaString, text: string, cased: boolean): boolean {
  const fold = (s: string) => (cased ? s : s.toLowerCase());
  const t = fold(text);
  const { shape, text: lit } = matchShape(value);
  const l = fold(lit);
  switch (shape) {
    case 'equals':
      return t === l;
    case 'contains':
      return t.includes(l);
    case 'startswith':
      return t.startsWith(l);
    case 'endswith':
      return t.endsWith(l);
    case 'any':
      return true;
    case 'pattern':
      return globMatch(value.parts.map((p) => (typeof p === 'string' ? fold(p) : p)), t);
  }
}

/** Classic two-pointer glob with backtracking to the last '*': linear for practical inputs, no regex. */
function globMatch(parts: readonly StrPart[], text: string): boolean {
  const tokens: (string | 'multi' | 'single')[] = [];
  for (const p of parts) {
    if (typeof p === 'string') tokens.push(...p.split(''));
    else tokens.push(p.wildcard);
  }
  let ti = 0;
  let pi = 0;
  let starP = -1;
  let starT = 0;
  while (ti < text.length) {
    const tok = tokens[pi];
    if (tok === 'multi') {
      starP = pi++;
      starT = ti;
    } else if (tok !== undefined && (tok === 'single' || tok === text[ti])) {
      pi++;
      ti++;
    } else if (starP >= 0) {
      pi = starP + 1;
      ti = ++starT;
    } else {
      return false;
    }
  }
  while (tokens[pi] === 'multi') pi++;
  return pi === tokens.length;
}
