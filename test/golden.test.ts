import * as fs from 'fs';
import * as path from 'path';
import { computeGoldens, existingGoldenFiles, type GoldenEntry } from '../scripts/golden-cases';

/** Byte-for-byte comparison with test/golden/; regenerate only with `npm run golden:update`. */
const ROOT = path.resolve(__dirname, '..');
const entries: GoldenEntry[] = computeGoldens(ROOT);

describe('golden files', () => {
  it('covers every rule of sigma/ for every target', () => {
    const sigmaGoldens = entries.filter((e) => e.rulePath.startsWith('sigma/') && !e.goldenPath.endsWith('.error.txt'));
    expect(sigmaGoldens.length).toBeGreaterThanOrEqual(3);
    expect(entries.filter((e) => e.rulePath.startsWith('sigma/') && e.goldenPath.endsWith('.error.txt'))).toEqual([]);
  });

  it.each(entries.map((e) => [e.goldenPath, e] as const))('%s matches', (goldenPath, entry) => {
    const abs = path.join(ROOT, goldenPath);
    if (!fs.existsSync(abs)) throw new Error(`${goldenPath} is missing: run npm run golden:update and review the new file`);
    expect(fs.readFileSync(abs, 'utf8')).toBe(entry.content);
  });

  it('has no stale golden file that no rule produces any more', () => {
    const wanted = new Set(entries.map((e) => e.goldenPath));
    expect(existingGoldenFiles(ROOT).filter((p) => !wanted.has(p))).toEqual([]);
  });
});
