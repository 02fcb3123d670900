/**
 * Stored-form telemetry (test/telemetry/<pipeline>/, see its README): every SigmaHQ regression rule whose events
 * Defender XDR records is converted with the pipeline and evaluated on the rows Defender stores for its own
 * true-positive events. It must fire, or be refused with one of the reasons listed here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createFsLoader } from '../src/cli/fs-loader';
import { createEventAccessor } from '../src/evaluate/event-accessor';
import { RuleTester } from '../src/evaluate/rule-tester';

const ROOT = path.resolve(__dirname, '..');
const REGRESSION = path.resolve(ROOT, '..', 'shared', 'sigmahq-regression');
const CORPUS = path.resolve(ROOT, '..', 'shared', 'sigmahq');
const PIPELINES = ['defender-xdr', 'sentinel'] as const;

/** Rules refused on purpose, per pipeline and regression folder: the refusal must carry this reason. */
const REFUSED: Readonly<Record<(typeof PIPELINES)[number], Readonly<Record<string, RegExp>>>> = {
  // Signatures live in DeviceFileCertificateInfo (a join), not in DeviceImageLoadEvents. Sentinel falls back to
  // the Sysmon event in WindowsEvent, where the rule fires.
  'defender-xdr': { image_load_side_load_vcruntime140: /field 'Signed' has no equivalent column in DeviceImageLoadEvents/ },
  sentinel: {},
};

interface Case {
  readonly folder: string;
  readonly ruleFile: string;
  readonly ruleId: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name === 'info.yml') {
        const rel = path.relative(REGRESSION, dir);
        const ruleFile = path.join(CORPUS, path.dirname(rel), `${path.basename(rel)}.yml`);
        const id = /rule_metadata:\s*\n\s*-\s*id:\s*([0-9a-f-]+)/.exec(fs.readFileSync(full, 'utf8'))?.[1];
        if (id && fs.existsSync(ruleFile)) out.push({ folder: path.basename(rel), ruleFile, ruleId: id });
      }
    }
  };
  walk(REGRESSION);
  return out.sort((a, b) => (a.folder < b.folder ? -1 : 1));
}

if (!fs.existsSync(REGRESSION) || !fs.existsSync(CORPUS)) {
  it.skip(`SigmaHQ regression data NOT FOUND at ${REGRESSION}: stored-form telemetry tests skipped`, () => undefined);
} else {
  const tester = new RuleTester(createFsLoader(ROOT));
  const all = cases();

  describe.each(PIPELINES)('stored-form telemetry: %s', (pipeline) => {
    const withRows = all.filter((c) => fs.existsSync(path.join(ROOT, 'test', 'telemetry', pipeline, `${c.folder}.jsonl`)));

    it('covers the regression rules whose events Defender records', () => {
      expect(withRows.length).toBeGreaterThan(80);
    });

    it('every rule fires on the rows of its own true positives, or is refused with a listed reason', () => {
      const problems: string[] = [];
      for (const c of withRows) {
        const rows = fs
          .readFileSync(path.join(ROOT, 'test', 'telemetry', pipeline, `${c.folder}.jsonl`), 'utf8')
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        const rule = tester.prepareText(fs.readFileSync(c.ruleFile, 'utf8'), c.ruleFile, { pipeline }).find((r) => r.id === c.ruleId);
        if (!rule) {
          problems.push(`${c.folder}: rule ${c.ruleId} not found in ${c.ruleFile}`);
          continue;
        }
        const refusal = rule.errors[0];
        const listed = REFUSED[pipeline];
        const allowed = Object.hasOwn(listed, c.folder) ? listed[c.folder] : undefined;
        if (refusal) {
          if (!allowed || !allowed.test(refusal.message)) problems.push(`${c.folder}: refused: ${refusal.code}: ${refusal.message}`);
          continue;
        }
        if (allowed) problems.push(`${c.folder}: converts, but is listed as refused`);
        const fired = rows.some((row) => rule.matches(tester.prepareEvent(createEventAccessor(row))));
        if (!fired) problems.push(`${c.folder}: does not fire on its ${rows.length} stored-form row(s)`);
      }
      expect(problems).toEqual([]);
    });
  });
}
