/**
 * Document splitting (yaml-source.ts): a `---` or `...` line ends a document wherever a line starts, as the
 * multiline `^` sees line starts (after \n, \r, \u2028 and \u2029, and at the start of the text); a `%`
 * directive before the first document is kept out of it. Pins the quick marker search of splitDocuments.
 */
import { yamlChunks } from '../src/rule/yaml-source';

describe('splitting a file into YAML documents', () => {
  it.each(['\n', '\r', '\r\n', '\u2028', '\u2029'])('a marker after the line break %j starts a new document', (br) => {
    expect(yamlChunks(`a: 1${br}---${br}b: 2${br}`)).toHaveLength(2);
  });

  it('a marker at the start of the text, and none at all', () => {
    expect(yamlChunks('---\na: 1\n---\nb: 2\n').map((c) => c.firstLine)).toEqual([1, 3]);
    expect(yamlChunks('...\na: 1\n...\n---\nb: 2\n').map((c) => c.firstLine)).toEqual([1, 4]);
    expect(yamlChunks('a: 1\nb: "---"\nc: x---\n  ---\n')).toEqual([{ text: 'a: 1\nb: "---"\nc: x---\n  ---\n', firstLine: 0 }]);
  });

  it('a directive before the first document keeps the line numbering', () => {
    const chunks = yamlChunks('%YAML 1.2\n---\na: 1\n');
    expect(chunks.map((c) => c.firstLine)).toEqual([2]);
    expect(yamlChunks('a: 1\n%x\n')).toEqual([{ text: 'a: 1\n%x\n', firstLine: 0 }]);
  });
});
