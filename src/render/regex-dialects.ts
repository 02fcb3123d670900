import { SigmaError } from '../core/errors';
import type { RegexFlag, SigmaString } from '../ir/types';
import { isWildcard } from '../rule/sigma-string';
import { nonRegularConstruct } from '../rule/regex';
import { determinizedStates, LUCENE_MAX_DETERMINIZED_STATES } from './lucene-automaton';

/** A regex in a target engine's syntax, and whether the case-insensitive operator must be used (no inline flags). */
export interface DialectRegex {
  readonly pattern: string;
  readonly caseInsensitiveOp: boolean;
}

/**
 * One regular-expression engine a query language hands its regexes to. Registered by name in
 * src/render/dialects.ts; a backend stage names it (`regex: {engine: re2}`).
 */
export interface RegexEngine {
  /** A Sigma wildcard string as a regex that matches exactly the same whole values. */
  readonly fromWildcard: (value: SigmaString, cased: boolean) => DialectRegex;
  /** A Sigma `re` value (unanchored search, PCRE subset, flags i/m/s) in this engine's syntax; throws when it has no exact form. */
  readonly fromSigma: (pattern: string, flags: readonly RegexFlag[]) => DialectRegex;
}

const PCRE_META = /[\\^$.|?*+()[\]{}]/g;

/** Literal text in a PCRE / RE2 regex: control characters as \xHH, so the regex text holds no raw line break or NUL. */
function escapePcreLiteral(text: string): string {
  return text.replace(PCRE_META, '\\$&').replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Literal text in a Lucene regex: every character but letters, digits and _ escaped (line breaks and tabs stay raw). */
function escapeLuceneLiteral(text: string): string {
  // A constant replacement ($& is the character matched): no call per character.
  return text.replace(/[^A-Za-z0-9_\n\r\t]/gu, '\\$&');
}

function wildcardBody(value: SigmaString, escape: (text: string) => string): string {
  return value.parts.map((p) => (isWildcard(p) ? (p.wildcard === 'multi' ? '.*' : '.') : escape(p))).join('');
}

/** PCRE-style engines: inline flags, explicit anchors; `end` is the end-of-value anchor. */
function inlineFlagEngine(end: string, check: (pattern: string) => void): RegexEngine {
  return {
    fromWildcard(value, cased) {
      const flags = (cased ? '' : 'i') + (value.parts.some(isWildcard) ? 's' : '');
      return { pattern: `${flags ? `(?${flags})` : ''}^${wildcardBody(value, escapePcreLiteral)}${end}`, caseInsensitiveOp: false };
    },
    fromSigma(pattern, flags) {
      check(pattern);
      return { pattern: (flags.length ? `(?${flags.join('')})` : '') + pattern, caseInsensitiveOp: false };
    },
  };
}

/** Splunk's PCRE: `\z` ends the value (`$` would also match before a final newline). */
export const PCRE_ENGINE: RegexEngine = inlineFlagEngine('\\z', () => undefined);

/** RE2 (Kusto): no backreferences or lookarounds. */
export const RE2_ENGINE: RegexEngine = inlineFlagEngine('$', (pattern) => {
  const construct = nonRegularConstruct(pattern);
  if (construct) {
    throw new SigmaError('unsupported-feature', `the regular expression '${pattern}' uses a ${construct}, which the target's RE2 engine does not support`);
  }
});

/** Lucene's RegExp (Elasticsearch): anchored whole-value matching, no inline flags, a case-insensitive operator instead. */
export const LUCENE_ENGINE: RegexEngine = {
  // Lucene regexes are anchored and '.' matches any character, newline included.
  fromWildcard: (value, cased) => ({ pattern: wildcardBody(value, escapeLuceneLiteral), caseInsensitiveOp: !cased }),
  fromSigma: (pattern, flags) => withinLuceneLimits(pattern, toLucene(pattern, flags)),
};

/** A Sigma regex through the Lucene engine (for tests and tools). */
export function sigmaRegexToLucene(pattern: string, flags: readonly RegexFlag[]): DialectRegex {
  return LUCENE_ENGINE.fromSigma(pattern, flags);
}

function unsupported(pattern: string, what: string): never {
  throw new SigmaError('unsupported-feature', `the regular expression '${pattern}' uses ${what}, which cannot be expressed exactly as an Elastic (Lucene) regular expression`);
}

/** Refuses a translation Elasticsearch would refuse: too many states once determinized (max_determinized_states). */
function withinLuceneLimits(source: string, re: DialectRegex): DialectRegex {
  let states: number | null;
  try {
    states = determinizedStates(re.pattern, re.caseInsensitiveOp);
  } catch (err) {
    // Not the syntax this module writes: nothing to count (test/lucene-regex.test.ts would say so).
    if (err instanceof SyntaxError) return re;
    throw err;
  }
  if (states === null) {
    throw new SigmaError(
      'unsupported-feature',
      `the regular expression '${source}' is too complex for Elasticsearch: as a Lucene regex (which matches the whole value) its automaton needs more than ${LUCENE_MAX_DETERMINIZED_STATES} states, the regexp query's max_determinized_states; a bounded repetition such as .{1,64} after other text is the usual cause`,
    );
  }
  return re;
}

const CLASS_SHORTHAND: Readonly<Record<string, string>> = { d: '0-9', w: 'A-Za-z0-9_', s: ' \t\n\r\f\v' };

/** Translates to Lucene syntax: anchored whole-value matching, no shorthand classes, no inline flags. */
function toLucene(source: string, ruleFlags: readonly RegexFlag[]): DialectRegex {
  // A leading inline flag group applies to the whole pattern: the same as the rule's flags.
  const inline = /^\(\?([ims]+)\)/.exec(source);
  const pattern = inline ? source.slice(inline[0].length) : source;
  const flags = inline ? [...new Set([...ruleFlags, ...(inline[1] as string).split('')])] as RegexFlag[] : ruleFlags;
  // Alternatives are whole-value patterns of their own: translate each (its anchors included) apart.
  const branches = topLevelBranches(unwrapGroup(pattern));
  if (branches.length > 1) {
    const parts = branches.map((b) => toLucene(b, flags));
    return { pattern: `(${parts.map((x) => x.pattern).join('|')})`, caseInsensitiveOp: flags.includes('i') };
  }
  return translateBranch(pattern, flags);
}

/** The pattern without one group around all of it (`(a|b)` → `a|b`); capturing or not, it changes no match. */
function unwrapGroup(p: string): string {
  const m = /^\((\?:)?/.exec(p);
  if (!m || !p.endsWith(')')) return p;
  const inner = p.slice(m[0].length, -1);
  return scanStructure(inner).balanced ? inner : p;
}

/** Splits at `|` outside groups, classes and escapes. */
function topLevelBranches(text: string): string[] {
  const cuts = scanStructure(text).bars;
  return [-1, ...cuts].map((from, k) => text.slice(from + 1, cuts[k] ?? text.length));
}

/**
 * One pass over a pattern's structure, outside character classes and escapes: the positions of
 * top-level `|`, and whether the parentheses balance without ever closing more than they opened.
 */
function scanStructure(text: string): { bars: number[]; balanced: boolean } {
  const bars: number[] = [];
  let depth = 0;
  let inClass = false;
  let balanced = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth < 0) balanced = false;
    else if (c === '|' && depth === 0) bars.push(i);
  }
  return { bars, balanced: balanced && depth === 0 };
}

/**
 * Ends a group's last alternative. Lucene rejects an empty alternative (`(x|)`), so empty ones are
 * dropped and the group is made optional: `(x|)` → `(x)?`, the same values (`(|)` stays `()`).
 * Returns `out` with the group's alternatives rewritten, before its ')'.
 */
function closeAlternatives(out: string, group: { start: number; alternatives: string[] } | undefined): { text: string; optional: boolean } {
  if (!group) return { text: out, optional: false };
  const alternatives = [...group.alternatives, out.slice(group.start)];
  const kept = alternatives.filter((a) => a !== '');
  return { text: out.slice(0, group.start) + kept.join('|'), optional: kept.length > 0 && kept.length < alternatives.length };
}

function translateBranch(source: string, flags: readonly RegexFlag[]): DialectRegex {
  const pattern = unwrapGroup(source);
  const dotAll = flags.includes('s');
  let out = '';
  let i = 0;
  let depth = 0;
  // Per open group (the first: the whole branch), where it starts in `out` and its finished alternatives.
  const groups: { start: number; alternatives: string[] }[] = [{ start: 0, alternatives: [] }];
  let topLevelAlternation = false;
  let startAnchor = false;
  let endAnchor = false;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === undefined) unsupported(pattern, 'a trailing backslash');
      i += 2;
      if (CLASS_SHORTHAND[e]) out += `[${CLASS_SHORTHAND[e]}]`;
      else if (CLASS_SHORTHAND[e.toLowerCase()]) out += `[^${CLASS_SHORTHAND[e.toLowerCase()]}]`;
      else if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else if (e === 'r') out += '\r';
      else if (/[A-Za-z0-9]/.test(e)) unsupported(pattern, `the escape \\${e}`);
      else out += '\\' + e;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      let cls = '[';
      if (pattern[j] === '^') {
        cls += '^';
        j++;
      }
      if (pattern[j] === ']') {
        cls += '\\]';
        j++;
      }
      while (j < n && pattern[j] !== ']') {
        const d = pattern[j] as string;
        if (d === '\\') {
          const e = pattern[j + 1];
          if (e === undefined) unsupported(pattern, 'an unterminated character class');
          if (CLASS_SHORTHAND[e]) cls += CLASS_SHORTHAND[e];
          else if (e === 'n') cls += '\n';
          else if (e === 't') cls += '\t';
          else if (e === 'r') cls += '\r';
          else if (/[A-Za-z0-9]/.test(e)) unsupported(pattern, `the escape \\${e} inside a character class`);
          else cls += '\\' + e;
          j += 2;
        } else if (d === '[') {
          unsupported(pattern, 'a nested character class');
        } else {
          cls += d;
          j++;
        }
      }
      if (j >= n) unsupported(pattern, 'an unterminated character class');
      out += cls + ']';
      i = j + 1;
      continue;
    }
    if (c === '(') {
      if (pattern[i + 1] === '?') {
        const m = /^\(\?(:|<[A-Za-z_][A-Za-z0-9_]*>|P<[A-Za-z_][A-Za-z0-9_]*>)/.exec(pattern.slice(i));
        if (!m) unsupported(pattern, 'a lookaround or inline-flag group');
        i += m[0].length;
      } else {
        i++;
      }
      depth++;
      out += '(';
      groups.push({ start: out.length, alternatives: [] });
      continue;
    }
    if (c === ')') {
      depth--;
      const closed = closeAlternatives(out, groups.pop());
      out = closed.text + (closed.optional ? ')?' : ')');
      i++;
      continue;
    }
    if (c === '|') {
      if (depth === 0) topLevelAlternation = true;
      const group = groups[groups.length - 1];
      if (group) {
        group.alternatives.push(out.slice(group.start));
        out = out.slice(0, group.start);
      }
      i++;
      continue;
    }
    if (c === '^') {
      if (out === '' && !flags.includes('m')) {
        startAnchor = true;
        i++;
        continue;
      }
      unsupported(pattern, flags.includes('m') ? "a '^' anchor with the m flag (a line start)" : "a '^' anchor that is not at the start");
    }
    if (c === '$') {
      if (i === n - 1 && !flags.includes('m')) {
        endAnchor = true;
        i++;
        continue;
      }
      unsupported(pattern, flags.includes('m') ? "a '$' anchor with the m flag (a line end)" : "a '$' anchor that is not at the end");
    }
    if ((c === '*' || c === '+' || c === '?' || c === '}') && pattern[i + 1] === '?') {
      // A lazy quantifier matches the same set of whole values as a greedy one.
      out += c;
      i += 2;
      continue;
    }
    if (c === '.') {
      out += dotAll ? '.' : '[^\n]';
      i++;
      continue;
    }
    if ('"#@&<>~'.includes(c)) {
      out += '\\' + c;
      i++;
      continue;
    }
    out += c;
    i++;
  }
  if (topLevelAlternation && (startAnchor || endAnchor)) unsupported(pattern, 'anchors around a top-level alternation');
  const closed = closeAlternatives(out, groups.pop());
  let body = topLevelAlternation ? `(${closed.text})${closed.optional ? '?' : ''}` : closed.text;
  // Sigma regexes search anywhere in the value; Lucene regexes must match the whole value.
  if (!startAnchor) body = '.*' + body;
  if (!endAnchor) body = body + '.*';
  return { pattern: body, caseInsensitiveOp: flags.includes('i') };
}

/** The other case of each ASCII character ('' for none): toLowerCase and toUpperCase map ASCII letters only to each other. */
const ASCII_OTHER_CASE: readonly string[] = Array.from({ length: 128 }, (_, c) => {
  const ch = String.fromCharCode(c);
  return ch.toLowerCase() !== ch ? ch.toLowerCase() : ch.toUpperCase() !== ch ? ch.toUpperCase() : '';
});
const NO_VARIANTS: readonly string[] = [];
/** An ASCII character outside classes and escapes, folded: `[aA]` for a letter, else itself. */
const ASCII_FOLDED: readonly string[] = ASCII_OTHER_CASE.map((v, c) => (v ? `[${String.fromCharCode(c)}${v}]` : String.fromCharCode(c)));
const ASCII_VARIANTS: readonly (readonly string[])[] = ASCII_OTHER_CASE.map((v) => (v ? [v] : NO_VARIANTS));

/** The other cases of one character that are single characters themselves (Sigma folds case with toLowerCase). */
function caseVariants(ch: string): readonly string[] {
  // ASCII (most of every rule): from the table, no strings built.
  if (ch.length === 1 && ch.charCodeAt(0) < 128) return ASCII_VARIANTS[ch.charCodeAt(0)] as readonly string[];
  const out: string[] = [];
  for (const v of [ch.toLowerCase(), ch.toUpperCase()]) {
    if (v !== ch && [...v].length === 1 && !out.includes(v)) out.push(v);
  }
  return out;
}

/** Whether a text holds a character that has another case: only then does a case-insensitive match differ. */
export function hasCasedCharacter(text: string): boolean {
  if (/[A-Za-z]/.test(text)) return true;
  if (!/[^\x00-\x7f]/.test(text)) return false; // ASCII without a letter
  for (const ch of text) if (caseVariants(ch).length) return true;
  return false;
}

/** Widest character range whose members are folded one by one (wider ones are refused: a Lucene class of every case variant would be huge). */
const MAX_FOLDED_RANGE = 0x800;

/**
 * A Lucene regex (the syntax this module writes) that matches case-insensitively with no flag: every
 * character with other cases becomes a class of its cases (`a` → `[aA]`), and every class gets the other
 * cases of its members (`[a-c]` → `[a-cA-C]`, `[^a]` → `[^aA]`). For query languages without a
 * case-insensitive regex (Elasticsearch query_string, ES|QL RLIKE). Null when a class range is too wide to fold.
 */
export function foldLuceneRegexCase(pattern: string): string | null {
  const classMember = (ch: string): string => (/[\]\\^\-[]/.test(ch) ? '\\' + ch : ch);
  if (ASCII_ONLY.test(pattern)) return foldAsciiRegexCase(pattern, classMember);
  const chars = [...pattern];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '\\') {
      const e = chars[++i];
      if (e === undefined) return null;
      const variants = caseVariants(e);
      out.push(variants.length ? `[${classMember(e)}${variants.map(classMember).join('')}]` : '\\' + e);
      continue;
    }
    if (c === '[') {
      const folded = foldClass(chars, i + 1, classMember);
      if (!folded) return null;
      out.push(folded.text);
      i = folded.end;
      continue;
    }
    const variants = caseVariants(c);
    out.push(variants.length ? `[${c}${variants.join('')}]` : c);
  }
  return out.join('');
}

/** foldLuceneRegexCase of an ASCII pattern: indexed as it is, letters from a table, other text copied in runs. */
function foldAsciiRegexCase(pattern: string, classMember: (ch: string) => string): string | null {
  let out = '';
  let from = 0; // where the run not yet copied starts
  for (let i = 0; i < pattern.length; i++) {
    const code = pattern.charCodeAt(i);
    if (code === 0x5c /* \\ */) {
      const e = pattern[i + 1];
      if (e === undefined) return null;
      const variants = caseVariants(e);
      if (variants.length) {
        out += pattern.slice(from, i) + `[${classMember(e)}${variants.map(classMember).join('')}]`;
        from = i + 2;
      }
      i++;
      continue;
    }
    if (code === 0x5b /* [ */) {
      const folded = foldClass(pattern, i + 1, classMember);
      if (!folded) return null;
      out += pattern.slice(from, i) + folded.text;
      i = folded.end;
      from = i + 1;
      continue;
    }
    const folded = ASCII_FOLDED[code] as string;
    if (folded.length > 1) {
      out += pattern.slice(from, i) + folded;
      from = i + 1;
    }
  }
  return out + pattern.slice(from);
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** One character class from just after its '[': the class with its members' other cases, and the index of its ']'. */
function foldClass(chars: ArrayLike<string>, from: number, member: (ch: string) => string): { text: string; end: number } | null {
  let i = from;
  let text = '[';
  if (chars[i] === '^') {
    text += '^';
    i++;
  }
  const extra = new Set<string>();
  const read = (): string | null => {
    const c = chars[i];
    if (c === undefined) return null;
    if (c === '\\') {
      i += 2;
      return chars[i - 1] ?? null;
    }
    i++;
    return c;
  };
  for (let first = true; i < chars.length && (chars[i] !== ']' || first); first = false) {
    const start = i;
    const lo = read();
    if (lo === null) return null;
    let hi = lo;
    if (chars[i] === '-' && chars[i + 1] !== undefined && chars[i + 1] !== ']') {
      i++;
      const h = read();
      if (h === null) return null;
      hi = h;
    }
    for (let k = start; k < i; k++) text += chars[k] as string;
    const a = lo.codePointAt(0) as number;
    const b = hi.codePointAt(0) as number;
    if (b - a > MAX_FOLDED_RANGE) return null;
    for (let cp = a; cp <= b; cp++) for (const v of caseVariants(String.fromCodePoint(cp))) extra.add(v);
  }
  if (chars[i] !== ']') return null;
  for (const v of extra) text += member(v);
  return { text: text + ']', end: i };
}
