/**
 * Converts the SigmaHQ corpus with every target and pipeline in-process and counts the outcomes.
 * Shared by `npm run corpus` (scripts/corpus.ts) and the corpus test (test/corpus.test.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Converter } from '../src/convert';
import type { ErrorCode } from '../src/core/errors';
import type { AllowUnmapped } from '../src/pipeline/apply-pipeline';

export interface CorpusConfig {
  readonly target: 'kql' | 'splunk' | 'eql';
  readonly pipeline: string;
}

/** Every target and pipeline the corpus is converted with. */
export const CORPUS_CONFIGS: readonly CorpusConfig[] = [
  { target: 'kql', pipeline: 'defender-xdr' },
  { target: 'kql', pipeline: 'sentinel' },
  { target: 'splunk', pipeline: 'splunk-windows' },
  { target: 'splunk', pipeline: 'splunk-cim' },
  { target: 'eql', pipeline: 'ecs' },
];

/** The rule folders of a SigmaHQ release. */
export const CORPUS_FOLDERS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting'] as const;

/** The corpus folder: $SIGMA_CORPUS, else ../shared/sigmahq next to the checkout; null when absent. */
export function findCorpus(projectRoot: string): string | null {
  const candidates = [process.env.SIGMA_CORPUS, path.resolve(projectRoot, '..', 'shared', 'sigmahq')];
  for (const c of candidates) {
    if (c && fs.existsSync(path.join(c, 'rules'))) return c;
  }
  return null;
}

export interface CorpusFile {
  /** Path relative to the corpus folder, '/'-separated. */
  readonly name: string;
  readonly text: string;
}

/** Every *.yml / *.yaml under the corpus's rule folders, sorted, read once. */
export function readCorpus(corpusDir: string): CorpusFile[] {
  const out: CorpusFile[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      const name = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(full, name);
      else if (/\.ya?ml$/i.test(entry.name)) out.push({ name, text: fs.readFileSync(full, 'utf8') });
    }
  };
  for (const folder of CORPUS_FOLDERS) {
    const dir = path.join(corpusDir, folder);
    if (fs.existsSync(dir)) walk(dir, folder);
  }
  return out;
}

export interface RuleOutcome {
  /** file#document: the same key for a rule across configurations. */
  readonly key: string;
  readonly ok: boolean;
  readonly code?: ErrorCode;
  readonly message?: string;
  /** The conversion threw instead of returning an error result (always a bug). */
  readonly threw: boolean;
  readonly warnings: readonly string[];
  readonly queries: readonly string[];
  /** Rule fields kept outside the pipeline's field schema because the run allowed them. */
  readonly allowedUnmapped?: readonly string[];
}

/** Converts every document of every file with one configuration. */
export function convertCorpus(converter: Converter, files: readonly CorpusFile[], config: CorpusConfig, allowUnmapped?: AllowUnmapped): RuleOutcome[] {
  const out: RuleOutcome[] = [];
  for (const f of files) {
    try {
      for (const r of converter.convertText(f.text, f.name, { target: config.target, pipeline: config.pipeline, allowUnmapped })) {
        const err = r.errors[0];
        out.push({
          key: `${f.name}#${r.document}`,
          ok: r.ok,
          code: err?.code,
          message: err?.message,
          threw: false,
          warnings: r.warnings,
          queries: r.queries,
          allowedUnmapped: r.allowedUnmapped,
        });
      }
    } catch (e) {
      out.push({ key: `${f.name}#0`, ok: false, code: 'internal', message: String((e as Error)?.stack ?? e), threw: true, warnings: [], queries: [] });
    }
  }
  return out;
}

export interface KqlCheckCounts {
  /** Queries with at least one parser (syntax) error. */
  readonly syntax: number;
  /** Queries naming a column or table the schema does not declare. */
  readonly unknownNames: number;
  /** Queries with other analyser errors (e.g. an operator applied to the wrong column type). */
  readonly semantic: number;
  /** Up to a few examples per kind, for the report. */
  readonly examples: readonly string[];
}

export interface ConfigStats {
  readonly config: CorpusConfig;
  readonly rules: number;
  readonly converted: number;
  readonly refused: ReadonlyMap<string, number>;
  /** message → count, per error code. */
  readonly reasons: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Crashes: error code 'internal' or a thrown exception. */
  readonly crashed: readonly RuleOutcome[];
  readonly withWarnings: number;
  /** Rule field -> number of converted rules that kept it only because it was allowed unmapped. */
  readonly allowedUnmapped: ReadonlyMap<string, number>;
  readonly kql?: KqlCheckCounts;
  /** EQL: converted queries whose event category is a specific one (not `any`). */
  readonly specificCategory?: number;
}

export type KqlProblems = readonly (readonly { code: string; message: string }[])[];
export type KqlClassifier = (p: { code: string; message: string }) => 'syntax' | 'unknown-name' | 'semantic';

/** Every query of the converted rules, in order (the order `summarise` expects KQL problems in). */
export function allQueries(outcomes: readonly RuleOutcome[]): string[] {
  return outcomes.flatMap((o) => (o.ok ? o.queries : []));
}

/**
 * Counts one configuration's outcomes. For KQL, `kql.problems` holds Microsoft's analyser errors
 * for each query of allQueries(outcomes), in the same order.
 */
export function summarise(
  config: CorpusConfig,
  outcomes: readonly RuleOutcome[],
  kql?: { problems: KqlProblems; classify: KqlClassifier },
): ConfigStats {
  let queryIndex = 0;
  const refused = new Map<string, number>();
  const reasons = new Map<string, Map<string, number>>();
  const crashed: RuleOutcome[] = [];
  let converted = 0;
  let withWarnings = 0;
  let specific = 0;
  const allowedUnmapped = new Map<string, number>();
  const counts = { syntax: 0, 'unknown-name': 0, semantic: 0 };
  const examples: string[] = [];
  for (const o of outcomes) {
    if (o.warnings.length) withWarnings++;
    if (o.ok) {
      converted++;
      for (const f of o.allowedUnmapped ?? []) allowedUnmapped.set(f, (allowedUnmapped.get(f) ?? 0) + 1);
      if (config.target === 'eql' && o.queries.every((q) => !/^any\b/.test(q))) specific++;
      if (kql) {
        for (const q of o.queries) {
          const problems = kql.problems[queryIndex++] ?? [];
          const seen = new Set<string>();
          for (const [kind, message] of problems.map((p) => [kql.classify(p), p.message] as const)) {
            if (seen.has(kind)) continue;
            seen.add(kind);
            counts[kind]++;
            if (examples.length < 10) examples.push(`${o.key}: ${kind}: ${message}\n    ${q.replace(/\n/g, ' ').slice(0, 300)}`);
          }
        }
      }
      continue;
    }
    const code = o.code ?? 'internal';
    if (code === 'internal' || o.threw) {
      crashed.push(o);
      continue;
    }
    refused.set(code, (refused.get(code) ?? 0) + 1);
    const byMessage = reasons.get(code) ?? new Map<string, number>();
    const message = o.message ?? '';
    byMessage.set(message, (byMessage.get(message) ?? 0) + 1);
    reasons.set(code, byMessage);
  }
  return {
    config,
    rules: outcomes.length,
    converted,
    refused,
    reasons,
    crashed,
    withWarnings,
    allowedUnmapped,
    kql: kql ? { syntax: counts.syntax, unknownNames: counts['unknown-name'], semantic: counts.semantic, examples } : undefined,
    specificCategory: config.target === 'eql' ? specific : undefined,
  };
}
