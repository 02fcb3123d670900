import type { ErrorCode } from '../core/errors';

export type Severity = 'error' | 'warning';

/** One problem found by `validate`: where it is, which rule it belongs to, and what to do. */
export interface Finding {
  readonly file: string;
  /** 1-based; 0 when the problem concerns the whole file. */
  readonly line: number;
  readonly col: number;
  /** 1-based document number in the file, and how many documents the file holds. */
  readonly document: number;
  readonly documents: number;
  readonly title: string | null;
  readonly id: string | null;
  readonly severity: Severity;
  readonly code: ErrorCode;
  readonly message: string;
}

/** Error findings first within a file, then by position; stable for equal keys. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.document - b.document || a.line - b.line || a.col - b.col);
}
