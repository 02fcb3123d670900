/**
 * Escaping of the lucene and esql targets, by property: for arbitrary strings (quotes, backslashes also
 * trailing, literal * ? /, spaces, newlines, controls, any Unicode) each escaper yields one token of the
 * query language whose meaning is the input. The query_string tokens follow Lucene's classic QueryParser
 * grammar (QUOTED, TERM/WILDTERM, REGEXPTERM); ES|QL strings its QUOTED_STRING and LIKE's escapes.
 */
import fc from 'fast-check';
import {
  escapeEsqlField,
  escapeEsqlString,
  escapeLuceneField,
  quoteEsqlLike,
  quoteEsqlLikeLower,
  quoteLuceneCaseInsensitive,
  quoteLuceneRegex,
  quoteLuceneRegexFolded,
  quoteLuceneTerm,
} from '../src/render/escape';
import { hasCasedCharacter, LUCENE_ENGINE } from '../src/render/regex-dialects';
import { isWildcard } from '../src/rule/sigma-string';
import type { SigmaString, StrPart } from '../src/ir/types';

const hostile = fc.oneof(
  fc.string({ unit: fc.constantFrom('"', "'", '\\', '*', '?', '/', '|', ':', '(', ')', '[', ']', '-', '+', '!', '~', '^', '<', '>', '=', '&', '\n', '\r', '\t', '\u0000', '\u3000', ' ', 'a', 'B', 'é', 'ß', '😀', '.', '@', '#') }),
  fc.string({ unit: 'binary' }),
  fc.string(),
);
const RUNS = { numRuns: 500 };
const plain = (s: string): SigmaString => ({ type: 'string', parts: s === '' ? [] : [s] });
/** Sigma strings with wildcards between hostile literal parts. */
const withWildcards = fc.array(fc.oneof(hostile, fc.constantFrom<StrPart>({ wildcard: 'multi' }, { wildcard: 'single' })), { maxLength: 6 }).map((parts): SigmaString => ({ type: 'string', parts: parts.filter((p) => p !== '') }));

/** The classic parser's QUOTED token: "..." with backslash escapes; returns its text, or null if `q` is not exactly one. */
function readQuoted(q: string): string | null {
  const m = /^"((?:[^"\\]|\\[\s\S])*)"$/.exec(q);
  return m ? (m[1] as string).replace(/\\([\s\S])/g, '$1') : null;
}

/** A bare TERM / WILDTERM: no unescaped whitespace or syntax character; returns its parts (escaped characters literal). */
function readTerm(q: string): StrPart[] | null {
  const parts: StrPart[] = [];
  const chars = [...q];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '\\') {
      const e = chars[++i];
      if (e === undefined) return null;
      parts.push(e);
    } else if (c === '*') parts.push({ wildcard: 'multi' });
    else if (c === '?') parts.push({ wildcard: 'single' });
    else if (/[\s\u3000+\-!():^[\]"{}~\\/&|]/.test(c)) return null;
    else parts.push(c);
  }
  return parts;
}

/** Merges adjacent literal characters, for comparing with a Sigma string's parts. */
function merge(parts: readonly StrPart[]): StrPart[] {
  const out: StrPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (typeof p === 'string' && typeof last === 'string') out[out.length - 1] = last + p;
    else out.push(p);
  }
  return out;
}

/** REGEXPTERM of the classic grammar, "/" (~["/"] | "\/")* "/", read longest-match in `text`: the token's length. */
function regexTokenLength(text: string): number {
  let best = -1;
  for (let j = 1; j < text.length; j++) {
    if (text[j] === '/' && /^\/(?:[^/]|\\\/)*\/$/.test(text.slice(0, j + 1))) best = j + 1;
  }
  return best;
}

/** What Sigma means: the whole text matches the value, wildcards as wildcards, case folded with toLowerCase unless cased. */
function reference(v: SigmaString, cased: boolean, text: string): boolean {
  const fold = (x: string) => (cased ? x : x.toLowerCase());
  const body = v.parts.map((p) => (typeof p === 'string' ? fold(p).replace(/[\\^$.*+?()[\]{}|\/]/g, '\\$&') : p.wildcard === 'multi' ? '[\\s\\S]*' : '[\\s\\S]')).join('');
  return new RegExp(`^${body}$`, 'u').test(fold(text));
}

describe('lucene (query_string) escaping', () => {
  test('a value without wildcards is one quoted phrase of exactly the input', () => {
    fc.assert(fc.property(hostile, (s) => expect(readQuoted(quoteLuceneTerm(plain(s)))).toBe(s)), RUNS);
  });

  test('a value with wildcards is one bare term: its wildcards are the only unescaped * and ?', () => {
    fc.assert(
      fc.property(withWildcards, (v) => {
        if (!v.parts.some((p) => typeof p !== 'string')) return;
        expect(merge(readTerm(quoteLuceneTerm(v)) ?? [])).toEqual(merge(v.parts.flatMap((p): StrPart[] => (typeof p === 'string' ? [...p] : [p]))));
      }),
      RUNS,
    );
  });

  test('a field name is one term of exactly the name', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const q = escapeLuceneField(s);
        if (s === '' || /[*?]/.test(s)) return expect(q).toBeNull();
        expect(merge(readTerm(q as string) ?? [])).toEqual(merge([...s]));
      }),
      RUNS,
    );
  });

  test('a regex is one /.../ token however the query goes on, and matches exactly the value (cased and folded)', () => {
    fc.assert(
      fc.property(withWildcards, (v) => {
        const pattern = LUCENE_ENGINE.fromWildcard(v, true).pattern;
        for (const [quote, flags] of [[quoteLuceneRegex, 's'], [quoteLuceneRegexFolded, 'si']] as const) {
          const q = quote(pattern);
          if (q === null) return expect(pattern.length).toBeGreaterThan(250); // folded, longer than Elasticsearch accepts
          expect(regexTokenLength(`${q} OR f:/x/`)).toBe(q.length);
          // The classic parser hands the text between the slashes to RegExp, which reads \c as c (JS: identity escapes).
          const js = new RegExp(`^(?:${q.slice(1, -1).replace(/\\([^A-Za-z0-9])/gu, (_m, c: string) => `\\u{${c.codePointAt(0)?.toString(16)}}`)})$`, `${flags}u`);
          const sample = v.parts.map((p) => (typeof p === 'string' ? p : p.wildcard === 'multi' ? 'x/y' : 'z')).join('');
          const cased = flags === 's';
          for (const text of [sample, sample + '\u0001', 'Q' + sample, sample.toUpperCase(), sample.toLowerCase()]) {
            expect(js.test(text)).toBe(reference(v, cased, text));
          }
        }
      }),
      RUNS,
    );
  });

  test('case-insensitive: the one-pass ASCII form is exactly the wildcard regex folded and quoted, up to and past the length limit', () => {
    // Every printable and control ASCII character, so that each branch of the one pass is taken.
    const ascii = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 400 });
    const parts = fc.array(fc.oneof(ascii, hostile, fc.constantFrom<StrPart>({ wildcard: 'multi' }, { wildcard: 'single' }, 'a\\b/c', 'Z'.repeat(250))), { maxLength: 6 });
    fc.assert(
      fc.property(parts, (list) => {
        const v: SigmaString = { type: 'string', parts: list.filter((p) => p !== '') };
        const cased = v.parts.some((p) => !isWildcard(p) && hasCasedCharacter(p));
        const reference = cased ? quoteLuceneRegexFolded(LUCENE_ENGINE.fromWildcard(v, true).pattern) : quoteLuceneTerm(v);
        expect(quoteLuceneCaseInsensitive(v)).toBe(reference);
      }),
      { numRuns: 2000 },
    );
  });

  test('case-insensitive: a value with cased letters is a folded regex, one without is the cased term', () => {
    expect(quoteLuceneCaseInsensitive(plain('4688'))).toBe('"4688"');
    expect(quoteLuceneCaseInsensitive(plain('C:\\a/b'))).toBe('/[Cc]\\:[\\\\][aA]\\/[bB]/');
    expect(quoteLuceneCaseInsensitive({ type: 'string', parts: [{ wildcard: 'multi' }, 'x'] })).toBe('/.*[xX]/');
  });
});

describe('esql escaping', () => {
  /** ES|QL QUOTED_STRING: "..." with \t \n \r \" \\ escapes and no raw CR or LF; its text, or null. */
  const readEsqlString = (q: string): string | null => {
    const m = /^"((?:[^"\\\r\n]|\\[tnr"\\])*)"$/.exec(q);
    return m ? (m[1] as string).replace(/\\([tnr"\\])/g, (_x, e: string) => ({ t: '\t', n: '\n', r: '\r' } as Record<string, string>)[e] ?? e) : null;
  };

  test('a string literal is one QUOTED_STRING of exactly the input', () => {
    fc.assert(fc.property(hostile, (s) => expect(readEsqlString(escapeEsqlString(s))).toBe(s)), RUNS);
  });

  test('a LIKE pattern: its wildcards are the only unescaped * and ?, the literal text as it is (or lower-cased)', () => {
    const readLike = (pattern: string): StrPart[] => {
      const out: StrPart[] = [];
      for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i] as string;
        if (c === '\\') out.push(pattern[++i] as string);
        else if (c === '*') out.push({ wildcard: 'multi' });
        else if (c === '?') out.push({ wildcard: 'single' });
        else out.push(c);
      }
      return out;
    };
    fc.assert(
      fc.property(withWildcards, (v) => {
        for (const [quote, fold] of [[quoteEsqlLike, (s: string) => s], [quoteEsqlLikeLower, (s: string) => s.toLowerCase()]] as const) {
          const text = readEsqlString(quote(v) as string);
          expect(text).not.toBeNull();
          expect(merge(readLike(text as string))).toEqual(merge(v.parts.flatMap((p): StrPart[] => (typeof p === 'string' ? [fold(p)] : [p]))));
        }
      }),
      RUNS,
    );
  });

  test('a field is bare when it is dotted identifiers, else one backtick-quoted identifier of the name', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const q = escapeEsqlField(s);
        if (s === '') return expect(q).toBeNull();
        const m = /^`((?:[^`]|``)*)`$/.exec(q as string);
        if (m) expect((m[1] as string).replace(/``/g, '`')).toBe(s);
        else expect(q).toMatch(/^([A-Za-z][A-Za-z0-9_]*|[_@][A-Za-z0-9_]+)(\.([A-Za-z][A-Za-z0-9_]*|[_@][A-Za-z0-9_]+))*$/);
      }),
      RUNS,
    );
    expect(escapeEsqlField('process.executable')).toBe('process.executable');
    expect(escapeEsqlField('Event Type')).toBe('`Event Type`');
    expect(escapeEsqlField('not')).toBe('`not`');
  });
});
