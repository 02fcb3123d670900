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

/** KQL's bin() counts from 0001-01-01T00:00:00Z; windows here are aligned the same way. */
const BIN_ORIGIN_MS = -62135596800000;

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
 * Evaluates a correlation with the semantics of the generated queries (docs/correlations.md):
 * counting types and temporal in fixed windows aligned like KQL bin(); temporal_ordered in a sliding
 * window from the first to the last event of the sequence; occurrences without a group-by value
 * are ignored, as the queries' isnotempty()/isnotnull() filters do.
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
      occurrences = fire(src.correlation, env).map((f) => ({ time: f.time, events: f.events, get: (field: string) => f.group[field] }));
    }
    return occurrences.flatMap((o) => {
      const key = c.groupBy.map((g) => o.get(aliasFor(g)));
      if (key.some((v) => v === undefined || v === null || v === '')) return [];
      const value = c.field !== undefined ? o.get(c.field) : undefined;
      return [{ ...o, key, value, sourceIndex }];
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

  const buckets = new Map<string, { key: readonly unknown[]; items: typeof all }>();
  for (const o of all) {
    const bucket = Math.floor((o.time - BIN_ORIGIN_MS) / spanMs);
    const id = JSON.stringify([bucket, o.key]);
    const b = buckets.get(id) ?? { key: o.key, items: [] };
    b.items.push(o);
    buckets.set(id, b);
  }
  const condition: readonly Threshold[] = c.condition.length ? c.condition : [{ op: 'gte', value: c.rules.length }];
  const out: Firing[] = [];
  for (const { key, items } of buckets.values()) {
    const measured = measure(c, items);
    if (measured === null || !condition.every((t) => compare(measured, t))) continue;
    out.push({ group: groupOf(key), events: [...new Set(items.flatMap((i) => i.events))], time: Math.max(...items.map((i) => i.time)) });
  }
  return out;
}

function measure(c: SigmaCorrelation, items: readonly { value: unknown; sourceIndex: number }[]): number | null {
  const present = items.filter((i) => i.value !== undefined && i.value !== null && i.value !== '');
  const numbers = present.map((i) => Number(i.value)).filter((n) => Number.isFinite(n));
  switch (c.type) {
    case 'event_count':
      return items.length;
    case 'temporal':
      return new Set(items.map((i) => i.sourceIndex)).size;
    case 'value_count':
      return present.length ? new Set(present.map((i) => String(i.value))).size : null;
    case 'value_sum':
      return numbers.length ? numbers.reduce((a, b) => a + b, 0) : null;
    case 'value_avg':
      return numbers.length ? numbers.reduce((a, b) => a + b, 0) / numbers.length : null;
    case 'value_percentile':
    case 'value_median': {
      if (!numbers.length) return null;
      const sorted = [...numbers].sort((a, b) => a - b);
      // Nearest rank, as the queries compute it: the ceil(p * n / 100)-th smallest value.
      const rank = Math.max(1, Math.ceil(((c.percentile ?? 50) * sorted.length) / 100));
      return sorted[rank - 1] ?? null;
    }
    case 'temporal_ordered':
      return null;
  }
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
