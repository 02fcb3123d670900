import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { createEventAccessor } from '../../src/evaluate/event-accessor';
import { checkExpectations, parseExpectations, type Expectation } from '../../src/evaluate/expectations';
import { parseEvents } from '../../src/evaluate/read-events';
import { tester } from './helpers';

const root = path.resolve(__dirname, '..', '..');
const expectFile = path.join(root, 'test/t1040/expectations.yml');
const rulesFile = path.join(root, 'sigma/t1040/net_sniffing_t1040.yml');
const expectations = parseExpectations(fs.readFileSync(expectFile, 'utf8'), expectFile);

/** Evaluates the T1040 pack through the core API, as `sigma-convert test --expect` does. */
function observe(list: readonly Expectation[]) {
  const ruleText = fs.readFileSync(rulesFile, 'utf8');
  const rulesByPipeline = new Map<string, ReturnType<typeof tester.prepareText>>();
  const eventsByFile = new Map<string, ReturnType<typeof parseEvents>>();
  return checkExpectations(list, (e) => {
    const pipeline = e.pipeline ?? 'none';
    let rules = rulesByPipeline.get(pipeline);
    if (!rules) rulesByPipeline.set(pipeline, (rules = tester.prepareText(ruleText, rulesFile, { pipeline })));
    const rule = rules.find((r) => r.id === e.rule);
    if (!rule) return `no rule ${e.rule}`;
    if (rule.errors.length) return rule.errors[0]?.message ?? 'error';
    const file = path.resolve(path.dirname(expectFile), e.events);
    let parsed = eventsByFile.get(file);
    if (!parsed) eventsByFile.set(file, (parsed = parseEvents(fs.readFileSync(file, 'utf8'))));
    const matched = new Set<number>();
    for (const ev of parsed.events) if (rule.matches(tester.prepareEvent(createEventAccessor(ev.value)))) matched.add(ev.index);
    return { matched, indices: new Set(parsed.events.map((ev) => ev.index)) };
  });
}

describe('T1040 pack against its expectations', () => {
  it('covers every (rule, event) pair of every events file: 3 rules x 50 events', () => {
    expect(expectations).toHaveLength(150);
    const files = fs.readdirSync(path.join(root, 'test/t1040/events')).filter((f) => f.endsWith('.jsonl'));
    let events = 0;
    for (const f of files) {
      const parsed = parseEvents(fs.readFileSync(path.join(root, 'test/t1040/events', f), 'utf8'));
      expect(parsed.problems).toEqual([]);
      events += parsed.events.length;
      for (const ev of parsed.events) {
        const ids = expectations.filter((x) => x.events === `events/${f}` && x.event === ev.index).map((x) => x.rule);
        expect(ids.sort()).toEqual(['0a8838d1-0f59-4568-a0a5-e2837a2511c8', '703e8596-da22-4643-a2a4-11c35dbc7bfc', 'eb62b9bb-c97e-4875-b5a2-c21dded2d216']);
      }
    }
    expect(events).toBe(50);
  });

  it('every expectation holds', () => {
    const failures = observe(expectations).map((f) => `entry ${f.expectation.entry + 1} ${f.expectation.rule} ${f.expectation.events}[${f.expectation.event}]: ${f.message}`);
    expect(failures).toEqual([]);
  });

  it('a flipped expectation is reported (the check can fail)', () => {
    const flipped = expectations.slice(0, 6).map((e) => ({ ...e, match: !e.match }));
    expect(observe(flipped)).toHaveLength(6);
  });

  it('fires on every Atomic Red Team test and on no benign event', () => {
    const fired = (file: string) => expectations.some((e) => e.events === `events/${file}` && e.match);
    for (const t of ['atomic-test-1-tcpdump-linux.jsonl', 'atomic-test-2-tshark-windows.jsonl', 'atomic-test-3-scapy-linux.jsonl', 'atomic-test-4-windump-windows.jsonl']) {
      expect(fired(t)).toBe(true);
    }
    expect(fired('benign.jsonl')).toBe(false);
  });

  it('sigma-convert test --expect exits 0 and prints the summary', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['test', '--expect', expectFile, rulesFile], { stdout: (t) => out.push(t), stderr: (l) => err.push(l) });
    expect(err.join('\n')).toContain('expectations: 150 of 150 as expected');
    expect(code).toBe(0);
    expect(out.join('')).toContain('[1] EventID=1 Image=/usr/sbin/tcpdump');
  });

  it('sigma-convert test --expect exits 1 and lists each unexpected verdict', async () => {
    const tmp = fs.mkdtempSync(path.join(require('os').tmpdir(), 'expect-'));
    const file = path.join(tmp, 'expect.yml');
    // Events paths are relative to the expectations file's folder (absolute ones are refused): a copy there.
    fs.copyFileSync(path.join(root, 'test/t1040/events/benign.jsonl'), path.join(tmp, 'benign.jsonl'));
    const events = 'benign.jsonl';
    fs.writeFileSync(
      file,
      `- {rule: 0a8838d1-0f59-4568-a0a5-e2837a2511c8, events: ${JSON.stringify(events)}, event: 0, match: true}\n` +
        `- {rule: 0a8838d1-0f59-4568-a0a5-e2837a2511c8, events: ${JSON.stringify(events)}, match: true}\n` +
        `- {rule: 0a8838d1-0f59-4568-a0a5-e2837a2511c8, events: ${JSON.stringify(events)}, match: false}\n`,
    );
    const err: string[] = [];
    const code = await main(['test', '--json', '--expect', file, rulesFile], { stdout: () => undefined, stderr: (l) => err.push(l) });
    expect(code).toBe(1);
    const text = err.join('\n');
    expect(text).toContain('entry 1: rule 0a8838d1-0f59-4568-a0a5-e2837a2511c8 on');
    expect(text).toContain('did not match, expected a match');
    expect(text).toContain('entry 2:');
    expect(text).not.toContain('entry 3:');
  });

  it('--json prints one object per (rule, events file)', async () => {
    const out: string[] = [];
    const events = path.join(root, 'test/t1040/events/atomic-test-4-windump-windows.jsonl');
    const code = await main(['test', '--json', '--events', events, rulesFile], { stdout: (t) => out.push(t), stderr: () => undefined });
    expect(code).toBe(0);
    const lines = out.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.matched)).toEqual([[1, 2], [3, 4], []]);
    expect(lines[0]).toMatchObject({ file: rulesFile, id: '0a8838d1-0f59-4568-a0a5-e2837a2511c8', events, total: 6, errors: [] });
  });
});
