/**
 * Files: inputs are regular files inside the roots given; expectation files name events inside their
 * folder; -o never overwrites an input or one output with another, and one unwritable output fails
 * only its rule.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';

const rule = (title: string, image: string, id?: string) => `title: ${title}
${id ? `id: ${id}\n` : ''}logsource: {category: process_creation, product: windows}
detection:
  sel:
    Image|endswith: '${image}'
  condition: sel
`;

let dir: string;
let cwd: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-files-'));
  cwd = process.cwd();
  process.chdir(dir);
});
afterEach(() => {
  process.chdir(cwd);
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (l) => (err += l + '\n') });
  return { code, out, err };
}

function write(rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
}

describe('inputs', () => {
  beforeEach(() => {
    write('rules/a.yml', rule('A', '\\a.exe'));
    write('rules/sub/b.yml', rule('B', '\\b.exe'));
    write('rules/z.yml', rule('Z', '\\z.exe'));
    write('outside/secret.yml', rule('Secret', '\\secret.exe'));
  });

  test('a symlink out of the folder given is refused with its name; the other rules are converted', async () => {
    fs.symlinkSync(path.join(dir, 'outside', 'secret.yml'), path.join(dir, 'rules', 'link.yml'));
    fs.symlinkSync(path.join(dir, 'outside'), path.join(dir, 'rules', 'linkdir'));
    const r = await run(['-t', 'kql', 'rules']);
    expect(r.err).toContain(`rules/link.yml: error[input]: a symlink to ${fs.realpathSync(path.join(dir, 'outside', 'secret.yml'))}, outside the folder rules given; not followed`);
    expect(r.err).toContain('rules/linkdir: error[input]: a symlink to');
    expect(r.out).not.toContain('secret.exe');
    expect(r.out).toContain('\\\\a.exe');
    expect(r.out).toContain('\\\\b.exe');
    expect(r.out).toContain('\\\\z.exe');
    expect(r.code).toBe(2); // unreadable input (README: exit status)
  });

  test('a symlink inside the folder is followed; files and folders keep their sorted order', async () => {
    fs.symlinkSync(path.join(dir, 'rules', 'sub'), path.join(dir, 'rules', 'm-link'));
    const r = await run(['-t', 'kql', 'rules']);
    expect(r.code).toBe(0);
    const order = ['a.exe', 'b.exe', 'z.exe'].map((x) => r.out.indexOf(x));
    expect(order).toEqual([...order].sort((p, q) => p - q));
    expect(r.out.split('b.exe').length - 1).toBe(2); // rules/m-link/b.yml and rules/sub/b.yml
  });

  test('a FIFO or a device is refused (never read, so never hangs); the other inputs are converted', async () => {
    execFileSync('mkfifo', [path.join(dir, 'rules', 'pipe.yml')]);
    const r = await run(['-t', 'kql', 'rules', '/dev/zero', 'rules/pipe.yml']);
    expect(r.err).toContain('rules/pipe.yml: error[input]: a FIFO (named pipe), not a rule file; skipped');
    expect(r.err).toContain('/dev/zero: error[input]: a device, not a rule file; skipped (use - to read standard input)');
    expect(r.out).toContain('\\\\a.exe');
    expect(r.code).toBe(2);
  });

  test('validate and test refuse them the same way', async () => {
    execFileSync('mkfifo', [path.join(dir, 'rules', 'pipe.yml')]);
    const v = await run(['validate', 'rules']);
    expect(v.out).toContain('rules/pipe.yml: error[input]: a FIFO (named pipe)');
    expect(v.code).toBe(1);
    write('events.jsonl', '{"Image":"C:\\\\a.exe"}\n');
    const t = await run(['test', '--events', 'events.jsonl', 'rules']);
    expect(t.err).toContain('rules/pipe.yml: error[input]: a FIFO (named pipe)');
    expect(t.out).toContain('1 of 1 event matched');
  });
});

describe('test --expect: events paths stay in the expectation file folder', () => {
  const ID = '8a3c1b7e-2f4d-4e9a-9b1c-5d6e7f8a9b0c';
  beforeEach(() => {
    write('suite/rule.yml', rule('A', '\\a.exe', ID));
    write('suite/ev/good.jsonl', '{"Image":"C:\\\\a.exe"}\n');
    write('private.jsonl', 'root:x:0:0:root:/root:/bin/bash\n');
  });
  const expectFile = (events: string) => write('suite/expect.yml', `- rule: ${ID}\n  events: ${JSON.stringify(events)}\n  match: true\n`);

  test('a path inside the folder works', async () => {
    expectFile('ev/good.jsonl');
    const r = await run(['test', '--expect', 'suite/expect.yml', 'suite/rule.yml']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('expectations: 1 of 1 as expected');
  });

  test.each([['../private.jsonl'], ['ev/../../private.jsonl'], [path.join(os.tmpdir(), 'x.jsonl')], ['/etc/passwd']])('%s is refused before anything is read', async (events) => {
    expectFile(events);
    const r = await run(['test', '--expect', 'suite/expect.yml', 'suite/rule.yml']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/suite\/expect.yml: entry 1: 'events' must (be a path relative|stay inside)/);
    expect(r.err).not.toContain('root:x');
    expect(r.out).toBe('');
  });

  test('a symlink out of the folder is refused', async () => {
    fs.symlinkSync(path.join(dir, 'private.jsonl'), path.join(dir, 'suite', 'ev', 'link.jsonl'));
    expectFile('ev/link.jsonl');
    const r = await run(['test', '--expect', 'suite/expect.yml', 'suite/rule.yml']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("'events' must stay inside the expectations file's folder");
    expect(r.err).not.toContain('root:x');
  });

  test('an events file inside the folder that is not JSON is reported by line', async () => {
    // Only files inside the expectations folder can be named, so quoting a bad line shows nothing from elsewhere.
    fs.copyFileSync(path.join(dir, 'private.jsonl'), path.join(dir, 'suite', 'ev', 'copy.jsonl'));
    expectFile('ev/copy.jsonl');
    const r = await run(['test', '--expect', 'suite/expect.yml', 'suite/rule.yml']);
    expect(r.err).toContain('ev/copy.jsonl:1: error[invalid-event]: not valid JSON');
    expect(r.code).toBe(1);
  });
});

describe('-o DIR/', () => {
  test('rules whose names would collide (same title, files named alike) each get their own file', async () => {
    write('r/rule.yml', rule('A', '\\a.exe', '1b4e28ba-2fa1-41d2-883f-0016d3cca427'));
    write('r/rule.yaml', rule('A', '\\b.exe', '2b4e28ba-2fa1-41d2-883f-0016d3cca427'));
    const r = await run(['-t', 'kql', '-o', 'out/', 'r']);
    expect(r.code).toBe(0);
    const files = fs.readdirSync(path.join(dir, 'out')).sort();
    expect(files).toHaveLength(2);
    const texts = files.map((f) => fs.readFileSync(path.join(dir, 'out', f), 'utf8'));
    expect(texts.some((t) => t.includes('\\\\a.exe'))).toBe(true);
    expect(texts.some((t) => t.includes('\\\\b.exe'))).toBe(true);
  });

  test('an output onto an input rule file is refused before anything is written', async () => {
    // The rule titled 'A' is written as a.yaml in the inputs' root: the input file itself.
    write('a.yaml', rule('A', '\\a.exe', '1b4e28ba-2fa1-41d2-883f-0016d3cca427'));
    write('b.yml', rule('B', '\\b.exe', '2b4e28ba-2fa1-41d2-883f-0016d3cca427'));
    const before = fs.readFileSync(path.join(dir, 'a.yaml'), 'utf8');
    const r = await run(['-t', 'kql', '-f', 'sentinel-rule', '-o', './', 'a.yaml', 'b.yml']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('would overwrite the input file');
    expect(r.err).toContain('sigma-convert: nothing was written');
    expect(fs.readFileSync(path.join(dir, 'a.yaml'), 'utf8')).toBe(before);
    expect(fs.existsSync(path.join(dir, 'b.yaml'))).toBe(false);
    // -o FILE naming an input: the same
    const single = await run(['-t', 'kql', '-o', 'b.yml', 'b.yml']);
    expect(single.code).toBe(2);
    expect(single.err).toContain('would overwrite the input file');
    expect(fs.readFileSync(path.join(dir, 'b.yml'), 'utf8')).toBe(rule('B', '\\b.exe', '2b4e28ba-2fa1-41d2-883f-0016d3cca427'));
  });

  test('a folder in the way fails that rule; the others are written', async () => {
    write('r/a.yml', rule('A', '\\a.exe'));
    write('r/b.yml', rule('B', '\\b.exe'));
    fs.mkdirSync(path.join(dir, 'out', 'a.kql'), { recursive: true });
    const r = await run(['-t', 'kql', '-o', 'out/', 'r']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('out/a.kql: error[output]: cannot write the output of r/a.yml: a folder of that name is in the way');
    expect(fs.readFileSync(path.join(dir, 'out', 'b.kql'), 'utf8')).toContain('\\\\b.exe');
    expect(r.err).toContain('sigma-convert: 1 converted, 1 failed, 0 skipped');
    expect(fs.readdirSync(path.join(dir, 'out')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
