/**
 * Every rule of the SigmaHQ corpus (../shared/sigmahq) through every target and pipeline: a refusal
 * is a categorised error, never a crash; every KQL query must pass Microsoft's analyser with the
 * schema tables declared (no syntax errors, no unknown columns, no type errors).
 */
import * as path from 'path';
import { Converter } from '../src/convert';
import { createFsLoader } from '../src/cli/fs-loader';
import { CORPUS_CONFIGS, allQueries, convertCorpus, findCorpus, readCorpus, type KqlProblems, type RuleOutcome } from '../scripts/corpus-run';
import { checkKqlInChild, classifyKqlProblem } from '../scripts/kusto-check';
import { parseYamlDocuments } from '../src/rule/yaml-source';
import { parseRule, requireRuleDocument } from '../src/rule/parse-rule';
import { applyPipeline, findLogsourceEntry, ruleInput } from '../src/pipeline/apply-pipeline';
import { knownFields } from '../src/pipeline/field-schema';
import { mapPredicates } from '../src/ir/normalize';
import type { SigmaRule } from '../src/rule/model';

const ROOT = path.resolve(__dirname, '..');
const corpus = findCorpus(ROOT);

if (!corpus) {
  // Visible in the jest summary as a skipped test, with the reason in its name.
  it.skip(`SigmaHQ corpus NOT FOUND at ${path.resolve(ROOT, '..', 'shared', 'sigmahq')} (set SIGMA_CORPUS): corpus tests skipped`, () => undefined);
} else {
  const files = readCorpus(corpus);
  const converter = new Converter(createFsLoader(ROOT));

  // Conversions run in-process; Microsoft's analyser (milliseconds per query, far slower inside
  // jest's sandbox) runs on the built checker in one child process per KQL pipeline, in parallel.
  const runs = new Map<string, { outcomes: RuleOutcome[]; problems: Promise<KqlProblems> | null }>();
  beforeAll(() => {
    for (const config of CORPUS_CONFIGS) {
      const outcomes = convertCorpus(converter, files, config);
      const schema = converter.pipeline(config.pipeline).schema;
      const problems = config.target === 'kql' && schema ? checkKqlInChild(ROOT, schema, allQueries(outcomes)) : null;
      // Rejections are awaited in the KQL tests; keep Node from reporting them as unhandled meanwhile.
      problems?.catch(() => undefined);
      runs.set(`${config.target}/${config.pipeline}`, { outcomes, problems });
    }
  }, 300_000);

  describe('SigmaHQ corpus', () => {
    it('holds the expected rule files', () => {
      expect(files.length).toBeGreaterThan(3000);
    });

    describe.each(CORPUS_CONFIGS.map((c) => [`${c.target} / ${c.pipeline}`, c] as const))('%s', (_label, config) => {
      it('converts or refuses every rule with a categorised error, never crashes', () => {
        const outcomes = runs.get(`${config.target}/${config.pipeline}`)?.outcomes ?? [];
        const crashes = outcomes.filter((o) => o.threw || o.code === 'internal').map((o) => `${o.key}: ${o.message}`);
        expect(crashes).toEqual([]);
        expect(outcomes.length).toBeGreaterThanOrEqual(files.length);
      });

      if (config.target === 'kql') {
        it("every query passes Microsoft's KQL analyser (no syntax errors, unknown columns or type errors)", async () => {
          const run = runs.get(`${config.target}/${config.pipeline}`);
          expect(run?.problems).toBeTruthy();
          const perQuery = await (run?.problems as Promise<KqlProblems>);
          const queries = (run?.outcomes ?? []).flatMap((o) => (o.ok ? o.queries.map((q) => ({ key: o.key, q })) : []));
          expect(perQuery.length).toBe(queries.length);
          const problems: string[] = [];
          perQuery.forEach((list, i) => {
            const at = queries[i];
            for (const d of list) {
              if (problems.length < 20) problems.push(`${at?.key}: ${classifyKqlProblem(d)} ${d.code}: ${d.message}\n  ${at?.q.slice(0, 400)}`);
            }
          });
          expect(problems).toEqual([]);
        }, 600_000);
      }
    });
  });

  describe('field schemas (ecs, splunk-windows)', () => {
    it.each(['ecs', 'splunk-windows'])("%s: every field a converted rule's query tests is one its logsource's data carries", (name) => {
      const def = converter.pipeline(name);
      const schema = def.loadedFieldSchema;
      expect(schema).toBeDefined();
      if (!schema) return;
      const outside: string[] = [];
      let checked = 0;
      for (const f of files) {
        const lines = f.text.split('\n');
        for (const doc of parseYamlDocuments(f.text)) {
          let rule: SigmaRule;
          let expr;
          try {
            requireRuleDocument(doc, 'corpus');
            rule = parseRule(doc, lines, {});
            expr = applyPipeline(ruleInput(rule), def, null).expr;
          } catch {
            continue; // refused: nothing is emitted
          }
          checked++;
          const entry = findLogsourceEntry(def, rule.logsource);
          const known = knownFields(schema, entry?.field_sets ?? def.default?.field_sets ?? []);
          mapPredicates(expr, (p) => {
            const fields = [(p as { field?: string | null }).field, (p as { other?: string }).other];
            for (const field of fields) if (field && known.typeOf(field) === undefined) outside.push(`${f.name}: ${field}`);
            return p;
          });
        }
      }
      expect(checked).toBeGreaterThan(2000);
      expect(outside.slice(0, 20)).toEqual([]);
    });

    it('no EQL query is an unrestricted `any where`: a dataset or channel condition comes first', () => {
      const outcomes = runs.get('eql/ecs')?.outcomes ?? [];
      const queries = outcomes.flatMap((o) => (o.ok ? o.queries.map((q) => ({ key: o.key, q })) : []));
      expect(queries.length).toBeGreaterThan(2000);
      // Also inside sequences: `[any where ...]`.
      const bare = queries.filter(({ q }) => /(?:^|\[)any where (?!\(?(?:event\.dataset|winlog\.channel) : )/m.test(q));
      expect(bare.map(({ key, q }) => `${key}: ${q.slice(0, 120)}`).slice(0, 20)).toEqual([]);
    });
  });
}
