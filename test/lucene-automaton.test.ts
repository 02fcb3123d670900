/**
 * The determinized-states count (src/render/lucene-automaton.ts) against a plain subset construction over
 * the same Thompson NFA: subsets as sorted lists of the states that tell them apart (a character transition,
 * or the final state), one move per elementary interval of the alphabet. The module's construction is
 * optimised (character classes, partition refinement, bucketed targets, a hash table of unsorted subsets);
 * the count, and the point where it gives up (null past the limit), must be exactly the plain one's.
 */
import * as path from 'path';
import fc from 'fast-check';
import * as jsYaml from 'js-yaml';
import * as automaton from '../src/render/lucene-automaton';
import { sigmaRegexToLucene } from '../src/render/regex-dialects';
import type { RegexFlag } from '../src/ir/types';
import { findCorpus, readCorpus } from '../scripts/corpus-run';

const { determinizedStates, thompsonNfa } = automaton;

function plainCount(pattern: string, caseInsensitive: boolean, limit: number): number | null {
  const nfa = thompsonNfa(pattern, caseInsensitive);
  if (nfa === null) return null;
  const kept = (s: number): boolean => (nfa.edges[s]?.length ?? 0) > 0 || s === nfa.end;
  const closure = (from: readonly number[]): number[] => {
    const seen = new Set<number>(from);
    const stack = [...from];
    while (stack.length) for (const t of nfa.eps[stack.pop() as number] ?? []) if (!seen.has(t)) stack.push(t), seen.add(t);
    return [...seen].filter(kept).sort((a, b) => a - b);
  };
  const cuts = new Set([0, 0x110000]);
  for (const list of nfa.edges) for (const e of list) for (const [a, z] of e.ranges) cuts.add(a).add(z + 1);
  const lows = [...cuts].sort((a, b) => a - b).slice(0, -1);
  const known = new Map<string, number>();
  const queue: number[][] = [];
  const add = (subset: number[]): boolean => {
    const key = subset.join(',');
    if (known.has(key)) return true;
    known.set(key, known.size);
    queue.push(subset);
    return known.size <= limit;
  };
  add(closure([nfa.start]));
  for (let head = 0; head < queue.length; head++) {
    for (const c of lows) {
      const targets = (queue[head] as number[]).flatMap((s) => (nfa.edges[s] ?? []).filter((e) => e.ranges.some(([a, z]) => a <= c && c <= z)).map((e) => e.to));
      if (targets.length && !add(closure(targets))) return null;
    }
  }
  return known.size;
}

/** Regexes of the syntax regex-dialects.ts writes for Lucene: literals, escapes, '.', classes, groups, '|', repetitions. */
const lucene: fc.Arbitrary<string> = fc.letrec<{ re: string; alt: string; term: string; atom: string }>((tie) => ({
  re: fc.array(tie('term'), { minLength: 0, maxLength: 4 }).map((t) => t.join('')),
  alt: fc.array(tie('re'), { minLength: 1, maxLength: 3 }).map((a) => `(${a.join('|')})`),
  term: fc
    .tuple(tie('atom'), fc.constantFrom('', '', '?', '*', '+', '{2}', '{0,2}', '{1,3}', '{2,}'))
    .map(([atom, repeat]) => atom + repeat),
  atom: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('a', 'B', 'c', '.', '\\.', '\\\\', '[ab]', '[^a]', '[a-cX]', '[^\\n]', 'é'),
    tie('alt'),
  ),
})).re;

describe('determinized states of a Lucene regex', () => {
  it('is the plain subset construction\'s count, or null past the limit', () => {
    fc.assert(
      fc.property(lucene, fc.boolean(), fc.constantFrom(5, 40, 300), (pattern, caseInsensitive, limit) => {
        expect(determinizedStates(pattern, caseInsensitive, limit)).toBe(plainCount(pattern, caseInsensitive, limit));
      }),
      { numRuns: 300 },
    );
  });

  it('holds on shapes the corpus has: bounded repetitions after .*, long classes, alternations', () => {
    for (const pattern of ['.*[^\\n]{1,64}-Path[^\\n]{1,64}.*', '.*(ab|cd)[^\\n]{0,5}(/c|/r)[^\\n]+x.*', '.*a.{10}', '.*a.{12}', '[a-z]{3,6}(\\{[0-9]\\}){2,}.*']) {
      for (const limit of [100, 3000, 10_000]) expect([pattern, limit, determinizedStates(pattern, true, limit)]).toEqual([pattern, limit, plainCount(pattern, true, limit)]);
    }
  });
});

const corpus = findCorpus(path.resolve(__dirname, '..'));
const describeCorpus = corpus ? describe : describe.skip;
if (!corpus) console.warn('lucene-automaton.test: SigmaHQ corpus not found (set SIGMA_CORPUS); the corpus regexes are not checked');

describeCorpus('determinized states of the SigmaHQ corpus regexes', () => {
  it('are the plain construction\'s for every `|re` value as Elastic targets translate it', () => {
    const counted: [string, boolean][] = [];
    const spy = jest.spyOn(automaton, 'determinizedStates').mockImplementation((pattern, caseInsensitive) => {
      counted.push([pattern, caseInsensitive]);
      return 0;
    });
    try {
      for (const file of readCorpus(corpus as string)) {
        if (!file.text.includes('|re')) continue;
        let docs: unknown[] = [];
        try {
          docs = jsYaml.loadAll(file.text);
        } catch {
          continue;
        }
        const visit = (node: unknown): void => {
          if (Array.isArray(node)) return node.forEach(visit);
          if (node === null || typeof node !== 'object') return;
          for (const [key, value] of Object.entries(node)) {
            const mods = key.split('|').slice(1);
            if (mods.includes('re')) {
              const flags = mods.filter((m): m is RegexFlag => m === 'i' || m === 'm' || m === 's');
              for (const v of Array.isArray(value) ? value : [value]) {
                try {
                  if (typeof v === 'string') sigmaRegexToLucene(v, flags);
                } catch {
                  // a regex the Lucene translation refuses before counting
                }
              }
            } else visit(value);
          }
        };
        docs.forEach(visit);
      }
    } finally {
      spy.mockRestore();
    }
    expect(counted.length).toBeGreaterThan(100);
    for (const [pattern, caseInsensitive] of counted) {
      expect([pattern, determinizedStates(pattern, caseInsensitive)]).toEqual([pattern, plainCount(pattern, caseInsensitive, automaton.LUCENE_MAX_DETERMINIZED_STATES)]);
    }
  });
});
