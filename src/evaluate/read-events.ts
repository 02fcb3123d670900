/** One event of an events file, with its index as users see it. */
export interface IndexedEvent {
  /** 0-based: the line of a JSON Lines file (blank lines keep their number), or the position in a JSON array. */
  readonly index: number;
  readonly value: Readonly<Record<string, unknown>>;
}

export interface EventProblem {
  /** 1-based line of the file, where known. */
  readonly line?: number;
  readonly message: string;
}

export interface ParsedEvents {
  readonly events: readonly IndexedEvent[];
  readonly problems: readonly EventProblem[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Reads events: a JSON array of objects, one JSON object (pretty-printed or not), or JSON Lines (one object
 * per line). A line that is not a JSON object is a problem reported with its line number; the others are kept.
 */
export function parseEvents(text: string): ParsedEvents {
  const body = text.replace(/^\uFEFF/, '');
  const trimmed = body.trimStart();
  if (trimmed.startsWith('[')) {
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch (err) {
      return { events: [], problems: [{ message: `not a valid JSON array: ${jsonProblem(err)}` }] };
    }
    const events: IndexedEvent[] = [];
    const problems: EventProblem[] = [];
    (data as unknown[]).forEach((v, index) => {
      if (isObject(v)) events.push({ index, value: v });
      else problems.push({ message: `element ${index} of the array is not a JSON object` });
    });
    return { events, problems };
  }
  const lines = body.split(/\r?\n/);
  const events: IndexedEvent[] = [];
  const problems: EventProblem[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      const v: unknown = JSON.parse(line);
      if (isObject(v)) events.push({ index, value: v });
      else problems.push({ line: index + 1, message: 'not a JSON object' });
    } catch (err) {
      problems.push({ line: index + 1, message: `not valid JSON: ${jsonProblem(err)}` });
    }
  });
  // A single pretty-printed object spans lines: read it whole when line by line fails.
  if (events.length === 0 && problems.length > 0 && trimmed.startsWith('{')) {
    try {
      const v: unknown = JSON.parse(body);
      if (isObject(v)) return { events: [{ index: 0, value: v }], problems: [] };
    } catch {
      // keep the per-line problems: they point at the first bad line
    }
  }
  return { events, problems };
}

/**
 * JSON.parse's message without the excerpt of the text it quotes (`Unexpected token 'r', "root:x:0:0"...
 * is not valid JSON`): a problem report must not print the content of whatever file was named.
 */
function jsonProblem(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const position = /at position (\d+)/.exec(message)?.[1];
  const what = /^Unexpected end of JSON input/.test(message) ? 'the text ends too early' : /^Unexpected token/.test(message) ? 'unexpected character' : 'syntax error';
  return position !== undefined ? `${what} at character ${Number(position) + 1}` : what;
}
