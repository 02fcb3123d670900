import type { Diagnostic } from '../core/errors';

export interface RuleLabel {
  readonly file: string;
  readonly document: number;
  readonly documents: number;
  readonly title: string | null;
  readonly id: string | null;
}

function ruleName(label: RuleLabel): string {
  const who = label.title ? `rule '${label.title}'` : label.id ? `rule ${label.id}` : 'rule';
  return label.documents > 1 ? `${who} (document ${label.document} of ${label.documents})` : who;
}

/** Line `n` (from 1) of a text, as `text.split('\n')[n - 1]` gives it, without splitting the whole text. */
export function lineOf(text: string, n: number): string | undefined {
  let start = 0;
  for (let i = 1; i < n; i++) {
    const end = text.indexOf('\n', start);
    if (end === -1) return undefined;
    start = end + 1;
  }
  const end = text.indexOf('\n', start);
  return end === -1 ? text.slice(start) : text.slice(start, end);
}

/**
 * `file:line:col: error[code]: message — rule 'title'`, then the source line and a caret, taken from the
 * file's text (only the line shown is looked for: most files with a finding show one or two).
 */
export function formatDiagnostic(d: Diagnostic, label: RuleLabel, text: string | null, severity: 'error' | 'warning' = 'error'): string {
  const where = `${label.file}${d.line ? `:${d.line}${d.col ? `:${d.col}` : ''}` : ''}`;
  // Document 0: a problem of the whole file (unreadable, not text), which belongs to no rule.
  let out = `${where}: ${severity}[${d.code}]: ${d.message}${label.document > 0 ? ` — ${ruleName(label)}` : ''}`;
  const source = d.line && text !== null ? lineOf(text, d.line) : undefined;
  if (source !== undefined && source.trim() !== '') {
    const gutter = String(d.line);
    out += `\n ${gutter} | ${source.replace(/\t/g, ' ')}`;
    if (d.col) out += `\n ${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, d.col - 1))}^`;
  }
  return out;
}
