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
/** Bounds the memory of the per-state closures kept during one construction (in state numbers). */
const MAX_CLOSURE_POOL = 1 << 22;

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

/**
 * The Thompson NFA the count is made on: per state its character transitions (inclusive code point ranges →
 * state) and epsilon transitions, the start state and the final one; null when it has more than MAX_NFA_STATES
 * states.
 */
function thompsonNfa(pattern: string, caseInsensitive: boolean): (Nfa & Frag) | null {
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
  const rangeBits = Array.from({ length: rangeIds.size }, () => new Uint32Array(Math.max(1, (classLists.length + 31) >>> 5)));
  classLists.forEach((lists, c) => {
    for (const r of lists) (rangeBits[r] as Uint32Array)[c >>> 5] = ((rangeBits[r] as Uint32Array)[c >>> 5] as number) | (1 << (c & 31));
  });
  return new SubsetConstruction(epsStart, epsTo, moveStart, moveRange, moveTo, kept, rangeBits, classLists.length).count(frag.start, limit);
}

/**
 * The subset construction over the flat NFA. A class rather than closures in countStates: its methods are the
 * same functions for every regex, so the engine optimizes them once for the whole run (closures made anew per
 * regex each started cold).
 */
class SubsetConstruction {
  private readonly subsets = new SubsetTable();
  /** The walk number that last reached a state: a candidate's states are the kept ones with seenAt === walk. */
  private readonly seenAt: Uint32Array;
  private walk = 0;
  private readonly stack: Int32Array;
  private top = 0;
  /**
   * Per state, the kept states its epsilon closure reaches, found once (many subsets reach the same targets):
   * closurePool[closureAt[t] .. + closureLen[t]); closureAt -1 not found yet, -2 not stored (pool full: walk).
   */
  private readonly closureAt: Int32Array;
  private readonly closureLen: Int32Array;
  private closurePool = new Int32Array(1024);
  private pooled = 0;
  private readonly closureSeen: Uint32Array;
  private closureWalk = 0;
  /** The subset being expanded: its targets per range list as linked entries, and the range lists present. */
  private readonly firstTarget: Int32Array;
  private entryTo = new Int32Array(256);
  private entryNext = new Int32Array(256);
  private readonly presentAt: Uint32Array;
  private readonly present: Int32Array;
  private stamp = 0;
  /** Partition refinement: the cells (bit sets of classes, and the range lists moving each), current and next. */
  private readonly words: number;
  private readonly union: Uint32Array;
  private cellBits: Uint32Array;
  private nextBits: Uint32Array;
  private cellLists: number[][] = [];
  private nextLists: number[][] = [];
  /** Cells already refined in this construction, per hash of the set of range lists present. */
  private readonly cellsByPresent = new Map<number, { ranges: number[]; cells: number[][] }[]>();

  constructor(
    private readonly epsStart: Int32Array,
    private readonly epsTo: Int32Array,
    private readonly moveStart: Int32Array,
    private readonly moveRange: Int32Array,
    private readonly moveTo: Int32Array,
    private readonly kept: Uint8Array,
    /** Per range list, the classes it covers (a bit set). */
    private readonly rangeBits: readonly Uint32Array[],
    classCount: number,
  ) {
    const n = kept.length;
    this.seenAt = new Uint32Array(n);
    this.stack = new Int32Array(n);
    this.closureAt = new Int32Array(n).fill(-1);
    this.closureLen = new Int32Array(n);
    this.closureSeen = new Uint32Array(n);
    const ranges = rangeBits.length;
    this.firstTarget = new Int32Array(ranges).fill(-1);
    this.presentAt = new Uint32Array(ranges);
    this.present = new Int32Array(ranges);
    this.words = Math.max(1, (classCount + 31) >>> 5);
    this.union = new Uint32Array(this.words);
    this.cellBits = new Uint32Array((classCount + 2) * this.words);
    this.nextBits = new Uint32Array((classCount + 2) * this.words);
  }

  /** The number of subsets reachable from the start state, or null past the limit. */
  count(start: number, limit: number): number | null {
    const subsets = this.subsets;
    this.walk++;
    subsets.clearCandidate();
    this.addClosureOf(start);
    subsets.addCandidateIfNew(this.seenAt, this.walk);
    for (let head = 0; head < subsets.count; head++) {
      const presentCount = this.gatherMoves(head);
      for (const cell of this.cellsFor(presentCount)) {
        this.walk++;
        subsets.clearCandidate();
        for (const r of cell) {
          for (let e = this.firstTarget[r] as number; e >= 0; e = this.entryNext[e] as number) this.addClosureOf(this.entryTo[e] as number);
        }
        if (subsets.addCandidateIfNew(this.seenAt, this.walk) && subsets.count > limit) return null;
      }
      for (let k = 0; k < presentCount; k++) this.firstTarget[this.present[k] as number] = -1;
    }
    return subsets.count;
  }

  /** Records subset `head`'s targets per range list; returns how many range lists move it (in `present`). */
  private gatherMoves(head: number): number {
    const subsets = this.subsets;
    const stamp = ++this.stamp;
    let presentCount = 0;
    let entries = 0;
    for (let i = subsets.start(head), end = subsets.start(head + 1); i < end; i++) {
      const s = subsets.state(i);
      for (let k = this.moveStart[s] as number, last = this.moveStart[s + 1] as number; k < last; k++) {
        const r = this.moveRange[k] as number;
        if (this.presentAt[r] !== stamp) {
          this.presentAt[r] = stamp;
          this.present[presentCount++] = r;
        }
        if (entries >= this.entryTo.length) {
          this.entryTo = grow(this.entryTo, entries + 1);
          this.entryNext = grow(this.entryNext, entries + 1);
        }
        this.entryTo[entries] = this.moveTo[k] as number;
        this.entryNext[entries] = this.firstTarget[r] as number;
        this.firstTarget[r] = entries++;
      }
    }
    return presentCount;
  }

  /** The cells for the range lists present: many subsets have the same ones, so they are refined once per set. */
  private cellsFor(presentCount: number): readonly (readonly number[])[] {
    // An order-free hash of the set; a hit is checked member by member (presentAt marks the set present now).
    let hash = presentCount;
    for (let p = 0; p < presentCount; p++) {
      const r = this.present[p] as number;
      hash = (hash + Math.imul(r ^ (r >>> 15), 0x2c1b3c6d)) | 0;
    }
    const known = this.cellsByPresent.get(hash);
    if (known !== undefined) {
      for (const entry of known) if (this.isPresentSet(entry.ranges, presentCount)) return entry.cells;
    }
    const count = this.refine(presentCount); // before reading cellLists: refine swaps it
    const entry = { ranges: Array.from(this.present.subarray(0, presentCount)), cells: this.cellLists.slice(0, count) };
    if (known === undefined) this.cellsByPresent.set(hash, [entry]);
    else known.push(entry);
    return entry.cells;
  }

  /** The range lists present now are exactly `ranges`. */
  private isPresentSet(ranges: readonly number[], presentCount: number): boolean {
    if (ranges.length !== presentCount) return false;
    for (const r of ranges) if (this.presentAt[r] !== this.stamp) return false;
    return true;
  }

  /**
   * Classes moved by the same range lists go to the same subset: the classes are cut into cells by the range
   * lists present (partition refinement on bit sets of classes), so each cell's target is found once.
   * Returns the number of cells (in cellLists).
   */
  private refine(presentCount: number): number {
    const words = this.words;
    let cells = 0;
    this.union.fill(0);
    for (let p = 0; p < presentCount; p++) {
      const r = this.present[p] as number;
      const bits = this.rangeBits[r] as Uint32Array;
      const cellBits = this.cellBits;
      const nextBits = this.nextBits;
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
        const lists = this.cellLists[c] as number[];
        if (inside !== 0 && outside !== 0) {
          this.nextLists[next++] = [...lists, r];
          this.nextLists[next++] = lists;
        } else if (inside !== 0) {
          lists.push(r);
          this.nextLists[next++] = lists;
        } else {
          nextBits.copyWithin(next * words, (next + 1) * words, (next + 2) * words);
          this.nextLists[next++] = lists;
        }
      }
      let rest = 0;
      for (let w = 0; w < words; w++) {
        const y = (bits[w] as number) & ~(this.union[w] as number);
        nextBits[next * words + w] = y;
        rest |= y;
        this.union[w] = (this.union[w] as number) | (bits[w] as number);
      }
      if (rest !== 0) this.nextLists[next++] = [r];
      this.cellBits = nextBits;
      this.nextBits = cellBits;
      const listsBefore = this.cellLists;
      this.cellLists = this.nextLists;
      this.nextLists = listsBefore;
      cells = next;
    }
    return cells;
  }

  /** Adds the kept states of t's epsilon closure not in the candidate yet to it (marking them seenAt = walk). */
  private addClosureOf(t: number): void {
    if (this.closureAt[t] === -1) this.findClosure(t);
    const at = this.closureAt[t] as number;
    if (at === -2) {
      this.walkFrom(t);
      return;
    }
    const seenAt = this.seenAt;
    const walk = this.walk;
    for (let k = at, end = at + (this.closureLen[t] as number); k < end; k++) {
      const s = this.closurePool[k] as number;
      if (seenAt[s] !== walk) {
        seenAt[s] = walk;
        this.subsets.addToCandidate(s);
      }
    }
  }

  /** Stores t's closure (kept states only) in the pool, unless the pool would pass MAX_CLOSURE_POOL. */
  private findClosure(t: number): void {
    // Its own marks: a candidate may be half built (its states are marked in seenAt).
    const mark = ++this.closureWalk;
    const { closureSeen: seenAt, stack, epsStart, epsTo, kept } = this;
    const from = this.pooled;
    let size = 0;
    let sp = 0;
    seenAt[t] = mark;
    stack[sp++] = t;
    while (sp > 0) {
      const s = stack[--sp] as number;
      if (kept[s]) {
        if (from + size >= MAX_CLOSURE_POOL) {
          this.closureAt[t] = -2;
          return;
        }
        if (from + size >= this.closurePool.length) this.closurePool = grow(this.closurePool, from + size + 1);
        this.closurePool[from + size++] = s;
      }
      for (let k = epsStart[s] as number, end = epsStart[s + 1] as number; k < end; k++) {
        const u = epsTo[k] as number;
        if (seenAt[u] !== mark) {
          seenAt[u] = mark;
          stack[sp++] = u;
        }
      }
    }
    this.closureAt[t] = from;
    this.closureLen[t] = size;
    this.pooled = from + size;
  }

  /** The closure walked rather than stored: adds the kept states reached that are not in the candidate yet. */
  private walkFrom(t: number): void {
    const { seenAt, stack, epsStart, epsTo, kept, walk } = this;
    if (seenAt[t] === walk) return;
    seenAt[t] = walk;
    let sp = 0;
    stack[sp++] = t;
    while (sp > 0) {
      const s = stack[--sp] as number;
      if (kept[s]) this.subsets.addToCandidate(s);
      for (let k = epsStart[s] as number, end = epsStart[s + 1] as number; k < end; k++) {
        const u = epsTo[k] as number;
        if (seenAt[u] !== walk) {
          seenAt[u] = walk;
          stack[sp++] = u;
        }
      }
    }
  }
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
  addCandidateIfNew(seenAt: Uint32Array, walk: number): boolean {
    const size = this.candidateSize;
    const hash = (this.candidateHash ^ Math.imul(size, 0x9e3779b1)) | 0;
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (let found = this.slots[slot] as number; found !== 0; found = this.slots[slot] as number) {
      const i = found - 1;
      if (this.hashes[i] === hash && this.sizeOf(i) === size && this.holdsOnly(i, seenAt, walk)) return false;
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
  private holdsOnly(i: number, seenAt: Uint32Array, walk: number): boolean {
    for (let k = this.starts[i] as number, end = this.starts[i + 1] as number; k < end; k++) if (seenAt[this.pool[k] as number] !== walk) return false;
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
