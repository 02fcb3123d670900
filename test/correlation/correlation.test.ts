import * as fs from 'fs';
import * as path from 'path';
import { Converter } from '../../src/convert';
import { createFsLoader } from '../../src/cli/fs-loader';
import { RuleSet } from '../../src/correlation/rule-set';
import { evaluateCorrelation, type TimedEvent } from '../../src/evaluate/correlation';
import { createEventAccessor } from '../../src/evaluate/event-accessor';
import { compileExpr } from '../../src/evaluate/evaluate-expr';

const ROOT = path.resolve(__dirname, '..', '..');
const converter = new Converter(createFsLoader(ROOT));

const rules = `title: A
id: 11111111-1111-4111-8111-111111111111
name: rule_a
logsource: {category: process_creation}
detection:
    sel: {Image|endswith: '\\a.exe'}
    condition: sel
---
title: B
name: rule_b
logsource: {category: process_creation}
detection:
    sel: {Image|endswith: '\\b.exe'}
    condition: sel
`;

function correlationDoc(body: string): string {
  return `title: C\nid: 22222222-2222-4222-8222-222222222222\ncorrelation:\n${body.replace(/^/gm, '    ')}\n---\n${rules}`;
}

function firstError(text: string, target = 'kql'): string {
  const r = converter.convertCollection([{ file: 'c.yml', text }], { target, pipeline: 'none', table: 'T' });
  return r.flatMap((x) => x.errors.map((e) => `${e.code}@${e.line}: ${e.message}`))[0] ?? '';
}

describe('correlation parsing errors', () => {
  it('unknown reference names the reference and its line', () => {
    expect(firstError(correlationDoc('type: event_count\nrules: [nope]\ngroup-by: [Computer]\ntimespan: 5m\ncondition: {gte: 2}'))).toMatch(/^correlation@5: .*'nope'/);
  });
  it('cycles are refused', () => {
    const text = `title: X\nname: x\ncorrelation: {type: event_count, rules: [y], group-by: [h], timespan: 5m, condition: {gte: 1}}\n---\ntitle: Y\nname: y\ncorrelation: {type: event_count, rules: [x], group-by: [h], timespan: 5m, condition: {gte: 1}}\n`;
    expect(firstError(text)).toMatch(/cycle/);
  });
  it('value types need condition.field', () => {
    expect(firstError(correlationDoc('type: value_count\nrules: [rule_a]\ngroup-by: [Computer]\ntimespan: 5m\ncondition: {gte: 2}'))).toMatch(/needs 'condition.field'/);
  });
  it('months are refused with a suggestion', () => {
    expect(firstError(correlationDoc('type: event_count\nrules: [rule_a]\ngroup-by: [Computer]\ntimespan: 1M\ncondition: {gte: 2}'))).toMatch(/30d/);
  });
  it('a range needs one lower and one upper bound', () => {
    expect(firstError(correlationDoc('type: event_count\nrules: [rule_a]\ngroup-by: [Computer]\ntimespan: 5m\ncondition: {gt: 2, gte: 3}'))).toMatch(/range/);
  });
  it('EQL refuses counting types naming the pair and suggesting KQL or SPL', () => {
    expect(firstError(correlationDoc('type: event_count\nrules: [rule_a]\ngroup-by: [Computer]\ntimespan: 5m\ncondition: {gte: 2}'), 'eql')).toMatch(/'event_count' with target 'eql'.*--target kql or --target splunk/);
  });
  it('aliases group by different fields per rule (KQL projects them to the alias)', () => {
    const text = correlationDoc('type: temporal\nrules: [rule_a, rule_b]\ngroup-by: [host]\ntimespan: 5m\naliases:\n    host: {rule_a: Computer, rule_b: Hostname}');
    const r = converter.convertCollection([{ file: 'c.yml', text }], { target: 'kql', pipeline: 'none', table: 'T' });
    expect(r[0]?.queries[0]).toContain('host = Computer');
    expect(r[0]?.queries[0]).toContain('host = Hostname');
  });
});

/** Evaluates the correlation of `text` on events (Sigma field names, no pipeline). */
function fire(text: string, events: Record<string, unknown>[]) {
  const set = new RuleSet([{ file: 'c.yml', text }], [], {});
  const c = set.entries.flatMap((e) => (e.kind === 'correlation' ? [e.correlation] : []))[0];
  if (!c) throw new Error('no correlation');
  const timed: TimedEvent[] = events.map((e, index) => ({ index, accessor: createEventAccessor(e), time: Date.parse(String(e.timestamp)) }));
  return evaluateCorrelation(c, {
    set,
    events: timed,
    matches: (entry, ev) => compileExpr(entry.rule.expr)(ev.accessor),
    fieldOf: (_r, f) => f,
  });
}

describe('window boundary: events 4 minutes apart across a 5-minute bucket edge', () => {
  const a = (t: string) => ({ timestamp: t, Image: 'C:\\a.exe', Computer: 'h1' });
  const b = (t: string) => ({ timestamp: t, Image: 'C:\\b.exe', Computer: 'h1' });
  it('test slides every window (the specification): 10:03 and 10:07 are 4 minutes apart and fire; the queries bin and warn', () => {
    const text = correlationDoc('type: event_count\nrules: [rule_a]\ngroup-by: [Computer]\ntimespan: 5m\ncondition: {gte: 2}');
    expect(fire(text, [a('2024-05-01T10:03:00Z'), a('2024-05-01T10:07:00Z')])).toEqual([{ group: { Computer: 'h1' }, events: [0, 1] }]);
    expect(fire(text, [a('2024-05-01T10:03:00Z'), a('2024-05-01T10:08:01Z')])).toEqual([]);
    const r = converter.convertCollection([{ file: 'c.yml', text }], { target: 'kql', pipeline: 'none', table: 'T' });
    expect(r[0]?.warnings.join('\n')).toMatch(/fixed 5m windows .* not correlated/);
  });
  it('sliding windows (temporal_ordered): 10:03 then 10:07 fires; the reverse order does not', () => {
    const text = correlationDoc('type: temporal_ordered\nrules: [rule_a, rule_b]\ngroup-by: [Computer]\ntimespan: 5m');
    expect(fire(text, [a('2024-05-01T10:03:00Z'), b('2024-05-01T10:07:00Z')])).toEqual([{ group: { Computer: 'h1' }, events: [0, 1] }]);
    expect(fire(text, [b('2024-05-01T10:03:00Z'), a('2024-05-01T10:07:00Z')])).toEqual([]);
    expect(fire(text, [a('2024-05-01T10:03:00Z'), b('2024-05-01T10:08:01Z')])).toEqual([]);
  });
  it('the queries say the same: KQL and SPL bin fixed windows, temporal_ordered compares times', () => {
    const kql = fs.readFileSync(path.join(ROOT, 'test/golden/kql/correlation/event_count.kql'), 'utf8');
    expect(kql).toContain('bin(Timestamp, 5m)');
    const ordered = fs.readFileSync(path.join(ROOT, 'test/golden/splunk/correlation/temporal_ordered.spl'), 'utf8');
    expect(ordered).toContain('_time - sequence_prev_0 <= 600');
  });
});

describe('value types in the evaluator', () => {
  it('nearest-rank percentile and value_count', () => {
    const ev = (t: string, port: number) => ({ timestamp: t, Image: 'C:\\a.exe', Computer: 'h1', Port: port });
    const events = [ev('2024-05-01T10:00:00Z', 10), ev('2024-05-01T10:01:00Z', 20), ev('2024-05-01T10:02:00Z', 30), ev('2024-05-01T10:03:00Z', 30)];
    const median = correlationDoc('type: value_median\nrules: [rule_a]\ngroup-by: [Computer]\ntimespan: 1h\ncondition: {field: Port, eq: 20}');
    expect(fire(median, events)).toHaveLength(1);
    const count = correlationDoc('type: value_count\nrules: [rule_a]\ngroup-by: [Computer]\ntimespan: 1h\ncondition: {field: Port, eq: 3}');
    expect(fire(count, events)).toHaveLength(1);
  });
});

describe('sliding windows for every type (specification: not bound to the clock)', () => {
  const ev = (t: string, image: string, extra: Record<string, unknown> = {}) => ({ timestamp: `2024-05-01T${t}Z`, Image: `C:\\${image}.exe`, Computer: 'h1', ...extra });
  const doc = (type: string, rest: string) => correlationDoc(`type: ${type}\nrules: [rule_a${type.startsWith('temporal') ? ', rule_b' : ''}]\ngroup-by: [Computer]\n${rest}`);

  it('temporal: two events 20 s apart across a 1-minute bucket edge correlate, in either order', () => {
    const text = doc('temporal', 'timespan: 1m');
    expect(fire(text, [ev('10:00:50', 'a'), ev('10:01:10', 'b')])).toEqual([{ group: { Computer: 'h1' }, events: [0, 1] }]);
    expect(fire(text, [ev('10:00:50', 'b'), ev('10:01:10', 'a')])).toEqual([{ group: { Computer: 'h1' }, events: [0, 1] }]);
    expect(fire(text, [ev('10:00:00', 'a'), ev('10:01:00', 'b')])).toHaveLength(1); // exactly the timespan apart: inside
    expect(fire(text, [ev('10:00:00', 'a'), ev('10:01:00.001', 'b')])).toEqual([]);
  });
  it('value_count, value_sum, value_avg and value_percentile slide across bucket edges', () => {
    const events = [ev('10:04:50', 'a', { User: 'u1', Bytes: 600 }), ev('10:05:10', 'a', { User: 'u2', Bytes: 600 })];
    expect(fire(doc('value_count', 'timespan: 5m\ncondition: {field: User, gte: 2}'), events)).toHaveLength(1);
    expect(fire(doc('value_sum', 'timespan: 5m\ncondition: {field: Bytes, gt: 1000}'), events)).toHaveLength(1);
    expect(fire(doc('value_avg', 'timespan: 5m\ncondition: {field: Bytes, eq: 600}'), events)).toHaveLength(1);
    expect(fire(doc('value_percentile', 'timespan: 5m\ncondition: {field: Bytes, percentile: 90, gte: 600}'), events)).toHaveLength(1);
  });
  it('events leave the window: an average, a percentile and a distinct count only see the last timespan', () => {
    const events = [ev('10:00:00', 'a', { Bytes: 1000, User: 'x' }), ev('10:10:00', 'a', { Bytes: 10, User: 'y' }), ev('10:11:00', 'a', { Bytes: 20, User: 'y' })];
    expect(fire(doc('value_avg', 'timespan: 5m\ncondition: {field: Bytes, lt: 12}'), events)).toEqual([{ group: { Computer: 'h1' }, events: [1] }]);
    expect(fire(doc('value_median', 'timespan: 5m\ncondition: {field: Bytes, gte: 20}'), events)).toEqual([{ group: { Computer: 'h1' }, events: [0] }]);
    expect(fire(doc('value_count', 'timespan: 15m\ncondition: {field: User, eq: 2}'), events)).toEqual([{ group: { Computer: 'h1' }, events: [0, 1, 2] }]);
    expect(fire(doc('value_count', 'timespan: 5m\ncondition: {field: User, eq: 2}'), events)).toEqual([]);
  });
  it('overlapping firing windows are one firing; windows that do not overlap fire again', () => {
    const text = doc('event_count', 'timespan: 1m\ncondition: {gte: 2}');
    const burst = (m: number) => [0, 20, 40, 59].map((s) => ev(`10:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`, 'a'));
    expect(fire(text, [...burst(0), ...burst(30)])).toEqual([
      { group: { Computer: 'h1' }, events: [0, 1, 2, 3] },
      { group: { Computer: 'h1' }, events: [4, 5, 6, 7] },
    ]);
  });
  it('200,000 events in one window: no stack overflow, linear time', () => {
    const text = doc('value_median', 'timespan: 1d\ncondition: {field: Bytes, gte: 0}');
    const set = new RuleSet([{ file: 'c.yml', text }], [], {});
    const c = set.entries.flatMap((e) => (e.kind === 'correlation' ? [e.correlation] : []))[0]!;
    const base = Date.parse('2024-05-01T00:00:00Z');
    const events: TimedEvent[] = Array.from({ length: 200_000 }, (_, index) => ({ index, time: base + index, accessor: createEventAccessor({ Computer: 'h1', Bytes: index % 977 }) }));
    const started = Date.now();
    const fired = evaluateCorrelation(c, { set, events, matches: () => true, fieldOf: (_r, f) => f });
    expect(fired).toHaveLength(1);
    expect(fired[0]?.events).toHaveLength(200_000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
  it('a group-by named like an Object.prototype member is an ordinary field of an outer correlation', () => {
    const text = `title: Outer\ncorrelation: {type: event_count, rules: [inner], group-by: [constructor], timespan: 1h, condition: {gte: 1}}\n---\ntitle: Inner\nname: inner\ncorrelation: {type: event_count, rules: [rule_a], group-by: [Computer], timespan: 1h, condition: {gte: 1}}\n---\n${rules}`;
    expect(fire(text, [ev('10:00:00', 'a')])).toEqual([]);
  });
});
