/**
 * Converts the SigmaHQ corpus with every target and pipeline in-process and counts the outcomes.
 * Shared by `npm run corpus` (scripts/corpus.ts) and the corpus test (test/corpus.test.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { acceptsPipeline, Converter } from '../src/convert';
import type { ErrorCode } from '../src/core/errors';
import type { AllowUnmapped } from '../src/pipeline/apply-pipeline';
import { createFsLoader } from '../src/cli/fs-loader';
import { listPipelines } from '../src/pipeline/load-pipeline';
import { listTargets } from '../src/render/backend-def';

export interface CorpusConfig {
  readonly target: string;
  readonly pipeline: string;
}

/**
 * Every target (backends/) with every built-in pipeline it accepts (its own, or of a data model it queries),
 * its default pipeline first:
 * a new target or pipeline is converted with no list to edit.
 */
export function corpusConfigs(loader = createFsLoader()): CorpusConfig[] {
  const converter = new Converter(loader);
  const pipelines = listPipelines(loader).map((name) => converter.pipeline(name));
  return listTargets(loader).flatMap((target) => {
    const backend = converter.backend(target);
    const first = backend.default_pipeline;
    const names = pipelines.filter((p) => acceptsPipeline(backend, p) && p.name !== first).map((p) => p.name);
    return [first, ...names].map((pipeline) => ({ target, pipeline }));
  });
}

/** Every target and pipeline the corpus is converted with. */
export const CORPUS_CONFIGS: readonly CorpusConfig[] = corpusConfigs();

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
  /** Value transformations the pipeline applied (PipelineResult.valueTransforms; empty when it reports none). */
  readonly valueTransforms: readonly string[];
  /** Fields kept outside the pipeline's schema because they were allowed (PipelineResult.allowedUnmapped). */
  readonly allowedUnmapped: readonly string[];
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
          warnings: r.warnings.map((w) => w.message),
          queries: r.queries,
          valueTransforms: r.mapping?.valueTransforms ?? [],
          allowedUnmapped: r.mapping?.allowedUnmapped ?? [],
        });
      }
    } catch (e) {
      out.push({ key: `${f.name}#0`, ok: false, code: 'internal', message: String((e as Error)?.stack ?? e), threw: true, warnings: [], queries: [], valueTransforms: [], allowedUnmapped: [] });
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
  /** reason class (see reasonClass) → count and one example message, per error code. */
  readonly classes: ReadonlyMap<string, ReadonlyMap<string, ReasonClassStats>>;
  /** Converted rules whose mapping applied at least one value transformation. */
  readonly viaValueTransform: number;
  /** Value transformation → rules converted through it. */
  readonly transforms: ReadonlyMap<string, number>;
  /** Converted rules with at least one field allowed outside the pipeline's schema. */
  readonly withAllowedUnmapped: number;
  /** Field allowed unmapped → rules. */
  readonly allowedFields: ReadonlyMap<string, number>;
  /** Crashes: error code 'internal' or a thrown exception. */
  readonly crashed: readonly RuleOutcome[];
  readonly withWarnings: number;
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
  const classes = new Map<string, Map<string, ReasonClassStats>>();
  const transforms = new Map<string, number>();
  const allowedFields = new Map<string, number>();
  let viaValueTransform = 0;
  let withAllowedUnmapped = 0;
  const crashed: RuleOutcome[] = [];
  let converted = 0;
  let withWarnings = 0;
  let specific = 0;
  const counts = { syntax: 0, 'unknown-name': 0, semantic: 0 };
  const examples: string[] = [];
  for (const o of outcomes) {
    if (o.warnings.length) withWarnings++;
    if (o.ok) {
      converted++;
      if (o.valueTransforms.length) viaValueTransform++;
      if (o.allowedUnmapped.length) withAllowedUnmapped++;
      for (const t of new Set(o.valueTransforms)) transforms.set(t, (transforms.get(t) ?? 0) + 1);
      for (const f of new Set(o.allowedUnmapped)) allowedFields.set(f, (allowedFields.get(f) ?? 0) + 1);
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
    const byClass = classes.get(code) ?? new Map<string, ReasonClassStats>();
    const cls = reasonClass(message);
    const stats = byClass.get(cls) ?? { count: 0, example: message, subjects: new Map<string, number>() };
    stats.count++;
    const subject = reasonSubject(message);
    if (subject) stats.subjects.set(subject, (stats.subjects.get(subject) ?? 0) + 1);
    byClass.set(cls, stats);
    classes.set(code, byClass);
  }
  return {
    config,
    rules: outcomes.length,
    converted,
    refused,
    reasons,
    classes,
    viaValueTransform,
    transforms,
    withAllowedUnmapped,
    allowedFields,
    crashed,
    withWarnings,
    kql: kql ? { syntax: counts.syntax, unknownNames: counts['unknown-name'], semantic: counts.semantic, examples } : undefined,
    specificCategory: config.target === 'eql' ? specific : undefined,
  };
}

/** One reason class of refusals: how many, one full message, and what they name (field or logsource) → count. */
export interface ReasonClassStats {
  count: number;
  readonly example: string;
  readonly subjects: Map<string, number>;
}

/** What a refusal is about: the logsource it names, else its first quoted name (usually the Sigma field). */
export function reasonSubject(message: string): string | null {
  const logsource = /\bfor logsource ([^;]+)/.exec(message);
  if (logsource) return (logsource[1] as string).trim();
  return /'((?:[^'\\]|\\.)*)'/.exec(message)?.[1] ?? null;
}

/**
 * A refusal message reduced to its kind, so that refusals group by why rather than by which field or
 * table: quoted names, parenthesised details, identifiers after in/of/to, numbers and placeholders are
 * elided, and only the first clause is kept ("field … has no equivalent column in …").
 */
export function reasonClass(message: string): string {
  return (message.split(/;\s/)[0] ?? message)
    .replace(/'(?:[^'\\]|\\.)*'/g, '…')
    .replace(/"[^"]*"/g, '…')
    .replace(/%[^%\s]+%/g, '%…%')
    .replace(/\([^()]*\)/g, '')
    .replace(/\blogsource\b.*$/, 'logsource …')
    .replace(/\b(in|of|to|on|from) (?!…)[A-Za-z_][\w.]*[\w]/g, '$1 …')
    .replace(/(?<!\S)[\d:]\S*/g, '#')
    .replace(/\s+/g, ' ')
    .trim();
}
