/**
 * The SQL targets checked by their real engines: every query of the shipped pack, the feature rules and a
 * sample of the SigmaHQ corpus runs in SQLite (sql.js) and DuckDB (@duckdb/node-api) over generated events,
 * and must select exactly the events the evaluator matches. SQL_CORPUS_ALL=1 checks the whole corpus.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { Converter } from '../src/convert';
import { createFsLoader } from '../src/cli/fs-loader';
import type { Placeholders } from '../src/rule/modifiers';
import { findCorpus, readCorpus } from '../scripts/corpus-run';
import { checkAgreement, emptyReport, type AgreementReport, type RuleFile } from './support/sql-agreement';
import { openDuckdb, openSqlite, type SqlEngine } from './support/sql-engines';

const ROOT = path.resolve(__dirname, '..');
jest.setTimeout(600_000);

function ruleFiles(dir: string): RuleFile[] {
  const out: RuleFile[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry.name)) out.push({ file: path.relative(ROOT, full), text: fs.readFileSync(full, 'utf8') });
    }
  };
  walk(path.join(ROOT, dir));
  return out;
}

const placeholders: Placeholders = Object.fromEntries(
  Object.entries(yaml.load(fs.readFileSync(path.join(ROOT, 'test/rules/placeholders.yml'), 'utf8')) as Record<string, unknown[]>).map(([k, v]) => [k, v.map(String)]),
);

function describeFailures(report: AgreementReport): string {
  return report.disagreements
    .slice(0, 5)
    .map((d) => `${d.engine} ${d.file}${d.error ? `: ${d.error}` : ''}\n  ${d.query.slice(0, 2000)}\n  missed: ${JSON.stringify(d.missed)}\n  extra: ${JSON.stringify(d.extra)}`)
    .join('\n');
}

const converter = new Converter(createFsLoader());
const engines: SqlEngine[] = [];

beforeAll(async () => {
  engines.push(await openSqlite(), await openDuckdb());
});
afterAll(() => engines.forEach((e) => e.close()));

describe.each(['sqlite', 'duckdb'] as const)('%s: queries select exactly the events the evaluator matches', (name) => {
  const engine = () => engines.find((e) => e.name === name) as SqlEngine;

  it('the shipped pack and the feature rules (default pipeline and --pipeline none)', async () => {
    const report = emptyReport();
    await checkAgreement(converter, engine(), [...ruleFiles('sigma'), ...ruleFiles('test/rules/features/mapped')], { placeholders }, report);
    await checkAgreement(converter, engine(), ruleFiles('test/rules/features/none'), { placeholders, pipeline: 'none' }, report);
    expect(describeFailures(report)).toBe('');
    expect(report.compared).toBeGreaterThanOrEqual(44);
    expect(report.matched).toBeGreaterThan(report.compared);
  });

  it('hostile values: LIKE and GLOB metacharacters, quotes, backslashes, non-ASCII letters, missing fields under not', async () => {
    const rule = [
      'title: hostile values',
      'logsource: {product: windows}',
      'detection:',
      '  a: {A|contains: "50%_off\\\\x\'q"}',
      '  b: {B|cased: "Ab\\\\*[c]\\\\?d*"}',
      '  c: {C: Über, C2|contains: straße, C3|endswith: ДОМ}',
      '  d: {D|contains|cased: Ж, E: "line\\nbreak\\u2028"}',
      '  e: {F: null, G|exists: true, H|re: "(?i)^k[a-z]+$"}',
      '  f: {I: "", J: "*"}',
      '  condition: a or b or c or d or (e and not f)',
    ].join('\n');
    const report = emptyReport();
    await checkAgreement(converter, engine(), [{ file: 'hostile.yml', text: rule }], {}, report);
    expect({ refusals: report.refusals, compared: report.compared }).toEqual({ refusals: [], compared: 1 });
    expect(describeFailures(report)).toBe('');
    expect(report.matched).toBeGreaterThan(10);
  });

  const corpus = findCorpus(ROOT);
  (corpus ? it : it.skip)(`the SigmaHQ corpus (${process.env.SQL_CORPUS_ALL ? 'every rule' : 'every 8th rule'})`, async () => {
    const all = readCorpus(corpus as string).map((f) => ({ file: f.name, text: f.text }));
    const files = process.env.SQL_CORPUS_ALL ? all : all.filter((_, i) => i % 8 === 0);
    const report = emptyReport();
    const started = Date.now();
    await checkAgreement(converter, engine(), files, {}, report);
    if (process.env.SQL_CORPUS_ALL) {
      console.log(`${name}: ${report.compared} rules compared, ${report.refused} refused, ${report.notEvaluable} not evaluable, ${report.events} events (${report.matched} matched), ${report.disagreements.length} disagreements, ${Date.now() - started} ms`);
    }
    expect(describeFailures(report)).toBe('');
    expect(report.compared).toBeGreaterThan(files.length * 0.8);
  });
});
