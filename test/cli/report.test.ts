/** Diagnostics quote their source line, found in the file's text without splitting all of it. */
import { formatDiagnostic, lineOf } from '../../src/cli/report';

const TEXTS = ['', '\n', 'one', 'one\n', 'one\ntwo', 'one\ntwo\n', '\n\nthree\n\n', 'a\r\nb\r\n', 'title: x\n  detection: |\n    sel\n'];

describe('lineOf', () => {
  test.each(TEXTS.map((t) => [JSON.stringify(t), t]))('every line of %s is the line split() gives, and past the end none', (_name, text) => {
    const lines = text.split('\n');
    for (let n = 1; n <= lines.length + 2; n++) expect([n, lineOf(text, n)]).toEqual([n, lines[n - 1]]);
  });
});

describe('formatDiagnostic', () => {
  const label = { file: 'r.yml', document: 1, documents: 1, title: 'T', id: null };
  test('quotes the line of the text a diagnostic points at, and nothing past its end or without a line', () => {
    const text = 'title: T\ndetection:\n\tsel: x\n  condition: sel\n';
    expect(formatDiagnostic({ code: 'invalid-rule', message: 'bad', line: 3, col: 2 }, label, text)).toBe("r.yml:3:2: error[invalid-rule]: bad — rule 'T'\n 3 |  sel: x\n   |  ^");
    expect(formatDiagnostic({ code: 'invalid-rule', message: 'bad', line: 9 }, label, text)).toBe("r.yml:9: error[invalid-rule]: bad — rule 'T'");
    expect(formatDiagnostic({ code: 'invalid-rule', message: 'bad' }, label, text)).toBe("r.yml: error[invalid-rule]: bad — rule 'T'");
    expect(formatDiagnostic({ code: 'invalid-rule', message: 'bad', line: 3, col: 2 }, label, null)).toBe("r.yml:3:2: error[invalid-rule]: bad — rule 'T'");
  });
});
