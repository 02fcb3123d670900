/** Where something is in a source file (a rule, a definition): 1-based line and column. */
export interface SourceLocation {
  readonly line: number; // 1-based
  readonly col: number; // 1-based
}
