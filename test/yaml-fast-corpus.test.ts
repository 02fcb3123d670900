/**
 * The fast YAML reader against js-yaml over real rules: the SigmaHQ corpus (every 4th file by default,
 * all of it with YAML_CORPUS_ALL=1), the shipped sigma/ rules and the test fixtures. Every document the
 * fast reader accepts must equal js-yaml's reading (value, types, positions); the test also requires that
 * the fast reader handles most documents, since a reader that declines everything would prove nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { findCorpus, readCorpus } from '../scripts/corpus-run';
import { yamlChunks } from '../src/rule/yaml-source';
import { checkDocument } from './support/yaml-equivalence';

const ROOT = path.resolve(__dirname, '..');
const corpusDir = findCorpus(ROOT);

function yamlFiles(dir: string): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/i.test(entry.name)) out.push({ name: path.relative(ROOT, full), text: fs.readFileSync(full, 'utf8') });
    }
  };
  walk(path.join(ROOT, dir));
  return out;
}

interface Tally {
  fast: number;
  declined: number;
  failures: string[];
}

function check(files: { name: string; text: string }[]): Tally {
  const tally: Tally = { fast: 0, declined: 0, failures: [] };
  for (const file of files) {
    for (const chunk of yamlChunks(file.text)) {
      try {
        tally[checkDocument(chunk.text, chunk.firstLine)]++;
      } catch (err) {
        tally.failures.push(`${file.name}:${chunk.firstLine + 1}: ${(err as Error).message}`);
      }
    }
  }
  return tally;
}

describe('fast YAML reader equals js-yaml on real rules', () => {
  (corpusDir ? it : it.skip)(`the SigmaHQ corpus (${process.env.YAML_CORPUS_ALL ? 'every file' : 'every 4th file'})`, () => {
    const all = readCorpus(corpusDir as string);
    const files = process.env.YAML_CORPUS_ALL ? all : all.filter((_, i) => i % 4 === 0);
    const tally = check(files);
    if (process.env.YAML_CORPUS_REPORT) process.stdout.write(`corpus: ${tally.fast} fast, ${tally.declined} declined\n`);
    expect(tally.failures.slice(0, 10)).toEqual([]);
    expect(tally.fast).toBeGreaterThan(tally.declined * 10);
  });

  it('the shipped sigma/ rules and the test fixtures', () => {
    const tally = check([...yamlFiles('sigma'), ...yamlFiles('test')]);
    if (process.env.YAML_CORPUS_REPORT) process.stdout.write(`sigma/ + test/: ${tally.fast} fast, ${tally.declined} declined\n`);
    expect(tally.failures.slice(0, 10)).toEqual([]);
    expect(tally.fast).toBeGreaterThan(0);
  });
});
