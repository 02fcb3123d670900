/**
 * The one registry of query-language dialects and regex engines. A backend definition names them
 * (`dialect: kql`, `regex: {engine: re2}`); the renderer only looks them up and never asks which
 * target it renders. Adding a query language is, at most, one entry here built from escapers in
 * src/render/escape.ts (where every escaper is property-tested) and, for a new regex syntax, an
 * engine in src/render/regex-dialects.ts.
 */
import type { SigmaString } from '../ir/types';
import {
  escapeEqlField,
  escapeEqlString,
  escapeEsqlField,
  escapeEsqlString,
  escapeLuceneField,
  escapeSqlIdentifier,
  escapeSqlString,
  escapeKqlField,
  escapeKqlString,
  escapeSplunkEvalField,
  escapeSplunkEvalString,
  escapeSplunkField,
  quoteEqlEventCategory,
  quoteEqlWildcard,
  quoteEsqlLike,
  quoteEsqlRegex,
  quoteEsqlRegexFolded,
  quoteLuceneCaseInsensitive,
  quoteLuceneRegex,
  quoteLuceneRegexFolded,
  quoteLuceneTerm,
  quoteSplunkSearch,
  quoteSqlCidrRegex,
  quoteSqliteGlob,
  quoteSqliteLike,
  quoteSqlLike,
} from './escape';
import { plainSigmaString } from '../rule/sigma-string';
import { LUCENE_ENGINE, PCRE_ENGINE, RE2_ENGINE, type RegexEngine } from './regex-dialects';

/** A plain string as a literal; null when the language cannot write it. */
export type LiteralQuoter = (text: string) => string | null;
/** A Sigma string with its wildcards as the language's wildcards; null when it cannot write it. */
export type PatternQuoter = (value: SigmaString) => string | null;

/** One way of writing a value: a plain literal, or a pattern whose wildcards are the language's own. */
export type ValueQuoting = { readonly literal: LiteralQuoter } | { readonly pattern: PatternQuoter };

export interface Dialect {
  /** A field (column) name as the language writes it; null: no form here (another stage may have one). */
  readonly field: (name: string) => string | null;
  /** Value quoting styles by name: a stage names its default (`quoting:`), an operator may name another. */
  readonly quoting: ReadonlyMap<string, ValueQuoting>;
  /**
   * Case folding for stages that match case-insensitively by folding (`case_insensitive: fold`): the value
   * as the language's fold of the field would produce it; null when the fold is not exact for this value.
   */
  readonly foldCase?: (text: string) => string | null;
}

const literal = (quote: LiteralQuoter): ValueQuoting => ({ literal: quote });
const pattern = (quote: PatternQuoter): ValueQuoting => ({ pattern: quote });

const DIALECTS: ReadonlyMap<string, Dialect> = new Map<string, Dialect>([
  ['kql', { field: escapeKqlField, quoting: new Map([['string', literal(escapeKqlString)]]) }],
  // Splunk's search command: '*' is its only wildcard; the eval language of `| where` is another dialect.
  ['splunk-search', { field: escapeSplunkField, quoting: new Map([['search', pattern(quoteSplunkSearch)]]) }],
  ['splunk-eval', { field: escapeSplunkEvalField, quoting: new Map([['string', literal(escapeSplunkEvalString)]]) }],
  [
    'eql',
    {
      field: escapeEqlField,
      quoting: new Map([
        ['string', literal(escapeEqlString)],
        ['wildcard', pattern(quoteEqlWildcard)],
        ['event-category', literal(quoteEqlEventCategory)],
      ]),
    },
  ],
  // Elasticsearch query_string (Kibana Lucene): keyword fields compare case-sensitively and the syntax has no
  // case-insensitive option, so `nocase` writes a value with cased letters as a regex of both cases.
  [
    'lucene',
    {
      field: escapeLuceneField,
      quoting: new Map([
        ['term', pattern(quoteLuceneTerm)],
        ['nocase', pattern(quoteLuceneCaseInsensitive)],
        ['regex', literal(quoteLuceneRegex)],
        ['regex-folded', literal(quoteLuceneRegexFolded)],
      ]),
    },
  ],
  // ES|QL: case-insensitive matches fold both sides (TO_LOWER(field), the value lower-cased as Sigma folds
  // case); RLIKE has no case-insensitive form, so `regex-folded` writes both cases of each letter.
  [
    'esql',
    {
      field: escapeEsqlField,
      quoting: new Map([
        ['string', literal(escapeEsqlString)],
        ['like', pattern(quoteEsqlLike)],
        ['regex', literal(quoteEsqlRegex)],
        ['regex-folded', literal(quoteEsqlRegexFolded)],
      ]),
      foldCase: (text) => text.toLowerCase(),
    },
  ],
  // SQL over a flat event table (docs/targets-sql.md). SQLite: LIKE folds ASCII letters only (a value with
  // another cased letter has no `like` form and becomes a (?i) regex), GLOB is case-sensitive.
  [
    'sqlite',
    {
      field: escapeSqlIdentifier,
      quoting: new Map([
        ['string', literal(escapeSqlString)],
        ['like', pattern(quoteSqliteLike)],
        ['glob', pattern(quoteSqliteGlob)],
        ['cidr-regex', literal(quoteSqlCidrRegex)],
      ]),
    },
  ],
  // DuckDB: LIKE is case-sensitive; case-insensitive matches fold both sides (lower(column), the value
  // lower-cased as Sigma folds case).
  [
    'duckdb',
    {
      field: escapeSqlIdentifier,
      quoting: new Map([
        ['string', literal(escapeSqlString)],
        ['like', pattern(quoteSqlLike)],
        ['cidr-regex', literal(quoteSqlCidrRegex)],
      ]),
      foldCase: (text) => text.toLowerCase(),
    },
  ],
]);

const REGEX_ENGINES: ReadonlyMap<string, RegexEngine> = new Map([
  ['re2', RE2_ENGINE],
  ['pcre', PCRE_ENGINE],
  ['lucene', LUCENE_ENGINE],
]);

export function findDialect(name: string): Dialect | undefined {
  return DIALECTS.get(name);
}

export function findRegexEngine(name: string): RegexEngine | undefined {
  return REGEX_ENGINES.get(name);
}

export function dialectNames(): string[] {
  return [...DIALECTS.keys()];
}

export function regexEngineNames(): string[] {
  return [...REGEX_ENGINES.keys()];
}

/** Quotes a plain string with a quoting style: a pattern style gets it as a wildcard-free Sigma string. */
export function quotePlain(quoting: ValueQuoting, text: string): string | null {
  return 'literal' in quoting ? quoting.literal(text) : quoting.pattern(plainSigmaString(text));
}
