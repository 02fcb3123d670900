/**
 * What `sigma-convert --target T [--pipeline P] [--format F] FILE` prints, computed in the page with the
 * same public API: the standard output (queries or rule files, blocks joined by the format's separator)
 * and the messages of standard error. The browser test compares this with the CLI byte for byte.
 */
import { Converter, type ConvertOptions, type RuleResult } from '../../src/index';
import type { Diagnostic } from '../../src/core/errors';
import { countYamlDocuments } from '../../src/rule/yaml-source';
import { formatDiagnostic } from '../../src/cli/report';
import { combineStream, type StreamItem } from '../../src/output/stream';

export interface PageMessage {
  readonly severity: 'error' | 'warning';
  readonly text: string;
  /** Where the editor marks it, when the converter knows. */
  readonly line?: number;
  readonly col?: number;
  readonly message: string;
}

export interface PaneOutput {
  readonly stdout: string;
  readonly messages: readonly PageMessage[];
  readonly extension: string;
  readonly converted: number;
  readonly failed: number;
}

export function convertLikeCli(converter: Converter, text: string, file: string, options: ConvertOptions): PaneOutput {
  const messages: PageMessage[] = [];
  let resolved;
  try {
    resolved = converter.plan(options);
  } catch (err) {
    const message = (err as Error).message;
    return { stdout: '', messages: [{ severity: 'error', text: `sigma-convert: ${message}`, message }], extension: 'txt', converted: 0, failed: 0 };
  }
  const formatDef = resolved.formatDef;
  const extension = formatDef?.extension ?? 'txt';
  const separator = formatDef?.separator ?? '\n\n';
  let results: RuleResult[];
  let collectionText: string | null = null;
  try {
    if (formatDef?.collection) {
      const out = converter.convertCollectionFormat(text, file, options);
      results = out.results;
      collectionText = out.text;
    } else {
      results = converter.convertCollection([{ file, text }], options);
    }
  } catch (err) {
    const message = (err as Error).message;
    return { stdout: '', messages: [{ severity: 'error', text: `${file}: error[internal]: ${message}`, message }], extension, converted: 0, failed: 1 };
  }
  const documents = countYamlDocuments(text);
  const items: StreamItem[] = [];
  let converted = 0;
  let failed = 0;
  for (const r of results) {
    const label = { file, document: r.document, documents, title: r.title, id: r.id };
    for (const e of r.errors) messages.push(errorMessage(e, formatDiagnostic(e, label, text)));
    // The same text as the CLI prints for each warning (src/cli/convert-command.ts).
    for (const w of r.warnings) messages.push({ severity: 'warning', text: formatDiagnostic(w, label, text, 'warning'), message: w.message });
    if (r.ok) converted++;
    else failed++;
    if (r.ok && !formatDef?.collection) items.push({ text: r.queries.join('\n\n'), id: r.id });
  }
  if (collectionText !== null) items.push({ text: collectionText, id: null });
  if (!items.length) return { stdout: '', messages, extension, converted, failed };
  // One document of the format for the whole stream, as the CLI writes it (src/output/stream.ts).
  if (!formatDef || (formatDef.stream ?? 'separator') === 'separator') {
    return { stdout: items.map((i) => i.text).join(separator) + '\n', messages, extension, converted, failed };
  }
  try {
    return { stdout: combineStream(resolved.format, formatDef, items) + '\n', messages, extension, converted, failed };
  } catch (err) {
    const message = (err as Error).message;
    messages.push({ severity: 'error', text: `sigma-convert: ${message}`, message });
    return { stdout: '', messages, extension, converted, failed };
  }
}

function errorMessage(d: Diagnostic, text: string): PageMessage {
  return { severity: 'error', text, message: `${d.code}: ${d.message}`, ...(d.line ? { line: d.line, col: d.col ?? 1 } : {}) };
}
