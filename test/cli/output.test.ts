import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileAtomic } from '../../src/cli/atomic-write';

const root = path.resolve(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'sigma-convert.js');

const rule = (title: string, image: string) => `title: ${title}
logsource: {category: process_creation, product: windows}
detection:
  sel:
    Image|endswith: '${image}'
  condition: sel
`;

function run(args: string[], cwd: string) {
  return spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
}

describe('--output', () => {
  let dir: string;
  beforeAll(() => {
    if (!fs.existsSync(path.join(root, 'dist', 'src', 'cli', 'main.js'))) execFileSync('npx', ['tsc', '-p', root]);
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-out-'));
    fs.mkdirSync(path.join(dir, 'a'));
    fs.mkdirSync(path.join(dir, 'b'));
    fs.writeFileSync(path.join(dir, 'a', 'rule.yml'), rule('A', '\\a.exe'));
    fs.writeFileSync(path.join(dir, 'b', 'rule.yml'), rule('B', '\\b.exe'));
    fs.writeFileSync(path.join(dir, 'b', 'multi.yml'), rule('M1', '\\m1.exe') + '---\n' + rule('M2', '\\m2.exe'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('one file per rule, named from the rule title, in folders relative to the inputs\' common root', () => {
    const r = run(['-t', 'kql', '-o', 'out/', 'a', 'b'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    const files = fs.readdirSync(path.join(dir, 'out'), { recursive: true }).map(String).sort();
    expect(files).toEqual(['a', 'a/a.kql', 'b', 'b/b.kql', 'b/m1.kql', 'b/m2.kql']);
    expect(fs.readFileSync(path.join(dir, 'out', 'a', 'a.kql'), 'utf8')).toContain('"\\\\a.exe"');
    expect(fs.readFileSync(path.join(dir, 'out', 'b', 'b.kql'), 'utf8')).toContain('"\\\\b.exe"');
    expect(r.stderr).toContain('sigma-convert: 4 converted, 0 failed, 0 skipped');
  });

  test('inputs given by absolute path are not recreated under the output folder', () => {
    const r = run(['-t', 'kql', '-o', 'out/', path.join(dir, 'b', 'multi.yml')], dir);
    expect(r.status).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'out')).sort()).toEqual(['m1.kql', 'm2.kql']);
  });

  test('rules with the same title get distinct, stable names; --json names each file', () => {
    fs.writeFileSync(path.join(dir, 'a', 'same.yml'), `id: 11111111-2222-4333-8444-555555555555\n${rule('A', '\\x.exe')}`);
    const args = ['-t', 'kql', '--json', '-o', 'out/', 'a'];
    const first = run(args, dir);
    expect(first.status).toBe(0);
    const lines = first.stdout.trim().split('\n').map((l) => JSON.parse(l) as { title: string; output: string });
    expect(lines.map((l) => l.output)).toEqual([path.join('out', 'a.kql'), path.join('out', 'a-11111111.kql')]);
    for (const l of lines) expect(fs.existsSync(path.join(dir, l.output))).toBe(true);
    expect(run(args, dir).stdout).toBe(first.stdout);
  });

  test('a failed rule writes no file, the others still do, and the summary counts both', () => {
    fs.writeFileSync(path.join(dir, 'b', 'rule.yml'), rule('B', '\\b.exe').replace('endswith', 'endswith|contains'));
    const r = run(['-t', 'kql', '-o', 'out/', 'a', 'b/rule.yml'], dir);
    expect(r.status).toBe(1);
    expect(fs.existsSync(path.join(dir, 'out', 'a', 'a.kql'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'out', 'b', 'b.kql'))).toBe(false);
    expect(r.stderr).toContain('sigma-convert: 1 converted, 1 failed, 0 skipped');
  });

  test("'-' reads one rule file from standard input", () => {
    const r = spawnSync(process.execPath, [bin, '-t', 'eql', '-'], { cwd: dir, encoding: 'utf8', input: rule('S', '\\s.exe') });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('process where event.type : "start" and process.executable : "*\\\\s.exe"\n');
  });

  test('--json: one object per rule per line with every documented key, errors with line and column', () => {
    fs.writeFileSync(path.join(dir, 'b', 'rule.yml'), rule('B', '\\b.exe').replace('{category: process_creation, product: windows}', '{product: nothing-known}'));
    const r = run(['-t', 'kql', '--json', 'a/rule.yml', 'b/rule.yml'], dir);
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      for (const key of ['file', 'id', 'title', 'target', 'pipeline', 'format', 'ok', 'queries', 'errors']) expect(l).toHaveProperty(key);
    }
    expect(lines[0]).toMatchObject({ file: 'a/rule.yml', title: 'A', target: 'kql', pipeline: 'defender-xdr', format: 'query', ok: true, errors: [] });
    expect(lines[1]).toMatchObject({ ok: false, queries: [], errors: [{ code: 'unknown-logsource', line: 2, col: 1 }] });
  });

  test('an empty file is counted as skipped', () => {
    fs.writeFileSync(path.join(dir, 'a', 'empty.yml'), '# nothing here\n');
    const r = run(['-t', 'splunk', 'a'], dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('sigma-convert: 1 converted, 0 failed, 1 skipped');
  });

  test('a single output file holds every block and no temporary file is left behind', () => {
    const r = run(['-t', 'eql', '-o', 'all.eql', 'a', 'b'], dir);
    expect(r.status).toBe(0);
    const text = fs.readFileSync(path.join(dir, 'all.eql'), 'utf8');
    expect(text.split('\n\n')).toHaveLength(4);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-atomic-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('replaces an existing file only with the complete new content', () => {
    const target = path.join(dir, 'q.kql');
    fs.writeFileSync(target, 'old');
    writeFileAtomic(target, 'new content');
    expect(fs.readFileSync(target, 'utf8')).toBe('new content');
    expect(fs.readdirSync(dir)).toEqual(['q.kql']);
  });

  test('a failed write leaves neither a partial file nor a temporary file', () => {
    const target = path.join(dir, 'taken');
    fs.mkdirSync(target); // rename onto a directory fails
    fs.writeFileSync(path.join(target, 'keep'), 'x');
    expect(() => writeFileAtomic(target, 'data')).toThrow();
    expect(fs.readdirSync(dir)).toEqual(['taken']);
    expect(fs.readdirSync(target)).toEqual(['keep']);
  });
});
