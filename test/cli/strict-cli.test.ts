/** The command line is strict: mistakes exit 2 with one message and a suggestion; -h, completion, --quiet, EPIPE. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { closestName, editDistance } from '../../src/core/suggest';
import { TARGETS } from '../support/targets';

const root = path.resolve(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'sigma-convert.js');
const T1040 = path.join(root, 'sigma', 't1040');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (l) => (err += l + '\n') });
  return { code, out, err };
}

describe('unknown options and commands', () => {
  test.each([
    [['-t', 'eql', '--fromat', 'elastic-rule', T1040], '--fromat', '--format'],
    [['-t', 'kql', '--pipline', 'sentinel', T1040], '--pipline', '--pipeline'],
    [['-t', 'splunk', '--idnex', 'main', T1040], '--idnex', '--index'],
    [['validate', '--sarfi', T1040], '--sarif', '--sarif'],
    [['validate', '--fail-on-warnings', T1040], '--fail-on-warnings', '--fail-on-warning'],
    [['test', '--event', 'x.jsonl', T1040], '--event', '--events'],
    [['test', '--time-feild', 'ts', T1040], '--time-feild', '--time-field'],
  ])('%j: exit 2, nothing converted, a suggestion', async (args, typed, meant) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    if (typed !== meant) expect(r.err).toContain(`unknown option ${typed}; did you mean ${meant}?`);
    else expect(r.err).toMatch(/unknown option --sarfi; did you mean --sarif\?/);
    expect(r.err).not.toContain('converted');
  });

  test('several unknown options: one line each, each with its suggestion', async () => {
    const r = await run(['-t', 'kql', '--fromat', 'x', '--idnex', 'y', T1040]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('sigma-convert: unknown option --fromat; did you mean --format?');
    expect(r.err).toContain('sigma-convert: unknown option --idnex; did you mean --index?');
  });

  test('an option with nothing close is still refused', async () => {
    const r = await run(['-t', 'kql', '--zzzzzz', T1040]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown option --zzzzzz\n');
  });

  test('a misspelt command is named as one, with the command meant', async () => {
    const r = await run(['lisst', 'targets']);
    expect(r.code).toBe(2);
    expect(r.err).toBe("sigma-convert: unknown command 'lisst'; did you mean 'list'?\nRun 'sigma-convert --help' for usage.\n");
    expect((await run(['valdiate', T1040])).err).toContain("did you mean 'validate'?");
  });

  test('an unknown list names the list meant', async () => {
    const r = await run(['list', 'target']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown list 'target'; did you mean 'targets'?");
  });
});

describe('usage', () => {
  test('no arguments: the usage and one line saying what is missing, exit 2', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('sigma-convert --target <target> [options] PATH...');
    expect(r.err).toContain('Targets: sigma-convert list targets.');
    expect(r.err.match(/^sigma-convert: /gm)).toEqual(['sigma-convert: ']);
  });

  test("a bare 'list': one message, exit 2", async () => {
    const r = await run(['list']);
    expect(r.code).toBe(2);
    expect(r.err).toBe("sigma-convert: say what to list: sigma-convert list <targets|pipelines|formats>\nRun 'sigma-convert list --help' for usage.\n");
  });

  test('a missing --target: one message, the command is not run', async () => {
    const r = await run([T1040]);
    expect(r.code).toBe(2);
    expect(r.err).toBe("sigma-convert: Missing required argument: target\nRun 'sigma-convert --help' for usage.\n");
  });

  test.each([[['-h']], [['--help']], [['list', '-h']], [['validate', '-h']], [['test', '-h']], [['-t', 'kql', '-h']], [['completion', '-h']]])('%j prints help and exits 0', (args) => {
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(args[0] === 'completion' ? /^sigma-convert completion\n/ : /-h, --help/);
    expect(r.stderr).toBe('');
  });
});

describe('shell completion', () => {
  test('`completion` prints a bash/zsh script for sigma-convert', () => {
    const r = spawnSync(process.execPath, [bin, 'completion'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('###-begin-sigma-convert-completions-###');
    expect(r.stdout).toContain('--get-yargs-completions');
    expect(r.stderr).toBe('');
  });

  test('the shell asking for words gets the commands and options, and no error', () => {
    const r = spawnSync(process.execPath, [bin, '--get-yargs-completions', 'validate', '--fa'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toContain('--fail-on-warning');
    expect(r.stderr).toBe('');
    const top = spawnSync(process.execPath, [bin, '--get-yargs-completions', ''], { encoding: 'utf8' });
    expect(top.stdout.split('\n')).toEqual(expect.arrayContaining(['list', 'validate', 'test', 'completion']));
  });
});

describe('--quiet', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-quiet-'));
    fs.writeFileSync(
      path.join(dir, 'unmapped.yml'),
      'title: U\nlogsource: {category: process_creation, product: windows}\ndetection:\n  sel:\n    NoSuchField: x\n  condition: sel\n',
    );
    fs.writeFileSync(path.join(dir, 'typo.yml'), 'title: T\nlogsource: {category: process_creation, product: windows}\ndetection:\n  sel:\n    Commandline: x\n  condition: sel\n');
    fs.writeFileSync(path.join(dir, 'broken.yml'), 'title: B\nlogsource: {category: process_creation, product: windows}\ndetection:\n  sel:\n    Image|nope: x\n  condition: sel\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('convert: no warnings and no summary, errors still shown, same exit status', async () => {
    const loud = await run(['-t', 'eql', '--allow-unmapped', 'NoSuchField', path.join(dir, 'unmapped.yml'), path.join(dir, 'broken.yml')]);
    expect(loud.err).toContain("warning[unmapped-field]: field 'NoSuchField'");
    expect(loud.err).toContain('1 converted, 1 failed');
    const quiet = await run(['-t', 'eql', '--allow-unmapped', 'NoSuchField', '--quiet', path.join(dir, 'unmapped.yml'), path.join(dir, 'broken.yml')]);
    expect(quiet.code).toBe(loud.code);
    expect(quiet.code).toBe(1);
    expect(quiet.out).toBe(loud.out);
    expect(quiet.err).not.toContain('warning');
    expect(quiet.err).not.toContain('converted');
    expect(quiet.err).toContain('error[invalid-modifier]');
  });

  test('validate -q: errors only', async () => {
    expect((await run(['validate', dir])).out).toContain('warning[taxonomy]');
    const r = await run(['validate', '-q', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('error[');
    expect(r.out).not.toContain('warning[');
    expect(r.err).toBe('');
  });
});

describe('a closed standard output', () => {
  test('ends quietly: no stack trace, the usual exit status', () => {
    // `| head -c 1` in a shell: the reader goes away after the first bytes.
    const script = `const { spawn } = require('child_process');
const p = spawn(process.execPath, [${JSON.stringify(bin)}, '-t', 'kql', ${JSON.stringify(T1040)}, ${JSON.stringify(T1040)}], { stdio: ['ignore', 'pipe', 'pipe'] });
let err = '';
p.stderr.on('data', (d) => (err += d));
p.stdout.once('data', () => p.stdout.destroy());
p.on('close', (code) => { process.stdout.write(JSON.stringify({ code, err })); });`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    const { code, err } = JSON.parse(r.stdout) as { code: number; err: string };
    expect(err).not.toMatch(/EPIPE|at .*\.js:\d+|Error/);
    expect([0, 1]).toContain(code);
  });
});

describe('did-you-mean', () => {
  test('a typed name with terminal escapes is printed inert', async () => {
    const r = await run(['-t', 'kql', '--fo\u001b[31mrmat', T1040]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown option --fo\\u{1b}[31mrmat');
    expect(r.err).not.toContain('\u001b');
  });

  test('edit distance counts a transposition as one edit', () => {
    expect(editDistance('idnex', 'index')).toBe(1);
    expect(editDistance('fromat', 'format')).toBe(1);
    expect(editDistance('pipline', 'pipeline')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
  test('case-only differences win; far names and exact names give none', () => {
    expect(closestName('Commandline', ['Image', 'CommandLine', 'ParentCommandLine'])).toBe('CommandLine');
    expect(closestName('process_creaton', ['process_access', 'process_creation'])).toBe('process_creation');
    expect(closestName('format', ['format', 'formats'])).toBeUndefined();
    expect(closestName('xyz', ['format'])).toBeUndefined();
  });
});

describe('unknown option values', () => {
  test.each([
    [['-t', 'kqll', T1040], `unknown target 'kqll' (no backends/kqll.yml); available: ${TARGETS.join(', ')}`],
    [['-t', 'kql', '-p', 'sentinal', T1040], "unknown pipeline 'sentinal'; available: "],
    [['-t', 'kql', '-f', 'huntin', T1040], "did you mean 'hunting'?"],
  ])('%j: exit 2 with the value meant', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toMatch(/; did you mean '(kql|sentinel|hunting)'\?/);
  });
});
