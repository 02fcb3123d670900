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
    // Elastic splits User into user.domain + user.name; a comparison with another field cannot follow the split.
    'rules__windows__process_creation__proc_creation_win_susp_cross_user_process_spawn': /a field reference to 'ParentUser' cannot be split across user\.domain and user\.name/,
  },
  'splunk-windows': {},
};

/** Rules that convert but do not fire on their stored-form events, and why (none today). */
const MISSES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ecs: {},
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
