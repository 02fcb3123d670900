import type { Worker } from 'worker_threads';
import { Converter, type ConvertOptions, type RuleResult } from '../convert';
import { convertCollection } from '../correlation/convert-collection';
import type { RuleSet, SourceText } from '../correlation/rule-set';
import { createFsLoader } from './fs-loader';

/**
 * Converting many files in parts, on several cores when there are: the files are cut into
 * contiguous parts of PART_FILES files, each converted as its own rule set and then dropped (so
 * memory holds one part's rules, not the whole run's), and the results are joined in input order.
 * The threads (this one and workers) each take a contiguous run of parts. Parts give exactly the
 * results of one set over all files only when no document needs another part: a run whose parts
 * hold correlations or filters, or share an id or name, is converted again as one set (the results
 * of the parts are dropped). Nothing is kept between runs.
 */

/**
 * SIGMA_CONVERT_WORKERS: `0` converts every run as one set (no parts); `1` uses parts in this thread
 * only; N uses N threads (this one included) even for a few files.
 */
const WORKERS_ENV = 'SIGMA_CONVERT_WORKERS';
/** Below this many files a worker's start-up (loading the converter again) costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 200;
const MAX_THREADS = 8;
/** Files per part: large enough that a part's set costs nothing extra, small enough to bound memory. */
const PART_FILES = 100;
/** SIGMA_CONVERT_PART_FILES: another number of files per part (tests use tiny parts to exercise joining). */
const PART_FILES_ENV = 'SIGMA_CONVERT_PART_FILES';
/** Marks a worker started by this module (the worker loads this same script). */
const WORKER_TAG = 'sigma-convert:parallel-convert';

/** What one part's conversion reports: its results, and what decides whether parts may be joined. */
interface PartOutcome {
  readonly results: RuleResult[];
  /** Ids and names of the part's rules and correlations. */
  readonly refs: string[];
  /** The part holds correlations or filters (they may name rules of other parts). */
  readonly refersAcross: boolean;
}

/** A worker's answer: the outcomes of its parts, null when a part needs others; or its failure. */
type WorkerReply = { readonly ok: true; readonly outcomes: PartOutcome[] | null } | { readonly ok: false; readonly message: string };

function convertPart(converter: Converter, sources: readonly SourceText[], options: ConvertOptions): PartOutcome {
  let set: RuleSet | undefined;
  const results = convertCollection(converter, sources, options, [], (s) => {
    set = s;
  });
  const refs: string[] = [];
  let refersAcross = false;
  for (const e of set?.entries ?? []) {
    if (e.kind === 'filter' || e.kind === 'correlation') refersAcross = true;
    const item = e.kind === 'rule' ? e.rule : e.kind === 'correlation' ? e.correlation : null;
    if (item?.id) refs.push(item.id);
    if (item?.name) refs.push(item.name);
  }
  return { results, refs, refersAcross };
}

/** How many threads to use for this many files (0: no parts at all). */
function threadCount(files: number): number {
  const env = process.env[WORKERS_ENV];
  if (env !== undefined && env !== '') {
    const n = Number(env);
    return Number.isInteger(n) && n >= 0 ? Math.min(n, MAX_THREADS) : 1;
  }
  if (files < MIN_FILES_FOR_WORKERS) return 1;
  // Idle cores only: on a machine already busy, workers compete for the same cores and only add
  // their start-up and memory. (The load average is 0 where the system has none, e.g. Windows.)
  const os = require('os') as typeof import('os'); // eslint-disable-line @typescript-eslint/no-require-imports
  const idle = Math.round(os.availableParallelism() - (os.loadavg()[0] ?? 0));
  return Math.max(1, Math.min(idle, MAX_THREADS));
}

/** Cuts a list into contiguous runs: `count` runs of about equal size (by `size`). */
function splitEvenly<T>(items: readonly T[], count: number, size: (item: T) => number): T[][] {
  const total = items.reduce((n, x) => n + size(x), 0);
  const runs: T[][] = [[]];
  let done = 0;
  for (const x of items) {
    const current = runs[runs.length - 1] as T[];
    if (current.length > 0 && runs.length < count && done >= (total * runs.length) / count) runs.push([x]);
    else current.push(x);
    done += size(x);
  }
  return runs;
}

function partsOf(sources: readonly SourceText[]): SourceText[][] {
  const env = Number(process.env[PART_FILES_ENV]);
  const size = Number.isInteger(env) && env >= 1 ? env : PART_FILES;
  const parts: SourceText[][] = [];
  for (let i = 0; i < sources.length; i += size) parts.push(sources.slice(i, i + size));
  return parts;
}

/**
 * Converts parts one after the other, dropping each part's set once converted. Stops early (null)
 * at the first part that refers across parts, or whose ids or names an earlier part already holds.
 */
function convertParts(converter: Converter, parts: readonly (readonly SourceText[])[], options: ConvertOptions): PartOutcome[] | null {
  const out: PartOutcome[] = [];
  const seen = new Set<string>();
  for (const part of parts) {
    const outcome = convertPart(converter, part, options);
    if (!joinable(outcome, seen)) return null;
    out.push(outcome);
  }
  return out;
}

/** False when the part needs other parts: it holds correlations or filters, or repeats an id or name of `seen` (then adds its own). */
function joinable(outcome: PartOutcome, seen: Set<string>): boolean {
  if (outcome.refersAcross) return false;
  const own = new Set(outcome.refs);
  for (const ref of own) if (seen.has(ref)) return false;
  for (const ref of own) seen.add(ref);
  return true;
}

function runInWorker(parts: readonly (readonly SourceText[])[], options: ConvertOptions): { reply: Promise<WorkerReply>; stop(): void } {
  let worker: Worker | undefined;
  const reply = new Promise<WorkerReply>((resolve) => {
    let settled = false;
    const done = (reply: WorkerReply): void => {
      if (settled) return;
      settled = true;
      resolve(reply);
    };
    try {
      worker = new (workerThreads().Worker)(__filename, { workerData: { tag: WORKER_TAG, parts, options }, argv: [WORKER_TAG] });
      worker.once('message', (r: WorkerReply) => done(r));
      worker.once('error', (err) => done({ ok: false, message: err.message }));
      worker.once('exit', (code) => done({ ok: false, message: `worker exited with code ${code}` }));
    } catch (err) {
      done({ ok: false, message: (err as Error).message });
    }
  });
  return { reply, stop: () => void worker?.terminate() };
}

/**
 * The results of converting the files as one rule set, computed in parts on several threads; null
 * when parts cannot be used (one core, few files, a collection needing one set, a worker failure):
 * the caller then converts the files as one set itself.
 */
export async function convertInParallel(
  converter: Converter,
  sources: readonly SourceText[],
  options: ConvertOptions,
  filters: readonly SourceText[],
): Promise<RuleResult[] | null> {
  // Workers load this compiled script; from TypeScript sources (ts-jest) there is none to load.
  if (filters.length > 0 || !__filename.endsWith('.js')) return null;
  const parts = partsOf(sources);
  const threads = Math.min(threadCount(sources.length), parts.length);
  if (threads < 1 || parts.length < 2) return null;
  const runs = splitEvenly(parts, threads, (part) => part.reduce((n, s) => n + s.text.length, 0));
  const workers = runs.slice(1).map((run) => runInWorker(run, options));
  const stopAll = (): null => {
    for (const w of workers) w.stop();
    return null;
  };
  let mine: PartOutcome[] | null;
  try {
    mine = convertParts(converter, runs[0] ?? [], options);
  } catch {
    mine = null; // the caller converts the run as one set, and reports what went wrong there
  }
  if (!mine) return stopAll();
  const outcomes = [...mine];
  for (const w of workers) {
    const reply = await w.reply;
    if (!reply.ok || !reply.outcomes) return stopAll();
    outcomes.push(...reply.outcomes);
  }
  const seen = new Set<string>();
  if (!outcomes.every((o) => joinable(o, seen))) return null;
  return outcomes.flatMap((o) => o.results);
}

/** A worker's whole job: convert its parts and post the outcomes back. */
function runWorker(data: { parts: SourceText[][]; options: ConvertOptions }): void {
  let reply: WorkerReply;
  try {
    reply = { ok: true, outcomes: convertParts(new Converter(createFsLoader()), data.parts, data.options) };
  } catch (err) {
    reply = { ok: false, message: (err as Error).message };
  }
  workerThreads().parentPort?.postMessage(reply);
}

/** node:worker_threads, loaded only when workers are used (it costs a conversion's start-up otherwise). */
function workerThreads(): typeof import('worker_threads') {
  return require('worker_threads') as typeof import('worker_threads'); // eslint-disable-line @typescript-eslint/no-require-imports
}

// A worker started by runInWorker has the tag among its arguments (so the main thread need not load
// node:worker_threads to know it is not one) and in its workerData.
if (process.argv.includes(WORKER_TAG)) {
  const { isMainThread, workerData } = workerThreads();
  if (!isMainThread && (workerData as { tag?: unknown } | null)?.tag === WORKER_TAG) runWorker(workerData as { parts: SourceText[][]; options: ConvertOptions });
}
