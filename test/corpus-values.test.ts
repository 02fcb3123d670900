/**
 * Over the SigmaHQ corpus (../shared/sigmahq): no converted rule compares a column with a value in a form the
 * column never holds - a registry value name or a short hive in RegistryKey, Sysmon's 'DWORD (...)' text in the
 * registry data, 'DOMAIN\' in an account name column (value transformations, docs/pipelines.md).
 */
import * as path from 'path';
import { Converter } from '../src/convert';
import { createFsLoader } from '../src/cli/fs-loader';
import { isPredicate, type Expr, type Predicate } from '../src/ir/types';
import { decodeJoinedField } from '../src/ir/joined-field';
import { formatSigmaString, matchShape } from '../src/rule/sigma-string';
import { parseRule, requireRuleDocument } from '../src/rule/parse-rule';
import { parseYamlDocuments } from '../src/rule/yaml-source';
import { findCorpus, readCorpus } from '../scripts/corpus-run';

const ROOT = path.resolve(__dirname, '..');
const corpus = findCorpus(ROOT);

const SHORT_HIVE = /^(HKLM|HKU|HKCU|HKCR)\\/i;
const SYSMON_NUMBER = /[DQ]WORD \(/i;
const ACCOUNT_COLUMNS = new Set(['AccountName', 'InitiatingProcessAccountName']);
const DATA_COLUMNS = new Set(['RegistryValueData', 'registry.data.strings']);

function predicates(e: Expr, out: Predicate[] = []): Predicate[] {
  if (isPredicate(e)) out.push(e);
  else if (e.kind === 'not') predicates(e.arg, out);
  else if (e.kind === 'and' || e.kind === 'or') for (const a of e.args) predicates(a, out);
  return out;
}

/** What is wrong with one predicate of a converted rule of this logsource category, or null. */
function violation(p: Predicate, category: string | undefined): string | null {
  if (p.kind !== 'match') return null;
  const { shape, text } = matchShape(p.value);
  const literal = shape === 'pattern' ? formatSigmaString(p.value).replace(/^\*/, '') : text;
  const registryPath = p.field === 'RegistryKey' || decodeJoinedField(p.field)?.columns[0] === 'RegistryKey';
  if (registryPath && SHORT_HIVE.test(literal)) return `a short hive in ${p.field}: '${literal}'`;
  if (p.field === 'RegistryKey' && category === 'registry_set' && (shape === 'endswith' || shape === 'equals')) {
    return `RegistryKey compared with a path that ends in a value name: '${literal}'`;
  }
  if (DATA_COLUMNS.has(p.field) && SYSMON_NUMBER.test(literal)) return `Sysmon's number text in ${p.field}: '${literal}'`;
  if (ACCOUNT_COLUMNS.has(p.field) && literal.includes('\\')) return `a domain in ${p.field}: '${literal}'`;
  return null;
}

if (!corpus) {
  it.skip(`SigmaHQ corpus NOT FOUND at ${path.resolve(ROOT, '..', 'shared', 'sigmahq')} (set SIGMA_CORPUS): value-form invariants skipped`, () => undefined);
} else {
  const files = readCorpus(corpus);
  const converter = new Converter(createFsLoader(ROOT));

  describe.each([
    ['kql', 'defender-xdr'],
    ['kql', 'sentinel'],
    ['eql', 'ecs'],
  ] as const)('SigmaHQ corpus, %s / %s: values in the form the store keeps', (target, pipeline) => {
    it('no converted rule compares a column with a value form it never holds', () => {
      const problems: string[] = [];
      let converted = 0;
      let transformed = 0;
      for (const f of files) {
        const lines = f.text.split('\n');
        for (const doc of parseYamlDocuments(f.text)) {
          try {
            requireRuleDocument(doc, 'test');
            const rule = parseRule(doc, lines);
            const { mapped } = converter.convertRule(rule, { target, pipeline });
            converted++;
            if (mapped.valueTransforms?.length) transformed++;
            for (const p of predicates(mapped.expr)) {
              const v = violation(p, rule.logsource.category);
              if (v && problems.length < 20) problems.push(`${f.name}: ${v}`);
            }
          } catch {
            // refusals are counted by test/corpus.test.ts
          }
        }
      }
      expect(problems).toEqual([]);
      expect(converted).toBeGreaterThan(2000);
      // Registry, account and hash rules go through the transformations (hundreds of them).
      expect(transformed).toBeGreaterThan(pipeline === 'ecs' ? 50 : 300);
    }, 120_000);
  });
}
