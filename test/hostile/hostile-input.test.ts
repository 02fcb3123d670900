/**
 * Hostile and broken input: every case ends in a clear error or a faithful query, in bounded time,
 * never a crash, a hang or a stack trace. The CLI runs as a child process (build first: npx tsc -p .).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Converter } from '../../src/convert';
import { createFsLoader } from '../../src/cli/fs-loader';
import { RuleValidator } from '../../src/validate/validate-rules';
import { TARGETS } from '../support/targets';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'sigma-convert.js');
const FIX = path.join(ROOT, 'test', 'fixtures', 'hostile');

function cli(args: string[], input?: Buffer | string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const RULE = (title: string, value: string) =>
  `title: ${title}\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    selection:\n        Image|endswith: '${value}'\n    condition: selection\n`;

let tmp: string;
beforeAll(() => {
  expect(fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli', 'main.js'))).toBe(true);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-hostile-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, content: Buffer | string): string {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

describe('YAML bombs and nesting', () => {
  const bomb = (() => {
    let s = 'title: Bomb\nlogsource: {category: process_creation, product: windows}\nx0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i < 10; i++) s += `x${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]\n`;
    return s;
  })();

  test.each([
    ['in a detection value', bomb + 'detection:\n    selection:\n        CommandLine: *a9\n    condition: selection\n'],
    ['in a keyword list', bomb + 'detection:\n    keywords: *a9\n    condition: keywords\n'],
    ['outside the detection', bomb + 'detection:\n    selection:\n        Image: x\n    condition: selection\n'],
  ])('an alias bomb %s is refused quickly by convert and validate', (_what, text) => {
    const file = write(`bomb-${_what.replace(/\W/g, '')}.yml`, text);
    for (const args of [['--target', 'kql', file], ['validate', file]]) {
      const started = Date.now();
      const r = cli(args);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(r.err + r.out).not.toMatch(/heap|    at /);
      if (_what !== 'outside the detection' || args[0] === 'validate') {
        expect(r.code).toBe(1);
        expect(r.err + r.out).toMatch(/error\[(yaml-limit|invalid-value|invalid-detection|schema)\]/);
      }
    }
  });

  test.each([
    ['flow', 'title: Deep\nx: ' + '['.repeat(100_000) + ']'.repeat(100_000) + '\n'],
    ['block', 'title: Deep\nx:\n' + Array.from({ length: 500 }, (_, i) => '  '.repeat(i + 1) + `k${i}:`).join('\n') + '\n' + '  '.repeat(501) + 'v\n'],
  ])('%s nesting 100,000 / 500 levels deep is a clear error', (kind, text) => {
    const file = write(`deep-${kind}.yml`, text);
    const r = cli(['--target', 'splunk', file]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/:\d+:\d+: error\[(yaml-syntax|yaml-limit)\]: .*(nesting|nested)/);
    expect(r.err).not.toMatch(/    at /);
  });
});

describe('size', () => {
  const converter = new Converter(createFsLoader(ROOT));
  const list = (mods: string, n: number) =>
    `title: Big list\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    selection:\n        CommandLine${mods}:\n` +
    Array.from({ length: n }, (_, i) => `            - 'value-${i}'\n`).join('') +
    '    condition: selection\n';

  test.each(TARGETS)('100,000 values convert in seconds for %s (plain and contains)', (target) => {
    for (const mods of ['', '|contains']) {
      const started = Date.now();
      const [r] = converter.convertText(list(mods, 100_000), 'big.yml', { target });
      expect(r?.errors).toEqual([]);
      // The last value is there: as written, or (lucene) as a regex with both cases of each letter.
      expect(r?.queries[0]).toMatch(/value-99999|\[vV\]\[aA\]\[lL\]\[uU\]\[eE\]\\-99999/);
      expect(Date.now() - started).toBeLessThan(15_000);
    }
  });

  test('a 20 MB file of 2,000 rules converts, and validates, in bounded time', () => {
    const doc = RULE('Rule', '\\whoami.exe').replace("'\\whoami.exe'", `['${'x'.repeat(10_000)}']`);
    const text = Array(2_000).fill(doc).join('---\n');
    expect(text.length).toBeGreaterThan(20_000_000);
    const started = Date.now();
    const results = converter.convertText(text, 'huge.yml', { target: 'kql' });
    expect(results.filter((r) => r.ok)).toHaveLength(2_000);
    const v = new RuleValidator().validateText(text, 'huge.yml');
    expect(v.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});

describe('encodings and layout', () => {
  const text = RULE('Encoded', '\\whoami.exe');
  // splunk-windows: process_creation is Sysmon event 1 in the Sysmon channel.
  const expected = 'source IN ("WinEventLog:Microsoft-Windows-Sysmon/Operational", "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational") EventCode=1 Image="*\\\\whoami.exe"';

  test.each([
    ['UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
    ['UTF-16LE BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['UTF-16BE BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
    ['CRLF line ends', Buffer.from(text.replace(/\n/g, '\r\n'))],
  ])('%s converts like plain UTF-8', (name, bytes) => {
    const r = cli(['--target', 'splunk', write(`enc-${name.replace(/\W/g, '')}.yml`, bytes)]);
    expect(r.err).toMatch(/1 converted, 0 failed/);
    expect(r.out.trim()).toBe(expected);
    expect(r.code).toBe(0);
  });

  test.each([
    ['binary', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff, 0xd8])],
    ['Latin-1', Buffer.from('title: Caf\xe9\n', 'latin1')],
    ['NUL bytes', Buffer.from('title: a\u0000b\n')],
  ])('%s input is refused with a clear message, and the next file still converts', (name, bytes) => {
    const bad = write(`bad-${name.replace(/\W/g, '')}.yml`, bytes);
    const good = write('good.yml', text);
    const r = cli(['--target', 'splunk', bad, good]);
    expect(r.err).toMatch(new RegExp(`${path.basename(bad)}: error\\[input\\]: the file (is not valid UTF-8|contains NUL)`));
    expect(r.out.trim()).toBe(expected);
    expect(r.code).not.toBe(0);
  });

  test('tabs: in indentation a YAML error with location; inside values kept literally', () => {
    const bad = cli(['--target', 'kql', path.join(FIX, 'tabs.yml')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/tabs\.yml:4:1: error\[yaml-syntax\]: .*tab/);
    const ok = cli(['--target', 'kql', path.join(FIX, 'tab-values.yml')]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('CommandLine =~ "a\\tb"');
  });

  test('duplicate keys are an error naming the line of the second key', () => {
    const r = cli(['--target', 'kql', path.join(FIX, 'duplicate-keys.yml')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/duplicate-keys\.yml:6:9: error\[yaml-syntax\]: .*duplicated mapping key.*remove or rename/);
  });

  test('empty files and empty documents', () => {
    const empty = write('empty.yml', '');
    const r = cli(['--target', 'kql', empty, path.join(FIX, 'empty-documents.yml')]);
    expect(r.err).toMatch(/empty\.yml: warning: the file holds no YAML documents; skipped/);
    expect(r.err).toMatch(/1 converted, 0 failed, 1 skipped/);
    expect(r.code).toBe(0);
  });

  test('a broken document between two good ones: the good ones convert, exit 1', () => {
    const r = cli(['--target', 'splunk', path.join(FIX, 'broken-middle.yml')]);
    expect(r.out).toContain('whoami.exe');
    expect(r.out).toContain('tcpdump');
    expect(r.err).toMatch(/error\[yaml-syntax\].*rule 'Broken rule' \(document 2 of 3\)/);
    expect(r.err).toMatch(/2 converted, 1 failed, 0 skipped/);
    expect(r.code).toBe(1);
  });
});

describe('folders', () => {
  test('symlink loops are walked once, and a dangling link is ignored', () => {
    const dir = path.join(tmp, 'loop');
    write('loop/a/rule.yml', RULE('In a loop', '\\loop.exe'));
    fs.symlinkSync(dir, path.join(dir, 'a', 'back'));
    fs.symlinkSync(path.join(dir, 'a'), path.join(dir, 'a', 'self'));
    fs.symlinkSync(path.join(dir, 'missing'), path.join(dir, 'dangling.yml'));
    const r = cli(['--target', 'kql', dir]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/1 converted, 0 failed, 0 skipped/);
  });
});

describe('regular expressions', () => {
  test('an invalid regular expression is an error at its key', () => {
    const r = cli(['--target', 'kql', path.join(FIX, 'invalid-regex.yml')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/invalid-regex\.yml:5:9: error\[invalid-regex\]: invalid regular expression 'a\(b'/);
  });

  test.each(TARGETS)('catastrophic-backtracking patterns are never run: %s converts at once', (target) => {
    const started = Date.now();
    const r = cli(['--target', target, path.join(FIX, 'redos.yml')]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.err).not.toMatch(/internal/);
    if (r.code === 0) expect(r.out).toContain('(a+)+');
  });

  test('a condition pattern built to backtrack against long identifier names ends at once', () => {
    const started = Date.now();
    const r = cli(['--target', 'kql', path.join(FIX, 'redos-identifiers.yml')]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error\[condition-identifier\]: .*matches no search identifier/);
  });
});
