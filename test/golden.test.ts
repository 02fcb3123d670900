import * as fs from 'fs';
import * as path from 'path';
import { computeGoldens, existingGoldenFiles, type GoldenEntry } from '../scripts/golden-cases';
import { MODIFIER_NAMES } from '../src/rule/modifiers';
import { Converter } from '../src/convert';
import { createFsLoader } from '../src/cli/fs-loader';

/** Byte-for-byte comparison with test/golden/; regenerate only with `npm run golden:update`. */
const ROOT = path.resolve(__dirname, '..');
const entries: GoldenEntry[] = computeGoldens(ROOT);
const converter = new Converter(createFsLoader(ROOT));

describe('golden files', () => {
  it('covers every rule of sigma/ for every target (default pipelines: no rule fails)', () => {
    // Other pipelines may refuse a rule (splunk-cim has no data model for image loads): pinned as .error.txt.
    const pack = entries.filter((e) => e.rulePath.startsWith('sigma/') && !e.goldenPath.includes('/pipeline-'));
    expect(pack.filter((e) => !e.goldenPath.endsWith('.error.txt')).length).toBeGreaterThanOrEqual(3);
    // ... but a correlation type the target's backend file refuses (a Lucene query cannot order events).
    const refusals = (target: string): string[] =>
      Object.values(converter.backend(target).correlation?.types ?? {}).flatMap((t) => ('refuse' in t ? [t.refuse] : []));
    const failed = pack.filter((e) => e.goldenPath.endsWith('.error.txt'));
    // A target without a `correlation` section (the SQL targets) refuses every correlation rule by design.
    const declared = (e: (typeof failed)[number]): boolean =>
      e.content.includes('does not define correlation rules') ||
      refusals(e.target).some((why) => e.content.includes(`error[unsupported-feature]: correlation type`) && e.content.includes(why));
    expect(failed.filter((e) => !declared(e))).toEqual([]);
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

  it('the feature rules use every modifier (and every alias) at least once', () => {
    const dir = path.join(ROOT, 'test/rules/features');
    const text = fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.yml'))
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    const used = new Set([...text.matchAll(/\|([A-Za-z0-9]+)(?=[|:])/g)].map((m) => (m[1] as string).toLowerCase()));
    expect(MODIFIER_NAMES.filter((m) => !used.has(m))).toEqual([]);
  });
});
