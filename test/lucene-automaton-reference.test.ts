import * as path from 'path';
import fc from 'fast-check';
import * as automaton from '../src/render/lucene-automaton';
import { Converter } from '../src/convert';
import { createFsLoader } from '../src/cli/fs-loader';
import { findCorpus, readCorpus } from '../scripts/corpus-run';

/**
 * determinizedStates against a small reference written here: the regex parsed again, repeats expanded the
 * same way (n copies, then a starred copy or nested optional copies), a position automaton (first, follow,
 * last sets), and the subset construction over "the positions that may read next, and whether the regex may
 * end here" as sorted lists. Both count the same subsets, so any change of count (or of the null verdict
 * past the limit) fails here: on generated regexes of the module's syntax and on every regex the corpus yields.
 */

type Ranges = [number, number][];
type Tree = { kind: 'pos'; ranges: Ranges } | { kind: 'seq'; items: Tree[] } | { kind: 'alt'; items: Tree[] } | { kind: 'star'; item: Tree };
type Ast = { kind: 'chars'; ranges: Ranges } | { kind: 'seq'; items: Ast[] } | { kind: 'alt'; items: Ast[] } | { kind: 'repeat'; item: Ast; min: number; max: number };

const TOP = 0x10ffff;
const originalStates = automaton.determinizedStates;

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** The ranges a class item [from-to] matches; with case folding, ASCII letters in it also in their other case. */
function itemRanges(from: number, to: number, ci: boolean): Ranges {
  const out: Ranges = [[from, to]];
  if (!ci) return out;
  for (let c = Math.max(from, 65); c <= Math.min(to, 122); c++) if (isLetter(c)) out.push(c <= 90 ? [c + 32, c + 32] : [c - 32, c - 32]);
  return out;
}

function negate(ranges: Ranges): Ranges {
  const inside = (c: number) => ranges.some(([a, b]) => a <= c && c <= b);
  const cuts = [...new Set([0, TOP + 1, ...ranges.flatMap(([a, b]) => [a, b + 1])])].sort((x, y) => x - y);
  const out: Ranges = [];
  for (let k = 0; k + 1 < cuts.length; k++) if (!inside(cuts[k] as number)) out.push([cuts[k] as number, (cuts[k + 1] as number) - 1]);
  return out;
}

function parseRef(p: string, ci: boolean): Ast {
  const cps = [...p];
  let i = 0;
  const alt = (): Ast => {
    const items = [seq()];
    while (cps[i] === '|') {
      i++;
      items.push(seq());
    }
    return { kind: 'alt', items };
  };
  const seq = (): Ast => {
    const items: Ast[] = [];
    while (i < cps.length && cps[i] !== '|' && cps[i] !== ')') items.push(quantified(atom()));
    return { kind: 'seq', items };
  };
  const num = (): number => {
    let s = '';
    while (/[0-9]/.test(cps[i] ?? '')) s += cps[i++];
    return Number(s);
  };
  const quantified = (a: Ast): Ast => {
    for (;;) {
      const c = cps[i];
      if (c === '?') a = { kind: 'repeat', item: a, min: 0, max: 1 };
      else if (c === '*') a = { kind: 'repeat', item: a, min: 0, max: -1 };
      else if (c === '+') a = { kind: 'repeat', item: a, min: 1, max: -1 };
      else if (c === '{') {
        i++;
        const min = num();
        let max = min;
        if (cps[i] === ',') {
          i++;
          max = cps[i] === '}' ? -1 : num();
        }
        a = { kind: 'repeat', item: a, min, max };
      } else return a;
      i++;
    }
  };
  const char = (): number => {
    if (cps[i] === '\\') i++;
    return (cps[i++] as string).codePointAt(0) as number;
  };
  const atom = (): Ast => {
    if (cps[i] === '(') {
      i++;
      const inner = alt();
      i++;
      return inner;
    }
    if (cps[i] === '.') {
      i++;
      return { kind: 'chars', ranges: [[0, TOP]] };
    }
    if (cps[i] === '[') {
      i++;
      const neg = cps[i] === '^';
      if (neg) i++;
      const ranges: Ranges = [];
      while (i < cps.length && cps[i] !== ']') {
        const from = char();
        let to = from;
        if (cps[i] === '-' && i + 1 < cps.length && cps[i + 1] !== ']') {
          i++;
          to = char();
        }
        ranges.push(...itemRanges(from, to, ci));
      }
      i++;
      return { kind: 'chars', ranges: neg ? negate(ranges) : ranges };
    }
    const c = char();
    return { kind: 'chars', ranges: itemRanges(c, c, ci) };
  };
  return alt();
}

/** Repeats written out: each copy its own positions. */
function expand(a: Ast): Tree {
  switch (a.kind) {
    case 'chars':
      return { kind: 'pos', ranges: a.ranges };
    case 'seq':
      return { kind: 'seq', items: a.items.map(expand) };
    case 'alt':
      return { kind: 'alt', items: a.items.map(expand) };
    case 'repeat': {
      const items: Tree[] = [];
      for (let k = 0; k < a.min; k++) items.push(expand(a.item));
      if (a.max < 0) items.push({ kind: 'star', item: expand(a.item) });
      else {
        let optional: Tree = { kind: 'seq', items: [] };
        for (let k = a.min; k < a.max; k++) optional = { kind: 'alt', items: [{ kind: 'seq', items: [expand(a.item), optional] }, { kind: 'seq', items: [] }] };
        items.push(optional);
      }
      return { kind: 'seq', items };
    }
  }
}

interface Glushkov {
  ranges: Ranges[];
  follow: Set<number>[];
}
interface Info {
  nullable: boolean;
  first: Set<number>;
  last: Set<number>;
}

function analyse(t: Tree, g: Glushkov): Info {
  switch (t.kind) {
    case 'pos': {
      const p = g.ranges.length;
      g.ranges.push(t.ranges);
      g.follow.push(new Set());
      return { nullable: false, first: new Set([p]), last: new Set([p]) };
    }
    case 'alt': {
      const infos = t.items.map((x) => analyse(x, g));
      return {
        nullable: infos.some((x) => x.nullable),
        first: new Set(infos.flatMap((x) => [...x.first])),
        last: new Set(infos.flatMap((x) => [...x.last])),
      };
    }
    case 'seq': {
      let acc: Info = { nullable: true, first: new Set(), last: new Set() };
      for (const item of t.items) {
        const x = analyse(item, g);
        for (const p of acc.last) for (const q of x.first) g.follow[p]?.add(q);
        acc = {
          nullable: acc.nullable && x.nullable,
          first: acc.nullable ? new Set([...acc.first, ...x.first]) : acc.first,
          last: x.nullable ? new Set([...acc.last, ...x.last]) : x.last,
        };
      }
      return acc;
    }
    case 'star': {
      const x = analyse(t.item, g);
      for (const p of x.last) for (const q of x.first) g.follow[p]?.add(q);
      return { nullable: true, first: x.first, last: x.last };
    }
  }
}

/** The reference count: subsets (positions that may read next + may end) reachable, null past the limit. */
function referenceStates(pattern: string, ci: boolean, limit: number): number | null {
  const g: Glushkov = { ranges: [], follow: [] };
  const top = analyse(expand(parseRef(pattern, ci)), g);
  const chars = [...new Set(g.ranges.flatMap((rs) => rs.map(([a]) => a)).concat(g.ranges.flatMap((rs) => rs.map(([, b]) => b + 1))))].filter((c) => c <= TOP);
  const matches = (p: number, c: number) => (g.ranges[p] as Ranges).some(([a, b]) => a <= c && c <= b);
  const key = (positions: number[], end: boolean) => `${positions.join(',')}${end ? '$' : ''}`;
  const start = [...top.first].sort((a, b) => a - b);
  const seen = new Set([key(start, top.nullable)]);
  const queue = [start];
  while (queue.length) {
    const subset = queue.shift() as number[];
    for (const c of chars) {
      const moving = subset.filter((p) => matches(p, c));
      if (!moving.length) continue;
      const next = [...new Set(moving.flatMap((p) => [...(g.follow[p] as Set<number>)]))].sort((a, b) => a - b);
      const k = key(next, moving.some((p) => top.last.has(p)));
      if (seen.has(k)) continue;
      seen.add(k);
      if (seen.size > limit) return null;
      queue.push(next);
    }
  }
  return seen.size;
}

// Generated regexes of the syntax regex-dialects.ts writes.
const LITERALS = ['a', 'b', 'A', 'z', '0', ' ', '\n', '-', '\\.', '\\\\', '\\[', '\\(', '\\|', '\\*'];
const CLASS_ITEMS = ['a', 'b', 'B', 'x', '0', '\n', 'a-c', 'A-Z', '0-9', '\\-', '\\]', ' -@'];
const atomArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...LITERALS) },
  { weight: 1, arbitrary: fc.constant('.') },
  { weight: 2, arbitrary: fc.tuple(fc.boolean(), fc.array(fc.constantFrom(...CLASS_ITEMS), { minLength: 1, maxLength: 3 })).map(([neg, items]) => `[${neg ? '^' : ''}${items.join('')}]`) },
);
const quantifierArb = fc.constantFrom('', '', '', '?', '*', '+', '{2}', '{0,2}', '{1,3}', '{2,}', '{0}', '{3}');
const regexArb: fc.Arbitrary<string> = fc.letrec<{ alt: string; seq: string; piece: string }>((tie) => ({
  alt: fc.array(tie('seq'), { minLength: 1, maxLength: 3 }).map((xs) => xs.join('|')),
  seq: fc.array(tie('piece'), { minLength: 0, maxLength: 4 }).map((xs) => xs.join('')),
  piece: fc.tuple(fc.oneof({ weight: 4, arbitrary: atomArb }, { weight: 1, arbitrary: tie('alt').map((x) => `(${x})`) }), quantifierArb).map(([a, q]) => a + q),
})).seq;

describe('determinizedStates agrees with a reference subset construction', () => {
  test('the reference agrees with counts pinned elsewhere', () => {
    expect(referenceStates('abc', false, 10_000)).toBe(4);
    expect(referenceStates('.*HostId=[a-zA-Z0-9-]{36}[ \t\n\r\f\u000b]+EngineVersion=.*', false, 10_000)).toBe(518);
    expect(referenceStates('.*a.{20}', false, 10_000)).toBeNull();
  });

  test('generated regexes, case-sensitive or not, with limits low enough to be passed', () => {
    fc.assert(
      fc.property(regexArb, fc.boolean(), fc.integer({ min: 1, max: 40 }), (pattern, ci, limit) => {
        expect(automaton.determinizedStates(pattern, ci, limit)).toBe(referenceStates(pattern, ci, limit));
        expect(automaton.determinizedStates(`.*${pattern}.*`, ci, 2_000)).toBe(referenceStates(`.*${pattern}.*`, ci, 2_000));
      }),
      { numRuns: 200 },
    );
  });

  test('shapes the corpus has, near the limit: bounded repetitions after .*, long classes, alternations, non-ASCII', () => {
    for (const pattern of ['.*[^\\n]{1,64}-Path[^\\n]{1,64}.*', '.*(ab|cd)[^\\n]{0,5}(/c|/r)[^\\n]+x.*', '.*a.{10}', '.*a.{12}', '[a-z]{3,6}(\\{[0-9]\\}){2,}.*', '.*(é|[^é]b){2,3}']) {
      for (const ci of [false, true]) {
        for (const limit of [100, 3000, 10_000]) expect([pattern, ci, limit, automaton.determinizedStates(pattern, ci, limit)]).toEqual([pattern, ci, limit, referenceStates(pattern, ci, limit)]);
      }
    }
  });

  const corpus = findCorpus(path.resolve(__dirname, '..'));
  if (!corpus) console.warn('lucene-automaton-reference.test: SigmaHQ corpus not found (set SIGMA_CORPUS); corpus regexes skipped');
  (corpus ? test : test.skip)('every regex the corpus yields for esql', () => {
    const calls: [string, boolean, number | undefined][] = [];
    const spy = jest.spyOn(automaton, 'determinizedStates').mockImplementation((pattern, ci, limit) => {
      calls.push([pattern, ci, limit]);
      return originalStates(pattern, ci, limit);
    });
    try {
      const converter = new Converter(createFsLoader());
      for (const file of readCorpus(corpus as string)) {
        if (!/\|re\b/.test(file.text)) continue;
        converter.convertText(file.text, file.name, { target: 'esql' });
      }
    } finally {
      spy.mockRestore();
    }
    const distinct = new Map(calls.map((c) => [JSON.stringify(c), c]));
    expect(distinct.size).toBeGreaterThan(50);
    for (const [pattern, ci, limit = automaton.LUCENE_MAX_DETERMINIZED_STATES] of distinct.values()) {
      expect([pattern, automaton.determinizedStates(pattern, ci, limit)]).toEqual([pattern, referenceStates(pattern, ci, limit)]);
    }
  });
});
