/** One event of an events file, with its index as users see it. */
export interface IndexedEvent {
  /**
   * 0-based: the line of a JSON Lines file (blank lines keep their number), the position in a JSON
   * array, or the position among concatenated (pretty-printed) objects.
   */
  readonly index: number;
  readonly value: Readonly<Record<string, unknown>>;
}

export interface EventProblem {
  /** 1-based line of the file, where known. */
  readonly line?: number;
  /** 1-based column, where known. */
  readonly col?: number;
  readonly message: string;
}

export interface ParsedEvents {
  readonly events: readonly IndexedEvent[];
  /** The first `maxProblems` problems, in file order. */
  readonly problems: readonly EventProblem[];
  /** Problems found beyond those listed (counted, not kept). */
  readonly moreProblems: number;
}

/** Bounds on what one events file may hold: exceeding one is a problem of that file or event, never a hang. */
export interface EventLimits {
  /** Characters in the whole file. */
  readonly maxTextLength: number;
  /** Characters in one event. */
  readonly maxEventLength: number;
  /** Nesting depth of objects and arrays within one event. */
  readonly maxDepth: number;
  /** Events kept from one file. */
  readonly maxEvents: number;
  /** Problems listed per file; the rest are only counted. */
  readonly maxProblems: number;
}

export const DEFAULT_EVENT_LIMITS: EventLimits = {
  maxTextLength: 512 * 1024 * 1024,
  maxEventLength: 16 * 1024 * 1024,
  maxDepth: 64,
  maxEvents: 5_000_000,
  maxProblems: 5,
};

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Collects problems up to the listing limit and counts the rest. */
class ProblemList {
  readonly listed: EventProblem[] = [];
  more = 0;
  constructor(private readonly max: number) {}
  /** `p` may be a function: locating a problem costs a pass over the text, paid only for those listed. */
  add(p: EventProblem | (() => EventProblem)): void {
    if (this.listed.length < this.max) this.listed.push(typeof p === 'function' ? p() : p);
    else this.more++;
  }
}

/**
 * Reads events: a JSON array of objects, or JSON values one after another: JSON Lines (one object per
 * line) and concatenated pretty-printed objects (EVTX dumped to JSON, as SigmaHQ's regression data is)
 * alike. A value that is not a JSON object, or not valid JSON, is a problem reported with its line; the
 * reader then resumes after it (or, for an unterminated value, at the next line that starts with `{`),
 * so one bad event never hides the others.
 */
export function parseEvents(text: string, limits: EventLimits = DEFAULT_EVENT_LIMITS): ParsedEvents {
  const problems = new ProblemList(limits.maxProblems);
  if (text.length > limits.maxTextLength) {
    problems.add({ message: `the file holds ${text.length} characters, more than the limit of ${limits.maxTextLength}` });
    return { events: [], problems: problems.listed, moreProblems: 0 };
  }
  const body = text.replace(/^\uFEFF/, '');
  const first = body.search(/\S/);
  if (first >= 0 && body.charCodeAt(first) === OPEN_BRACKET) return parseArray(body, limits, problems);
  return parseSequence(body, limits, problems);
}

function parseArray(body: string, limits: EventLimits, problems: ProblemList): ParsedEvents {
  const depthError = tooDeep(body, 0, body.length, limits.maxDepth);
  if (depthError !== null) {
    problems.add(() => ({ ...lineCol(body, depthError), message: `nested deeper than ${limits.maxDepth} levels` }));
    return { events: [], problems: problems.listed, moreProblems: problems.more };
  }
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (err) {
    problems.add(() => jsonProblem(body, 0, err, 'not a valid JSON array'));
    return { events: [], problems: problems.listed, moreProblems: problems.more };
  }
  const events: IndexedEvent[] = [];
  (data as unknown[]).forEach((v, index) => {
    if (!isObject(v)) problems.add({ message: `element ${index} of the array is not a JSON object` });
    else if (events.length >= limits.maxEvents) problems.add({ message: `element ${index}: more than ${limits.maxEvents} events; the rest are not read` });
    else events.push({ index, value: v });
  });
  return { events, problems: problems.listed, moreProblems: problems.more };
}

interface Span {
  readonly start: number;
  readonly end: number;
  /** 0-based line of the value's first character. */
  readonly line: number;
  readonly singleLine: boolean;
}

function parseSequence(body: string, limits: EventLimits, problems: ProblemList): ParsedEvents {
  const found: { span: Span; value: Record<string, unknown> }[] = [];
  let allSingleLine = true;
  let pos = 0;
  let line = 0;
  const n = body.length;
  /** Moves to the start of the next line that begins with `{` after `from` (or the end), counting lines. */
  const resumeAtNextObjectLine = (from: number): void => {
    while (pos < from) if (body.charCodeAt(pos++) === NEWLINE) line++;
    while (pos < n) {
      const nl = body.indexOf('\n', pos);
      if (nl < 0) {
        pos = n;
        return;
      }
      pos = nl + 1;
      line++;
      if (body.charCodeAt(pos) === OPEN_BRACE) return;
    }
  };
  while (pos < n) {
    const c = body.charCodeAt(pos);
    if (isSpace(c)) {
      if (c === NEWLINE) line++;
      pos++;
      continue;
    }
    if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
      // Not the start of an object: report the rest of the line, go on with the next one.
      const nl = body.indexOf('\n', pos);
      const rest = body.slice(pos, nl < 0 ? n : nl).trim();
      problems.add({ line: line + 1, message: isJson(rest) ? 'not a JSON object' : `not valid JSON: ${clip(rest)}` });
      pos = nl < 0 ? n : nl;
      continue;
    }
    const scan = scanValue(body, pos, limits);
    if (scan.kind === 'unterminated') {
      allSingleLine = false;
      problems.add({ line: line + 1, message: `unterminated JSON ${c === OPEN_BRACE ? 'object' : 'array'} (no closing ${c === OPEN_BRACE ? '}' : ']'} before the end of the file)` });
      resumeAtNextObjectLine(pos);
      continue;
    }
    if (scan.kind !== 'ok') {
      const at = scan.at;
      const message = scan.kind === 'too-deep' ? `event nested deeper than ${limits.maxDepth} levels; skipped` : `event longer than ${limits.maxEventLength} characters; skipped`;
      problems.add(() => ({ ...lineCol(body, at), message }));
      allSingleLine = false;
      resumeAtNextObjectLine(pos);
      continue;
    }
    const span: Span = { start: pos, end: scan.end, line, singleLine: scan.newlines === 0 };
    if (!span.singleLine) allSingleLine = false;
    const text = body.slice(span.start, span.end);
    try {
      const value: unknown = JSON.parse(text);
      if (!isObject(value)) problems.add({ line: line + 1, message: 'not a JSON object' });
      else if (found.length >= limits.maxEvents) problems.add({ line: line + 1, message: `more than ${limits.maxEvents} events; the rest are not read` });
      else found.push({ span, value });
    } catch (err) {
      problems.add(() => jsonProblem(body, span.start, err, 'not valid JSON'));
    }
    line += scan.newlines;
    pos = scan.end;
  }
  // JSON Lines keep their line numbers as indices (as expectations files name them); otherwise the position.
  const events = found.map((f, i) => ({ index: allSingleLine ? f.span.line : i, value: f.value }));
  return { events, problems: problems.listed, moreProblems: problems.more };
}

type Scan =
  | { readonly kind: 'ok'; readonly end: number; readonly newlines: number }
  | { readonly kind: 'unterminated' }
  | { readonly kind: 'too-deep' | 'too-long'; readonly at: number };

/** Finds the end of the object or array starting at `start` by bracket depth, skipping strings. */
function scanValue(body: string, start: number, limits: EventLimits): Scan {
  let depth = 0;
  let newlines = 0;
  let inString = false;
  const limit = Math.min(body.length, start + limits.maxEventLength);
  for (let i = start; i < limit; i++) {
    const c = body.charCodeAt(i);
    if (c === NEWLINE) newlines++;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limits.maxDepth) return { kind: 'too-deep', at: i };
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth === 0) return { kind: 'ok', end: i + 1, newlines };
    }
  }
  return limit < body.length ? { kind: 'too-long', at: start } : { kind: 'unterminated' };
}

/** The offset where nesting first exceeds `max` within [start, end), or null. */
function tooDeep(body: string, start: number, end: number, max: number): number | null {
  let depth = 0;
  let inString = false;
  for (let i = start; i < end; i++) {
    const c = body.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return i;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return null;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    return false;
  }
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** 1-based line and column of an offset. */
function lineCol(body: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = body.indexOf('\n'); i >= 0 && i < offset; i = body.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

/** A JSON.parse error of the value at `start`, placed at the line:col its position names. */
function jsonProblem(body: string, start: number, err: unknown, what: string): EventProblem {
  const message = (err as Error).message;
  const at = /at position (\d+)/.exec(message);
  const where = lineCol(body, start + (at ? Number(at[1]) : 0));
  const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/, ".*" is not valid JSON$/, '');
  return at ? { ...where, message: `${what}: ${reason}` } : { line: where.line, message: `${what}: ${reason}` };
}

/** Events files read as raw log lines rather than JSON (e.g. syslog text, as SigmaHQ's `.raw` captures). */
export function isRawLogFile(name: string): boolean {
  return /\.(raw|log|txt)$/i.test(name);
}

/**
 * Raw log lines: each non-blank line is one event whose only field, `message`, is the line (keywords
 * search it, as Sigma applies keywords to the full log message). Indices are line numbers (0-based).
 */
export function parseRawLines(text: string, limits: EventLimits = DEFAULT_EVENT_LIMITS): ParsedEvents {
  const problems = new ProblemList(limits.maxProblems);
  if (text.length > limits.maxTextLength) {
    problems.add({ message: `the file holds ${text.length} characters, more than the limit of ${limits.maxTextLength}` });
    return { events: [], problems: problems.listed, moreProblems: 0 };
  }
  const events: IndexedEvent[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, index) => {
      if (line.trim() === '') return;
      if (line.length > limits.maxEventLength) problems.add({ line: index + 1, message: `line longer than ${limits.maxEventLength} characters; skipped` });
      else if (events.length >= limits.maxEvents) problems.add({ line: index + 1, message: `more than ${limits.maxEvents} events; the rest are not read` });
      else events.push({ index, value: { message: line } });
    });
  return { events, problems: problems.listed, moreProblems: problems.more };
}
