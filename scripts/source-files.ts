import * as fs from 'fs';
import * as path from 'path';

/** The project root, seen from a compiled script in dist/scripts/. */
export const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** Every file under `rel` (a folder of the project) whose name ends in `ext`, as `rel/...` paths in sorted walk order, with its text. */
export function sourceFiles(rel: string, ext: string): { path: string; text: string }[] {
  const found: { path: string; text: string }[] = [];
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(path.join(PROJECT_ROOT, dir)).sort()) {
      const child = `${dir}/${name}`;
      if (fs.statSync(path.join(PROJECT_ROOT, child)).isDirectory()) walk(child);
      else if (name.endsWith(ext)) found.push({ path: child, text: fs.readFileSync(path.join(PROJECT_ROOT, child), 'utf8') });
    }
  };
  walk(rel);
  return found;
}

/** Writes a generated CommonJS module of `entries` (already JS source) to dist/src/generated/NAME. */
export function writeGeneratedMap(name: string, entries: readonly string[]): void {
  const out = path.join(__dirname, '..', 'src', 'generated');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, name), `"use strict";\nmodule.exports = {\n${entries.join(',\n')}\n};\n`);
}
