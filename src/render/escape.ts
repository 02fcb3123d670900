/**
 * Every quoting and escaping rule of every target, one named strategy per context. Nothing else in
 * the project may build a literal: a value reaches a query only through these functions.
 */
import type { SigmaString } from '../ir/types';
import { decodeFieldPath } from '../ir/field-path';
import { decodeJoinedField } from '../ir/joined-field';
import { isWildcard } from '../rule/sigma-string';
import { foldLuceneRegexCase, hasCasedCharacter, LUCENE_ENGINE } from './regex-dialects';
import { cidrTextRegex, parseCidr } from '../rule/cidr';

/** Quotes a plain string; null when the strategy cannot express it. */
export type LiteralQuoter = (text: string) => string | null;
/** Quotes a Sigma string with its wildcards as the target's wildcards; null when inexpressible. */
export type PatternQuoter = (value: SigmaString) => string | null;

function hex4(code: number): string {
  return code.toString(16).padStart(4, '0');
}

/** KQL "..." literal: backslash escapes for quote, backslash and control characters. */
// Nothing in these needs an escape: the common case, quoted without a character loop.
const KQL_PLAIN = /^[^"\\\u0000-\u001f\u007f\u2028\u2029]*$/;
const EQL_PLAIN = /^[^"\\\u0000-\u001f\u007f]*$/;
const ESQL_PLAIN = /^[^"\\\n\r\t]*$/;

export function escapeKqlString(text: string): string {
  if (KQL_PLAIN.test(text)) return `"${text}"`;
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) out += '\\u' + hex4(code);
    else out += ch;
  }
  return out + '"';
}

const KQL_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Words Microsoft's KQL parser does not take as a bare column name in `T | where NAME == 1` (checked with
// @kusto/language-service-next), plus the operators and literals; such a column is written ['name'].
const KQL_RESERVED = new Set(
  (
    'and or not in has contains between true false null by on where let to as asc desc first last of project union print ' +
    'datatable materialize sample search find invoke externaldata external_data toscalar totable set boolean int int8 int32 int64 uint ' +
    'long real double decimal string datetime date time timespan dynamic float has_any has_all has_cs hasprefix hassuffix hasprefix_cs ' +
    'hassuffix_cs startswith endswith startswith_cs endswith_cs like notlike contains_cs notcontains isfuzzy'
  ).split(' '),
);

/**
 * KQL column: bare when an identifier, else ['name'] with the name as a string literal. A field
 * inside a JSON column (src/ir/field-path.ts) becomes tostring(parse_json(Column).key["other key"]):
 * parse_json returns a dynamic value as it is and parses JSON text, so one form serves both; tostring
 * makes every string operator applicable.
 */
export function escapeKqlField(name: string): string {
  const joined = decodeJoinedField(name);
  if (joined) {
    // Columns joined as the source wrote them (src/ir/joined-field.ts); strcat reads a null column as empty.
    const columns = joined.columns.map((c, i) => {
      const column = escapeKqlField(c);
      const last = i === joined.columns.length - 1;
      return last && joined.emptyLast !== undefined ? `iff(isempty(${column}), ${escapeKqlString(joined.emptyLast)}, ${column})` : column;
    });
    return `strcat(${columns.join(`, ${escapeKqlString(joined.separator)}, `)})`;
  }
  const path = decodeFieldPath(name);
  if (path) {
    const column = escapeKqlField(path.column);
    const keys = path.keys.map((k) => (KQL_IDENT.test(k) && !KQL_RESERVED.has(k.toLowerCase()) ? `.${k}` : `[${escapeKqlString(k)}]`)).join('');
    return `tostring(${path.jsonText ? `parse_json(${column})` : column}${keys})`;
  }
  if (KQL_IDENT.test(name) && !KQL_RESERVED.has(name.toLowerCase())) return name;
  return `['${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}']`;
}

/** Splunk search-command literal: "..." where '*' is a wildcard; '?' and a literal '*' cannot be written. */
export function quoteSplunkSearch(value: SigmaString): string | null {
  let out = '"';
  for (const p of value.parts) {
    if (isWildcard(p)) {
      if (p.wildcard === 'single') return null;
      out += '*';
    } else {
      // A literal '*' has no form here, and raw line breaks or control characters inside a quoted
      // search term are undocumented: both go to the where stage (a regex with \xHH escapes).
      if (p.includes('*') || /[\u0000-\u001f\u007f]/.test(p)) return null;
      out += p.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    }
  }
  return out + '"';
}

const SPLUNK_SEARCH_FIELD = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

/** Splunk search field name: only names the search parser reads as one field. */
export function escapeSplunkField(name: string): string | null {
  if (decodeJoinedField(name)) return null; // a joined field has no form here: the rule is refused
  // The search command has no documented quoting for field names (a quoted string is a phrase to
  // search for): any other name is left to the where stage, where 'name' is documented.
  return SPLUNK_SEARCH_FIELD.test(name) ? name : null;
}

/** Splunk eval (where) string literal. */
export function escapeSplunkEvalString(text: string): string | null {
  if (/[\u0000-\u001f\u007f]/.test(text)) return null; // no documented escape: such values are matched by regex
  return '"' + text.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/** Splunk eval field: bare when simple, else single-quoted (a quote inside cannot be written). */
export function escapeSplunkEvalField(name: string): string | null {
  if (decodeJoinedField(name)) return null;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return name;
  if (/['\\\n\r]/.test(name)) return null;
  return `'${name}'`;
}

/** EQL "..." string: only \" \\ \n \r \t and \u{XX..} (2 to 8 hex digits) escapes are legal. */
export function escapeEqlString(text: string): string {
  if (EQL_PLAIN.test(text)) return `"${text}"`;
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\u{${code.toString(16).padStart(2, '0')}}`; // Elasticsearch wants 2 to 8 hex digits
    else out += ch;
  }
  return out + '"';
}

/** EQL ':' / 'like' pattern: '*' and '?' are always wildcards, so literal ones cannot be written. */
export function quoteEqlWildcard(value: SigmaString): string | null {
  let text = '';
  for (const p of value.parts) {
    if (isWildcard(p)) text += p.wildcard === 'multi' ? '*' : '?';
    else if (/[*?]/.test(p)) return null;
    else text += p;
  }
  return escapeEqlString(text);
}

/** EQL field: dotted identifiers are bare; anything else goes in backticks (a backtick is doubled). */
export function escapeEqlField(name: string): string | null {
  if (decodeJoinedField(name)) return null;
  if (/^[A-Za-z_@][A-Za-z0-9_@]*(\.[A-Za-z_@][A-Za-z0-9_@]*)*$/.test(name)) return name;
  return '`' + name.replace(/`/g, '``') + '`';
}

// ---------------------------------------------------------------------------------------------
// Elasticsearch query_string / Kibana Lucene syntax (docs/targets-lucene-esql.md). The classic query parser
// reads any character after a backslash as itself; a quoted phrase ends at '"'; a regex is /.../.

/** Elasticsearch's default index.max_regex_length: a longer regexp is refused before Lucene sees it. */
export const ELASTIC_MAX_REGEX_LENGTH = 1000;

/** Text of a bare query_string term: every character but ASCII letters, digits, '_', '.', '@' and non-ASCII non-spaces gets a backslash. */
function escapeLuceneTermText(text: string): string {
  let out = '';
  for (const ch of text) out += /^[A-Za-z0-9_.@]$/.test(ch) || (ch > '\u007f' && !/\s/u.test(ch)) ? ch : '\\' + ch;
  return out;
}

/** A query_string field name: escaped as a term; a field pattern ('*', '?') or a joined or JSON field has no form. */
export function escapeLuceneField(name: string): string | null {
  if (name === '' || decodeJoinedField(name) || decodeFieldPath(name) || /[*?]/.test(name)) return null;
  return escapeLuceneTermText(name);
}

/**
 * A case-sensitive query_string value: a quoted phrase without wildcards (on a keyword field, one exact term;
 * quoting also keeps a leading '<' or '>' from being read as a range, and AND/OR/NOT from being operators);
 * with wildcards, a bare term whose literal characters are escaped.
 */
export function quoteLuceneTerm(value: SigmaString): string {
  if (!value.parts.some(isWildcard)) {
    const text = value.parts.join('');
    return '"' + text.replace(/[\\"]/g, (c) => '\\' + c) + '"';
  }
  return value.parts.map((p) => (isWildcard(p) ? (p.wildcard === 'multi' ? '*' : '?') : escapeLuceneTermText(p))).join('');
}

/**
 * A case-insensitive query_string value. Keyword fields compare case-sensitively and query_string has no
 * case-insensitive option, so a value with cased letters becomes a regex of both cases per letter
 * (`/[cC][mM][dD]\.[eE][xX][eE]/`, whole-value like every Lucene regex); a value without is a plain term.
 */
export function quoteLuceneCaseInsensitive(value: SigmaString): string | null {
  if (!value.parts.some((p) => !isWildcard(p) && hasCasedCharacter(p))) return quoteLuceneTerm(value);
  const ascii = quoteLuceneFoldedAscii(value);
  return ascii !== undefined ? ascii : quoteLuceneRegexFolded(LUCENE_ENGINE.fromWildcard(value, true).pattern);
}

/**
 * For a value whose text is ASCII (nearly every rule), the regex quoteLuceneCaseInsensitive writes, in one pass:
 * exactly quoteLuceneRegexFolded(LUCENE_ENGINE.fromWildcard(value, true).pattern) (test/lucene-esql-escape.test.ts
 * compares them), without building the escaped and the folded pattern first. Per character: a letter becomes
 * the class of its two cases, a backslash `[\\]`, a letter-less character that is not a digit, '_' or a raw
 * line break or tab gets a backslash; the length limit applies to the folded pattern (before `[\\]`).
 * Undefined for other text.
 */
function quoteLuceneFoldedAscii(value: SigmaString): string | null | undefined {
  let out = '/';
  let folded = 0;
  for (const p of value.parts) {
    if (isWildcard(p)) {
      const w = p.wildcard === 'multi' ? '.*' : '.';
      out += w;
      folded += w.length;
      continue;
    }
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (c >= 0x80) return undefined;
      const ch = p[i] as string;
      if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
        out += '[' + ch + String.fromCharCode(c ^ 0x20) + ']';
        folded += 4;
      } else if ((c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x0a || c === 0x0d || c === 0x09) {
        out += ch;
        folded += 1;
      } else {
        out += c === 0x5c ? '[\\\\]' : '\\' + ch;
        folded += 2;
      }
    }
  }
  return folded > ELASTIC_MAX_REGEX_LENGTH ? null : out + '/';
}

/**
 * A Lucene regex as a query_string /.../ term. Inside it the parser only knows '\/': every '/' is written so,
 * and a literal backslash is never left before a '/' (the term would run on to a later '/'): `[\\]` outside
 * a class, moved to the class's end inside one. Null when longer than Elasticsearch accepts.
 */
export function quoteLuceneRegex(pattern: string): string | null {
  if (pattern.length > ELASTIC_MAX_REGEX_LENGTH) return null;
  // Read by code unit: only ASCII characters are special, and the text between them is copied in runs.
  let out = '';
  let from = 0; // where the run not yet copied starts
  let inClass = false;
  let deferredBackslash = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === 0x5c /* \ */) {
      if (i + 1 >= pattern.length) return null;
      const e = pattern.charCodeAt(i + 1);
      if (e === 0x5c && inClass) {
        out += pattern.slice(from, i);
        if (pattern[i + 2] === '-' || out.endsWith('-')) return null; // a range ending at a backslash: not moved
        deferredBackslash = true;
        from = i + 2;
      } else if (e === 0x5c) {
        out += pattern.slice(from, i) + '[\\\\]';
        from = i + 2;
      }
      // else: the escape as written, in the run
      i++;
      continue;
    }
    if (c === 0x2f /* / */) {
      out += pattern.slice(from, i) + '\\/';
      from = i + 1;
    } else if (c === 0x5b /* [ */ && !inClass) {
      inClass = true;
    } else if (c === 0x5d /* ] */ && inClass) {
      inClass = false;
      if (deferredBackslash) {
        out += pattern.slice(from, i) + '\\\\';
        from = i;
      }
      deferredBackslash = false;
    }
  }
  out += pattern.slice(from);
  return inClass ? null : `/${out}/`;
}

/** quoteLuceneRegex of the pattern made case-insensitive (foldLuceneRegexCase): query_string has no regex flag. */
export function quoteLuceneRegexFolded(pattern: string): string | null {
  const folded = foldLuceneRegexCase(pattern);
  return folded === null ? null : quoteLuceneRegex(folded);
}

// ---------------------------------------------------------------------------------------------
// Elasticsearch ES|QL. Strings: "..." with \\ \" \n \r \t; LIKE: '*' and '?' wildcards, backslash escapes;
// RLIKE: Lucene regex syntax.

const ESQL_WORDS = new Set('and or not like rlike in is null true false asc desc by on with as nulls first last metadata where from'.split(' '));

/** ES|QL field: dotted identifiers bare; anything else (or a keyword) in backticks, a backtick doubled. */
export function escapeEsqlField(name: string): string | null {
  if (name === '' || decodeJoinedField(name) || decodeFieldPath(name)) return null;
  const parts = name.split('.');
  const plain = parts.every((p) => /^([A-Za-z][A-Za-z0-9_]*|[_@][A-Za-z0-9_]+)$/.test(p) && !ESQL_WORDS.has(p.toLowerCase()));
  return plain ? name : '`' + name.replace(/`/g, '``') + '`';
}

/**
 * ES|QL "..." string: the lexer reads every character but '"', '\\', CR and LF as itself, and knows the escapes
 * \t \n \r \" \\ (QUOTED_STRING in Elasticsearch's EsqlBaseLexer), so other controls stay as they are.
 */
export function escapeEsqlString(text: string): string {
  if (ESQL_PLAIN.test(text)) return `"${text}"`;
  let out = '"';
  for (const ch of text) {
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return out + '"';
}

function esqlLike(value: SigmaString, fold: (s: string) => string): string | null {
  const pattern = value.parts.map((p) => (isWildcard(p) ? (p.wildcard === 'multi' ? '*' : '?') : fold(p).replace(/[\\*?]/g, (c) => '\\' + c))).join('');
  return escapeEsqlString(pattern);
}

/** ES|QL LIKE pattern, case-sensitive. */
export function quoteEsqlLike(value: SigmaString): string | null {
  return esqlLike(value, (s) => s);
}

/** ES|QL LIKE pattern for `TO_LOWER(field) LIKE ...`: the literal text lower-cased as Sigma folds case. */
export function quoteEsqlLikeLower(value: SigmaString): string | null {
  return esqlLike(value, (s) => s.toLowerCase());
}

/** ES|QL RLIKE pattern (Lucene syntax) as a string; null when longer than Elasticsearch accepts. */
export function quoteEsqlRegex(pattern: string): string | null {
  return pattern.length > ELASTIC_MAX_REGEX_LENGTH ? null : escapeEsqlString(pattern);
}

/** quoteEsqlRegex of the pattern made case-insensitive: RLIKE has no case-insensitive form. */
export function quoteEsqlRegexFolded(pattern: string): string | null {
  const folded = foldLuceneRegexCase(pattern);
  return folded === null ? null : quoteEsqlRegex(folded);
}

/** An index pattern after ES|QL FROM: bare when made of name characters and '*', else quoted. */
export function esqlIndexPattern(pattern: string): string {
  return /^[A-Za-z0-9_.*-]+$/.test(pattern) && !pattern.startsWith('-') ? pattern : escapeEsqlString(pattern);
}

/** EQL event category (the word before `where`): an identifier as written, else no form. */
export function quoteEqlEventCategory(name: string): string | null {
  return /^[a-z_][a-z0-9_]*$/i.test(name) ? name : null;
}

// ---------------------------------------------------------------------------------------------
// SQL (the sqlite and duckdb targets, docs/targets-sql.md). Standard SQL quoting: a backslash is an
// ordinary character in both engines' literals and identifiers; only the quote itself is doubled.

/** A NUL ends the statement text in SQLite's tokenizer: values holding one are matched by regex instead. */
const SQL_UNQUOTABLE = /\u0000/;

/** SQL string literal: '...' with ' doubled. */
export function escapeSqlString(text: string): string | null {
  if (SQL_UNQUOTABLE.test(text)) return null;
  return text.includes("'") ? `'${text.split("'").join("''")}'` : `'${text}'`;
}

/**
 * SQL column: always "..." with " doubled, so no column name can be read as a keyword of either engine
 * (their reserved words differ by version). Columns joined or read inside JSON have no flat-table form.
 */
export function escapeSqlIdentifier(name: string): string | null {
  if (decodeJoinedField(name) || decodeFieldPath(name) || SQL_UNQUOTABLE.test(name) || name === '') return null;
  return `"${name.split('"').join('""')}"`;
}

/**
 * A LIKE pattern. Neither engine has a default escape character, so a backslash is an ordinary character;
 * only a value with a literal `%` or `_` needs one: it is then followed by ESCAPE '\' and its `%`, `_` and
 * backslashes are escaped.
 */
function sqlLikePattern(value: SigmaString, fold: (s: string) => string): string | null {
  const literals = value.parts.filter((p): p is string => !isWildcard(p));
  const escape = literals.some((p) => /[%_]/.test(p));
  let out = '';
  for (const p of value.parts) {
    if (isWildcard(p)) out += p.wildcard === 'multi' ? '%' : '_';
    else out += escape ? fold(p).replace(/[%_\\]/g, (c) => '\\' + c) : fold(p);
  }
  const quoted = escapeSqlString(out);
  return quoted === null ? null : escape ? `${quoted} ESCAPE '\\'` : quoted;
}

/** A `|cidr` network as a SQL string holding the exact regex of its addresses' text spellings (src/rule/cidr.ts). */
export function quoteSqlCidrRegex(network: string): string | null {
  const net = parseCidr(network);
  return net ? escapeSqlString(cidrTextRegex(net)) : null;
}

/** DuckDB LIKE (case-sensitive), for `|cased`. */
export function quoteSqlLike(value: SigmaString): string | null {
  return sqlLikePattern(value, (s) => s);
}

/**
 * DuckDB case-insensitive match: the rule's value folded as the evaluator folds it (toLowerCase), matched
 * against lower(column) (templates). DuckDB's lower() is Unicode; where it differs from JavaScript's
 * toLowerCase (docs/targets-sql.md) the results differ.
 */
export function quoteSqlLikeLower(value: SigmaString): string | null {
  return sqlLikePattern(value, (s) => s.toLowerCase());
}

/** A letter outside ASCII that has another case: SQLite's LIKE compares it case-sensitively. */
const NON_ASCII_CASED = /[^\u0000-\u007f]/u;
const ALL_ASCII = /^[\u0000-\u007f]*$/;
function hasNonAsciiCased(text: string): boolean {
  if (ALL_ASCII.test(text)) return false; // the common case, without a loop over the characters
  for (const c of text) if (NON_ASCII_CASED.test(c) && c.toLowerCase() !== c.toUpperCase()) return true;
  return false;
}

/**
 * SQLite case-insensitive match: LIKE folds ASCII letters only, so a value with a non-ASCII letter that has
 * another case (É, Ж) is declined here and written as a case-insensitive regex instead.
 */
export function quoteSqliteLike(value: SigmaString): string | null {
  if (value.parts.some((p) => !isWildcard(p) && hasNonAsciiCased(p))) return null;
  return sqlLikePattern(value, (s) => s);
}

/** SQLite GLOB (case-sensitive, for `|cased`): `*` and `?` wildcards; a literal `*` `?` `[` is a one-character class. */
export function quoteSqliteGlob(value: SigmaString): string | null {
  let out = '';
  for (const p of value.parts) {
    if (isWildcard(p)) out += p.wildcard === 'multi' ? '*' : '?';
    else out += p.replace(/[*?[]/g, (c) => `[${c}]`);
  }
  return escapeSqlString(out);
}

/**
 * HTML text or a double-quoted attribute value (the HTML detection page): the five characters that can
 * end text or an attribute, or start markup or an entity, become character references.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES.get(c) as string);
}

const HTML_ENTITIES: ReadonlyMap<string, string> = new Map([
  ['&', '&amp;'],
  ['<', '&lt;'],
  ['>', '&gt;'],
  ['"', '&quot;'],
  ["'", '&#39;'],
]);

// ---------------------------------------------------------------------------------------------
// Free text (titles, ids, descriptions, file names, messages) in output contexts that are not
// query literals: one sanitiser per context.

/** Every character some reader treats as a line end: LF, VT, FF, CR, NEL, LINE/PARAGRAPH SEPARATOR. */
const LINE_TERMINATORS = /[\n\v\f\r\u0085\u2028\u2029]/g;
/** C0 and C1 controls and DEL (ESC starts terminal sequences; U+009B is a one-byte CSI). */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Text for a one-line query comment (`//` in KQL and EQL, a comment macro in SPL): every line
 * terminator a query parser may honour (Kusto ends comments at U+2028/U+2029 too) and every other
 * control becomes a space, so the text cannot end the comment and start query text.
 */
export function commentText(text: string): string {
  return singleLine(text).replace(/ {2,}/g, ' ').trim();
}

/** The same text on one line, every other character kept: line terminators and controls become spaces. */
export function singleLine(text: string): string {
  return text.replace(LINE_TERMINATORS, ' ').replace(CONTROLS, ' ');
}

/** Markdown and HTML metacharacters anywhere in inline text; escaped with a backslash or an entity. */
const MARKDOWN_INLINE = /[\\`*_[\]|~<>&]/g;
const HTML_ENTITY: Readonly<Record<string, string>> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };
/** What makes a line a heading, list item, setext underline or thematic break. */
const MARKDOWN_LINE_START = /^(#|-|\+|=|\d+(?=[.)]))/;

/**
 * Markdown text that renders as exactly the characters given, in a paragraph, a heading or a table cell:
 * HTML is written as entities, Markdown punctuation is backslash-escaped, lines are joined (a table row and
 * a heading are one line).
 */
export function markdownText(text: string): string {
  const inline = commentText(text).replace(MARKDOWN_INLINE, (c) => (Object.hasOwn(HTML_ENTITY, c) ? (HTML_ENTITY[c] as string) : '\\' + c));
  const start = MARKDOWN_LINE_START.exec(inline);
  if (!start) return inline;
  // `1.` is escaped after the digits; the other markers before themselves.
  return /^\d/.test(start[0]) ? start[0] + '\\' + inline.slice(start[0].length) : '\\' + inline;
}

/** A Markdown paragraph block: each line escaped as markdownText, line breaks kept as hard breaks. */
export function markdownBlock(text: string): string {
  return text
    .split(/\r\n?|[\n\u0085\u2028\u2029]/)
    .map((line) => markdownText(line))
    .filter((line, i, all) => line !== '' || (i > 0 && all[i - 1] !== ''))
    .join('  \n')
    .trim();
}

/**
 * A Markdown link for a URL or path from a rule: an http(s) URL is an autolink (`<url>`), a plain relative
 * path a link; anything else (other schemes, spaces, brackets, controls) is escaped text.
 */
export function markdownLink(url: string, label?: string): string {
  if (/^https?:\/\/[^\s<>\u0000-\u001f\u007f-\u009f\u2028\u2029]+$/i.test(url)) return label === undefined ? `<${url}>` : `[${markdownText(label)}](<${url}>)`;
  if (/^[A-Za-z0-9_][A-Za-z0-9_.\/-]*$/.test(url)) return `[${markdownText(label ?? url)}](${url})`;
  return markdownText(label === undefined ? url : `${label} (${url})`);
}

/**
 * A Splunk .conf stanza name: one line, without the brackets that would end it, never `default`
 * (whose settings apply to every stanza of the file) and not empty.
 */
export function confStanzaName(text: string): string {
  const s = commentText(text).replace(/\[/g, '(').replace(/\]/g, ')').replace(/\\$/, '\\ ').trim();
  return s === '' || s.toLowerCase() === 'default' ? `${s || 'untitled'} (rule)` : s;
}

/**
 * Text for a terminal: ESC and the other C0/C1 controls (but line feeds and tabs) are shown as `\xNN`, so a
 * title or an event value cannot move the cursor, recolour, retitle the window or hide earlier output.
 */
export function terminalText(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const n = c.charCodeAt(0);
    return n > 0xff ? `\\u${n.toString(16).padStart(4, '0')}` : `\\x${n.toString(16).padStart(2, '0')}`;
  });
}
