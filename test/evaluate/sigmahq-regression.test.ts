/**
 * SigmaHQ's regression data (../shared/sigmahq-regression): real event captures that SigmaHQ publishes as
 * true positives. Every rule named in a folder's info.yml must fire on that folder's own events with
 * `sigma-convert test` and the rule's own field names (no pipeline), as Sigma semantics say.
 */
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { findCorpus } from '../../scripts/corpus-run';

const ROOT = path.resolve(__dirname, '..', '..');
const corpus = findCorpus(ROOT);
const regression = corpus ? path.resolve(corpus, '..', 'sigmahq-regression') : null;

/** Events files `test` reads: EVTX dumped to JSON, and raw log lines (the .evtx originals are binary). */
const EVENT_FILE = /\.(json|jsonl|raw)$/i;

interface Case {
  readonly folder: string;
  readonly ruleIds: readonly string[];
  readonly events: readonly string[];
}

function findCases(dir: string): Case[] {
  const out: Case[] = [];
  const walk = (d: string): void => {
    const entries = fs.readdirSync(d, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name === 'info.yml')) {
      const info = fs.readFileSync(path.join(d, 'info.yml'), 'utf8');
      // rule_metadata: - id: ...  (the file's own top-level `id` is the test's id, not the rule's)
      const meta = info.slice(info.indexOf('rule_metadata:'));
      const ruleIds = [...meta.matchAll(/^\s*-\s*id:\s*([0-9a-f-]{36})/gm)].map((m) => m[1] as string);
      const events = entries.filter((e) => e.isFile() && EVENT_FILE.test(e.name)).map((e) => path.join(d, e.name)).sort();
      out.push({ folder: path.relative(dir, d), ruleIds, events });
    }
    for (const e of entries) if (e.isDirectory()) walk(path.join(d, e.name));
  };
  walk(dir);
  return out.sort((a, b) => (a.folder < b.folder ? -1 : 1));
}

/** Rule id → file: the rule usually lives at the folder's path in the corpus, but rules get moved and renamed. */
function ruleLocator(corpusDir: string): (folder: string, id: string) => string | null {
  let index: Map<string, string> | null = null;
  const idOf = (file: string) => /^id:\s*([0-9a-f-]{36})\s*$/m.exec(fs.readFileSync(file, 'utf8'))?.[1];
  const buildIndex = (): Map<string, string> => {
    const map = new Map<string, string>();
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const full = path.join(d, e.name);
        if (e.isDirectory()) walk(full);
        else if (/\.ya?ml$/.test(e.name)) {
          const id = idOf(full);
          if (id && !map.has(id)) map.set(id, full);
        }
      }
    };
    for (const top of ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-compliance', 'deprecated']) {
      if (fs.existsSync(path.join(corpusDir, top))) walk(path.join(corpusDir, top));
    }
    return map;
  };
  return (folder, id) => {
    const same = path.join(corpusDir, `${folder}.yml`);
    if (fs.existsSync(same) && idOf(same) === id) return same;
    index ??= buildIndex();
    return index.get(id) ?? null;
  };
}

async function runTest(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (l) => (err += l + '\n') });
  return { code, out, err };
}

if (!corpus || !regression || !fs.existsSync(regression)) {
  it.skip(`SigmaHQ regression data NOT FOUND at ${path.resolve(ROOT, '..', 'shared', 'sigmahq-regression')}: regression tests skipped`, () => undefined);
} else {
  const cases = findCases(regression);
  const locate = ruleLocator(corpus);

  describe('SigmaHQ regression data', () => {
    it('holds the expected folders, each naming its rule', () => {
      expect(cases.length).toBeGreaterThan(90);
      for (const c of cases) expect(c.ruleIds.length).toBeGreaterThan(0);
    });

    it.each(cases.map((c) => [c.folder, c] as const))('%s: its rule fires on its own events', async (_, c) => {
      expect(c.events.length).toBeGreaterThan(0);
      for (const id of c.ruleIds) {
        const rule = locate(c.folder, id);
        if (!rule) throw new Error(`rule ${id} of ${c.folder} is not in the corpus`);
        const r = await runTest(['test', '--json', '--events', ...c.events, rule]);
        const results = r.out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; matched: number[]; errors: unknown[] });
        expect({ errors: results.flatMap((x) => x.errors), stderr: r.err.split('\n').filter((l) => /error/.test(l)) }).toEqual({ errors: [], stderr: [] });
        const matched = results.filter((x) => x.id === id).reduce((n, x) => n + x.matched.length, 0);
        expect({ rule: path.relative(corpus, rule), matched: matched > 0 }).toEqual({ rule: path.relative(corpus, rule), matched: true });
        expect(r.code).toBe(0);
      }
    });
  });
}
