import type { SigmaString, StrPart } from '../ir/types';

/**
 * Parses a Sigma string value: `*` and `?` are wildcards, `\*`, `\?` and `\\` are escapes,
 * and a backslash before anything else is a literal backslash.
 */
export function parseSigmaString(raw: string): SigmaString {
  const parts: StrPart[] = [];
  // Literal text is sliced in runs between the special characters, not built character by character.
  let literal = '';
  let from = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x5c /* \ */) {
      const next = raw.charCodeAt(i + 1);
      if (next === 0x2a /* * */ || next === 0x3f /* ? */ || next === 0x5c) {
        literal += raw.slice(from, i);
        from = i + 1; // the escaped character starts the next run
        i++;
      }
      // else: a literal backslash, part of the run
    } else if (c === 0x2a || c === 0x3f) {
      literal += raw.slice(from, i);
      from = i + 1;
      if (literal) parts.push(literal);
      literal = '';
      parts.push({ wildcard: c === 0x2a ? 'multi' : 'single' });
    }
  }
  literal += raw.slice(from);
  if (literal) parts.push(literal);
  return { type: 'string', parts: mergeParts(parts) };
}

/** A Sigma string that is exactly this text, with no wildcards. */
export function plainSigmaString(text: string): SigmaString {
  return { type: 'string', parts: text ? [text] : [] };
}

export function isWildcard(p: StrPart): p is { readonly wildcard: 'multi' | 'single' } {
  return typeof p !== 'string';
}

export function hasWildcards(s: SigmaString): boolean {
  return s.parts.some(isWildcard);
}

/** The literal text of a wildcard-free string, or null. */
export function plainText(s: SigmaString): string | null {
  if (hasWildcards(s)) return null;
  return s.parts.join('');
}

export function concatSigmaStrings(...items: SigmaString[]): SigmaString {
  return { type: 'string', parts: mergeParts(items.flatMap((s) => s.parts)) };
}

/** Joins adjacent literals and collapses `**` so that shapes are canonical. */
export function mergeParts(parts: readonly StrPart[]): StrPart[] {
  const out: StrPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (typeof p === 'string') {
      if (p === '') continue;
      if (typeof last === 'string') out[out.length - 1] = last + p;
      else out.push(p);
    } else if (p.wildcard === 'multi' && last !== undefined && isWildcard(last) && last.wildcard === 'multi') {
      continue;
    } else {
      out.push(p);
    }
  }
  return out;
}

/** Writes a Sigma string back in Sigma syntax (round trip of parseSigmaString). */
export function formatSigmaString(s: SigmaString): string {
  return s.parts
    .map((p) => (isWildcard(p) ? (p.wildcard === 'multi' ? '*' : '?') : p.replace(/\\(?=[*?\\]|$)|[*?]/g, (m) => '\\' + m)))
    .join('');
}

/** Applies a text transformation to every literal part, keeping wildcards. */
export function mapLiterals(s: SigmaString, fn: (text: string) => string): SigmaString {
  return { type: 'string', parts: mergeParts(s.parts.map((p) => (isWildcard(p) ? p : fn(p)))) };
}

export type MatchShape = 'equals' | 'contains' | 'startswith' | 'endswith' | 'pattern' | 'any';

/**
 * Classifies a string by where its wildcards sit, so backends can pick their native operator:
 * `*x*` is contains, `x*` startswith, `*x` endswith, no wildcard equals, `*` alone any non-null value.
 */
export function matchShape(s: SigmaString): { shape: MatchShape; text: string } {
  const p = s.parts;
  const multi = (x: StrPart | undefined) => x !== undefined && isWildcard(x) && x.wildcard === 'multi';
  if (p.length === 0) return { shape: 'equals', text: '' };
  if (p.length === 1 && multi(p[0])) return { shape: 'any', text: '' };
  // The parts between a leading and a trailing `*` (each optional) must be one literal.
  const lead = multi(p[0]);
  const trail = multi(p[p.length - 1]);
  const first = lead ? 1 : 0;
  const end = trail ? p.length - 1 : p.length;
  const only = p[first];
  if (end - first !== 1 || only === undefined || isWildcard(only)) return { shape: 'pattern', text: '' };
  const text = only;
  if (lead && trail) return { shape: 'contains', text };
  if (lead) return { shape: 'endswith', text };
  if (trail) return { shape: 'startswith', text };
  return { shape: 'equals', text };
}
