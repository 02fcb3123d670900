import type { SigmaString } from '../ir/types';
import { isWildcard, matchShape } from '../rule/sigma-string';

/** Tests one (already case-folded, when uncased) text against a compiled Sigma string. */
export type TextTest = (text: string) => boolean;

/**
 * Compiles a Sigma string (literals and structural wildcards) into a test on text. Case-insensitive
 * strings are folded here once; the caller folds the event's text the same way (`foldCase`).
 * Matching runs in linear time: no regular expression is built, so no value can make it backtrack.
 */
export function compileSigmaString(value: SigmaString, cased: boolean): TextTest {
  const fold = cased ? (s: string) => s : foldCase;
  const { shape, text } = matchShape(value);
  const t = fold(text);
  switch (shape) {
    case 'equals':
      return (s) => s === t;
    case 'contains':
      return (s) => s.includes(t);
    case 'startswith':
      return (s) => s.startsWith(t);
    case 'endswith':
      return (s) => s.endsWith(t);
    case 'any':
      return () => true;
    case 'pattern':
      return compileGlob(value, fold);
  }
}

/**
 * Compiles a list of alternatives (a value list: any may match) into one test. Equal values become a set
 * lookup; several contains values become one alternation of escaped literals, searched in a single pass
 * by the native engine. Such a pattern has no quantifier, so it cannot backtrack catastrophically.
 */
export function compileSigmaStrings(values: readonly SigmaString[], cased: boolean): TextTest {
  const fold = cased ? (s: string) => s : foldCase;
  const equals = new Set<string>();
  const contains: string[] = [];
  const others: TextTest[] = [];
  for (const v of values) {
    const { shape, text } = matchShape(v);
    if (shape === 'equals') equals.add(fold(text));
    else if (shape === 'contains') contains.push(fold(text));
    else if (shape === 'any') return () => true;
    else others.push(compileSigmaString(v, cased));
  }
  const tests: TextTest[] = [];
  if (equals.size === 1) {
    const only = [...equals][0] as string;
    tests.push((s) => s === only);
  } else if (equals.size > 1) {
    tests.push((s) => equals.has(s));
  }
  if (contains.length === 1) {
    const only = contains[0] as string;
    tests.push((s) => s.includes(only));
  } else if (contains.length > 1) {
    const re = new RegExp(contains.map(escapeRegExp).join('|'));
    tests.push((s) => re.test(s));
  }
  for (const t of others) tests.push(t);
  if (tests.length === 1) return tests[0] as TextTest;
  return (s) => {
    for (const t of tests) if (t(s)) return true;
    return false;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|\/]/g, '\\$&');
}

/** The case folding of Sigma's case-insensitive matching, applied to both sides. */
export function foldCase(s: string): string {
  return s.toLowerCase();
}

/**
 * A general wildcard pattern: the text between `*` wildcards is a list of segments (each a run of
 * literal characters and `?`), which must occur in order; the first is anchored at the start and the
 * last at the end unless a `*` stands there. Finding each middle segment at its leftmost position is
 * optimal for `*`-separated patterns, so there is no backtracking across segments.
 */
function compileGlob(value: SigmaString, fold: (s: string) => string): TextTest {
  type Segment = (string | null)[]; // null = `?`
  const segments: Segment[] = [[]];
  for (const p of value.parts) {
    if (isWildcard(p)) {
      if (p.wildcard === 'multi') segments.push([]);
      else (segments[segments.length - 1] as Segment).push(null);
    } else {
      for (const c of fold(p)) (segments[segments.length - 1] as Segment).push(c);
    }
  }
  const first = segments[0] as Segment;
  if (segments.length === 1) {
    return (s) => {
      const chars = [...s];
      return chars.length === first.length && segmentAt(first, chars, 0);
    };
  }
  const last = segments[segments.length - 1] as Segment;
  const middle = segments.slice(1, -1).filter((seg) => seg.length > 0);
  return (s) => {
    const chars = [...s];
    if (chars.length < first.length + last.length) return false;
    if (!segmentAt(first, chars, 0)) return false;
    const end = chars.length - last.length;
    if (!segmentAt(last, chars, end)) return false;
    let pos = first.length;
    for (const seg of middle) {
      const found = findSegment(seg, chars, pos, end);
      if (found < 0) return false;
      pos = found + seg.length;
    }
    return true;
  };
}

function segmentAt(seg: readonly (string | null)[], chars: readonly string[], at: number): boolean {
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c !== null && chars[at + i] !== c) return false;
  }
  return true;
}

/** Leftmost position ≥ from where seg fits entirely before `limit`, or -1. */
function findSegment(seg: readonly (string | null)[], chars: readonly string[], from: number, limit: number): number {
  for (let at = from; at + seg.length <= limit; at++) if (segmentAt(seg, chars, at)) return at;
  return -1;
}
