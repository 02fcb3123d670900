import * as fs from 'fs';
import * as path from 'path';
import { createFsLoader } from '../src/cli/fs-loader';
import { Converter } from '../src/convert';
import { mayHoldCorrelationOrFilter } from '../src/rule/top-level-keys';
import { findCorpus, readCorpus, type CorpusFile } from '../scripts/corpus-run';
import { FEATURE_TABLE, needsTable } from '../scripts/golden-cases';
import type { ConvertOptions } from '../src/convert';
import { TARGETS } from './support/targets';

/**
 * The CLI converts a run document by document (streaming) when no file may hold a correlation or a
 * filter (src/rule/top-level-keys.ts), else as one rule set. For such files, with no id or name given
 * twice, both must give the same results, field for field: this is what lets most runs (the whole
 * SigmaHQ corpus included) take the faster path.
 */
const ROOT = path.resolve(__dirname, '..');
const converter = new Converter(createFsLoader(ROOT));

function ruleFiles(dir: string): CorpusFile[] {
  const out: CorpusFile[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(e.name)) out.push({ name: path.relative(ROOT, full), text: fs.readFileSync(full, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

function compareOn(files: readonly CorpusFile[], options: ConvertOptions): number {
  const plain = files.filter((f) => !mayHoldCorrelationOrFilter(f.text));
  const sources = plain.map((f) => ({ file: f.name, text: f.text }));
  const asSet = converter.convertCollection(sources, options);
  const streamed = plain.flatMap((f) => [...converter.convertTextLazily(f.text, f.name, options)]);
  expect(streamed.length).toBe(asSet.length);
  for (let i = 0; i < streamed.length; i++) expect(streamed[i]).toEqual(asSet[i]);
  return streamed.length;
}

describe('streaming and the rule set agree on files without correlations or filters', () => {
  test.each([...TARGETS])('the sigma/ pack and the feature rules, %s', (target) => {
    const files = [...ruleFiles(path.join(ROOT, 'sigma')), ...ruleFiles(path.join(ROOT, 'test', 'rules', 'features', 'mapped'))];
    expect(compareOn(files, { target })).toBeGreaterThan(5);
  });

  // Broken rules: the same errors, messages and locations on both paths.
  test.each([...TARGETS])('the invalid rules, %s', (target) => {
    const table = needsTable(converter, target) ? FEATURE_TABLE : undefined;
    expect(compareOn(ruleFiles(path.join(ROOT, 'test', 'rules', 'invalid')), { target, pipeline: 'none', table })).toBeGreaterThan(10);
  });

  const corpus = findCorpus(ROOT);
  (corpus ? test.each([...TARGETS]) : test.skip.each([...TARGETS]))('the SigmaHQ corpus, %s', (target) => {
    const files = readCorpus(corpus as string);
    // Every corpus file takes the streaming path (none holds a correlation or filter document).
    expect(files.filter((f) => mayHoldCorrelationOrFilter(f.text)).map((f) => f.name)).toEqual([]);
    expect(compareOn(files, { target })).toBeGreaterThan(3000);
  });
});
