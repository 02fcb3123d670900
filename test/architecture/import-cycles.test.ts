/**
 * Dependencies in src/ point down (docs/DESIGN.md): cli -> orchestration -> rule conversion -> render ->
 * pipeline -> ir -> rule. Any import cycle between modules, type-only imports included, fails here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findImportCycles, readImportGraph } from '../support/import-graph';

const SRC = path.join(__dirname, '..', '..', 'src');

describe('import graph of src/', () => {
  const graph = readImportGraph(SRC);

  test('reads every module of src/ and its relative imports', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('convert.ts')).toContain('core/errors.ts');
  });

  test('has no import cycle', () => {
    const cycles = findImportCycles(graph).map((c) => c.join(' -> '));
    expect(cycles).toEqual([]);
  });

  test('only the command line and the library entry import the Converter facade (src/convert.ts)', () => {
    const importers = [...graph].filter(([, deps]) => deps.includes('convert.ts')).map(([m]) => m);
    expect(importers.filter((m) => !m.startsWith('cli/') && m !== 'index.ts')).toEqual([]);
    expect(importers).toContain('index.ts');
  });

  test('the checker finds a cycle when there is one', () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'cycle-'));
    fs.mkdirSync(path.join(dir, 'x'));
    fs.writeFileSync(path.join(dir, 'a.ts'), "import { b } from './x/b';\nexport const a = b;\n");
    fs.writeFileSync(path.join(dir, 'x', 'b.ts'), "import type { C } from '../c';\nexport const b = 1;\nexport type B = C;\n");
    fs.writeFileSync(path.join(dir, 'c.ts'), "export { a } from './a';\nexport type C = number;\n");
    fs.writeFileSync(path.join(dir, 'd.ts'), "import './c';\n");
    const cycles = findImportCycles(readImportGraph(dir));
    expect(cycles).toEqual([['a.ts', 'x/b.ts', 'c.ts', 'a.ts']]);
    fs.rmSync(dir, { recursive: true });
  });
});
