import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_EVENT_LIMITS, parseEvents, parseRawLines } from '../../src/evaluate/read-events';

const root = path.resolve(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'sigma-convert.js');

const pretty = (o: unknown) => JSON.stringify(o, null, 2);
const winEvent = (id: number, image: string) => ({ Event: { System: { EventID: id }, EventData: { Image: image } } });

describe('parseEvents: concatenated objects', () => {
  it('reads pretty-printed objects one after another, indexed by position', () => {
    const text = [pretty(winEvent(1, 'a.exe')), pretty(winEvent(1, 'b.exe')), pretty(winEvent(11, 'c.exe'))].join('\n') + '\n';
    const parsed = parseEvents(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.events.map((e) => [e.index, (e.value as ReturnType<typeof winEvent>).Event.EventData.Image])).toEqual([
      [0, 'a.exe'],
      [1, 'b.exe'],
      [2, 'c.exe'],
    ]);
  });

  it('reads objects written back to back on one line, and braces inside strings', () => {
    const parsed = parseEvents('{"a":"}{"}{"b":"\\"{"}  {"c":[{"d":1}]}');
    expect(parsed.events.map((e) => e.value)).toEqual([{ a: '}{' }, { b: '"{' }, { c: [{ d: 1 }] }]);
    // all on one line: JSON Lines indices (the line) for every one
    expect(parsed.events.map((e) => e.index)).toEqual([0, 0, 0]);
  });

  it('places a syntax error inside a pretty-printed object at its line and column, and keeps the others', () => {
    const text = `${pretty({ a: 1 })}\n{\n  "b": 2,\n  "c" 3\n}\n${pretty({ d: 4 })}\n`;
    const parsed = parseEvents(text);
    expect(parsed.events.map((e) => e.value)).toEqual([{ a: 1 }, { d: 4 }]);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]).toMatchObject({ line: 6, col: 7 });
    expect(parsed.problems[0]?.message).toMatch(/^not valid JSON: /);
  });

  it('resumes after an unterminated object at the next line that starts an object', () => {
    const text = '{"a": 1\n{"b": 2}\n{"c": 3}\n';
    const parsed = parseEvents(text);
    expect(parsed.problems).toEqual([{ line: 1, message: 'unterminated JSON object (no closing } before the end of the file)' }]);
    expect(parsed.events.map((e) => e.value)).toEqual([{ b: 2 }, { c: 3 }]);
  });

  it('lists at most a few problems per file and counts the rest', () => {
    const text = Array.from({ length: 200 }, (_, i) => (i % 2 ? `{"ok": ${i}}` : `garbage ${i}`)).join('\n');
    const parsed = parseEvents(text);
    expect(parsed.events).toHaveLength(100);
    expect(parsed.problems).toHaveLength(DEFAULT_EVENT_LIMITS.maxProblems);
    expect(parsed.problems[0]).toEqual({ line: 1, message: 'not valid JSON: garbage 0' });
    expect(parsed.moreProblems).toBe(100 - DEFAULT_EVENT_LIMITS.maxProblems);
  });

  it('bounds nesting depth and event size without throwing', () => {
    const limits = { ...DEFAULT_EVENT_LIMITS, maxDepth: 10, maxEventLength: 200 };
    const deep = '{"a":'.repeat(50) + '1' + '}'.repeat(50);
    const parsed = parseEvents(`${deep}\n{"ok": 1}\n{"long": "${'x'.repeat(500)}"}\n{"ok": 2}\n`, limits);
    expect(parsed.events.map((e) => e.value)).toEqual([{ ok: 1 }, { ok: 2 }]);
    expect(parsed.problems.map((p) => [p.line, p.message])).toEqual([
      [1, 'event nested deeper than 10 levels; skipped'],
      [3, 'event longer than 200 characters; skipped'],
    ]);
    // a hostile array of a million levels is refused before JSON.parse sees it
    const hostile = parseEvents('['.repeat(1_000_000));
    expect(hostile.events).toEqual([]);
    expect(hostile.problems[0]?.message).toBe('nested deeper than 64 levels');
  });

  it('refuses a file larger than the limit', () => {
    const parsed = parseEvents('{"a":1}\n{"b":2}\n', { ...DEFAULT_EVENT_LIMITS, maxTextLength: 10 });
    expect(parsed.events).toEqual([]);
    expect(parsed.problems[0]?.message).toBe('the file holds 16 characters, more than the limit of 10');
  });
});

describe('parseRawLines', () => {
  it('makes each non-blank line an event with its text as message', () => {
    expect(parseRawLines('first line\n\n  \nthird: x\r\n')).toEqual({
      events: [
        { index: 0, value: { message: 'first line' } },
        { index: 3, value: { message: 'third: x' } },
      ],
      problems: [],
      moreProblems: 0,
    });
  });
});

describe('sigma-convert test on concatenated and raw events', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-events-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const ruleFile = path.join(dir, 'rule.yml');
  fs.writeFileSync(
    ruleFile,
    `title: B image\nid: 5b0b4a4e-3cb0-4a0e-9c53-1a1f0c2d3e4f\nlogsource: {category: process_creation, product: windows}\ndetection:\n  sel:\n    Image|endswith: 'b.exe'\n  condition: sel\n`,
  );
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'test', ...args], { encoding: 'utf8' });

  it('matches the right event of a pretty-printed dump', () => {
    const events = path.join(dir, 'dump.json');
    const sysmon = (image: string) => ({ Event: { System: { EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational' }, EventData: { Image: image } } });
    fs.writeFileSync(events, [sysmon('a.exe'), sysmon('b.exe')].map(pretty).join('\n'));
    const r = run('--json', '--events', events, ruleFile);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ total: 2, matched: [1], errors: [] });
  });

  it('prints a few problems per file, then how many more, and exits 1', () => {
    const events = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(events, Array.from({ length: 198 }, (_, i) => `oops ${i}`).join('\n'));
    const r = run('--events', events, ruleFile);
    expect(r.status).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.includes('invalid-event'));
    expect(lines).toHaveLength(DEFAULT_EVENT_LIMITS.maxProblems + 1);
    expect(lines[0]).toBe(`${events}:1: error[invalid-event]: not valid JSON: oops 0`);
    expect(lines[lines.length - 1]).toBe(`${events}: error[invalid-event]: ... and ${198 - DEFAULT_EVENT_LIMITS.maxProblems} more problems in this file (not listed)`);
  });

  it('reads a .raw file as log lines that keywords search', () => {
    const kw = path.join(dir, 'kw.yml');
    fs.writeFileSync(kw, `title: kw\nlogsource: {product: cisco, service: aaa}\ndetection:\n  keywords:\n    - 'no dot1x port-control'\n  condition: keywords\n`);
    const events = path.join(dir, 'switch.raw');
    fs.writeFileSync(events, 'Feb 17 13:40:03: %PARSER-5-CFGLOG_LOGGEDCMD: User:admin logged command:interface Gi1/0/1\nFeb 17 13:40:04: %PARSER-5-CFGLOG_LOGGEDCMD: User:admin logged command:no dot1x port-control\n');
    const r = run('--json', '--events', events, kw);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ total: 2, matched: [1] });
  });
});
