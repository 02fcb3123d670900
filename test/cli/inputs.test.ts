/**
 * Reading the rule files a folder walk listed: one buffer for all of them, read until end of file within the
 * bound, and anything swapped in for a listed file (a FIFO, a device) refused with what it is.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expandInputs, readRuleText, type InputFile } from '../../src/cli/inputs';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-inputs-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const listed = (file: string): InputFile => ({ name: file, path: file });
function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}
const message = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
};

describe('readRuleText', () => {
  test('files of every size read back exactly, a short one after a long one included (no bytes of the one before)', () => {
    const sizes = [0, 1, 65_535, 65_536, 65_537, 3 * 1024 * 1024 + 7, 10, 200_000, 5];
    sizes.forEach((size, i) => {
      const text = 'abcdefghijklmnopqrstuvwxyz'.slice(i).repeat(Math.ceil(size / 20) + 1).slice(0, size);
      expect(readRuleText(listed(write(`f${i}.yml`, text)))).toBe(text);
    });
  });

  test('the bound: a file of exactly the bound is read, one byte more is refused, large or small', () => {
    expect(readRuleText(listed(write('at.yml', 'x'.repeat(100))), 100)).toBe('x'.repeat(100));
    expect(message(() => readRuleText(listed(write('over.yml', 'x'.repeat(101))), 100))).toBe('the input is larger than 100 bytes, the limit for one file (convert: --max-file-size)');
    const big = write('big.yml', Buffer.alloc(3 * 1024 * 1024, 0x61));
    expect(message(() => readRuleText(listed(big), 2 * 1024 * 1024))).toBe('the input is larger than 2097152 bytes, the limit for one file (convert: --max-file-size)');
    expect(readRuleText(listed(big), 3 * 1024 * 1024)).toHaveLength(3 * 1024 * 1024);
  });

  test('decoding: a BOM, UTF-16, CRLF; bad UTF-8 and NUL bytes refused with their messages', () => {
    expect(readRuleText(listed(write('bom.yml', Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x0d, 0x0a, 0x62]))))).toBe('a\nb');
    expect(readRuleText(listed(write('le.yml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('héllo', 'utf16le')]))))).toBe('héllo');
    expect(message(() => readRuleText(listed(write('latin1.yml', Buffer.from('caf\xe9', 'latin1')))))).toMatch(/^the file is not valid UTF-8 text/);
    expect(message(() => readRuleText(listed(write('nul.yml', 'a\u0000b'))))).toMatch(/^the file contains NUL bytes/);
  });

  test('a device or a FIFO swapped in for a listed file is refused with what it is, never read forever', async () => {
    if (process.platform === 'win32') return;
    expect(message(() => readRuleText(listed('/dev/zero'), 1000))).toBe('a device, not a regular file');
    expect(message(() => readRuleText(listed('/dev/null')))).toBe('a device, not a regular file');
    const fifo = path.join(dir, 'pipe.yml');
    execFileSync('mkfifo', [fifo]);
    // Without a writer a FIFO reads as empty; with one that says nothing yet, a read would wait.
    expect(message(() => readRuleText(listed(fifo)))).toBe('a FIFO (named pipe), not a regular file');
    // With a writer that says nothing (yet), or some bytes but no end, a read would wait: refused, even after data.
    const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const writer = fs.openSync(fifo, fs.constants.O_WRONLY);
    try {
      expect(message(() => readRuleText(listed(fifo)))).toBe('a FIFO (named pipe), not a regular file');
      fs.writeSync(writer, 'title: from a pipe\n');
      expect(message(() => readRuleText(listed(fifo)))).toBe('a FIFO (named pipe), not a regular file');
    } finally {
      fs.closeSync(writer);
      fs.closeSync(reader);
    }
  });

  test('an unreadable file says why', () => {
    expect(message(() => readRuleText(listed(path.join(dir, 'missing.yml'))))).toMatch(/ENOENT/);
  });
});

describe('expandInputs', () => {
  test('names as path.join gives them and absolute paths, for roots written in any way', () => {
    write('rules/a.yml', 'a');
    write('rules/sub/b.yaml', 'b');
    write('rules/sub/notes.txt', 'n');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      for (const root of ['rules', 'rules/', './rules//', 'rules/sub/..', '.', path.join(dir, 'rules')]) {
        const { files, problems } = expandInputs([root]);
        expect(problems).toEqual([]);
        expect(files).toEqual(['a.yml', 'sub/b.yaml'].map((rel) => ({ name: path.join(root, root === '.' ? 'rules' : '', rel), path: path.join(fs.realpathSync(dir), 'rules', rel) })));
      }
    } finally {
      process.chdir(cwd);
    }
  });
});
