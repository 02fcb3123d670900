/** `sigma-convert validate`: every check, the three output forms, and the exit codes. */
import * as path from 'path';
import { main } from '../src/cli/main';
import type { Finding } from '../src/validate/finding';

const DIR = path.join(__dirname, 'rules', 'validate');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (l) => (err += l + '\n') });
  return { code, out, err };
}

async function findings(args: string[]): Promise<Finding[]> {
  const { out } = await run(['validate', '--json', ...args]);
  return out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Finding);
}

describe('validate', () => {
  test('a clean rule: no findings, exit 0', async () => {
    const r = await run(['validate', '--target', 'kql', path.join(DIR, 'clean.yml')]);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/1 file\(s\), 1 document\(s\): 0 error\(s\), 0 warning\(s\)/);
  });

  test('every finding has file, line, column, rule and document, severity, code and message', async () => {
    const list = await findings(['--target', 'kql', DIR]);
    for (const f of list) {
      expect(f.file).toMatch(/\.yml$/);
      expect(f.line).toBeGreaterThan(0);
      expect(f.col).toBeGreaterThan(0);
      expect(f.document).toBeGreaterThan(0);
      expect(f.title ?? f.id).toBeTruthy();
      expect(['error', 'warning']).toContain(f.severity);
      expect(f.message.length).toBeGreaterThan(10);
    }
    const at = (code: string) => list.filter((f) => f.code === code).map((f) => `${path.basename(f.file)}:${f.line}:${f.col}#${f.document}`);
    expect(at('invalid-id')).toEqual(['problems.yml:2:1#1']);
    expect(at('invalid-date')).toEqual(['problems.yml:3:1#1']);
    expect(at('invalid-tag')).toEqual(['problems.yml:6:7#1']);
    expect(at('invalid-modifier')).toEqual(['problems.yml:12:9#1']);
    expect(at('condition-identifier')).toEqual(['problems.yml:16:34#1']);
    expect(at('duplicate-key')).toEqual(['problems.yml:27:9#2']);
    expect(at('unmapped-field')).toEqual(['problems.yml:37:9#3']);
    expect(at('duplicate-id')).toEqual(['same-id.yml:2:1#1']);
    // The broken second document is still named by its title.
    expect(list.find((f) => f.code === 'duplicate-key')?.title).toBe('Second document');
  });

  test('unused identifiers are warnings; the exit code only counts errors', async () => {
    const file = path.join(__dirname, 'rules', 'validate-unused', 'unused.yml');
    const list = await findings([file]);
    expect(list.map((f) => [f.code, f.severity, f.line])).toEqual([['unused-identifier', 'warning', 9]]);
    expect((await run(['validate', file])).code).toBe(0);
  });

  test('without --target no pipeline check is made', async () => {
    const list = await findings([path.join(DIR, 'problems.yml')]);
    expect(list.some((f) => f.code === 'unmapped-field')).toBe(false);
  });

  test('the pipeline alone picks its target', async () => {
    const list = await findings(['--pipeline', 'defender-xdr', path.join(DIR, 'problems.yml')]);
    expect(list.some((f) => f.code === 'unmapped-field')).toBe(true);
  });

  test('human output: file:line:col, severity[code], the rule, the source line and a caret', async () => {
    const r = await run(['validate', path.join(DIR, 'problems.yml')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      `${path.join(DIR, 'problems.yml')}:16:34: error[condition-identifier]: condition 'selection and not filter', column 19: unknown search identifier 'filter'`,
    );
    expect(r.out).toContain("— rule 'Many problems' (document 1 of 3)\n 16 |     condition: selection and not filter\n    |                                  ^");
  });

  test('SARIF 2.1.0 with rules, results and regions', async () => {
    const r = await run(['validate', '--sarif', '--target', 'kql', DIR]);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out);
    expect(log.version).toBe('2.1.0');
    const run0 = log.runs[0];
    expect(run0.tool.driver.name).toBe('sigma-convert');
    const ruleIds = run0.tool.driver.rules.map((x: { id: string }) => x.id);
    expect(ruleIds).toContain('duplicate-id');
    for (const res of run0.results) {
      expect(ruleIds[res.ruleIndex]).toBe(res.ruleId);
      expect(['error', 'warning']).toContain(res.level);
      const loc = res.locations[0].physicalLocation;
      expect(loc.artifactLocation.uri).toMatch(/^file:\/\/.*\.yml$/);
      expect(loc.region.startLine).toBeGreaterThan(0);
      expect(loc.region.startColumn).toBeGreaterThan(0);
    }
  });

  test('usage errors exit 2', async () => {
    expect((await run(['validate'])).code).toBe(2);
    expect((await run(['validate', '--target', 'nope', DIR])).code).toBe(2);
    expect((await run(['validate', '--pipeline', 'nope', DIR])).code).toBe(2);
    expect((await run(['validate', '--json', '--sarif', DIR])).code).toBe(2);
  });

  test('an unreadable input is an error finding without a rule', async () => {
    const r = await run(['validate', path.join(DIR, 'does-not-exist.yml')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/does-not-exist\.yml: error\[input\]: cannot read: no such file or folder\n/);
  });

  test('correlation and filter documents are checked with the parsers conversion uses', async () => {
    const ok = await run(['validate', path.join(__dirname, '..', 'sigma'), path.join(__dirname, 'rules', 'filters')]);
    expect(ok.code).toBe(0);
    const bad = await findings([path.join(__dirname, 'rules', 'validate-correlation')]);
    expect(bad.map((f) => [f.code, f.line, f.severity])).toEqual([['correlation', 3, 'error']]);
    expect(bad[0]?.message).toMatch(/group-by/);
  });
});
