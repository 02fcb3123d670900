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
  it('fixed windows (event_count, KQL bin / SPL bin): 10:03 and 10:07 are in different buckets and do not fire', () => {
    const text = correlationDoc('type: event_count\nrules: [rule_a]\ngroup-by: [Computer]\ntimespan: 5m\ncondition: {gte: 2}');
    expect(fire(text, [a('2024-05-01T10:03:00Z'), a('2024-05-01T10:07:00Z')])).toEqual([]);
    expect(fire(text, [a('2024-05-01T10:05:00Z'), a('2024-05-01T10:09:00Z')])).toEqual([{ group: { Computer: 'h1' }, events: [0, 1] }]);
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
