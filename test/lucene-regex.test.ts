/**
 * Every regex a Lucene-dialect target writes (EQL `regex` / `regex~`, ES|QL RLIKE) is handed to Apache Lucene's
 * own classes, built as Elasticsearch builds a regexp query (syntax flags ALL, at most 10000
 * determinized states, ASCII case folding for `regex~`): none may be rejected. The regexes come
 * from the renderer (regexFor) for every rule of the goldens and of the SigmaHQ corpus.
 *
 * Needs java and a Lucene core jar (Debian: default-jre-headless liblucene8-java). Without them the
 * test is skipped with one visible line, unless REQUIRE_LUCENE=1 (.ci/run sets it): then it fails.
 */
import * as path from 'path';
import { createFsLoader } from '../src/cli/fs-loader';
import { computeGoldens } from '../scripts/golden-cases';
import { CORPUS_CONFIGS, convertCorpus, findCorpus, readCorpus } from '../scripts/corpus-run';
import { checkLuceneRegexes, findLucene, type LuceneRegex, type LuceneVerdicts } from './support/lucene';
import { RegexCollectingConverter, type CollectedRegex } from './support/regex-collector';

const ROOT = path.resolve(__dirname, '..');
const lucene = findLucene();
const corpus = findCorpus(ROOT);

/** Elasticsearch's default index.max_regex_length: a longer regexp query is refused before Lucene sees it. */
const ES_MAX_REGEX_LENGTH = 1000;

/** Patterns Lucene must reject, so that the check is known to be able to fail. */
const KNOWN_BAD: readonly LuceneRegex[] = [
  { pattern: '(a|)', caseInsensitive: false }, // empty alternative
  { pattern: '.*a.{20}', caseInsensitive: false }, // 2^20 states to determinize
  { pattern: 'a<b', caseInsensitive: true }, // '<' opens a named automaton under flags ALL
];

function goldenRegexes(): CollectedRegex[] {
  const collector = new RegexCollectingConverter(createFsLoader(ROOT), 'lucene');
  computeGoldens(ROOT, collector);
  return collector.regexes;
}

function corpusRegexes(corpusDir: string): CollectedRegex[] {
  const files = readCorpus(corpusDir);
  const collector = new RegexCollectingConverter(createFsLoader(ROOT), 'lucene');
  for (const config of CORPUS_CONFIGS) {
    if (!collector.backend(config.target).stages.some((s) => s.regex?.engine === 'lucene')) continue;
    // The lucene target's regexes are checked inside its whole queries (test/lucene-query.test.ts).
    if (config.target === 'lucene') continue;
    convertCorpus(collector, files, config);
  }
  return collector.regexes;
}

/** Distinct (pattern, case folding) pairs, each with the rules that wrote it. */
function distinct(found: readonly CollectedRegex[]): { regex: LuceneRegex; rules: string[] }[] {
  const byKey = new Map<string, { regex: LuceneRegex; rules: string[] }>();
  for (const r of found) {
    const key = `${r.caseInsensitive ? 'i' : 's'}${r.pattern}`;
    const entry = byKey.get(key) ?? { regex: { pattern: r.pattern, caseInsensitive: r.caseInsensitive }, rules: [] };
    entry.rules.push(`${r.target}: ${r.rule}`);
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}

function problems(list: ReturnType<typeof distinct>, verdicts: readonly (string | null)[]): string[] {
  const out: string[] = [];
  list.forEach((entry, i) => {
    const why = verdicts[i] ?? (entry.regex.pattern.length > ES_MAX_REGEX_LENGTH ? `longer than Elasticsearch's index.max_regex_length (${ES_MAX_REGEX_LENGTH})` : null);
    if (why) out.push(`${entry.rules[0]}${entry.rules.length > 1 ? ` (+${entry.rules.length - 1} more)` : ''}: ${why}\n  ${entry.regex.caseInsensitive ? 'regex~' : 'regex'} ${JSON.stringify(entry.regex.pattern).slice(0, 400)}`);
  });
  return out;
}

if ('missing' in lucene) {
  if (process.env.REQUIRE_LUCENE === '1') {
    it('Apache Lucene is installed (REQUIRE_LUCENE=1)', () => {
      throw new Error(`${lucene.missing}: install default-jre-headless and liblucene8-java`);
    });
  } else {
    it.skip(`Apache Lucene NOT FOUND (${lucene.missing}): EQL regexes not checked by Lucene`, () => undefined);
  }
} else {
  describe('regexes of Lucene-dialect targets (EQL) pass Apache Lucene as an Elasticsearch regexp query', () => {
    const golden = distinct(goldenRegexes());
    const fromCorpus = corpus ? distinct(corpusRegexes(corpus)) : [];
    let verdicts: LuceneVerdicts;
    // One JVM for everything: the known-bad patterns, the goldens' and the corpus's regexes.
    beforeAll(async () => {
      verdicts = await checkLuceneRegexes(lucene, [...KNOWN_BAD, ...golden.map((g) => g.regex), ...fromCorpus.map((c) => c.regex)]);
    }, 600_000);
    const slice = (from: number, count: number) => verdicts.rejections.slice(from, from + count);

    it('the check can fail: Lucene rejects an empty alternative, a regex too complex to determinize and a stray <', () => {
      expect(verdicts.version).toMatch(/^\d+\.\d+/);
      const rejected = slice(0, KNOWN_BAD.length);
      expect(rejected[0]).toMatch(/IllegalArgumentException/);
      expect(rejected[1]).toMatch(/TooComplexToDeterminizeException/);
      expect(rejected[2]).toMatch(/IllegalArgumentException/);
    });

    it('every regex of the golden rules', () => {
      // The feature rules exercise regexes, wildcard fallbacks and |cased: they must yield some.
      expect(golden.length).toBeGreaterThan(10);
      expect(problems(golden, slice(KNOWN_BAD.length, golden.length))).toEqual([]);
    });

    if (corpus) {
      it('every regex of the SigmaHQ corpus', () => {
        expect(fromCorpus.length).toBeGreaterThan(50);
        expect(problems(fromCorpus, slice(KNOWN_BAD.length + golden.length, fromCorpus.length))).toEqual([]);
      });
    } else {
      it.skip(`SigmaHQ corpus NOT FOUND at ${path.resolve(ROOT, '..', 'shared', 'sigmahq')} (set SIGMA_CORPUS): its EQL regexes not checked by Lucene`, () => undefined);
    }
  });
}
