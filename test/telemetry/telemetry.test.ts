/**
 * Every rule of SigmaHQ's regression data (../shared/sigmahq-regression) through the ecs and
 * splunk-windows pipelines, evaluated (src/evaluate, as `sigma-convert test --pipeline X` does) on its
 * own true-positive events in the form the SIEM stores them (test/telemetry/<pipeline>/, see README.md):
 * the mapped query fires, or the rule is refused for a reason listed here, or it is a known miss listed
 * here with its cause. A listed refusal or miss that stops happening fails too, so the lists stay true.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { createFsLoader } from '../../src/cli/fs-loader';
import { Converter } from '../../src/convert';
import { createEventAccessor } from '../../src/evaluate/event-accessor';
import { RuleTester } from '../../src/evaluate/rule-tester';
import { findCorpus, readCorpus, type CorpusFile } from '../../scripts/corpus-run';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = __dirname;
const REGRESSION = path.resolve(ROOT, '..', 'shared', 'sigmahq-regression');
const corpus = findCorpus(ROOT);

const PIPELINES = [
  { pipeline: 'ecs', target: 'eql' },
  { pipeline: 'splunk-windows', target: 'splunk' },
] as const;

/** Rules refused by a pipeline, with the reason the refusal must give (fixture name -> message pattern). */
const REFUSED: Readonly<Record<string, Readonly<Record<string, RegExp>>>> = {
  ecs: {
    // EQL compares a field with a value, not with another field.
    'rules__windows__process_creation__proc_creation_win_susp_cross_user_process_spawn': /cannot express user\.name\|fieldref winlog\.event_data\.ParentUser exactly/,
  },
  'splunk-windows': {},
};

/**
 * Rules that convert but do not fire on their stored-form events, and why. Elastic stores a registry
 * DWORD as its decimal value in registry.data.strings ("0"), while the rules write Sysmon's
 * 'DWORD (0x00000000)': a value rewrite (pipeline value transformations) is needed.
 */
const DWORD = 'registry.data.strings holds DWORDs as decimal text; the rule compares with DWORD (0x...)';
const MISSES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ecs: {
    'rules__windows__registry__registry_set__registry_set_amsi_disable': DWORD,
    'rules__windows__registry__registry_set__registry_set_credential_guard_disabled': DWORD,
    'rules__windows__registry__registry_set__registry_set_disable_administrative_share': DWORD,
    'rules__windows__registry__registry_set__registry_set_disable_security_center_notifications': DWORD,
    'rules__windows__registry__registry_set__registry_set_disable_system_restore': DWORD,
    'rules__windows__registry__registry_set__registry_set_special_accounts': DWORD,
    'rules__windows__registry__registry_set__registry_set_vulnerable_driver_blocklist_disable': DWORD,
  },
  'splunk-windows': {},
};

if (!corpus || !fs.existsSync(REGRESSION)) {
  it.skip(`SigmaHQ corpus or regression data NOT FOUND next to the checkout: telemetry tests skipped`, () => undefined);
} else {
  const loader = createFsLoader(ROOT);
  const tester = new RuleTester(loader);
  const converter = new Converter(loader);
  const byId = new Map<string, CorpusFile>();
  for (const f of readCorpus(corpus)) {
    const id = /^id:\s*['"]?([0-9a-f-]{36})/m.exec(f.text)?.[1];
    if (id) byId.set(id, f);
  }

  describe.each(PIPELINES)('stored-form telemetry: $pipeline', ({ pipeline, target }) => {
    const dir = path.join(FIXTURES, pipeline);
    const fixtures = fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();

    it('has a fixture for every regression rule folder with events', () => {
      expect(fixtures.length).toBeGreaterThanOrEqual(90);
    });

    it.each(fixtures)('%s', (fixture) => {
      const name = fixture.replace(/\.jsonl$/, '');
      const info = yaml.load(fs.readFileSync(path.join(REGRESSION, ...name.split('__'), 'info.yml'), 'utf8')) as {
        rule_metadata: { id: string }[];
      };
      const id = info.rule_metadata[0]?.id ?? '';
      const rule = byId.get(id);
      expect(rule).toBeDefined();
      if (!rule) return;

      const converted = converter.convertText(rule.text, rule.name, { target, pipeline })[0];
      const prepared = tester.prepareText(rule.text, rule.name, { pipeline })[0];
      const refusal = converted && !converted.ok ? converted.errors[0]?.message : prepared?.errors[0]?.message;
      const expectedRefusal = REFUSED[pipeline]?.[name];
      if (expectedRefusal || refusal) {
        expect(refusal).toMatch(expectedRefusal ?? /^$/);
        return;
      }
      if (!prepared || !converted) throw new Error('no rule');

      const events = fs
        .readFileSync(path.join(dir, fixture), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      // EQL: the query's event category must be one of the document's (`any` takes every document).
      const category = target === 'eql' ? (/^(\w+) where /.exec(converted.queries[0] ?? '')?.[1] ?? null) : null;
      const fired = events.filter((e) => {
        if (category && category !== 'any') {
          const cats = (e.event as { category?: unknown } | undefined)?.category;
          if (!Array.isArray(cats) || !cats.includes(category)) return false;
        }
        return prepared.matches(tester.prepareEvent(createEventAccessor(e)));
      });
      const miss = MISSES[pipeline]?.[name];
      if (miss) expect({ fired: fired.length, why: miss }).toEqual({ fired: 0, why: miss });
      else expect({ fired: fired.length > 0, query: converted.queries[0] }).toEqual({ fired: true, query: converted.queries[0] });
    });
  });
}
