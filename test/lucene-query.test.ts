/**
 * Every query of the lucene target (Elasticsearch query_string / Kibana Lucene syntax) is parsed by Apache
 * Lucene's classic QueryParser, which Elasticsearch's query_string parser extends: the goldens' queries and
 * the SigmaHQ corpus's. Its regex (/.../) and wildcard terms are compiled as Elasticsearch compiles them
 * (test/support/LuceneRegexCheck.java): none may be rejected.
 *
 * Needs java and Lucene's core, queryparser and analyzers-common jars (Debian: default-jre-headless
 * liblucene8-java). Without them the test is skipped with one visible line, unless REQUIRE_LUCENE=1.
 */
import * as path from 'path';
import { Converter } from '../src/convert';
import { createFsLoader } from '../src/cli/fs-loader';
import { computeGoldens } from '../scripts/golden-cases';
import { convertCorpus, findCorpus, readCorpus } from '../scripts/corpus-run';
import { checkLuceneQueries, findLucene, type LuceneVerdicts } from './support/lucene';

const ROOT = path.resolve(__dirname, '..');
const lucene = findLucene();
const corpus = findCorpus(ROOT);

/** Queries Lucene must reject (or, for the last, read as something else), so that the check is known to be able to fail. */
const KNOWN_BAD: readonly string[] = [
  'a:(b', // unbalanced
  'a:/(x|)/', // an empty alternative in a regex
  'a:/.*a.{20}/', // a regex too complex to determinize
  'a:"b', // unterminated phrase
];

interface Found {
  readonly query: string;
  readonly where: string;
}

function goldenQueries(): Found[] {
  return computeGoldens(ROOT)
    .filter((g) => g.target === 'lucene' && g.goldenPath.endsWith('.lucene'))
    .flatMap((g) => g.queries.map((query) => ({ query, where: g.goldenPath })));
}

function corpusQueries(dir: string): Found[] {
  const outcomes = convertCorpus(new Converter(createFsLoader(ROOT)), readCorpus(dir), { target: 'lucene', pipeline: 'ecs' });
  return outcomes.flatMap((o) => (o.ok ? o.queries.map((query) => ({ query, where: o.key })) : []));
}

function problems(found: readonly Found[], verdicts: readonly (string | null)[]): string[] {
  return found.flatMap((f, i) => (verdicts[i] ? [`${f.where}: ${verdicts[i]?.slice(0, 300)}\n  ${f.query.slice(0, 300)}`] : []));
}

const usable = !('missing' in lucene) && lucene.queryJars.length > 0;
const why = 'missing' in lucene ? lucene.missing : 'no lucene-queryparser / lucene-analyzers-common jar beside the core jar';

if (!usable) {
  if (process.env.REQUIRE_LUCENE === '1') {
    it('Apache Lucene and its query parser are installed (REQUIRE_LUCENE=1)', () => {
      throw new Error(`${why}: install default-jre-headless and liblucene8-java`);
    });
  } else {
    it.skip(`Apache Lucene query parser NOT FOUND (${why}): lucene queries not parsed`, () => undefined);
  }
} else if (!('missing' in lucene)) {
  describe("lucene target: every query passes Lucene's classic QueryParser", () => {
    const golden = goldenQueries();
    const fromCorpus = corpus ? corpusQueries(corpus) : [];
    let verdicts: LuceneVerdicts;
    beforeAll(async () => {
      verdicts = await checkLuceneQueries(lucene, [...KNOWN_BAD, ...golden.map((g) => g.query), ...fromCorpus.map((c) => c.query)]);
    }, 600_000);
    const slice = (from: number, count: number) => verdicts.rejections.slice(from, from + count);

    it('the check can fail: unbalanced parentheses and quotes, an empty regex alternative, a regex too complex to determinize', () => {
      const rejected = slice(0, KNOWN_BAD.length);
      expect(rejected[0]).toMatch(/ParseException/);
      expect(rejected[1]).toMatch(/IllegalArgumentException|ParseException/);
      expect(rejected[2]).toMatch(/TooComplexToDeterminize/);
      expect(rejected[3]).toMatch(/ParseException/);
    });

    it('every query of the goldens', () => {
      expect(golden.length).toBeGreaterThan(40);
      expect(problems(golden, slice(KNOWN_BAD.length, golden.length))).toEqual([]);
    });

    if (corpus) {
      it('every query of the SigmaHQ corpus', () => {
        expect(fromCorpus.length).toBeGreaterThan(3000);
        expect(problems(fromCorpus, slice(KNOWN_BAD.length + golden.length, fromCorpus.length))).toEqual([]);
        // eslint-disable-next-line no-console
        console.log(`Lucene ${verdicts.version} parsed ${golden.length} golden and ${fromCorpus.length} corpus lucene queries`);
      });
    } else {
      it.skip(`SigmaHQ corpus NOT FOUND at ${path.resolve(ROOT, '..', 'shared', 'sigmahq')} (set SIGMA_CORPUS): its lucene queries not parsed`, () => undefined);
    }
  });
}
