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

/** `file:line:col: error[code]: message — rule 'title'`, then the source line and a caret. */
export function formatDiagnostic(d: Diagnostic, label: RuleLabel, lines: readonly string[] | null, severity: 'error' | 'warning' = 'error'): string {
  const where = `${label.file}${d.line ? `:${d.line}${d.col ? `:${d.col}` : ''}` : ''}`;
  // Document 0: a problem of the whole file (unreadable, not text), which belongs to no rule.
  let out = `${where}: ${severity}[${d.code}]: ${d.message}${label.document > 0 ? ` — ${ruleName(label)}` : ''}`;
  const source = d.line && lines ? lines[d.line - 1] : undefined;
  if (source !== undefined && source.trim() !== '') {
    const gutter = String(d.line);
    out += `\n ${gutter} | ${source.replace(/\t/g, ' ')}`;
    if (d.col) out += `\n ${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, d.col - 1))}^`;
  }
  return out;
}
