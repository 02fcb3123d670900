import { SigmaError } from '../core/errors';
import type { SigmaCorrelation, Threshold } from '../correlation/model';
import type { Referable, RuleSet } from '../correlation/rule-set';
import type { EventAccessor } from './event-accessor';

/** One firing of a correlation: the group's values and the indices of the events that made it fire. */
export interface CorrelationFiring {
  readonly group: Record<string, unknown>;
  readonly events: number[];
}

/** An event with its time (milliseconds since the Unix epoch). */
export interface TimedEvent {
  readonly index: number;
  readonly time: number;
  readonly accessor: EventAccessor;
}

export interface CorrelationEvalEnv {
  readonly set: RuleSet;
  readonly events: readonly TimedEvent[];
  /** Whether a detection rule of the set matches an event (the per-event evaluator of `test`). */
  matches(rule: Extract<Referable, { kind: 'rule' }>, event: TimedEvent): boolean;
  /** The event field a Sigma field of a rule is read from (identity without a pipeline). */
  fieldOf(rule: Extract<Referable, { kind: 'rule' }>, field: string): string;
}

/** Where the default time field of `test` events is read from, and how it is written. */
export const DEFAULT_TIME_FIELD = 'timestamp';

/** Reads an event's ISO 8601 time; a missing or unreadable time is an error naming the event. */
export function eventTime(accessor: EventAccessor, field: string, index: number): number {
  const v = accessor.get(field);
  const ms = typeof v === 'string' && /^\d{4}-\d\d-\d\d(T|\s)/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) {
    throw new SigmaError('invalid-value', `event ${index} has no ISO 8601 time in field '${field}' (e.g. "2024-05-01T10:04:00Z"), which correlation rules need`);
  }
  return ms;
}

interface Occurrence {
  readonly time: number;
  readonly events: readonly number[];
  /** Reads a Sigma field (after aliasing) of this occurrence. */
  get(field: string): unknown;
}

/**
 * Evaluates a correlation as the Sigma correlation specification describes it (docs/correlations.md):
 * every type in sliding windows: an event at time t counts with the group's events in [t - timespan, t],
 * wherever the clock's buckets fall (the fixed-bucket SIEM renderings warn that they approximate this);
 * temporal_ordered from the first to the last event of an in-order sequence; occurrences without a
 * group-by value are ignored, as the queries' isnotempty()/isnotnull() filters do. A firing is one run
 * of overlapping windows that meet the condition; its time is when it first fired.
 */
export function evaluateCorrelation(c: SigmaCorrelation, env: CorrelationEvalEnv): CorrelationFiring[] {
  return fire(c, env).map((f) => ({ group: f.group, events: [...f.events].sort((a, b) => a - b) }));
}

interface Firing extends CorrelationFiring {
  readonly time: number;
}

function fire(c: SigmaCorrelation, env: CorrelationEvalEnv): Firing[] {
  env.set.checkCorrelation(c);
  const spanMs = c.timespan.seconds * 1000;
  // Per referenced rule: its occurrences with the group key and value read through aliases.
  const perSource = c.rules.map((ref, sourceIndex) => {
    const src = env.set.resolve(ref, `correlation '${c.title}'`);
    const item = src.kind === 'rule' ? src.rule : src.correlation;
    const aliasFor = (g: string): string => {
      const alias = c.aliases.get(g);
      if (!alias) return g;
      const f = (item.name !== undefined ? alias.get(item.name) : undefined) ?? (item.id !== undefined ? alias.get(item.id) : undefined);
      if (!f) throw new SigmaError('correlation', `alias '${g}' gives no field for rule '${ref.ref}'`, ref.loc);
      return f;
    };
    let occurrences: Occurrence[];
    if (src.kind === 'rule') {
      occurrences = env.events
        .filter((e) => env.matches(src, e))
        .map((e) => ({ time: e.time, events: [e.index], get: (f: string) => e.accessor.get(env.fieldOf(src, f)) }));
    } else {
      occurrences = fire(src.correlation, env).map((f) => ({ time: f.time, events: f.events, get: (field: string) => (Object.hasOwn(f.group, field) ? f.group[field] : undefined) }));
    }
    return occurrences.flatMap((o) => {
      const key = c.groupBy.map((g) => o.get(aliasFor(g)));
      if (key.some((v) => v === undefined || v === null || v === '')) return [];
      const value = c.field !== undefined ? o.get(c.field) : undefined;
      return [{ time: o.time, events: o.events, key, value, sourceIndex }];
    });
  });
  const all = perSource.flat();
  const groupOf = (key: readonly unknown[]) => Object.fromEntries(c.groupBy.map((g, i) => [g, key[i]]));

  if (c.type === 'temporal_ordered') {
    // Events in time order; at equal times earlier steps first, so a tie counts as "in order" (KQL's <=).
    const sorted = [...all].sort((a, b) => a.time - b.time || a.sourceIndex - b.sourceIndex);
    const best = new Map<string, ({ start: number; events: readonly number[] } | undefined)[]>();
    const out: Firing[] = [];
    const last = c.rules.length - 1;
    for (const o of sorted) {
      const k = JSON.stringify(o.key);
      const chains = best.get(k) ?? [];
      best.set(k, chains);
      const prev = o.sourceIndex === 0 ? null : chains[o.sourceIndex - 1];
      const cand = o.sourceIndex === 0 ? { start: o.time, events: o.events } : prev && o.time - prev.start <= spanMs ? { start: prev.start, events: [...prev.events, ...o.events] } : null;
      if (!cand) continue;
      if (o.sourceIndex === last) out.push({ group: groupOf(o.key), events: [...new Set(cand.events)], time: o.time });
      else if (!chains[o.sourceIndex] || (chains[o.sourceIndex]?.start ?? -Infinity) <= cand.start) chains[o.sourceIndex] = cand;
    }
    return out;
  }

  // Sliding windows (the specification's reading): at each distinct event time t of a group, the window
  // holds that group's occurrences in [t - timespan, t]; overlapping firing windows are one firing.
  const groups = new Map<string, { key: readonly unknown[]; items: Item[] }>();
  for (const o of all) {
    const id = JSON.stringify(o.key);
    const g = groups.get(id) ?? { key: o.key, items: [] };
    g.items.push(o);
    groups.set(id, g);
  }
  const condition: readonly Threshold[] = c.condition.length ? c.condition : [{ op: 'gte', value: c.rules.length }];
  const out: Firing[] = [];
  for (const { key, items } of groups.values()) {
    items.sort((a, b) => a.time - b.time || a.sourceIndex - b.sourceIndex);
    const window = new WindowMeasure(c, items);
    let current: { events: Set<number>; time: number; lastEnd: number } | null = null;
    let head = 0;
    for (let tail = 0; tail < items.length; ) {
      const t = (items[tail] as Item).time;
      const entering: Item[] = [];
      while (tail < items.length && (items[tail] as Item).time === t) entering.push(items[tail++] as Item);
      for (const i of entering) window.add(i);
      while ((items[head] as Item).time < t - spanMs) window.remove(items[head++] as Item);
      const measured = window.value();
      if (measured === null || !condition.every((th) => compare(measured, th))) continue;
      if (current && current.lastEnd >= t - spanMs) {
        // The window overlaps the previous firing window: the same firing grows by the events that entered.
        for (const i of entering) for (const e of i.events) current.events.add(e);
      } else {
        if (current) out.push({ group: groupOf(key), events: [...current.events], time: current.time });
        current = { events: new Set(), time: t, lastEnd: t };
        for (let k = head; k < tail; k++) for (const e of (items[k] as Item).events) current.events.add(e);
      }
      current.lastEnd = t;
    }
    if (current) out.push({ group: groupOf(key), events: [...current.events], time: current.time });
  }
  return out;
}

interface Item {
  readonly time: number;
  readonly events: readonly number[];
  readonly value: unknown;
  readonly sourceIndex: number;
}

/** The measure of one type over a sliding window, updated as occurrences enter and leave (no rescans). */
class WindowMeasure {
  private count = 0;
  private sum = 0;
  private numbers = 0;
  private readonly perSource = new Map<number, number>();
  private readonly perValue = new Map<string, number>();
  /** value_percentile: a Fenwick tree of counts over the group's distinct numbers, for the k-th smallest. */
  private readonly ranks: number[];
  private readonly tree: number[];

  constructor(
    private readonly c: SigmaCorrelation,
    items: readonly Item[],
  ) {
    const percentile = c.type === 'value_percentile' || c.type === 'value_median';
    this.ranks = percentile ? [...new Set(items.map((i) => numberOf(i.value)).filter((n): n is number => n !== null))].sort((a, b) => a - b) : [];
    this.tree = new Array<number>(this.ranks.length + 1).fill(0);
  }

  add(i: Item): void {
    this.update(i, 1);
  }

  remove(i: Item): void {
    this.update(i, -1);
  }

  private update(i: Item, d: number): void {
    this.count += d;
    this.perSource.set(i.sourceIndex, (this.perSource.get(i.sourceIndex) ?? 0) + d);
    if (i.value === undefined || i.value === null || i.value === '') return;
    const text = String(i.value);
    const left = (this.perValue.get(text) ?? 0) + d;
    if (left === 0) this.perValue.delete(text);
    else this.perValue.set(text, left);
    const n = numberOf(i.value);
    if (n === null) return;
    this.numbers += d;
    this.sum += d * n;
    if (this.ranks.length) for (let k = lowerBound(this.ranks, n) + 1; k < this.tree.length; k += k & -k) this.tree[k] = (this.tree[k] ?? 0) + d;
  }

  value(): number | null {
    switch (this.c.type) {
      case 'event_count':
        return this.count;
      case 'temporal':
        return [...this.perSource.values()].filter((n) => n > 0).length;
      case 'value_count':
        return this.perValue.size ? this.perValue.size : null;
      case 'value_sum':
        return this.numbers ? this.sum : null;
      case 'value_avg':
        return this.numbers ? this.sum / this.numbers : null;
      case 'value_percentile':
      case 'value_median': {
        if (!this.numbers) return null;
        // Nearest rank, as the queries compute it: the ceil(p * n / 100)-th smallest value.
        const rank = Math.max(1, Math.ceil(((this.c.percentile ?? 50) * this.numbers) / 100));
        return this.kth(rank);
      }
      case 'temporal_ordered':
        return null;
    }
  }

  /** The k-th smallest number in the window (1-based), by descending the Fenwick tree. */
  private kth(k: number): number | null {
    let pos = 0;
    let left = k;
    for (let step = 1 << Math.floor(Math.log2(this.tree.length)); step > 0; step >>= 1) {
      const next = pos + step;
      if (next < this.tree.length && (this.tree[next] ?? 0) < left) {
        pos = next;
        left -= this.tree[next] ?? 0;
      }
    }
    return this.ranks[pos] ?? null;
  }
}

function numberOf(v: unknown): number | null {
  if (v === undefined || v === null || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function lowerBound(sorted: readonly number[], n: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < n) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function compare(v: number, t: Threshold): boolean {
  switch (t.op) {
    case 'gt':
      return v > t.value;
    case 'gte':
      return v >= t.value;
    case 'lt':
      return v < t.value;
    case 'lte':
      return v <= t.value;
    case 'eq':
      return v === t.value;
    case 'neq':
      return v !== t.value;
  }
}
