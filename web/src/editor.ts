/** editor.js: CodeMirror 6 with YAML highlighting and lint marks, behind the small EditorFactory interface. */
import { basicSetup } from 'codemirror';
import { EditorView } from '@codemirror/view';
import { EditorState } from '@codemirror/state';
import { yaml } from '@codemirror/lang-yaml';
import { setDiagnostics, lintGutter, type Diagnostic } from '@codemirror/lint';
import type { EditorFactory, EditorHandle, EditorMark } from './editor-api';

function toDiagnostic(state: EditorState, mark: EditorMark): Diagnostic {
  const lineNo = Math.min(Math.max(1, mark.line), state.doc.lines);
  const line = state.doc.line(lineNo);
  const from = Math.min(line.from + Math.max(0, mark.col - 1), line.to);
  // Mark from the column to the end of the word (or the line), so the squiggle is visible.
  const rest = state.doc.sliceString(from, line.to);
  const word = /^\S+/.exec(rest)?.[0].length ?? 0;
  return { from, to: Math.max(from + word, from === line.to ? from : from + 1), severity: mark.severity, message: mark.message };
}

const factory: EditorFactory = {
  create(parent, options) {
    const view = new EditorView({
      parent,
      state: EditorState.create({
        doc: options.text,
        extensions: [
          basicSetup,
          options.language === 'yaml' ? yaml() : [],
          lintGutter(),
          EditorView.contentAttributes.of({ 'aria-label': options.label }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) options.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    const handle: EditorHandle = {
      text: () => view.state.doc.toString(),
      setText: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
      setMarks: (marks) => view.dispatch(setDiagnostics(view.state, marks.map((m) => toDiagnostic(view.state, m)))),
      focus: () => view.focus(),
    };
    return handle;
  },
};

window.SigmaEditor = factory;
window.dispatchEvent(new Event('sigma-editor'));
