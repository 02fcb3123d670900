/**
 * Whether a file may hold a correlation or a filter document, decided from its text before any YAML is
 * parsed: those documents need the whole rule set, plain rules can be converted one document at a time.
 *
 * A document is a correlation or a filter only through a top-level `correlation:` or `filter:` key. The
 * answer is "no" only when the text proves there is none:
 * - every document's first content line starts at column 0, so each root is a block node at column 0
 *   (a root mapping indented, or a flow mapping, could hide its keys on indented lines);
 * - every other content line at column 0 is a document marker, a directive, or a plain or simply quoted
 *   key other than `correlation` and `filter`: then the top-level keys are exactly those lines' keys
 *   (no explicit `? key`, no anchored, tagged or aliased key, no flow collection, no escape sequence);
 * A merge key (`<<`) that copies keys into a root would itself be a root key, on a line that is not a simple key.
 * Anything else answers "maybe" (the rule-set path, which only costs time). A `filter:` search identifier
 * inside `detection` is indented, so ordinary rules that name one stay on the fast path.
 */

/**
 * At a line's start (sticky, in the whole text: no line is sliced out for it): a plain key or a quoted key
 * without escapes, then `:` and a space or the end of the line (before a `\r` of a CRLF line end); and the key
 * is not `correlation` or `filter` (nor `__proto__`: were it ever to set the prototype, `'correlation' in value`
 * could see an inherited key). A plain key is always the whole run of key characters, so the lookahead excludes
 * exactly those three names. A test without captures: a match array per line cost a cold corpus run ~30 ms.
 */
const OTHER_SIMPLE_KEY = /(?!(?:correlation|filter|__proto__)[ \t]*:|"(?:correlation|filter|__proto__)"|'(?:correlation|filter|__proto__)')(?:[A-Za-z_][\w-]*|"[\w-]*"|'[\w-]*')[ \t]*:(?:[ \t]|\r?(?:\n|$))/y;
/** `---` or `...` alone (or followed by a comment): the boundary between two documents. */
const MARKER = /^(?:---|\.\.\.)[ \t]*(?:#.*)?$/;

export function mayHoldCorrelationOrFilter(text: string): boolean {
  let awaitingRoot = true; // no content line yet in the current document
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const first = text.charCodeAt(start);
    // Blank lines (possibly only spaces) and comments, indented or not, say nothing about keys.
    const indented = first === 0x20 || first === 0x09;
    // An indented line only matters before a document's first content line (most lines are indented: no slice).
    if (start < end && first !== 0x23 /* # */ && first !== 0x0d /* \r */ && !(indented && !awaitingRoot)) {
      if (indented) {
        const t = lineAt(text, start, end).trim();
        if (t !== '' && !t.startsWith('#') && awaitingRoot) return true;
      } else if ((first === 0x2d /* - */ || first === 0x2e) /* . */ && MARKER.test(lineAt(text, start, end))) {
        awaitingRoot = true;
      } else if (first === 0x25 /* % */) {
        if (!awaitingRoot) return true; // not a directive where one may stand: leave it to the parser
      } else {
        OTHER_SIMPLE_KEY.lastIndex = start;
        if (!OTHER_SIMPLE_KEY.test(text)) return true;
        awaitingRoot = false;
      }
    }
    start = end + 1;
  }
  return false;
}

/** The line from `start` to `end` (a `\n` or the end of the text), without the `\r` of a CRLF line end. */
function lineAt(text: string, start: number, end: number): string {
  return text.charCodeAt(end - 1) === 0x0d ? text.slice(start, end - 1) : text.slice(start, end);
}
