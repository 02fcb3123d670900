import type { SourceLocation } from '../ir/types';
import type { NodePositions } from './yaml-positions';

/**
 * A fast reader for the YAML that Sigma rules are written in: block mappings and sequences, plain, quoted and
 * block scalars, comments. It gives exactly what js-yaml (DEFAULT_SCHEMA, with the position listener of
 * yaml-source.ts) gives for the same text, or declines (returns undefined) when it is not certain to: anything
 * it does not implement, anything js-yaml would report as an error, any plain scalar whose type it does not
 * resolve exactly. The caller then parses the text with js-yaml, so errors and rarities keep js-yaml's answer.
 *
 * Positions follow js-yaml's listener: a node's location is where js-yaml starts composing it — a mapping
 * value just after its `:`, a sequence item at its first character after `- `, a top-level mapping at its
 * first key. Dates are objects and get an entry too, as the listener gives them one.
 *
 * Bounded: every line is scanned a constant number of times; nesting deeper than MAX_FAST_DEPTH declines
 * (js-yaml's own limit is 100), so the recursion here never goes deeper than that.
 */

export interface FastYamlResult {
  readonly value: unknown;
  readonly positions: WeakMap<object, NodePositions>;
}

const MAX_FAST_DEPTH = 48;

/** The keys of a sequence and the items of a mapping: none, shared (positions are only read). */
const NO_KEYS: ReadonlyMap<string, SourceLocation> = new Map();
const NO_ITEMS: readonly SourceLocation[] = Object.freeze([]);

/** Thrown (once per declined document, never to the caller) when the fast reader is not certain. */
class Decline {}
const DECLINE = new Decline();

function decline(): never {
  throw DECLINE;
}

// Characters the fast reader leaves to js-yaml wherever they appear: tabs (indentation rules), CR (line
// breaks), BOM, NUL, non-ASCII line breaks, and everything js-yaml calls non-printable (incl. lone surrogates).
// eslint-disable-next-line no-control-regex
const UNSUPPORTED_CHARS = /[\x00-\x09\x0B-\x1F\x7F-\x9F\uFEFF\uFFFE\uFFFF\u2028\u2029]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;
// Most rules are printable ASCII and line breaks, which holds none of them: one simple scan says so.
const NOT_PLAIN_ASCII = /[^\n\x20-\x7E]/;

// A marker or directive at the start of a line, as the `m` flag's `^` sees line starts (after \n, \r, \u2028,
// \u2029); one character class then a literal, quicker than /^(---|\.\.\.|%)/m, which tries every position.
const MARKER_AFTER_BREAK = /[\n\r\u2028\u2029](?:---|\.\.\.|%)/;

/** Whether a line of the text starts with a document marker (`---`, `...`) or a directive (`%`). */
export function hasMarkerLine(text: string): boolean {
  return text.startsWith('---') || text.startsWith('...') || text.startsWith('%') || MARKER_AFTER_BREAK.test(text);
}

/** Text the fast reader leaves to js-yaml: an unsupported character, or a marker or directive line. */
function unsupportedText(text: string): boolean {
  return hasMarkerLine(text) || (NOT_PLAIN_ASCII.test(text) && UNSUPPORTED_CHARS.test(text));
}

const SPACE = 0x20;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const SQUOTE = 0x27;
const DQUOTE = 0x22;
const PIPE = 0x7c;
const GT = 0x3e;
const COMMA = 0x2c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

/** Parses one document (a chunk of parseYamlDocuments) or returns undefined when js-yaml must do it. */
export function parseFastYaml(text: string, lineOffset: number): FastYamlResult | undefined {
  if (unsupportedText(text)) return undefined;
  const lines = text.split('\n');
  // js-yaml appends a final line break when there is none; a trailing '' is not a line of its own.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const indents = new Int32Array(lines.length);
  for (let k = 0; k < lines.length; k++) indents[k] = indentOf(lines[k] as string);
  const reader = new FastReader({ lines, indents }, lineOffset);
  try {
    return reader.document();
  } catch (err) {
    if (err === DECLINE) return undefined;
    throw err;
  }
}

/** The document's lines and the indentation (leading spaces) of each, measured once. */
interface Text {
  readonly lines: readonly string[];
  readonly indents: Int32Array;
}

/** A line of only spaces (or empty). */
function isBlank(t: Text, k: number): boolean {
  return t.indents[k] === (t.lines[k] as string).length;
}

interface Parsed {
  value: unknown;
  /** First line not consumed by the node (to be examined by the parent). */
  next: number;
}

interface KeyInfo {
  key: string;
  /** Index of the `:` that ends the key. */
  colon: number;
}

class FastReader {
  readonly positions = new WeakMap<object, NodePositions>();

  private readonly lines: readonly string[];
  private readonly indents: Int32Array;

  constructor(
    private readonly text: Text,
    private readonly lineOffset: number,
  ) {
    this.lines = text.lines;
    this.indents = text.indents;
  }

  document(): FastYamlResult | undefined {
    const first = this.nextContent(0);
    if (first >= this.lines.length) return undefined;
    const line = this.lines[first] as string;
    if (this.indents[first] !== 0) return undefined;
    if (!readKey(line, 0)) return undefined;
    const parsed = this.mapping(first, 0, this.loc(first, 0), 1);
    if (parsed.next < this.lines.length) decline();
    return { value: parsed.value, positions: this.positions };
  }

  private loc(line: number, col: number): SourceLocation {
    return { line: line + 1 + this.lineOffset, col: col + 1 };
  }

  /** The first line at or after `from` that is neither blank nor only a comment. */
  private nextContent(from: number): number {
    const lines = this.lines;
    const indents = this.indents;
    let i = from;
    for (; i < lines.length; i++) {
      const line = lines[i] as string;
      const ind = indents[i] as number;
      if (ind < line.length && line.charCodeAt(ind) !== HASH) break;
    }
    return i;
  }

  /** A block mapping whose first key starts at column `indent` of line `start`. */
  private mapping(start: number, indent: number, loc: SourceLocation, depth: number): Parsed {
    if (depth > MAX_FAST_DEPTH) decline();
    const result: Record<string, unknown> = {};
    const keys = new Map<string, SourceLocation>();
    this.positions.set(result, { loc, keys, items: NO_ITEMS });
    let ln = start;
    for (;;) {
      const line = this.lines[ln] as string;
      const key = readKey(line, indent);
      if (!key) decline();
      if (keys.has(key.key)) decline(); // a duplicate: js-yaml reports it (keys holds exactly this mapping's keys)
      keys.set(key.key, this.loc(ln, indent));
      const parsed = this.value(ln, key.colon + 1, indent, depth + 1);
      setProperty(result, key.key, parsed.value);
      const next = this.nextContent(parsed.next);
      if (next >= this.lines.length) return { value: result, next };
      const ind = this.indents[next] as number;
      if (ind < indent) return { value: result, next };
      if (ind > indent) decline(); // bad indentation of a mapping entry
      ln = next;
    }
  }

  /** A block sequence whose first `-` is at column `indent` of line `start`. */
  private sequence(start: number, indent: number, loc: SourceLocation, depth: number): Parsed {
    if (depth > MAX_FAST_DEPTH) decline();
    const result: unknown[] = [];
    const items: SourceLocation[] = [];
    this.positions.set(result, { loc, keys: NO_KEYS, items });
    let ln = start;
    for (;;) {
      const line = this.lines[ln] as string;
      // An item starts with `- `; `-` alone (content on the next line, or an empty item) is left to js-yaml.
      if (line.charCodeAt(indent + 1) !== SPACE) decline();
      const col = skipSpaces(line, indent + 1);
      if (col >= line.length || line.charCodeAt(col) === HASH) decline();
      items.push(this.loc(ln, col));
      const parsed = this.item(ln, col, indent, depth + 1);
      result.push(parsed.value);
      const next = this.nextContent(parsed.next);
      if (next >= this.lines.length) return { value: result, next };
      const ind = this.indents[next] as number;
      if (ind < indent) return { value: result, next };
      if (ind > indent) decline(); // bad indentation of a sequence entry
      if (!isSequenceEntry(this.lines[next] as string, ind)) return { value: result, next };
      ln = next;
    }
  }

  /** The item of a sequence entry, starting at column `col` (after `- `). */
  private item(ln: number, col: number, seqIndent: number, depth: number): Parsed {
    const line = this.lines[ln] as string;
    const c = line.charCodeAt(col);
    if (c === DASH && (col + 1 === line.length || line.charCodeAt(col + 1) === SPACE)) decline(); // `- - x`
    if (readKey(line, col)) return this.mapping(ln, col, this.loc(ln, col), depth);
    return this.scalar(ln, col, seqIndent, col);
  }

  /**
   * The value of a mapping entry whose `:` ends just before column `after`. `parentIndent` is the mapping's
   * indentation (its scalars continue on lines indented more than it).
   */
  private value(ln: number, after: number, parentIndent: number, depth: number): Parsed {
    const line = this.lines[ln] as string;
    const col = skipSpaces(line, after);
    if (col < line.length && line.charCodeAt(col) !== HASH) return this.scalar(ln, col, parentIndent, after);
    // Nothing on the key's line: the value is a nested collection on the next lines, or null.
    const next = this.nextContent(ln + 1);
    if (next >= this.lines.length) return { value: null, next };
    const nextLine = this.lines[next] as string;
    const ind = this.indents[next] as number;
    const loc = this.loc(ln, after);
    if (ind > parentIndent) {
      if (nextLine.charCodeAt(ind) === DASH && (ind + 1 === nextLine.length || nextLine.charCodeAt(ind + 1) === SPACE)) {
        return this.sequence(next, ind, loc, depth);
      }
      if (!readKey(nextLine, ind)) decline(); // a scalar on the next line
      return this.mapping(next, ind, loc, depth);
    }
    if (ind === parentIndent && isSequenceEntry(nextLine, ind)) return this.sequence(next, ind, loc, depth);
    return { value: null, next };
  }

  /**
   * A scalar starting at column `col` of line `ln`; it may continue on lines indented more than `parentIndent`.
   * js-yaml starts composing it at `openCol` (a mapping value: just after the `:`).
   */
  private scalar(ln: number, col: number, parentIndent: number, openCol: number): Parsed {
    const line = this.lines[ln] as string;
    const c = line.charCodeAt(col);
    let parsed: Parsed;
    if (c === SQUOTE || c === DQUOTE) {
      const q = readQuoted(this.text, ln, col, false);
      if (!q) decline();
      // Only spaces and a comment may follow a quoted scalar on its last line.
      const endLine = this.lines[q.line] as string;
      const rest = skipSpaces(endLine, q.col);
      if (rest < endLine.length && endLine.charCodeAt(rest) !== HASH) decline();
      parsed = { value: q.value, next: q.line + 1 };
    } else if (c === LBRACKET || c === LBRACE) {
      return this.flow(ln, col, openCol);
    } else if (c === PIPE || c === GT) {
      parsed = readBlockScalar(this.text, ln, col, parentIndent + 1);
    } else {
      const text = readPlain(this.text, ln, col, parentIndent + 1);
      parsed = { value: resolvePlain(text.value), next: text.next };
    }
    this.recordDate(parsed.value, ln, openCol);
    return parsed;
  }

  /** js-yaml's listener records every object it composes, dates included. */
  private recordDate(value: unknown, ln: number, col: number): void {
    if (value instanceof Date) this.positions.set(value, { loc: this.loc(ln, col), keys: NO_KEYS, items: NO_ITEMS });
  }

  /**
   * A flow sequence (`[a, 'b', "c"]`) or flow mapping (`{a: b, 'c': d}`) of scalars, opening at `col` and
   * closing on the same line, js-yaml composing it from `openCol`. Its items, keys and values start where
   * their first character is (js-yaml skips the spaces before composing them). Anything else declines:
   * nesting, a second line, `?`, anchors, tags, aliases, empty entries, a trailing comma, a comment.
   */
  private flow(ln: number, col: number, openCol: number): Parsed {
    const line = this.lines[ln] as string;
    const isMapping = line.charCodeAt(col) === LBRACE;
    const close = isMapping ? RBRACE : RBRACKET;
    const keys = new Map<string, SourceLocation>();
    const items: SourceLocation[] = [];
    const sequence: unknown[] = [];
    const mapping: Record<string, unknown> = {};
    const result = isMapping ? mapping : sequence;
    this.positions.set(result, { loc: this.loc(ln, openCol), keys, items });
    let pos = skipSpaces(line, col + 1);
    if (line.charCodeAt(pos) !== close) {
      for (;;) {
        const first = readFlowScalar(line, pos, close, isMapping);
        if (isMapping) {
          if (typeof first.value !== 'string') decline(); // js-yaml stringifies other keys
          if (keys.has(first.value)) decline(); // a duplicate: js-yaml reports it
          keys.set(first.value, this.loc(ln, pos));
          pos = skipSpaces(line, first.end);
          if (line.charCodeAt(pos) !== COLON) decline(); // `{a}`: a key without a value
          const at = skipSpaces(line, pos + 1);
          const value = readFlowScalar(line, at, close, false);
          this.recordDate(value.value, ln, at);
          setProperty(mapping, first.value, value.value);
          pos = skipSpaces(line, value.end);
        } else {
          items.push(this.loc(ln, pos));
          this.recordDate(first.value, ln, pos);
          sequence.push(first.value);
          pos = skipSpaces(line, first.end);
        }
        const c = line.charCodeAt(pos);
        if (c === close) break;
        if (c !== COMMA) decline();
        pos = skipSpaces(line, pos + 1);
        if (line.charCodeAt(pos) === close) decline(); // a trailing comma
      }
    }
    // Only spaces and a comment (after a space) may follow on the line.
    const rest = skipSpaces(line, pos + 1);
    if (rest < line.length && (line.charCodeAt(rest) !== HASH || rest === pos + 1)) decline();
    return { value: result, next: ln + 1 };
  }
}

/**
 * A scalar inside a one-line flow collection closed by `close`, starting at `col`: quoted, or plain up to the
 * next `,` or `close` (for a key: or `: `). `end` is just after its text (before any trailing spaces).
 * A plain scalar holding `:`, `#` after a space, another flow indicator or reaching the end of the line declines.
 */
function readFlowScalar(line: string, col: number, close: number, isKey: boolean): { value: unknown; end: number } {
  const c = line.charCodeAt(col);
  if (c === SQUOTE || c === DQUOTE) {
    const q = readQuotedOnLine(line, col);
    if (!q) decline();
    return { value: q.value, end: q.end };
  }
  // Plain: the block-context start rules, and `-` (js-yaml: also before a flow indicator), `?` and `:` decline.
  if (!isPlainStart(line, col) || c === 0x3f || c === COLON) decline();
  if (c === DASH && isFlowIndicator(line.charCodeAt(col + 1))) decline();
  let end = col;
  for (let i = col; ; i++) {
    const ch = line.charCodeAt(i);
    if (ch === COMMA || ch === close) break;
    if (Number.isNaN(ch) || isFlowIndicator(ch)) decline();
    if (ch === COLON) {
      if (isKey && line.charCodeAt(i + 1) === SPACE) break;
      decline();
    }
    if (ch === HASH && line.charCodeAt(i - 1) === SPACE) decline();
    if (ch !== SPACE) end = i + 1;
  }
  return { value: resolvePlain(line.slice(col, end)), end };
}

function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;
}

function indentOf(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === SPACE) i++;
  return i;
}

/** Trailing spaces off (js-yaml trims only spaces and tabs, not every Unicode space as trimEnd does). */
function trimSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === SPACE) end--;
  return end === s.length ? s : s.slice(0, end);
}

function skipSpaces(line: string, from: number): number {
  let i = from;
  while (line.charCodeAt(i) === SPACE) i++;
  return i;
}

function isSequenceEntry(line: string, ind: number): boolean {
  return line.charCodeAt(ind) === DASH && (ind + 1 === line.length || line.charCodeAt(ind + 1) === SPACE);
}

/** js-yaml defines `__proto__` as an own property instead of setting the prototype. */
function setProperty(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { configurable: true, enumerable: true, writable: true, value });
  } else {
    obj[key] = value;
  }
}

/** Whether a plain scalar may start at `col` (not an indicator, quote, comment or flow character). */
function isPlainStart(line: string, col: number): boolean {
  const c = line.charCodeAt(col);
  switch (c) {
    case SPACE: case HASH: case 0x26 /* & */: case 0x2a /* * */: case 0x21 /* ! */: case PIPE: case GT:
    case SQUOTE: case DQUOTE: case 0x25 /* % */: case 0x40 /* @ */: case 0x60 /* ` */:
    case 0x2c /* , */: case 0x5b /* [ */: case 0x5d /* ] */: case 0x7b /* { */: case 0x7d /* } */:
      return false;
    case DASH: case 0x3f /* ? */: case COLON: {
      const f = line.charCodeAt(col + 1);
      return !(col + 1 >= line.length || f === SPACE);
    }
    default:
      return !Number.isNaN(c);
  }
}

/**
 * A key starting at `col` and ending with `:` (followed by a space or the end of the line) on the same line,
 * or undefined when the line does not start a mapping entry there.
 */
function readKey(line: string, col: number): KeyInfo | undefined {
  const c = line.charCodeAt(col);
  if (c === SQUOTE || c === DQUOTE) {
    const q = readQuotedOnLine(line, col);
    if (!q) return undefined;
    const after = skipSpaces(line, q.end);
    if (line.charCodeAt(after) !== COLON) return undefined;
    if (after + 1 < line.length && line.charCodeAt(after + 1) !== SPACE) return undefined;
    return { key: q.value, colon: after };
  }
  if (!isPlainStart(line, col)) return undefined;
  const hash = commentStart(line, col);
  const colon = findMappingColon(line, col, hash === -1 ? line.length : hash);
  if (colon === -1) return undefined;
  const key = resolvePlain(trimSpaces(line.slice(col, colon)));
  if (typeof key !== 'string') decline(); // keys of other types: js-yaml stringifies them
  return { key, colon };
}

/** Where a comment starts in plain text from `from` (a `#` after a space), or -1. Native search: fast cold. */
function commentStart(line: string, from: number): number {
  const i = line.indexOf(' #', from);
  return i === -1 ? -1 : i + 1;
}

/** The first `:` in [from, end) followed by a space or the end of the line (a mapping's separator), or -1. */
function findMappingColon(line: string, from: number, end: number): number {
  for (let i = line.indexOf(':', from); i !== -1 && i < end; i = line.indexOf(':', i + 1)) {
    if (i + 1 === line.length || line.charCodeAt(i + 1) === SPACE) return i;
  }
  return -1;
}

const EMPTY_INDENTS = new Int32Array(1);

/** A quoted scalar that ends on its own line (for keys), or undefined. */
function readQuotedOnLine(line: string, col: number): { value: string; end: number } | undefined {
  const q = readQuoted({ lines: [line], indents: EMPTY_INDENTS }, 0, col, true);
  if (!q) return undefined;
  return { value: q.value, end: q.col };
}

/**
 * A plain scalar from column `col` of line `ln`, folded over the following lines indented at least
 * `minIndent`. Anything js-yaml would end in the middle of a line (`: `) or read differently (a comment
 * line inside a multi-line scalar) declines.
 */
function readPlain(t: Text, ln: number, col: number, minIndent: number): { value: string; next: number } {
  const lines = t.lines;
  let line = lines[ln] as string;
  if (!isPlainStart(line, col)) decline();
  let result = '';
  let from = col;
  let current = ln;
  for (;;) {
    // One line of the scalar: it ends at a comment; a `: ` in it would end it mid-line (left to js-yaml).
    const hash = commentStart(line, from);
    const end = hash === -1 ? line.length : hash;
    if (findMappingColon(line, from, end) !== -1) decline();
    const comment = hash !== -1;
    result += trimSpaces(line.slice(from, end));
    if (comment) return { value: result, next: current + 1 };
    // Continuation: the next non-blank line, when it is indented enough.
    let breaks = 1;
    let k = current + 1;
    while (k < lines.length && isBlank(t, k)) {
      k++;
      breaks++;
    }
    if (k >= lines.length) return { value: result, next: k };
    const nextLine = lines[k] as string;
    const ind = t.indents[k] as number;
    if (ind < minIndent) return { value: result, next: k };
    if (nextLine.charCodeAt(ind) === HASH) decline(); // a comment line would end the scalar there
    result += breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
    current = k;
    line = nextLine;
    from = ind;
  }
}

interface Quoted {
  value: string;
  /** Line and column just after the closing quote. */
  line: number;
  col: number;
}

/** A single- or double-quoted scalar starting at `col` of line `ln`, folded as js-yaml folds it. */
function readQuoted(t: Text, ln: number, col: number, singleLine: boolean): Quoted | undefined {
  const lines = t.lines;
  let line = lines[ln] as string;
  const double = line.charCodeAt(col) === DQUOTE;
  const quote = double ? '"' : "'";
  let result = '';
  let pos = col + 1;
  let segStart = pos; // start of the text not yet copied into result
  let current = ln;
  // The next quote and backslash at or after pos (native searches, each line scanned once).
  let nextQuote = line.indexOf(quote, pos);
  let nextSlash = double ? line.indexOf('\\', pos) : -1;
  for (;;) {
    if (nextQuote < pos && nextQuote !== -1) nextQuote = line.indexOf(quote, pos);
    if (double && nextSlash < pos && nextSlash !== -1) nextSlash = line.indexOf('\\', pos);
    const stop = nextSlash !== -1 && (nextQuote === -1 || nextSlash < nextQuote) ? nextSlash : nextQuote;
    if (stop === -1) {
      // End of line inside the scalar: trailing spaces go, blank lines fold, the next line's indentation goes.
      if (singleLine) return undefined;
      result += trimSpaces(line.slice(segStart));
      let breaks = 1;
      let k = current + 1;
      while (k < lines.length && isBlank(t, k)) {
        k++;
        breaks++;
      }
      if (k >= lines.length) return undefined;
      result += breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
      current = k;
      line = lines[k] as string;
      pos = segStart = t.indents[k] as number;
      nextQuote = line.indexOf(quote, pos);
      nextSlash = double ? line.indexOf('\\', pos) : -1;
      continue;
    }
    result += line.slice(segStart, stop);
    if (stop === nextQuote) {
      if (!double && line.charCodeAt(stop + 1) === SQUOTE) {
        // '' is one quote
        segStart = stop + 1;
        pos = stop + 2;
        continue;
      }
      return { value: result, line: current, col: stop + 1 };
    }
    pos = stop + 1;
    if (pos >= line.length) {
      // An escaped line break: the break and the next line's indentation vanish.
      if (singleLine) return undefined;
      let k = current + 1;
      while (k < lines.length && isBlank(t, k)) k++;
      if (k >= lines.length) return undefined;
      current = k;
      line = lines[k] as string;
      pos = segStart = t.indents[k] as number;
      nextQuote = line.indexOf(quote, pos);
      nextSlash = line.indexOf('\\', pos);
      continue;
    }
    const esc = line.charCodeAt(pos);
    const simple = simpleEscape(esc);
    if (simple !== undefined) {
      result += simple;
      pos++;
    } else {
      const len = esc === 0x78 /* x */ ? 2 : esc === 0x75 /* u */ ? 4 : esc === 0x55 /* U */ ? 8 : 0;
      if (len === 0) return undefined; // unknown escape: js-yaml's error
      const hex = line.slice(pos + 1, pos + 1 + len);
      if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) return undefined;
      result += String.fromCodePoint(code);
      pos += 1 + len;
    }
    segStart = pos;
  }
}

function simpleEscape(c: number): string | undefined {
  switch (c) {
    case 0x30: return '\x00';
    case 0x61: return '\x07';
    case 0x62: return '\x08';
    case 0x74: return '\x09';
    case 0x6e: return '\x0A';
    case 0x76: return '\x0B';
    case 0x66: return '\x0C';
    case 0x72: return '\x0D';
    case 0x65: return '\x1B';
    case 0x20: return ' ';
    case 0x22: return '"';
    case 0x2f: return '/';
    case 0x5c: return '\\';
    case 0x4e: return '\x85';
    case 0x5f: return '\xA0';
    case 0x4c: return '\u2028';
    case 0x50: return '\u2029';
    default: return undefined;
  }
}

/**
 * A literal (`|`) or folded (`>`) block scalar whose header is at `col` of line `ln`; `minIndent` is the
 * indentation its content needs at least (the parent's plus one). Follows YAML's chomping and folding rules.
 */
function readBlockScalar(t: Text, ln: number, col: number, minIndent: number): Parsed {
  const lines = t.lines;
  const header = lines[ln] as string;
  const folding = header.charCodeAt(col) === GT;
  let chomp: 'clip' | 'strip' | 'keep' = 'clip';
  let textIndent = minIndent;
  let detected = false;
  let pos = col + 1;
  for (;;) {
    const ch = header.charCodeAt(pos);
    if (ch === 0x2b /* + */ || ch === DASH) {
      if (chomp !== 'clip') decline();
      chomp = ch === DASH ? 'strip' : 'keep';
    } else if (ch >= 0x30 && ch <= 0x39) {
      if (ch === 0x30 || detected) decline();
      textIndent = minIndent + (ch - 0x30) - 1;
      detected = true;
    } else {
      break;
    }
    pos++;
  }
  if (pos < header.length) {
    if (header.charCodeAt(pos) !== SPACE) decline();
    pos = skipSpaces(header, pos);
    if (pos < header.length && header.charCodeAt(pos) !== HASH) decline();
  }
  let result = '';
  let emptyLines = 0;
  let didRead = false;
  let atMoreIndented = false;
  let k = ln + 1;
  for (;; k++) {
    const line = k < lines.length ? (lines[k] as string) : '';
    // Indentation is read up to the content's indentation once that is known.
    const spaces = k < lines.length ? (t.indents[k] as number) : 0;
    const ind = detected && spaces > textIndent ? textIndent : spaces;
    if (!detected && ind > textIndent) textIndent = ind;
    if (k < lines.length && ind === line.length) {
      emptyLines++;
      continue;
    }
    if (ind < textIndent) {
      if (chomp === 'keep') result += '\n'.repeat(didRead ? 1 + emptyLines : emptyLines);
      else if (chomp === 'clip' && didRead) result += '\n';
      return { value: result, next: k };
    }
    const first = line.charCodeAt(ind);
    if (folding) {
      if (first === SPACE) {
        atMoreIndented = true;
        result += '\n'.repeat(didRead ? 1 + emptyLines : emptyLines);
      } else if (atMoreIndented) {
        atMoreIndented = false;
        result += '\n'.repeat(emptyLines + 1);
      } else if (emptyLines === 0) {
        if (didRead) result += ' ';
      } else {
        result += '\n'.repeat(emptyLines);
      }
    } else {
      result += '\n'.repeat(didRead ? 1 + emptyLines : emptyLines);
    }
    didRead = true;
    detected = true;
    emptyLines = 0;
    result += line.slice(ind);
  }
}

// Plain scalar resolution of js-yaml's DEFAULT_SCHEMA (null, bool, int, float, timestamp, merge), done
// exactly for the forms Sigma rules use; any other form that is not certainly a string declines.
const INT_DECIMAL = /^[-+]?[0-9]+$/;
const INT_OTHER_BASE = /^[-+]?0[box]/;
const FLOAT = /^(?:[-+]?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** Whether `s` (matching INT_OTHER_BASE) has only digits of its base after the prefix, as js-yaml's int requires. */
function isOtherBaseInteger(s: string): boolean {
  const at = s.indexOf('0') + 1;
  const digits = s.slice(at + 1);
  switch (s.charAt(at)) {
    case 'b': return /^[01]+$/.test(digits);
    case 'o': return /^[0-7]+$/.test(digits);
    default: return /^[0-9a-fA-F]+$/.test(digits);
  }
}

const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const TIMESTAMP = /^[0-9]{4}-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9]{2}:[0-9]{2}/;

export function resolvePlain(s: string): unknown {
  switch (s) {
    case '~': case 'null': case 'Null': case 'NULL':
      return null;
    case 'true': case 'True': case 'TRUE':
      return true;
    case 'false': case 'False': case 'FALSE':
      return false;
    case '<<':
      return decline();
  }
  const c = s.charCodeAt(0);
  const first = c === DASH || c === 0x2b ? s.charCodeAt(1) : c;
  // Only text starting with a digit or a dot (after a sign) can be a number or a date.
  if (!((first >= 0x30 && first <= 0x39) || first === 0x2e)) return s;
  if (INT_DECIMAL.test(s)) {
    const digits = c === DASH || c === 0x2b ? s.slice(1) : s;
    if (digits.length > 15) decline();
    if (digits === '0') return 0;
    return (c === DASH ? -1 : 1) * parseInt(digits, 10);
  }
  if (INT_OTHER_BASE.test(s)) {
    // js-yaml: an integer only when every character after `0b`/`0o`/`0x` is a digit of that base; otherwise a
    // string (the letter after the 0 rules out floats and dates), as ids such as 0badd08f-… are.
    if (isOtherBaseInteger(s)) decline();
    return s;
  }
  if (FLOAT.test(s)) {
    const lower = s.toLowerCase();
    const body = c === DASH || c === 0x2b ? lower.slice(1) : lower;
    if (body === '.inf' || body === '.nan') decline();
    const v = parseFloat(body);
    if (!Number.isFinite(v)) decline();
    return (c === DASH ? -1 : 1) * v;
  }
  const date = DATE.exec(s);
  if (date) return new Date(Date.UTC(+(date[1] as string), +(date[2] as string) - 1, +(date[3] as string)));
  if (TIMESTAMP.test(s)) decline();
  return s;
}
