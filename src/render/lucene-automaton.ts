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

export interface Nfa {
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
export interface Frag {
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

/**
 * The Thompson NFA the count is made on: per state its character transitions (inclusive code point ranges →
 * state) and epsilon transitions, the start state and the final one; null when it has more than MAX_NFA_STATES
 * states. The subset construction tells subsets apart by their states with a character transition and the
 * final state (exported for the tests, which hold the count to a plain construction over the same NFA).
 */
export function thompsonNfa(pattern: string, caseInsensitive: boolean): (Nfa & Frag) | null {
  const b = new Builder();
  try {
    const frag = build(b, parse(pattern, caseInsensitive));
    return { edges: b.edges, eps: b.eps, start: frag.start, end: frag.end };
  } catch (e) {
    if (e instanceof TooLarge) return null;
    throw e;
  }
}

function countStates(pattern: string, caseInsensitive: boolean, limit: number): number | null {
  const nfa = thompsonNfa(pattern, caseInsensitive);
  if (nfa === null) return null;
  const frag: Frag = nfa;
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
  for (let k = 0; k < coveredBy.length; k++) {
    const lists = coveredBy[k] as number[];
    if (lists.length) classes.set(lists.join(','), lists);
  }
  const classLists = [...classes.values()];
  // Epsilon and character moves as flat arrays (offsets per state): the walks below touch nothing else.
  const epsStart = new Int32Array(n + 1);
  for (let s = 0; s < n; s++) epsStart[s + 1] = (epsStart[s] as number) + (nfa.eps[s]?.length ?? 0);
  const epsTo = new Int32Array(epsStart[n] as number);
  for (let s = 0; s < n; s++) epsTo.set(nfa.eps[s] ?? [], epsStart[s]);
  const moveStart = new Int32Array(n + 1);
  for (let s = 0; s < n; s++) moveStart[s + 1] = (moveStart[s] as number) + (moveFrom[s]?.length ?? 0);
  const moveRange = new Int32Array(moveStart[n] as number);
  const moveTo = new Int32Array(moveStart[n] as number);
  for (let s = 0; s < n; s++) {
    let k = moveStart[s] as number;
    for (const m of moveFrom[s] ?? []) {
      moveRange[k] = m.range;
      moveTo[k++] = m.to;
    }
  }
  // Only states with a transition, and the final state, tell subsets apart.
  const kept = new Uint8Array(n);
  for (let s = 0; s < n; s++) kept[s] = (nfa.edges[s]?.length ?? 0) > 0 || s === frag.end ? 1 : 0;
  const seenAt = new Uint32Array(n); // the walk number that last reached a state
  let walk = 0;
  const stack = new Int32Array(n);
  const subsets = new SubsetTable();
  // The subset being expanded: which range lists move it (presentAt[r] === stamp), and its targets bucketed
  // by range list in one flat array (range list r's: targets[bucketStart[r] .. bucketStart[r] + bucketSize[r])).
  const presentAt = new Uint32Array(rangeIds.size);
  const present = new Int32Array(rangeIds.size);
  const bucketSize = new Int32Array(rangeIds.size);
  const bucketStart = new Int32Array(rangeIds.size);
  const bucketFill = new Int32Array(rangeIds.size);
  let targets = new Int32Array(1024);
  let stamp = 0;
  const moves = (r: number): boolean => presentAt[r] === stamp;
  /** Starts a walk: `seed` the states it starts from, then `closure` the kept states they reach into subsets.candidate. */
  let top = 0;
  const seed = (t: number): void => {
    if (seenAt[t] === walk) return;
    seenAt[t] = walk;
    stack[top++] = t;
  };
  /**
   * The closure of the seeded states, kept states only, into subsets.candidate in walk order (a subset is a set:
   * no sort is needed). Its states are exactly the kept ones with seenAt === walk, which is how the table compares.
   */
  const closure = (): void => {
    subsets.clearCandidate();
    while (top > 0) {
      const s = stack[--top] as number;
      if (kept[s]) subsets.addToCandidate(s);
      for (let k = epsStart[s] as number, end = epsStart[s + 1] as number; k < end; k++) {
        const t = epsTo[k] as number;
        if (seenAt[t] !== walk) {
          seenAt[t] = walk;
          stack[top++] = t;
        }
      }
    }
  };
  const isInClosure = (s: number): boolean => seenAt[s] === walk;
  walk++;
  seed(frag.start);
  closure();
  subsets.addCandidateIfNew(isInClosure);
  // Per range list, the classes it covers (a bit set); the cells of the current subset, and the next ones.
  const words = Math.max(1, (classLists.length + 31) >>> 5);
  const rangeBits = Array.from({ length: rangeIds.size }, () => new Uint32Array(words));
  classLists.forEach((lists, c) => {
    for (const r of lists) (rangeBits[r] as Uint32Array)[c >>> 5] = ((rangeBits[r] as Uint32Array)[c >>> 5] as number) | (1 << (c & 31));
  });
  const union = new Uint32Array(words);
  let cellBits = new Uint32Array((classLists.length + 2) * words);
  let nextBits = new Uint32Array((classLists.length + 2) * words);
  let cellLists: number[][] = [];
  let nextLists: number[][] = [];
  for (let head = 0; head < subsets.count; head++) {
    // The range lists present and how many moves each has, then the targets bucketed by range list.
    stamp++;
    let presentCount = 0;
    const first = subsets.start(head);
    const last = subsets.start(head + 1);
    for (let i = first; i < last; i++) {
      const s = subsets.state(i);
      for (let k = moveStart[s] as number, end = moveStart[s + 1] as number; k < end; k++) {
        const r = moveRange[k] as number;
        if (!moves(r)) {
          presentAt[r] = stamp;
          present[presentCount++] = r;
          bucketSize[r] = 0;
        }
        bucketSize[r] = (bucketSize[r] as number) + 1;
      }
    }
    let total = 0;
    for (let p = 0; p < presentCount; p++) {
      const r = present[p] as number;
      bucketStart[r] = total;
      bucketFill[r] = total;
      total += bucketSize[r] as number;
    }
    if (total > targets.length) targets = grow(targets, total);
    for (let i = first; i < last; i++) {
      const s = subsets.state(i);
      for (let k = moveStart[s] as number, end = moveStart[s + 1] as number; k < end; k++) {
        const r = moveRange[k] as number;
        const at = bucketFill[r] as number;
        targets[at] = moveTo[k] as number;
        bucketFill[r] = at + 1;
      }
    }
    // Classes moved by the same range lists go to the same subset: the classes are cut into cells by the
    // range lists present (partition refinement on bit sets of classes), and each cell's target is found once.
    let cells = 0;
    union.fill(0);
    for (let p = 0; p < presentCount; p++) {
      const r = present[p] as number;
      const bits = rangeBits[r] as Uint32Array;
      let next = 0;
      for (let c = 0; c < cells; c++) {
        let inside = 0;
        let outside = 0;
        for (let w = 0; w < words; w++) {
          const x = cellBits[c * words + w] as number;
          const y = bits[w] as number;
          nextBits[next * words + w] = x & y;
          nextBits[(next + 1) * words + w] = x & ~y;
          inside |= x & y;
          outside |= x & ~y;
        }
        const lists = cellLists[c] as number[];
        if (inside !== 0 && outside !== 0) {
          nextLists[next++] = [...lists, r];
          nextLists[next++] = lists;
        } else if (inside !== 0) {
          lists.push(r);
          nextLists[next++] = lists;
        } else {
          nextBits.copyWithin(next * words, (next + 1) * words, (next + 2) * words);
          nextLists[next++] = lists;
        }
      }
      let rest = 0;
      for (let w = 0; w < words; w++) {
        const y = (bits[w] as number) & ~(union[w] as number);
        nextBits[next * words + w] = y;
        rest |= y;
        union[w] = (union[w] as number) | (bits[w] as number);
      }
      if (rest !== 0) nextLists[next++] = [r];
      const bitsBefore = cellBits;
      cellBits = nextBits;
      nextBits = bitsBefore;
      const listsBefore = cellLists;
      cellLists = nextLists;
      nextLists = listsBefore;
      cells = next;
    }
    for (let c = 0; c < cells; c++) {
      walk++;
      const lists = cellLists[c] as number[];
      for (let j = 0; j < lists.length; j++) {
        const r = lists[j] as number;
        for (let at = bucketStart[r] as number, end = at + (bucketSize[r] as number); at < end; at++) seed(targets[at] as number);
      }
      closure();
      if (subsets.addCandidateIfNew(isInClosure) && subsets.count > limit) return null;
    }
  }
  return subsets.count;
}

/**
 * The subsets found so far, each once, in the order found (the queue of the construction): their states in
 * one growing array, and an open-addressing hash table over them. A subset is a set of states in any order;
 * its hash does not depend on the order, and a candidate is compared by membership (the caller says whether
 * a state is in it), so no subset is sorted, and a subset already known allocates nothing.
 */
class SubsetTable {
  /** States of subset i: pool[starts[i] .. starts[i + 1]). */
  private pool = new Int32Array(1024);
  private starts = new Int32Array(1025);
  private hashes = new Int32Array(1024);
  /** Slots: subset number + 1, 0 when empty. */
  private slots = new Int32Array(2048);
  count = 0;
  /** The candidate: states appended after the last subset, its hash built as they come. */
  private candidateSize = 0;
  private candidateHash = 0;

  start(i: number): number {
    return this.starts[i] as number;
  }

  state(at: number): number {
    return this.pool[at] as number;
  }

  clearCandidate(): void {
    this.candidateSize = 0;
    this.candidateHash = 0;
  }

  addToCandidate(s: number): void {
    const at = (this.starts[this.count] as number) + this.candidateSize;
    if (at >= this.pool.length) this.pool = grow(this.pool, at + 1);
    this.pool[at] = s;
    this.candidateSize++;
    // A sum of mixed state numbers: the same for any order of the same states.
    let x = Math.imul(s ^ (s >>> 16), 0x45d9f3b);
    x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
    this.candidateHash = (this.candidateHash + (x ^ (x >>> 16))) | 0;
  }

  /** Keeps the candidate as a new subset unless an equal one is known; true when it was new. */
  addCandidateIfNew(inCandidate: (s: number) => boolean): boolean {
    const size = this.candidateSize;
    const hash = (this.candidateHash ^ Math.imul(size, 0x9e3779b1)) | 0;
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (let found = this.slots[slot] as number; found !== 0; found = this.slots[slot] as number) {
      const i = found - 1;
      if (this.hashes[i] === hash && this.sizeOf(i) === size && this.holdsOnly(i, inCandidate)) return false;
      slot = (slot + 1) & mask;
    }
    const i = this.count++;
    if (this.count + 1 > this.starts.length) this.starts = grow(this.starts, this.count + 1);
    if (i >= this.hashes.length) this.hashes = grow(this.hashes, i + 1);
    this.starts[this.count] = (this.starts[i] as number) + size;
    this.hashes[i] = hash;
    this.slots[slot] = i + 1;
    if (this.count * 2 > this.slots.length) this.rehash();
    return true;
  }

  private sizeOf(i: number): number {
    return (this.starts[i + 1] as number) - (this.starts[i] as number);
  }

  /** Every state of subset i is in the candidate (with equal sizes: the same set). */
  private holdsOnly(i: number, inCandidate: (s: number) => boolean): boolean {
    for (let k = this.starts[i] as number, end = this.starts[i + 1] as number; k < end; k++) if (!inCandidate(this.pool[k] as number)) return false;
    return true;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let i = 0; i < this.count; i++) {
      let slot = (this.hashes[i] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = i + 1;
    }
    this.slots = slots;
  }
}

function grow(a: Int32Array, atLeast: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(atLeast, a.length * 2));
  b.set(a);
  return b;
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
