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

/**
 * The number of states the subset construction reaches for the regex, or null when it exceeds
 * `limit` (the regex is then too complex for Elasticsearch's default).
 */
export function determinizedStates(pattern: string, caseInsensitive: boolean, limit = LUCENE_MAX_DETERMINIZED_STATES): number | null {
  const b = new Builder();
  let frag: Frag;
  try {
    frag = build(b, parse(pattern, caseInsensitive));
  } catch (e) {
    if (e instanceof TooLarge) return null;
    throw e;
  }
  const nfa: Nfa = b;
  // The alphabet as intervals: every range boundary of every transition.
  const cuts = new Set<number>([0, MAX_CODE + 1]);
  for (const list of nfa.edges) for (const e of list) for (const [a, z] of e.ranges) cuts.add(a).add(z + 1);
  const bounds = [...cuts].sort((x, y) => x - y);
  const closure = (set: Iterable<number>): number[] => {
    const seen = new Set<number>(set);
    const stack = [...seen];
    while (stack.length) {
      const s = stack.pop() as number;
      for (const t of nfa.eps[s] ?? []) {
        if (!seen.has(t)) {
          seen.add(t);
          stack.push(t);
        }
      }
    }
    return [...seen].filter((s) => (nfa.edges[s]?.length ?? 0) > 0 || s === frag.end).sort((x, y) => x - y);
  };
  const closures = new Map<string, number[]>();
  const first = closure([frag.start]);
  const known = new Set<string>([first.join(',')]);
  const queue: number[][] = [first];
  while (queue.length) {
    const set = queue.shift() as number[];
    // Targets per alphabet interval, found by the interval index of each edge's ranges.
    const moves = new Map<number, Set<number>>();
    for (const s of set) {
      for (const e of nfa.edges[s] ?? []) {
        for (const [a, z] of e.ranges) {
          for (let k = lowerBound(bounds, a); (bounds[k] as number) <= z; k++) {
            let targets = moves.get(k);
            if (!targets) moves.set(k, (targets = new Set()));
            targets.add(e.to);
          }
        }
      }
    }
    for (const targets of moves.values()) {
      // Many intervals move to the same NFA states: their closure is computed once per state set.
      const targetKey = [...targets].sort((x, y) => x - y).join(',');
      let next = closures.get(targetKey);
      if (!next) closures.set(targetKey, (next = closure(targets)));
      const key = next.join(',');
      if (known.has(key)) continue;
      known.add(key);
      if (known.size > limit) return null;
      queue.push(next);
    }
  }
  return known.size;
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
