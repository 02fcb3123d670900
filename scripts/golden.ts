/**
 * `npm run golden:update`: rewrites test/golden/ from the rules (and deletes goldens no rule produces
 * any more). Without --update it only reports what differs and exits 1, so it never changes files by
 * accident. CI does not run this: it runs test/golden.test.ts, which compares.
 */
import * as fs from 'fs';
import * as path from 'path';
import { computeGoldens, existingGoldenFiles } from './golden-cases';

function main(argv: readonly string[]): number {
  const update = argv.includes('--update');
  const root = path.resolve(__dirname, '..', '..');
  const entries = computeGoldens(root);
  const wanted = new Set(entries.map((e) => e.goldenPath));
  let changed = 0;
  for (const e of entries) {
    const abs = path.join(root, e.goldenPath);
    const current = fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : null;
    if (current === e.content) continue;
    changed++;
    process.stdout.write(`${current === null ? 'new' : 'changed'}: ${e.goldenPath}\n`);
    if (update) {
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, e.content);
    }
  }
  for (const stale of existingGoldenFiles(root).filter((p) => !wanted.has(p))) {
    changed++;
    process.stdout.write(`stale: ${stale}\n`);
    if (update) fs.unlinkSync(path.join(root, stale));
  }
  process.stdout.write(`${entries.length} goldens, ${changed} ${update ? 'updated' : 'differ (run with --update to rewrite)'}\n`);
  return update || changed === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
