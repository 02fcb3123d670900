/**
 * Resource limits: every bound is a clear error for the rule or file that exceeds it, in bounded time and
 * memory, and can be raised. The CLI runs as a child process (build first).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createFsLoader } from '../../src/cli/fs-loader';
import { TARGETS } from '../support/targets';
import { Converter } from '../../src/convert';
import { parseCondition } from '../../src/condition/parser';
import { normalizeExpr } from '../../src/ir/normalize';
import type { Expr } from '../../src/ir/types';
import { parseSettings } from '../../src/output/settings';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'sigma-convert.js');
const converter = new Converter(createFsLoader(ROOT));

function cli(args: string[], input?: string): { code: number | null; out: string; err: string; ms: number } {
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', timeout: 90_000, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, out: r.stdout, err: r.stderr, ms: Date.now() - started };
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-limits-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, content: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
}

const rule = (detection: string, title = 'R') => `title: ${title}\nlogsource: {category: process_creation, product: windows}\ndetection:\n${detection}\n    condition: sel\n`;
const listOf = (values: readonly string[]) => values.map((v) => `            - '${v}'`).join('\n');

describe('alternatives per rule (windash, expand, base64offset)', () => {
  // 60 values with 5 dashes each: 60 x 5^5 = 187,500 alternatives from 2.2 KB.
  const windash = rule(`    sel:\n        CommandLine|windash|contains:\n${listOf(Array.from({ length: 60 }, (_, i) => `a -b -c -d -e -f${i}`))}`, 'Windash bomb');

  it('a 2.2 KB windash rule is refused with the rule total, not run for a minute', () => {
    const r = cli(['--target', 'kql', write('windash.yml', windash)]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/windash\.yml:5:9: error\[invalid-value\]: the rule expands to more than 100000 alternatives in total .*--max-alternatives/);
    expect(r.err).not.toMatch(/    at |heap/);
  });

  it('the budget is per rule (shared by its fields) and configurable', () => {
    const two = rule(`    sel:\n        CommandLine|windash|contains: 'a -b -c'\n        ParentCommandLine|windash|contains: 'x -y -z'`);
    const run = (alternatives: number) => converter.convertCollection([{ file: 'r.yml', text: two }], { target: 'splunk', limits: { alternatives } })[0];
    expect(run(49)?.errors[0]?.message).toMatch(/more than 49 alternatives in total/); // 25 + 25
    expect(run(50)?.errors).toEqual([]);
    const b64 = rule(`    sel:\n        CommandLine|base64offset|contains:\n${listOf(['one', 'two', 'three'])}`);
    expect(converter.convertCollection([{ file: 'r.yml', text: b64 }], { target: 'eql', limits: { alternatives: 8 } })[0]?.errors[0]?.message).toMatch(/more than 8 alternatives/);
  });

  it('--max-alternatives must be a whole number', () => {
    const r = cli(['--target', 'kql', '--max-alternatives', '0', write('ok.yml', rule("    sel: {Image: x}"))]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--max-alternatives must be a whole number of at least 1/);
  });
});

describe('user YAML data files: size and alias expansion', () => {
  const bomb = (() => {
    let s = 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i < 10; i++) s += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]\n`;
    return s;
  })();

  it('a 400-byte placeholders alias bomb is refused before it is expanded', () => {
    const r = cli(['--target', 'kql', '--placeholders', write('ph.yml', bomb), write('r.yml', rule('    sel: {Image: x}'))]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/placeholders file .*ph\.yml: .*more than 1000000 values once its YAML aliases are expanded/);
    expect(r.ms).toBeLessThan(20_000);
  });

  it('a settings alias bomb is refused the same way', () => {
    expect(() => parseSettings(bomb, 'settings.yml')).toThrow(/settings\.yml: the data holds more than 1000000 values/);
    expect(() => parseSettings('x'.repeat(100), 'settings.yml', { dataBytes: 10, dataNodes: 10 })).toThrow(/larger than 10 bytes/);
  });

  it('a placeholder named __proto__ is an ordinary placeholder', () => {
    const ph = write('proto.yml', '__proto__: [evil.exe]\n');
    const r = cli(['--target', 'splunk', '--pipeline', 'none', '--placeholders', ph, write('p.yml', rule("    sel: {Image|expand: '%__proto__%'}"))]);
    expect(r.err).not.toMatch(/internal/);
    expect(r.out).toContain('evil.exe');
  });
});

describe('depth and width: no "Maximum call stack size exceeded"', () => {
  it('3,000 nested parentheses are a condition syntax error', () => {
    const text = rule('    sel: {Image: x}').replace('condition: sel', `condition: '${'('.repeat(3000)}sel${')'.repeat(3000)}'`);
    for (const target of TARGETS) {
      const [r] = converter.convertCollection([{ file: 'p.yml', text }], { target });
      expect(r?.errors[0]?.code).toBe('condition-syntax');
      expect(r?.errors[0]?.message).toMatch(/more than 100 levels deep/);
    }
    expect(() => parseCondition(`${'not '.repeat(5000)}sel`)).toThrow(/more than 100 levels deep/);
    expect(parseCondition(`${'('.repeat(100)}sel${')'.repeat(100)}`)).toEqual({ kind: 'ident', name: 'sel', offset: 100 });
  });

  it('normalising an OR of 200,000 values does not overflow the stack', () => {
    const args: Expr[] = Array.from({ length: 200_000 }, (_, i) => ({ kind: 'exists', field: `f${i}`, loc: { line: 1, col: 1 } }));
    const nested: Expr = { kind: 'or', args: [{ kind: 'or', args }, { kind: 'exists', field: 'g', loc: { line: 1, col: 1 } }] };
    const out = normalizeExpr(nested);
    expect(out.kind === 'or' && out.args.length).toBe(200_001);
  });

  it('|all with 200,000 values converts (with the limit raised)', () => {
    const text = rule(`    sel:\n        CommandLine|contains|all:\n${listOf(Array.from({ length: 200_000 }, (_, i) => `v${i}`))}`);
    const [r] = converter.convertCollection([{ file: 'all.yml', text }], { target: 'eql', limits: { alternatives: 250_000 } });
    expect(r?.errors).toEqual([]);
    expect(r?.queries[0]).toContain('"*v199999*"');
  }, 120_000);

  it('an event 8,000 levels deep is evaluated without a crash', () => {
    const deep = '{"timestamp":"2024-01-01T00:00:00Z",' + '"a":{'.repeat(8000) + '"b":1' + '}'.repeat(8000) + '}\n';
    const r = cli(['test', '--events', write('deep.jsonl', deep), path.join(ROOT, 'sigma', 't1040')]);
    expect(r.err + r.out).not.toMatch(/Maximum call stack|internal error|    at /);
    expect(r.out + r.err).toMatch(/deep\.jsonl/);
  });
});

describe('file size', () => {
  it('/dev/zero as a rule file or an events file fails at once with a clear error', () => {
    if (!fs.existsSync('/dev/zero')) return;
    const convert = cli(['--target', 'kql', '/dev/zero']);
    expect(convert.code).toBe(2);
    expect(convert.err).toMatch(/\/dev\/zero: error\[input\]: .*(larger than \d+ bytes|not a regular file|device)/);
    const events = cli(['test', '--events', '/dev/zero', path.join(ROOT, 'sigma', 't1040')]);
    expect(events.out + events.err).toMatch(/\/dev\/zero: .*(larger than \d+ bytes|not a regular file|device)/);
    expect(events.err).not.toMatch(/heap|    at /);
  });

  it('--max-file-size refuses a larger rule file before reading it', () => {
    const r = cli(['--target', 'kql', '--max-file-size', '100', write('big.yml', rule('    sel: {Image: x}') + '#'.repeat(200))]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/big\.yml: error\[input\]: the input is larger than 100 bytes/);
  });
});

describe('large files are converted document by document', () => {
  it('the streamed output is the rule-set output, in order, with errors located', () => {
    const docs = Array.from({ length: 300 }, (_, i) => (i === 150 ? rule('    sel: {Image|nosuchmodifier: x}', 'Broken') : rule(`    sel: {Image: 'x${i}.exe'}`, `R${i}`)));
    const text = docs.join('---\n');
    const file = write('many.yml', text);
    const streamed = cli(['--target', 'kql', file]);
    const whole = converter.convertCollection([{ file, text }], { target: 'kql' });
    expect(streamed.out).toBe(whole.flatMap((r) => r.queries).join('\n\n') + '\n');
    expect(streamed.err).toMatch(/many\.yml:\d+:\d+: error\[invalid-modifier\].*document 151/);
    expect(streamed.err).toMatch(/299 converted, 1 failed/);
  });
});

describe('a closed standard output', () => {
  it('ends quietly (no EPIPE stack trace) when the reader stops early', () => {
    const docs = Array.from({ length: 2000 }, (_, i) => rule(`    sel: {Image: 'x${i}.exe'}`, `R${i}`)).join('---\n');
    const file = write('pipe.yml', docs);
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" --target kql "${file}" | head -c 10 >/dev/null`], { encoding: 'utf8', timeout: 90_000 });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/EPIPE|    at |Unhandled/);
  });
});
