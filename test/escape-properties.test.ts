/**
 * Injection-proof escaping, by property: for arbitrary strings (quotes, backslashes also trailing,
 * literal * and ?, pipes, semicolons, newlines, NUL and control characters, any Unicode) each
 * escaper of src/render/escape.ts yields exactly one literal whose meaning is the input. KQL is
 * checked with Microsoft's parser; SPL and EQL with a tokenizer of the literal syntax we emit.
 */
import fc from 'fast-check';
import {
  escapeEqlField,
  escapeEqlString,
  escapeKqlField,
  escapeKqlString,
  escapeSplunkEvalField,
  escapeSplunkEvalString,
  escapeSplunkField,
  quoteEqlEventCategory,
  quoteEqlWildcard,
  quoteSplunkSearch,
  escapeSqlString,
  escapeSqlIdentifier,
  quoteSqlLike,
  quoteSqlLikeLower,
  quoteSqliteGlob,
  quoteSqliteLike,
  quoteSqlCidrRegex,
} from '../src/render/escape';
import { dialectNames, findDialect } from '../src/render/dialects';
import {
  ELASTIC_MAX_REGEX_LENGTH,
  escapeEsqlField,
  escapeEsqlString,
  escapeLuceneField,
  quoteEsqlLike,
  quoteEsqlRegex,
  quoteEsqlRegexFolded,
  quoteLuceneCaseInsensitive,
  quoteLuceneRegex,
  quoteLuceneRegexFolded,
  quoteLuceneTerm,
} from '../src/render/escape';
import { foldLuceneRegexCase } from '../src/render/regex-dialects';
import type { SigmaString } from '../src/ir/types';
import { mergeParts } from '../src/rule/sigma-string';
import { compileSigmaString, foldCase } from '../src/evaluate/string-matcher';
import { openDuckdb, openSqlite, type SqlEngine } from './support/sql-engines';

/* eslint-disable @typescript-eslint/no-explicit-any */
/** Characters without a documented escape in Splunk quoted strings. */
const CONTROL = /[\u0000-\u001f\u007f]/;
const ROOT = require('path').resolve(__dirname, '..');
require(`${ROOT}/node_modules/@kusto/language-service-next/bridge.js`);
require(`${ROOT}/node_modules/@kusto/language-service-next/Kusto.Language.Bridge.js`);
const K = (globalThis as any).Kusto.Language;
const KIND = K.Syntax.SyntaxKind;

/** Strings biased towards the characters that break quoting. */
const hostile = fc.oneof(
  fc.string({ unit: fc.constantFrom('"', "'", '\\', '*', '?', '|', ';', '\n', '\r', '\t', '\u0000', '\u0007', '`', '{', '}', '$', 'a', ' ', '\u2028', 'é', '😀') }),
  fc.string({ unit: 'binary' }),
  fc.string(),
);
const RUNS = { numRuns: 500 };

function kqlNodes(query: string): { kinds: number[]; strings: string[]; errors: number } {
  const code = K.KustoCode.Parse(query);
  const kinds: number[] = [];
  const strings: string[] = [];
  const walk = (n: any): void => {
    if (!n) return;
    kinds.push(n.Kind);
    if (n.Kind === KIND.StringLiteralExpression) strings.push(String(n.LiteralValue));
    for (let i = 0; i < n.ChildCount; i++) walk(n.GetChild(i));
  };
  walk(code.Syntax);
  return { kinds, strings, errors: code.GetDiagnostics().Count };
}

describe('KQL, checked by Microsoft parser', () => {
  test('a string literal is one literal node with the input as value, and one =~ operator', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const q = `T | where A =~ ${escapeKqlString(s)}`;
        const { kinds, strings, errors } = kqlNodes(q);
        expect(errors).toBe(0);
        expect(strings).toEqual([s]);
        expect(kinds.filter((k) => k === KIND.EqualTildeExpression)).toHaveLength(1);
        expect(kinds.filter((k) => k === KIND.AndExpression || k === KIND.OrExpression || k === KIND.PipeExpression)).toHaveLength(1); // the one pipe we wrote
      }),
      RUNS,
    );
  });

  test("a column name is one name node: bare or ['...'] with the input as name", () => {
    fc.assert(
      fc.property(hostile.filter((s) => s.length > 0), (name) => {
        const q = `T | where ${escapeKqlField(name)} == 1`;
        const code = K.KustoCode.Parse(q);
        expect(code.GetDiagnostics().Count).toBe(0);
        const names: string[] = [];
        const walk = (n: any): void => {
          if (!n) return;
          if (n.Kind === KIND.BracketedName || n.Kind === KIND.TokenName) names.push(String(n.SimpleName ?? ''));
          for (let i = 0; i < n.ChildCount; i++) walk(n.GetChild(i));
        };
        walk(code.Syntax);
        expect(names).toContain(name);
      }),
      RUNS,
    );
  });
});

/** Reads one double-quoted literal at the start of `text` with the given escapes; returns value and length. */
function readQuoted(text: string, escapes: (c: string, rest: string) => { value: string; length: number } | null): { value: string; length: number } {
  if (text[0] !== '"') throw new Error(`not a literal: ${text}`);
  let value = '';
  let i = 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') return { value, length: i + 1 };
    if (c === '\\') {
      const e = escapes(text[i + 1] ?? '', text.slice(i + 1));
      if (!e) throw new Error(`illegal escape at ${i} in ${text}`);
      value += e.value;
      i += 1 + e.length;
      continue;
    }
    value += c;
    i++;
  }
  throw new Error(`unterminated literal: ${text}`);
}

/** Splunk quoted strings: \" and \\ are the escapes; a backslash before anything else is literal. */
const splunkEscapes = (c: string) => (c === '"' || c === '\\' ? { value: c, length: 1 } : { value: '\\', length: 0 });

/** EQL strings: \" \\ \n \r \t and \u{hex}; anything else is an error. */
const eqlEscapes = (c: string, rest: string) => {
  const simple: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', r: '\r', t: '\t' };
  if (simple[c] !== undefined) return { value: simple[c] as string, length: 1 };
  // Elasticsearch's EQL lexer takes 2 to 8 hex digits in \u{...}: '\u{c}' is a syntax error there.
  const u = /^u\{([0-9a-fA-F]{2,8})\}/.exec(rest);
  return u ? { value: String.fromCodePoint(parseInt(u[1] as string, 16)), length: u[0].length } : null;
};

const plain = (text: string): SigmaString => ({ type: 'string', parts: text ? [text] : [] });

describe('SPL', () => {
  test('search literal: one token, value round-trips (backslash before a quote, pipes, trailing backslash)', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const q = quoteSplunkSearch(plain(s));
        // A literal * cannot be written in search; raw control characters are left to the where stage.
        if (s.includes('*') || CONTROL.test(s)) return expect(q).toBeNull();
        const lit = readQuoted(q as string, splunkEscapes);
        expect(lit.length).toBe((q as string).length);
        expect(lit.value).toBe(s);
      }),
      RUNS,
    );
    expect(quoteSplunkSearch(plain('a\\"b|c'))).toBe('"a\\\\\\"b|c"');
    expect(quoteSplunkSearch(plain('trailing\\'))).toBe('"trailing\\\\"');
  });

  test('search wildcards stay wildcards, and only where the Sigma string has them', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(hostile.filter((s) => !s.includes('*') && !CONTROL.test(s) && s !== ''), fc.constant(null))), (parts) => {
        const value: SigmaString = { type: 'string', parts: parts.map((p) => (p === null ? { wildcard: 'multi' as const } : p)) };
        const q = quoteSplunkSearch(value) as string;
        const lit = readQuoted(q, splunkEscapes);
        expect(lit.length).toBe(q.length);
        expect(lit.value).toBe(parts.map((p) => (p === null ? '*' : p)).join(''));
      }),
      RUNS,
    );
  });

  test('eval string literal round-trips', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const q = escapeSplunkEvalString(s);
        if (CONTROL.test(s)) return expect(q).toBeNull(); // no documented escape: matched by regex instead
        const lit = readQuoted(q as string, splunkEscapes);
        expect(lit.length).toBe((q as string).length);
        expect(lit.value).toBe(s);
      }),
      RUNS,
    );
  });
});

describe('EQL', () => {
  test('string literal: one token, only legal escapes, never a """ raw-string opener', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const q = escapeEqlString(s);
        expect(q.startsWith('"""')).toBe(false);
        const lit = readQuoted(q, eqlEscapes);
        expect(lit.length).toBe(q.length);
        expect(lit.value).toBe(s);
      }),
      RUNS,
    );
    expect(escapeEqlString('"')).toBe('"\\""');
    expect(escapeEqlString('""')).toBe('"\\"\\""');
    // \s in a regex covers form feed and vertical tab: one hex digit would be rejected by Elasticsearch.
    expect(escapeEqlString('a\fb\vc\u0001\u007f')).toBe('"a\\u{0c}b\\u{0b}c\\u{01}\\u{7f}"');
  });

  test('wildcard literal: * and ? only from wildcards; literal ones are refused', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const q = quoteEqlWildcard(plain(s));
        if (/[*?]/.test(s)) return expect(q).toBeNull();
        expect(readQuoted(q as string, eqlEscapes).value).toBe(s);
      }),
      RUNS,
    );
  });

  test('field: bare dotted name or one backquoted name', () => {
    fc.assert(
      fc.property(hostile.filter((s) => s.length > 0), (name) => {
        const q = escapeEqlField(name);
        expect(q).not.toBeNull();
        if (q === null) return;
        if (!q.startsWith('`')) return expect(q).toBe(name);
        expect(q.endsWith('`')).toBe(true);
        const inner = q.slice(1, -1);
        expect(inner.replace(/``/g, '')).not.toContain('`');
        expect(inner.replace(/``/g, '`')).toBe(name);
      }),
      RUNS,
    );
  });
});

describe('field names and identifiers without quoting', () => {
  test('Splunk search field: the name itself, or no form (never a quote, space, = or pipe)', () => {
    fc.assert(
      fc.property(hostile, (name) => {
        const q = escapeSplunkField(name);
        if (q === null) return;
        expect(q).toBe(name);
        expect(q).toMatch(/^[A-Za-z_][A-Za-z0-9_.:-]*$/);
      }),
      RUNS,
    );
  });

  test("Splunk eval field: bare identifier or one '...' name that reads back as the input", () => {
    fc.assert(
      fc.property(hostile.filter((s) => s.length > 0), (name) => {
        const q = escapeSplunkEvalField(name);
        if (q === null) return expect(name).toMatch(/['\\\n\r]/);
        if (!q.startsWith("'")) return expect(q).toBe(name);
        expect(q.endsWith("'")).toBe(true);
        expect(q.slice(1, -1)).toBe(name);
        expect(name).not.toMatch(/['\\\n\r]/);
      }),
      RUNS,
    );
  });

  test('EQL event category: an identifier as written, or no form', () => {
    fc.assert(
      fc.property(hostile, (name) => {
        const q = quoteEqlEventCategory(name);
        if (q === null) return expect(name).not.toMatch(/^[a-z_][a-z0-9_]*$/i);
        expect(q).toBe(name);
      }),
      RUNS,
    );
  });
});

describe('ES|QL regex strings', () => {
  test('an RLIKE pattern is one ES|QL string of the pattern (its folded form when case-insensitive), or no form when too long', () => {
    fc.assert(
      fc.property(hostile, (p) => {
        const q = quoteEsqlRegex(p);
        expect(q === null ? p.length > ELASTIC_MAX_REGEX_LENGTH : q === escapeEsqlString(p)).toBe(true);
        const folded = foldLuceneRegexCase(p);
        expect(quoteEsqlRegexFolded(p)).toBe(folded === null ? null : quoteEsqlRegex(folded));
      }),
      RUNS,
    );
  });
});

describe('the dialect registry (src/render/dialects.ts)', () => {
  // Every escaper property-tested in this file or in test/lucene-esql-escape.test.ts (Lucene, ES|QL), or built
  // only from such escapers and tested parts: a dialect may only be built from these.
  const TESTED = new Set<unknown>([
    escapeLuceneField,
    quoteLuceneTerm,
    quoteLuceneCaseInsensitive,
    quoteLuceneRegex,
    quoteLuceneRegexFolded,
    escapeEsqlField,
    escapeEsqlString,
    quoteEsqlLike,
    quoteEsqlRegex,
    quoteEsqlRegexFolded,
    // SQL: read back and matched by SQLite and DuckDB themselves (the SQL section below).
    escapeSqlString,
    escapeSqlIdentifier,
    quoteSqlLike,
    quoteSqliteLike,
    quoteSqliteGlob,
    // An exact address regex (test/cidr-pattern.test.ts) as an SQL string (tested below).
    quoteSqlCidrRegex,
    escapeKqlString,
    escapeKqlField,
    quoteSplunkSearch,
    escapeSplunkField,
    escapeSplunkEvalString,
    escapeSplunkEvalField,
    escapeEqlString,
    escapeEqlField,
    quoteEqlWildcard,
    quoteEqlEventCategory,
  ]);

  test.each(dialectNames())('%s: its field and every quoting style are escapers tested here', (name) => {
    const dialect = findDialect(name);
    expect(TESTED.has(dialect?.field)).toBe(true);
    for (const [style, quoting] of dialect?.quoting ?? []) {
      const fn = 'literal' in quoting ? quoting.literal : quoting.pattern;
      expect([style, TESTED.has(fn)]).toEqual([style, true]);
    }
  });
});

describe('SQL (sqlite and duckdb targets), checked by the real engines', () => {
  // One string literal, one identifier, one LIKE/GLOB pattern: each engine reads back exactly the input.
  const sqlHostile = fc.oneof(
    fc.string({ unit: fc.constantFrom("'", '"', '\\', '%', '_', '[', ']', '*', '?', '^', '-', '\n', '\r', '\u2028', '\u0000', 'a', 'B', ' ', 'é', '😀', ';', '--') }),
    fc.string(),
  );
  // Texts to match: the same alphabet, no NUL (no text column of either engine holds one through a literal).
  const sqlText = fc.string({ unit: fc.constantFrom("'", '\\', '%', '_', '[', ']', '*', '?', 'a', 'A', 'b', 'B', '\n', 'é', '😀') });
  const part = fc.oneof(
    sqlText.map((t) => t as SigmaString['parts'][number]),
    fc.constantFrom({ wildcard: 'multi' as const }, { wildcard: 'single' as const }),
  );
  const sigmaValue = fc.array(part, { maxLength: 5 }).map((parts): SigmaString => ({ type: 'string', parts: mergeParts(parts) }));
  const ASYNC_RUNS = { numRuns: 200 };
  let engines: SqlEngine[] = [];
  beforeAll(async () => {
    engines = [await openSqlite(), await openDuckdb()];
  });
  afterAll(() => engines.forEach((e) => e.close()));
  const bool = (v: unknown): boolean => v === true || v === 1;

  test('a string literal reads back as the input (declined only for NUL)', async () => {
    for (const engine of engines) {
      await fc.assert(
        fc.asyncProperty(sqlHostile, async (s) => {
          const lit = escapeSqlString(s);
          expect(lit === null).toBe(s.includes('\u0000'));
          if (lit !== null) expect(await engine.scalar(`SELECT ${lit}`)).toBe(s);
        }),
        ASYNC_RUNS,
      );
    }
  });

  test('an identifier is one column named exactly the input', async () => {
    for (const engine of engines) {
      await fc.assert(
        fc.asyncProperty(sqlHostile.filter((s) => s !== '' && !s.includes('\u0000')), async (s) => {
          const id = escapeSqlIdentifier(s) as string;
          expect(await engine.columnNames(`SELECT 1 AS ${id}`)).toEqual([s]);
        }),
        ASYNC_RUNS,
      );
    }
  });

  test('LIKE and GLOB patterns match exactly what the evaluator matches', async () => {
    const [sqlite, duckdb] = engines as [SqlEngine, SqlEngine];
    await fc.assert(
      fc.asyncProperty(sigmaValue, sqlText, async (value, text) => {
        const t = escapeSqlString(text) as string;
        const cased = compileSigmaString(value, true)(text);
        const uncased = compileSigmaString(value, false)(foldCase(text));
        expect(bool(await duckdb.scalar(`SELECT ${t} LIKE ${quoteSqlLike(value)}`))).toBe(cased);
        expect(bool(await duckdb.scalar(`SELECT lower(${t}) LIKE ${quoteSqlLikeLower(value)}`))).toBe(uncased);
        expect(bool(await sqlite.scalar(`SELECT ${t} GLOB ${quoteSqliteGlob(value)}`))).toBe(cased);
        const like = quoteSqliteLike(value);
        // Declined exactly for values with a non-ASCII letter that has another case (é): SQLite folds ASCII only.
        expect(like === null).toBe(value.parts.some((p) => typeof p === 'string' && /[é]/.test(p)));
        if (like !== null) expect(bool(await sqlite.scalar(`SELECT ${t} LIKE ${like}`))).toBe(uncased);
      }),
      { numRuns: 400 },
    );
  });
});
