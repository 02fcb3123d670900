import type { LoadOptions } from 'js-yaml';
import { jsYaml } from '../core/js-yaml-lazy';
import { SigmaError } from '../core/errors';
import type { SourceLocation } from '../ir/types';
import { hasMarkerLine, parseFastYaml } from './yaml-fast';
import type { NodePositions } from './yaml-positions';

export type { NodePositions } from './yaml-positions';

export interface YamlDocument {
  /** 1-based index of the document in its file. */
  readonly index: number;
  /** The parsed value, or undefined when the document failed to parse. */
  readonly value: unknown;
  readonly error?: SigmaError;
  /** Positions of every mapping/sequence of this document, keyed by the parsed object. */
  readonly positions: WeakMap<object, NodePositions>;
  readonly firstLine: number;
}

const MAX_DEPTH = 200;

/**
 * Splits a file into its YAML documents and parses each one on its own, so that a broken document
 * does not prevent the others from converting. Locations are file-relative.
 */
export function parseYamlDocuments(text: string): YamlDocument[] {
  const chunks = splitDocuments(text);
  const docs: YamlDocument[] = [];
  let index = 0;
  for (const chunk of chunks) {
    if (isBlankDocument(chunk.text)) continue;
    index++;
    docs.push(parseChunk(chunk.text, chunk.firstLine, index));
  }
  return docs;
}

/**
 * The documents of a file parsed one at a time, as they are consumed: a large file is converted document by
 * document and nothing of a document outlives its turn.
 */
export function* iterateYamlDocuments(text: string): Generator<YamlDocument> {
  let index = 0;
  for (const chunk of splitDocuments(text)) {
    if (isBlankDocument(chunk.text)) continue;
    index++;
    yield parseChunk(chunk.text, chunk.firstLine, index);
  }
}

/** How many documents parseYamlDocuments would return, without parsing them (cheap, for labels). */
export function countYamlDocuments(text: string): number {
  return splitDocuments(text).filter((chunk) => !isBlankDocument(chunk.text)).length;
}

/** Only whitespace and comments: not a document at all. */
function isBlankDocument(text: string): boolean {
  if (/^[ \t]*[^#\s]/m.test(text)) return false;
  return text.split('\n').every((line) => {
    const t = line.trim();
    return t === '' || t.startsWith('#');
  });
}

interface Chunk {
  text: string;
  firstLine: number; // 0-based line of the chunk in the file
}

/**
 * A line starting with `---` or `...` at column 0 always ends a YAML document, even inside a block scalar.
 * Only marker and directive lines are visited (a regex scan); the text between them is sliced, not split
 * into lines, so a 50 MB file of 21,000 documents splits in a few milliseconds.
 */
function splitDocuments(text: string): Chunk[] {
  // Most rule files are one document with no markers or directives: no per-line work needed.
  if (!hasMarkerLine(text)) return [{ text, firstLine: 0 }];
  const chunks: Chunk[] = [];
  let parts: string[] = []; // the current chunk's text before segStart
  let segStart = 0; // where the current chunk's not yet copied text starts
  let start = 0; // first line of the current chunk
  let line = 0;
  let lineAt = 0;
  const lineOf = (offset: number): number => {
    for (let k = text.indexOf('\n', lineAt); k !== -1 && k < offset; k = text.indexOf('\n', lineAt)) {
      line++;
      lineAt = k + 1;
    }
    return line;
  };
  const marker = /^(?:---|\.\.\.|%)[^\n]*/gm;
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    const i = m.index;
    const lineText = m[0];
    if (/^(---|\.\.\.)(\s|$)/.test(lineText)) {
      const body = parts.join('') + text.slice(segStart, i);
      chunks.push({ text: body.endsWith('\n') ? body.slice(0, -1) : body, firstLine: start });
      const rest = lineText.slice(3);
      // `--- value` starts a document on the marker line itself.
      const inline = lineText.startsWith('---') && rest.trim() !== '' && !rest.trim().startsWith('#');
      parts = inline ? [' '.repeat(3) + rest + '\n'] : [];
      start = inline ? lineOf(i) : lineOf(i) + 1;
      segStart = i + lineText.length + 1;
    } else if (lineText.startsWith('%')) {
      const before = parts.join('') + text.slice(segStart, i);
      if (before.split('\n').every((l) => l.trim() === '' || l.trim().startsWith('#'))) {
        // Directives only matter to YAML 1.1 tag handling; keep line numbering.
        parts = [before, '#' + lineText];
        segStart = i + lineText.length;
      }
    }
  }
  chunks.push({ text: parts.join('') + text.slice(segStart), firstLine: start });
  return chunks;
}

interface OpenNode {
  loc: SourceLocation;
  /** Location, value, location, value... of the children parsed so far (flat: no object per child). */
  children: unknown[];
}

/** The non-blank documents of a file as parseYamlDocuments reads them (for the fast reader's tests). */
export function yamlChunks(text: string): { text: string; firstLine: number }[] {
  return splitDocuments(text).filter((chunk) => !isBlankDocument(chunk.text));
}

/**
 * The fast reader (yaml-fast.ts) reads the documents it is certain about, with the same value and positions
 * as js-yaml; js-yaml reads the rest (and reports every error).
 */
function parseChunk(text: string, lineOffset: number, index: number): YamlDocument {
  const fast = parseFastYaml(text, lineOffset);
  if (fast) return { index, value: fast.value, positions: fast.positions, firstLine: lineOffset + 1 };
  return parseChunkWithJsYaml(text, lineOffset, index);
}

/** One document read by js-yaml, with the positions of its mappings and sequences from js-yaml's listener. */
export function parseChunkWithJsYaml(text: string, lineOffset: number, index: number): YamlDocument {
  const positions = new WeakMap<object, NodePositions>();
  const stack: OpenNode[] = [];
  const listener = (event: string, state: { line: number; position: number; lineStart: number; result: unknown }): void => {
    if (event === 'open') {
      if (stack.length > MAX_DEPTH) {
        throw new SigmaError('yaml-limit', `YAML nesting deeper than ${MAX_DEPTH} levels`, {
          line: state.line + 1 + lineOffset,
          col: state.position - state.lineStart + 1,
        });
      }
      stack.push({ loc: { line: state.line + 1 + lineOffset, col: state.position - state.lineStart + 1 }, children: [] });
      return;
    }
    const node = stack.pop();
    if (!node) return;
    const result = state.result;
    const parent = stack[stack.length - 1];
    if (result !== null && typeof result === 'object' && !positions.has(result)) {
      const keys = new Map<string, SourceLocation>();
      const items: SourceLocation[] = [];
      // Children of a mapping alternate key, value; those of a sequence are its items.
      const kids = node.children;
      if (Array.isArray(result)) {
        for (let i = 0; i < kids.length; i += 2) items.push(kids[i] as SourceLocation);
      } else {
        for (let i = 0; i + 3 < kids.length; i += 4) keys.set(String(kids[i + 1]), kids[i] as SourceLocation);
      }
      positions.set(result, { loc: node.loc, keys, items });
    }
    if (parent) parent.children.push(node.loc, result);
  };
  try {
    const yaml = jsYaml();
    const value = yaml.load(text, { listener, schema: yaml.DEFAULT_SCHEMA } as LoadOptions);
    return { index, value, positions, firstLine: lineOffset + 1 };
  } catch (err) {
    return { index, value: undefined, positions, firstLine: lineOffset + 1, error: toYamlError(err, lineOffset) };
  }
}

function toYamlError(err: unknown, lineOffset: number): SigmaError {
  if (err instanceof SigmaError) return err;
  if (err instanceof RangeError) {
    return new SigmaError('yaml-limit', 'YAML document is nested too deeply to read; a Sigma rule needs only a few levels', { line: lineOffset + 1, col: 1 });
  }
  const e = err as { reason?: string; mark?: { line: number; column: number }; message?: string };
  if (e.mark) {
    const reason = e.reason ?? 'invalid YAML';
    const advice = /duplicated mapping key/.test(reason)
      ? ': a key may appear only once in a mapping; remove or rename one of them'
      : ' (check the indentation and quoting on this line and the one before)';
    return new SigmaError('yaml-syntax', `YAML syntax error: ${reason}${advice}`, { line: e.mark.line + 1 + lineOffset, col: e.mark.column + 1 });
  }
  return new SigmaError('yaml-syntax', `YAML syntax error: ${e.message ?? String(err)}`);
}

/**
 * The plain value of a top-level `key:` line of a document that failed to parse, so that an error
 * about a broken document can still name the rule's title or id. Scans from the document's first
 * line to the next document marker.
 */
export function scanTopLevelScalar(lines: readonly string[], firstLine: number, key: string): string | null {
  const prefix = key + ':';
  for (let i = firstLine - 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (i >= firstLine && (line.startsWith('---') || line.startsWith('...'))) break;
    if (!line.startsWith(prefix)) continue;
    const value = line.slice(prefix.length).trim().replace(/^(['"])(.*)\1$/, '$2');
    return value === '' || value.startsWith('#') ? null : value.slice(0, 256);
  }
  return null;
}
