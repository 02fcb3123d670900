import * as fs from 'fs';
import * as path from 'path';

/** The project root, seen from a compiled script in dist/scripts/. */
export const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** Every file under `rel` (a folder of the project) whose name matches `name`, as `rel/...` paths in sorted walk order, with its text. */
export function sourceFiles(rel: string, name: RegExp): { path: string; text: string }[] {
  const found: { path: string; text: string }[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(PROJECT_ROOT, dir)).sort()) {
      const child = `${dir}/${entry}`;
      if (fs.statSync(path.join(PROJECT_ROOT, child)).isDirectory()) walk(child);
      else if (name.test(entry)) found.push({ path: child, text: fs.readFileSync(path.join(PROJECT_ROOT, child), 'utf8') });
    }
  };
  walk(rel);
  return found;
}
