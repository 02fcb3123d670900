/**
 * CI checks: the Sigma taxonomy (logsources, field names) with "did you mean", warnings located as
 * file:line:col in text, --json and SARIF, and --fail-on-warning for validate and convert.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { main } from '../src/cli/main';
import type { Finding } from '../src/validate/finding';

const DIR = path.join(__dirname, 'rules', 'taxonomy');
const TYPOS = path.join(DIR, 'typos.yml');
const FIXED = path.join(DIR, 'fixed.yml');
const FIELD_TYPO = path.join(DIR, 'field-typo.yml');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (l) => (err += l + '\n') });
  return { code, out, err };
}

describe('validate: the Sigma taxonomy', () => {
  test("'process_creaton' and 'Commandline' are warnings with the names meant, at their line and column", async () => {
    const r = await run(['validate', TYPOS]);
    expect(r.code).toBe(0); // warnings: exit 0 unless --fail-on-warning
    expect(r.out).toContain(`${TYPOS}:8:3: warning[taxonomy]: logsource category 'process_creaton' is not in the Sigma taxonomy (appendix 2.1.0)`);
    expect(r.out).toContain("did you mean 'process_creation'?");
    expect(r.out).toContain(`${TYPOS}:13:5: warning[taxonomy]: field 'Commandline' is not a Sigma taxonomy field; did you mean 'CommandLine'?`);
    expect(r.out).toContain(' 13 |     Commandline|contains:');
  });

  test('the same rule spelt right has no finding', async () => {
    const r = await run(['validate', FIXED]);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  test('--fail-on-warning (and its alias --warnings-as-errors) makes warnings fail the run', async () => {
    for (const flag of ['--fail-on-warning', '--warnings-as-errors']) {
      const r = await run(['validate', flag, TYPOS]);
      expect(r.code).toBe(1);
      expect(r.err).toContain('0 error(s), 2 warning(s) (--fail-on-warning: exit 1)');
    }
    expect((await run(['validate', '--fail-on-warning', FIXED])).code).toBe(0);
  });

  test('--json: each warning with file, line and col', async () => {
    const r = await run(['validate', '--json', TYPOS]);
    const list = r.out.trim().split('\n').map((l) => JSON.parse(l) as Finding);
    expect(list.map((f) => [f.code, f.severity, f.line, f.col])).toEqual([
      ['taxonomy', 'warning', 8, 3],
      ['taxonomy', 'warning', 13, 5],
    ]);
    expect(list.every((f) => f.file === TYPOS)).toBe(true);
  });

  test('SARIF: warnings as results with a region, and the rule described', async () => {
    const r = await run(['validate', '--sarif', '--fail-on-warning', TYPOS]);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.out) as { runs: { tool: { driver: { rules: { id: string; shortDescription: { text: string } }[] } }; results: { level: string; ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[] };
    const run0 = sarif.runs[0]!;
    expect(run0.tool.driver.rules.map((x) => x.id)).toEqual(['taxonomy']);
    expect(run0.tool.driver.rules[0]!.shortDescription.text).toMatch(/taxonomy/);
    expect(run0.results.map((x) => [x.level, x.ruleId, x.locations[0]!.physicalLocation.region.startLine, x.locations[0]!.physicalLocation.region.startColumn])).toEqual([
      ['warning', 'taxonomy', 8, 3],
      ['warning', 'taxonomy', 13, 5],
    ]);
    expect(run0.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(/^file:\/\/.*typos\.yml$/);
  });

  test("with a target: the pipeline's unmapped-field finding names the field meant", async () => {
    const kql = await run(['validate', '--target', 'kql', FIELD_TYPO]);
    expect(kql.code).toBe(1); // Defender XDR has no such column: an error
    expect(kql.out).toMatch(/13:5: error\[unmapped-field\]: field 'Commandline' has no equivalent column in DeviceProcessEvents.*; did you mean 'CommandLine'\?/);
    const eql = await run(['validate', '--target', 'eql', FIELD_TYPO]);
    // ECS's field schema has no such field: an error, naming the field meant.
    expect(eql.out).toMatch(/13:5: error\[unmapped-field\]: field 'Commandline' is not a field that the data .* carries in pipeline 'ecs'.*; did you mean 'CommandLine'\?/);
    // Splunk keeps field names as written: the taxonomy warning is what catches the typo there.
    const spl = await run(['validate', '--target', 'splunk', '--fail-on-warning', FIELD_TYPO]);
    expect(spl.code).toBe(1);
    expect(spl.out).toContain("did you mean 'CommandLine'?");
  });

  test('field names are compared within the logsource: a cloud field is no suggestion for a Windows rule', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-tax-'));
    try {
      const file = path.join(dir, 'r.yml');
      fs.writeFileSync(file, fs.readFileSync(FIXED, 'utf8').replace("CommandLine|contains: '/all'", "operationname: '/all'"));
      expect((await run(['validate', file])).out).toBe('');
      fs.writeFileSync(file, fs.readFileSync(FIXED, 'utf8').replace('category: process_creation\n  product: windows', 'product: azure\n  service: activitylogs').replace("CommandLine|contains: '/all'", "operationname: '/all'"));
      expect((await run(['validate', file])).out).toContain("field 'operationname' is not a Sigma taxonomy field; did you mean 'operationName'?");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('convert: warnings located, --fail-on-warning', () => {
  // A field outside ECS's field schema, kept because the user allows it: a warning.
  test('an unmapped-field warning reads file:line:col in text and in --json', async () => {
    const text = await run(['-t', 'eql', '--allow-unmapped', 'Commandline', FIELD_TYPO]);
    expect(text.code).toBe(0);
    expect(text.err).toContain(`${FIELD_TYPO}:13:5: warning[unmapped-field]: field 'Commandline' (as 'Commandline') is not in pipeline 'ecs''s field schema`);
    expect(text.err).toContain('1 converted, 0 failed, 0 skipped, 1 with warnings');
    const json = await run(['-t', 'eql', '--allow-unmapped', 'Commandline', '--json', FIELD_TYPO]);
    const line = JSON.parse(json.out) as { warnings: { code: string; message: string; line: number; col: number }[] };
    expect(line.warnings).toEqual([{ code: 'unmapped-field', message: expect.stringContaining("field 'Commandline'"), line: 13, col: 5 }]);
  });

  test('--fail-on-warning: the query is still printed, the exit status is 1', async () => {
    const r = await run(['-t', 'eql', '--allow-unmapped', 'Commandline', '--fail-on-warning', FIELD_TYPO]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('process where');
    expect(r.err).toContain('1 rule converted with warnings (--fail-on-warning)');
    expect((await run(['-t', 'eql', '--allow-unmapped', 'Commandline', '--fail-on-warning', FIXED])).code).toBe(0);
  });
});

const SPEC = path.resolve(__dirname, '..', '..', 'shared', 'sigma-spec', 'specification', 'sigma-appendix-taxonomy.md');
(fs.existsSync(SPEC) ? describe : describe.skip)('backends/metadata/taxonomy.yml', () => {
  test('is what scripts/build-taxonomy.ts makes of the specification next to this clone', () => {
    const root = path.resolve(__dirname, '..');
    const shipped = fs.readFileSync(path.join(root, 'backends', 'metadata', 'taxonomy.yml'), 'utf8');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-taxgen-'));
    try {
      // The script writes into <its root>/backends: run a copy of it from a scratch root.
      fs.mkdirSync(path.join(tmp, 'dist', 'scripts'), { recursive: true });
      fs.mkdirSync(path.join(tmp, 'backends', 'metadata'), { recursive: true });
      fs.copyFileSync(path.join(root, 'dist', 'scripts', 'build-taxonomy.js'), path.join(tmp, 'dist', 'scripts', 'build-taxonomy.js'));
      execFileSync(process.execPath, [path.join(tmp, 'dist', 'scripts', 'build-taxonomy.js')], {
        env: { ...process.env, SIGMA_SPEC: path.dirname(path.dirname(SPEC)), NODE_PATH: path.join(root, 'node_modules') },
      });
      expect(fs.readFileSync(path.join(tmp, 'backends', 'metadata', 'taxonomy.yml'), 'utf8')).toBe(shipped);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
