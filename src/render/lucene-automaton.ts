/**
 * How many states a Lucene regex (the syntax regex-dialects.ts writes) needs once determinized.
 * Elasticsearch refuses a regexp query whose automaton needs more than max_determinized_states
 * (default 10000): such a regex is refused when converting, not when the rule first runs.
 *
 * A Thompson NFA over character intervals, then the subset construction, stopped at the limit.
 * The count is an upper bound of the minimal automaton's, close to what Lucene's own determinize
 * meets (test/lucene-regex.test.ts holds Lucene to the corpus's verdicts).
 */

/** Elasticsearch's default max_determinized_states for a regexp query. */
export const LUCENE_MAX_DETERMINIZED_STATES = 10_000;

/** Bounds the work on hostile input: a regex with more NFA states than this is refused as well. */
const MAX_NFA_STATES = 200_000;

type Ranges = readonly (readonly [number, number])[]; // inclusive code point intervals

interface Nfa {
  /** Per state: character transitions (ranges → state) and epsilon transitions. */
  readonly edges: { ranges: Ranges; to: number }[][];
  readonly eps: number[][];
}

class Builder {
  readonly edges: { ranges: Ranges; to: number }[][] = [];
  readonly eps: number[][] = [];
  state(): number {
    if (this.edges.length >= MAX_NFA_STATES) throw new TooLarge();
    this.edges.push([]);
    this.eps.push([]);
    return this.edges.length - 1;
  }
}

class TooLarge extends Error {}

/** A fragment: entry and exit state. */
interface Frag {
  readonly start: number;
  readonly end: number;
}

type Node =
  | { kind: 'chars'; ranges: Ranges }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; items: Node[] }
  | { kind: 'repeat'; item: Node; min: number; max: number }; // max -1: unbounded

const MAX_CODE = 0x10ffff;

/** Parses the Lucene syntax regex-dialects.ts emits: chars, escapes, '.', classes, groups, '|', ? * + {n,m}. */
function parse(p: string, caseInsensitive: boolean): Node {
  let i = 0;
  const fold = (c: number): Ranges => {
    const ch = String.fromCharCode(c);
    if (!caseInsensitive || !/[A-Za-z]/.test(ch)) return [[c, c]];
    const l = ch.toLowerCase().charCodeAt(0);
    const u = ch.toUpperCase().charCodeAt(0);
    return [[l, l], [u, u]];
  };
  const alt = (): Node => {
    const items = [seq()];
    while (p[i] === '|') {
      i++;
      items.push(seq());
    }
    return items.length === 1 ? (items[0] as Node) : { kind: 'alt', items };
  };
  const seq = (): Node => {
    const items: Node[] = [];
    while (i < p.length && p[i] !== '|' && p[i] !== ')') items.push(repeat());
    return { kind: 'seq', items };
  };
  const repeat = (): Node => {
    let node = atom();
    for (;;) {
      const c = p[i];
      if (c === '?') node = { kind: 'repeat', item: node, min: 0, max: 1 };
      else if (c === '*') node = { kind: 'repeat', item: node, min: 0, max: -1 };
      else if (c === '+') node = { kind: 'repeat', item: node, min: 1, max: -1 };
      else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
        if (!m) throw new SyntaxError(`bad interval at ${i}`);
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] ? Number(m[3]) : -1;
        node = { kind: 'repeat', item: node, min, max };
        i += m[0].length - 1;
      } else return node;
      i++;
    }
  };
  const atom = (): Node => {
    const c = p[i] as string;
    if (c === '(') {
      i++;
      const inner = alt();
      if (p[i] !== ')') throw new SyntaxError(`expected ')' at ${i}`);
      i++;
      return inner;
    }
    if (c === '.') {
      i++;
      return { kind: 'chars', ranges: [[0, MAX_CODE]] };
    }
    if (c === '[') return charClass();
    if (c === '\\') i++;
    const code = p.codePointAt(i) as number;
    i += code > 0xffff ? 2 : 1;
    return { kind: 'chars', ranges: fold(code) };
  };
  const charClass = (): Node => {
    i++;
    const negate = p[i] === '^';
    if (negate) i++;
    const ranges: [number, number][] = [];
    while (i < p.length && p[i] !== ']') {
      if (p[i] === '\\') i++;
      const from = p.codePointAt(i) as number;
      i += from > 0xffff ? 2 : 1;
      let to = from;
      if (p[i] === '-' && p[i + 1] !== ']' && i + 1 < p.length) {
        i++;
        if (p[i] === '\\') i++;
        to = p.codePointAt(i) as number;
        i += to > 0xffff ? 2 : 1;
      }
      for (const [a, b] of caseInsensitive ? foldRange(from, to) : [[from, to] as [number, number]]) ranges.push([a, b]);
    }
    i++;
    return { kind: 'chars', ranges: negate ? complement(ranges) : ranges };
  };
  const node = alt();
  if (i < p.length) throw new SyntaxError(`unexpected '${p[i]}' at ${i}`);
  return node;
}

function foldRange(from: number, to: number): [number, number][] {
  const out: [number, number][] = [[from, to]];
  // ASCII letters inside the range also match their other case.
  const clip = (a: number, b: number, shift: number) => {
    const lo = Math.max(from, a);
    const hi = Math.min(to, b);
    if (lo <= hi) out.push([lo + shift, hi + shift]);
  };
  clip(65, 90, 32);
  clip(97, 122, -32);
  return out;
}

function complement(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  let next = 0;
  for (const [a, b] of sorted) {
    if (a > next) out.push([next, a - 1]);
    next = Math.max(next, b + 1);
  }
  if (next <= MAX_CODE) out.push([next, MAX_CODE]);
  return out;
}

function build(b: Builder, n: Node): Frag {
  switch (n.kind) {
    case 'chars': {
      const start = b.state();
      const end = b.state();
      b.edges[start]?.push({ ranges: n.ranges, to: end });
      return { start, end };
    }
    case 'seq': {
      const start = b.state();
      let end = start;
      for (const item of n.items) {
        const f = build(b, item);
        b.eps[end]?.push(f.start);
        end = f.end;
      }
      return { start, end };
    }
    case 'alt': {
      const start = b.state();
      const end = b.state();
      for (const item of n.items) {
        const f = build(b, item);
        b.eps[start]?.push(f.start);
        b.eps[f.end]?.push(end);
      }
      return { start, end };
    }
    case 'repeat': {
      const start = b.state();
      let end = start;
      for (let k = 0; k < n.min; k++) {
        const f = build(b, n.item);
        b.eps[end]?.push(f.start);
        end = f.end;
      }
      if (n.max < 0) {
        const f = build(b, n.item);
        b.eps[end]?.push(f.start);
        b.eps[f.end]?.push(f.start);
        const out = b.state();
        b.eps[end]?.push(out);
        b.eps[f.end]?.push(out);
        return { start, end: out };
      }
      const out = b.state();
      for (let k = n.min; k < n.max; k++) {
        b.eps[end]?.push(out);
        const f = build(b, n.item);
        b.eps[end]?.push(f.start);
        end = f.end;
      }
      b.eps[end]?.push(out);
      return { start, end: out };
    }
  }
}

/** Verdicts already computed in this process, per (limit, case-insensitivity, pattern): a corpus repeats regexes. */
const verdicts = new Map<string, number | null>();
/** Bounds the memo (a long-running process, e.g. `serve`, sees ever new regexes): it is emptied when full. */
const MAX_VERDICTS = 4096;

/**
 * The number of states the subset construction reaches for the regex, or null when it exceeds
 * `limit` (the regex is then too complex for Elasticsearch's default).
 */
export function determinizedStates(pattern: string, caseInsensitive: boolean, limit = LUCENE_MAX_DETERMINIZED_STATES): number | null {
  const key = `${limit}:${caseInsensitive ? 'i' : 's'}:${pattern}`;
  if (verdicts.has(key)) return verdicts.get(key) as number | null;
  const states = countStates(pattern, caseInsensitive, limit);
  if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
  verdicts.set(key, states);
  return states;
}

function countStates(pattern: string, caseInsensitive: boolean, limit: number): number | null {
  const b = new Builder();
  let frag: Frag;
  try {
    frag = build(b, parse(pattern, caseInsensitive));
  } catch (e) {
    if (e instanceof TooLarge) return null;
    throw e;
  }
  const nfa: Nfa = b;
  const n = nfa.edges.length;
  // The alphabet as intervals: every range boundary of every transition.
  const cuts = new Set<number>([0, MAX_CODE + 1]);
  for (const list of nfa.edges) for (const e of list) for (const [a, z] of e.ranges) cuts.add(a).add(z + 1);
  const bounds = [...cuts].sort((x, y) => x - y);
  // Each distinct range list (a repeated node shares one) gets a number; a transition is then (range list,
  // target), and a subset's moves are found per range list rather than per state and interval.
  const rangeIds = new Map<Ranges, number>();
  const coveredBy: number[][] = bounds.map(() => []); // per alphabet interval: the range lists covering it
  const moveFrom: { range: number; to: number }[][] = [];
  for (let s = 0; s < n; s++) {
    moveFrom.push(
      (nfa.edges[s] ?? []).map((e) => {
        let id = rangeIds.get(e.ranges);
        if (id === undefined) {
          rangeIds.set(e.ranges, (id = rangeIds.size));
          for (const [a, z] of e.ranges) for (let k = lowerBound(bounds, a); (bounds[k] as number) <= z; k++) (coveredBy[k] as number[]).push(id);
        }
        return { range: id, to: e.to };
      }),
    );
  }
  // Intervals covered by the same range lists always move alike: one character class each.
  const classes = new Map<string, number[]>();
  for (const lists of coveredBy) if (lists.length) classes.set(lists.join(','), lists);
  const classLists = [...classes.values()];
  // Only states with a transition, and the final state, tell subsets apart.
  const kept = new Uint8Array(n);
  for (let s = 0; s < n; s++) kept[s] = (nfa.edges[s]?.length ?? 0) > 0 || s === frag.end ? 1 : 0;
  const seenAt = new Uint32Array(n); // closure walk: the walk number that last reached a state
  let walk = 0;
  const stack = new Int32Array(n);
  // Subsets are kept (as keys) until the count is done: typed arrays hold a large automaton's in a third of the memory.
  const closureBuffer = new Int32Array(n);
  const closure = (from: ArrayLike<number>): Int32Array => {
    walk++;
    let top = 0;
    let size = 0;
    for (let i = 0; i < from.length; i++) {
      const s = from[i] as number;
      if (seenAt[s] === walk) continue;
      seenAt[s] = walk;
      stack[top++] = s;
    }
    while (top > 0) {
      const s = stack[--top] as number;
      if (kept[s]) closureBuffer[size++] = s;
      for (const t of nfa.eps[s] ?? []) {
        if (seenAt[t] !== walk) {
          seenAt[t] = walk;
          stack[top++] = t;
        }
      }
    }
    return closureBuffer.slice(0, size).sort();
  };
  // The subset being expanded: its targets per range list, and which range lists move it (presentAt[r] === stamp).
  const targetsOf: number[][] = Array.from({ length: rangeIds.size }, () => []);
  const presentAt = new Uint32Array(rangeIds.size);
  let stamp = 0;
  const moves = (r: number): boolean => presentAt[r] === stamp;
  /** The targets of the range lists of a class that move the subset, each once (a view of a buffer reused by the next call). */
  const unionBuffer = new Int32Array(n);
  const targetsOfClass = (lists: readonly number[]): Int32Array => {
    walk++;
    let size = 0;
    for (const r of lists) {
      if (!moves(r)) continue;
      for (const t of targetsOf[r] as number[]) {
        if (seenAt[t] === walk) continue;
        seenAt[t] = walk;
        unionBuffer[size++] = t;
      }
    }
    return unionBuffer.subarray(0, size);
  };
  /** Do two classes move by the same range lists (those moving the subset)? */
  const sameMoves = (a: readonly number[], b: readonly number[]): boolean => {
    let i = 0;
    let j = 0;
    for (;;) {
      while (i < a.length && !moves(a[i] as number)) i++;
      while (j < b.length && !moves(b[j] as number)) j++;
      if (i === a.length || j === b.length) return i === a.length && j === b.length;
      if (a[i++] !== b[j++]) return false;
    }
  };
  const first = closure([frag.start]);
  const known = new ListTable<true>();
  known.set(first, true);
  const queue: Int32Array[] = [first];
  const handled = new Map<number, (readonly number[])[]>();
  for (let head = 0; head < queue.length; head++) {
    const set = queue[head] as Int32Array;
    // The subset's targets per range list; then per character class, the range lists present that cover it.
    stamp++;
    const present: number[] = [];
    for (let i = 0; i < set.length; i++) {
      for (const m of moveFrom[set[i] as number] as { range: number; to: number }[]) {
        if (!moves(m.range)) {
          presentAt[m.range] = stamp;
          present.push(m.range);
        }
        (targetsOf[m.range] as number[]).push(m.to);
      }
    }
    // Several classes often move by the same range lists: their targets, and the closure, are found once.
    // A class is told by a hash of its moving range lists, checked list by list when two hashes meet.
    handled.clear();
    for (const lists of classLists) {
      let h = 0x811c9dc5;
      let count = 0;
      for (const r of lists) {
        if (!moves(r)) continue;
        h = Math.imul(h ^ r, 0x01000193);
        count++;
      }
      if (count === 0) continue;
      const earlier = handled.get(h);
      if (earlier?.some((other) => sameMoves(other, lists))) continue;
      if (earlier) earlier.push(lists);
      else handled.set(h, [lists]);
      const next = closure(targetsOfClass(lists));
      if (known.get(next)) continue;
      known.set(next, true);
      if (known.size > limit) return null;
      queue.push(next);
    }
    for (const r of present) (targetsOf[r] as number[]).length = 0;
  }
  return known.size;
}

/**
 * A map keyed by subsets (ascending state numbers) compared by content: a 32-bit hash of the list picks a bucket, so that
 * a large subset is not turned into a string to be looked up (the cost of determinizing was mostly that).
 */
class ListTable<V> {
  private readonly buckets = new Map<number, { key: Int32Array; value: V }[]>();
  size = 0;

  get(key: Int32Array): V | undefined {
    const bucket = this.buckets.get(hashList(key));
    if (bucket) for (const e of bucket) if (sameList(e.key, key)) return e.value;
    return undefined;
  }

  /** Adds a key not in the table yet. */
  set(key: Int32Array, value: V): void {
    const h = hashList(key);
    const bucket = this.buckets.get(h);
    if (bucket) bucket.push({ key, value });
    else this.buckets.set(h, [{ key, value }]);
    this.size++;
  }
}

function hashList(list: Int32Array): number {
  let h = 0x811c9dc5 ^ list.length;
  for (let i = 0; i < list.length; i++) h = Math.imul(h ^ (list[i] as number), 0x01000193);
  return h;
}

function sameList(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
