/** The contract between editor.js (CodeMirror, loaded first) and app.js: the app never imports CodeMirror itself. */
export interface EditorMark {
  /** 1-based line and column, as the converter reports them. */
  readonly line: number;
  readonly col: number;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

export interface EditorHandle {
  text(): string;
  setText(text: string): void;
  setMarks(marks: readonly EditorMark[]): void;
  focus(): void;
}

export interface EditorFactory {
  create(parent: HTMLElement, options: { text: string; label: string; language: 'yaml' | 'json'; onChange(text: string): void }): EditorHandle;
}

declare global {
  interface Window {
    SigmaEditor?: EditorFactory;
  }
}
