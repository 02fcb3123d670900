import * as fs from 'fs';
import * as path from 'path';
import type { Argv } from 'yargs';
import type { Diagnostic } from '../core/errors';
import type { Placeholders } from '../rule/modifiers';
import { createEventAccessor, type EventAccessor } from '../evaluate/event-accessor';
import { checkExpectations, parseExpectations, type Expectation, type Observation } from '../evaluate/expectations';
import { DEFAULT_EVENT_LIMITS, isRawLogFile, parseEvents, parseRawLines, type EventProblem } from '../evaluate/read-events';
import { RuleTester, type PreparedEvent, type PreparedRule } from '../evaluate/rule-tester';
import { loadPlaceholders } from './convert-command';
import { createFsLoader } from './fs-loader';
import { isInside, readBounded } from './inputs';
import { DEFAULT_LIMITS } from '../core/limits';
import { ExitCode, type CliIO } from './io';
import { readRuleFiles } from './read-rule-files';
import { isPipelineFile, readPipelineArgs } from './pipeline-args';
import type { PipelineSource } from '../pipeline/merge-pipeline';
import { formatDiagnostic } from './report';
import { ResourceCache } from '../conversion/resource-cache';
import { countYamlDocuments } from '../rule/yaml-source';
import { collectFilters, setDocuments, testCorrelations } from '../evaluate/correlation-tester';
import { isFsError } from './fs-errors';
import { SigmaError } from '../core/errors';

export interface TestArgs {
  pipeline?: string[];
  events?: string[];
  expect?: string;
  json?: boolean;
  placeholders?: string;
  timeField?: string;
  quiet?: boolean;
  maxAlternatives?: number;
  paths: string[];
}

export function addTestOptions<T>(y: Argv<T>) {
  return y
    .option('pipeline', { alias: 'p', type: 'string', array: true, nargs: 1, describe: "map the rules' fields and logsources with this pipeline before evaluating: a built-in name or a pipeline file, repeat to stack files ('none': the rules' own field names)" })
    .option('events', { alias: 'e', type: 'string', array: true, describe: 'events files: JSON Lines, a JSON array of objects, or JSON objects one after another (pretty-printed); *.raw, *.log, *.txt: one raw log line per event' })
    .option('expect', { type: 'string', describe: 'YAML list of {rule, events, event?, match, pipeline?}: exit 1 on any unexpected verdict' })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON object per (rule, events file) per line' })
    .option('placeholders', { type: 'string', describe: 'YAML file mapping placeholder names to value lists, for |expand' })
    .option('max-alternatives', { type: 'number', describe: `values one rule may expand to in total (windash, expand, base64offset ...); default ${DEFAULT_LIMITS.alternatives}` })
    .option('time-field', { type: 'string', describe: "event field holding each event's ISO 8601 time, for correlation rules (default: timestamp)" });
}

/** One (rule, events file, pipeline) evaluation, as --json prints it. */
interface TestResult {
  readonly file: string;
  readonly document: number;
  readonly id: string | null;
  readonly title: string | null;
  readonly events: string;
  readonly pipeline: string;
  readonly total: number;
  readonly matched: number[];
  /** Correlation rules only: each group that fired and the events that made it fire. */
  readonly fired?: { group: Record<string, unknown>; events: number[] }[];
  readonly errors: { code: string; message: string; line?: number; col?: number }[];
}

interface EventsFile {
  readonly name: string;
  readonly events: readonly { index: number; event: PreparedEvent; summary: () => string }[];
  readonly problems: readonly EventProblem[];
  /** Problems beyond those listed: only counted. */
  readonly moreProblems: number;
  readonly unreadable?: string;
}

interface Unit {
  readonly eventsPath: string;
  readonly name: string;
  readonly pipeline: string;
}

const unitKey = (eventsPath: string, pipeline: string) => `${eventsPath}\u0000${pipeline}`;

/** `sigma-convert test --events FILE... RULE_PATH...`: evaluate rules on events, optionally against expectations. */
export function runTest(rawArgs: TestArgs, io: CliIO): number {
  const args = separateRulePaths(rawArgs);
  const tester = new RuleTester(createFsLoader());
  // Pipelines by the name they report under; an expectations entry may name another built-in one.
  const pipelineSources = new Map<string, string | readonly PipelineSource[]>();
  const usePipeline = (sources: string | readonly PipelineSource[]): string => {
    const name = tester.checkPipeline(sources);
    // Two different files may give the same name: each keeps its own label.
    const same = (a: string | readonly PipelineSource[]) => JSON.stringify(a) === JSON.stringify(sources);
    let label = name;
    for (let n = 2; pipelineSources.has(label) && !same(pipelineSources.get(label) as string | readonly PipelineSource[]); n++) label = `${name} (${n})`;
    pipelineSources.set(label, sources);
    return label;
  };
  let cliPipeline = 'none';
  let expectations: Expectation[] = [];
  let placeholders: Placeholders | undefined;
  const units = new Map<string, Unit>();
  try {
    cliPipeline = usePipeline(readPipelineArgs(args.pipeline) ?? 'none');
    if (args.placeholders) placeholders = loadPlaceholders(args.placeholders);
    for (const e of args.events ?? []) {
      const abs = path.resolve(e);
      units.set(unitKey(abs, cliPipeline), { eventsPath: abs, name: e, pipeline: cliPipeline });
    }
    if (args.expect) {
      let text: string;
      try {
        text = fs.readFileSync(args.expect, 'utf8');
      } catch (err) {
        throw new SigmaError('input', `cannot read expectations file ${args.expect}: ${(err as Error).message}`);
      }
      expectations = parseExpectations(text, args.expect);
      const base = path.dirname(path.resolve(args.expect));
      for (const e of expectations) {
        const where = `${args.expect}: entry ${e.entry + 1}`;
        const pipeline = e.pipeline === undefined ? cliPipeline : usePipeline(expectationPipeline(e.pipeline, base, where));
        const abs = confinedPath(base, e.events, where, 'events');
        const key = unitKey(abs, pipeline);
        if (!units.has(key)) units.set(key, { eventsPath: abs, name: path.relative(process.cwd(), abs) || abs, pipeline });
      }
    }
  } catch (err) {
    io.stderr(`sigma-convert: ${(err as Error).message}`);
    return ExitCode.Usage;
  }
  if (args.paths.length === 0) {
    io.stderr('sigma-convert: give at least one rule file or folder to test');
    return ExitCode.Usage;
  }
  if (units.size === 0) {
    io.stderr('sigma-convert: give the events to test the rules on with --events FILE (or an --expect file that names them)');
    return ExitCode.Usage;
  }

  // Rules: read once, prepared once per pipeline in use.
  const read = readRuleFiles(args.paths, io);
  let failed = read.inputErrors;
  const texts = read.files.map((f) => ({ name: f.file, text: f.text }));
  const filters = collectFilters(texts, placeholders, (file, text, document, d) => {
    io.stderr(formatDiagnostic(d, { file, document, documents: countYamlDocuments(text), title: null, id: null }, text));
    failed = true;
  });
  const rulesByPipeline = new Map<string, PreparedRule[]>();
  for (const pipeline of new Set([...units.values()].map((u) => u.pipeline))) {
    const prepared: PreparedRule[] = [];
    for (const { name, text } of texts) {
      // Correlations and filters are evaluated over the whole rule set below (src/evaluate/correlation.ts).
      const setDocs = setDocuments(text);
      const rules = tester.prepareText(text, name, { pipeline: pipelineSources.get(pipeline) ?? pipeline, placeholders, filters, maxAlternatives: args.maxAlternatives }).filter((r) => !setDocs.has(r.document));
      for (const r of rules) {
        const label = { file: name, document: r.document, documents: rules.length, title: r.title, id: r.id };
        for (const e of r.errors) io.stderr(formatDiagnostic(e, label, text) + (pipeline !== 'none' ? ` (pipeline ${pipeline})` : ''));
        if (r.errors.length) failed = true;
      }
      prepared.push(...rules);
    }
    rulesByPipeline.set(pipeline, prepared);
  }

  // Events: read and classified once per file.
  const eventFiles = new Map<string, EventsFile>();
  const eventsOf = (unit: Unit): EventsFile => {
    let f = eventFiles.get(unit.eventsPath);
    if (!f) {
      f = readEventsFile(unit, tester);
      eventFiles.set(unit.eventsPath, f);
      if (f.unreadable) io.stderr(`${unit.name}: error[input]: ${f.unreadable}`);
      for (const p of f.problems) io.stderr(`${unit.name}${where(p)}: error[invalid-event]: ${p.message}`);
      if (f.moreProblems) io.stderr(`${unit.name}: error[invalid-event]: ${moreProblemsText(f.moreProblems)}`);
      if (f.unreadable || f.problems.length) failed = true;
    }
    return f;
  };

  const results: TestResult[] = [];
  const observations = new Map<string, Map<PreparedRule, Observation>>();
  for (const [key, unit] of units) {
    const file = eventsOf(unit);
    const perRule = new Map<PreparedRule, Observation>();
    observations.set(key, perRule);
    for (const rule of rulesByPipeline.get(unit.pipeline) ?? []) {
      const matched: number[] = [];
      if (rule.errors.length === 0) for (const e of file.events) if (rule.matches(e.event)) matched.push(e.index);
      perRule.set(rule, { matched: new Set(matched), indices: new Set(file.events.map((e) => e.index)) });
      results.push({
        file: rule.file,
        document: rule.document,
        id: rule.id,
        title: rule.title,
        events: unit.name,
        pipeline: unit.pipeline,
        total: file.events.length,
        matched,
        errors: [
          ...rule.errors.map(diagnosticJson),
          ...(file.unreadable ? [{ code: 'input', message: file.unreadable }] : []),
          ...file.problems.map((p) => ({ code: 'invalid-event', message: p.message, ...(p.line ? { line: p.line } : {}), ...(p.col ? { col: p.col } : {}) })),
          ...(file.moreProblems ? [{ code: 'invalid-event', message: moreProblemsText(file.moreProblems) }] : []),
        ],
      });
    }
  }

  // Correlation rules: evaluated on each events file over the events the referenced rules match.
  const correlationResources = new ResourceCache(createFsLoader());
  for (const unit of units.values()) {
    const file = eventsOf(unit);
    if (file.unreadable) continue;
    const verdicts = testCorrelations(
      texts.map((t) => ({ file: t.name, text: t.text })),
      rulesByPipeline.get(unit.pipeline) ?? [],
      file.events,
      { resources: correlationResources, pipeline: pipelineSources.get(unit.pipeline) ?? unit.pipeline, placeholders, timeField: args.timeField, maxAlternatives: args.maxAlternatives },
    );
    for (const v of verdicts) {
      const c = v.correlation;
      for (const e of v.errors) io.stderr(formatDiagnostic(e, { file: c.origin.file, document: c.origin.document, documents: 2, title: c.title, id: c.id ?? null }, null));
      if (v.errors.length) failed = true;
      const matched = [...new Set(v.fired.flatMap((f) => f.events))].sort((a, b) => a - b);
      results.push({
        file: c.origin.file,
        document: c.origin.document,
        id: c.id ?? null,
        title: c.title,
        events: unit.name,
        pipeline: unit.pipeline,
        total: file.events.length,
        matched,
        fired: v.fired,
        errors: v.errors.map(diagnosticJson),
      });
    }
  }

  // Rule-major order: each rule's results on every events file together.
  const rank = new Map<string, number>();
  for (const rules of rulesByPipeline.values()) for (const r of rules) if (!rank.has(`${r.file}\u0000${r.document}`)) rank.set(`${r.file}\u0000${r.document}`, rank.size);
  const rankOf = (r: TestResult) => rank.get(`${r.file}\u0000${r.document}`) ?? 0;
  results.sort((a, b) => rankOf(a) - rankOf(b));

  if (args.json) io.stdout(results.map((r) => JSON.stringify(r)).join('\n') + (results.length ? '\n' : ''));
  else io.stdout(formatText(results, eventFiles, units));

  const failures = checkExpectations(expectations, (e) => {
    const pipeline = e.pipeline === undefined ? cliPipeline : tester.checkPipeline(expectationPipeline(e.pipeline, path.dirname(path.resolve(args.expect as string))));
    const abs = path.resolve(path.dirname(path.resolve(args.expect as string)), e.events); // confined when the expectations were read
    const file = eventFiles.get(abs);
    if (file?.unreadable) return `cannot read ${e.events}: ${file.unreadable}`;
    const perRule = observations.get(unitKey(abs, pipeline));
    const rules = [...(perRule?.keys() ?? [])].filter((r) => r.id === e.rule);
    const rule = rules[0];
    if (!perRule || !rule) return `no rule with id ${e.rule} among the rules given`;
    if (rule.errors.length) return `the rule cannot be evaluated: ${rule.errors.map((d) => d.message).join('; ')}`;
    return perRule.get(rule) as Observation;
  });
  if (args.expect) {
    const lines = failures.map((f) => {
      const e = f.expectation;
      const what = `rule ${e.rule} on ${e.events}${e.event !== undefined ? `[${e.event}]` : ''}${(e.pipeline ?? cliPipeline) !== 'none' ? ` (pipeline ${e.pipeline ?? cliPipeline})` : ''}`;
      return `${args.expect}: entry ${e.entry + 1}: ${what}: ${f.message}${e.note ? `\n    note: ${e.note}` : ''}`;
    });
    if (lines.length) io.stderr(`unexpected verdicts:\n${lines.join('\n')}`);
  }
  const totalEvents = [...eventFiles.values()].reduce((n, f) => n + f.events.length, 0);
  const matches = results.reduce((n, r) => n + r.matched.length, 0);
  const ruleCount = new Set(results.map((r) => `${r.file}\u0000${r.document}`)).size;
  if (!args.quiet) io.stderr(
    `sigma-convert: ${ruleCount} rule${ruleCount === 1 ? '' : 's'} on ${totalEvents} event${totalEvents === 1 ? '' : 's'} in ${eventFiles.size} file${eventFiles.size === 1 ? '' : 's'}: ${matches} match${matches === 1 ? '' : 'es'}` +
      (args.expect ? `; expectations: ${expectations.length - failures.length} of ${expectations.length} as expected` : ''),
  );
  return failures.length || failed ? ExitCode.RuleFailed : ExitCode.Ok;
}

/**
 * `--events a.jsonl b.jsonl rules/` reads as the issue writes it: the option takes every following word, so
 * the YAML files and folders among them are the rule paths (events are JSON, never YAML).
 */
function separateRulePaths(args: TestArgs): TestArgs {
  const events: string[] = [];
  const paths = [...args.paths];
  for (const e of args.events ?? []) {
    if (/\.ya?ml$/i.test(e) || isDirectory(e)) paths.push(e);
    else events.push(e);
  }
  return { ...args, events, paths };
}

/**
 * A file an expectations entry names (events, or a pipeline file): a relative path inside the expectations file's folder
 * (symlinks resolved), so that a shared expectations file cannot make `test` read, and report on, any
 * file of the machine it runs on. A violation is a usage error naming the entry, never the file's content.
 */
function confinedPath(base: string, rel: string, where: string, key: 'events' | 'pipeline'): string {
  if (path.isAbsolute(rel) || /^[a-zA-Z]:/.test(rel) || rel.startsWith('\\\\')) {
    throw new SigmaError('invalid-value', `${where}: '${key}' must be a path relative to the expectations file's folder, not an absolute path`);
  }
  const abs = path.resolve(base, rel);
  let realBase = base;
  let real = abs;
  try {
    realBase = fs.realpathSync(base);
    real = fs.realpathSync(abs);
  } catch (err) {
    if (!isFsError(err)) throw err;
    // A missing events file is reported when it is read; only the written path is checked here.
  }
  if (!isInside(base, abs) || !isInside(realBase, real)) {
    throw new SigmaError('invalid-value', `${where}: '${key}' must stay inside the expectations file's folder (${base}); '..' and symlinks out of it are refused`);
  }
  return abs;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch (err) {
    if (!isFsError(err)) throw err;
    return false;
  }
}

function diagnosticJson(d: Diagnostic): TestResult['errors'][number] {
  return { code: d.code, message: d.message, ...(d.line ? { line: d.line } : {}), ...(d.col ? { col: d.col } : {}) };
}

/** An expectation's `pipeline`: a built-in name, or a pipeline file relative to the expectations file. */
function expectationPipeline(value: string, base: string, where = ''): string | PipelineSource[] {
  return isPipelineFile(value) ? (readPipelineArgs([where ? confinedPath(base, value, where, 'pipeline') : path.resolve(base, value)]) as PipelineSource[]) : value;
}

const where = (p: EventProblem) => (p.line ? `:${p.line}${p.col ? `:${p.col}` : ''}` : '');
const moreProblemsText = (n: number) => `... and ${n} more problem${n === 1 ? '' : 's'} in this file (not listed)`;

function readEventsFile(unit: Unit, tester: RuleTester): EventsFile {
  let text: string;
  try {
    // Bounded while reading: a regular file larger than the reader accepts is refused from its size, and an
    // endless one as soon as it passes the limit; a FIFO or a device is refused (readBounded).
    text = readBounded(unit.eventsPath, DEFAULT_EVENT_LIMITS.maxTextLength).toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { name: unit.name, events: [], problems: [], moreProblems: 0, unreadable: code === 'ENOENT' ? 'no such file' : (err as Error).message };
  }
  const parsed = isRawLogFile(unit.eventsPath) ? parseRawLines(text) : parseEvents(text);
  return {
    name: unit.name,
    problems: parsed.problems,
    moreProblems: parsed.moreProblems,
    events: parsed.events.map((e) => {
      const accessor = createEventAccessor(e.value);
      return { index: e.index, event: tester.prepareEvent(accessor), summary: () => summarizeEvent(accessor) };
    }),
  };
}

const SUMMARY_FIELDS = ['Table', 'EventID', 'ActionType', 'Image', 'ImageLoaded', 'TargetFilename', 'FolderPath', 'CommandLine', 'ProcessCommandLine'];

/** A one-line description of an event: its kind and the process fields an analyst looks at first. */
function summarizeEvent(ev: EventAccessor): string {
  const clip = (v: unknown) => {
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    return s.length > 100 ? s.slice(0, 97) + '...' : s;
  };
  const parts = SUMMARY_FIELDS.map((f) => [f, ev.get(f)] as const)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
    .map(([f, v]) => `${f}=${clip(v)}`);
  if (parts.length) return parts.join(' ');
  return clip(ev.values().slice(0, 3));
}

function formatText(results: readonly TestResult[], files: ReadonlyMap<string, EventsFile>, units: ReadonlyMap<string, Unit>): string {
  const summaries = new Map<string, Map<number, () => string>>();
  for (const unit of units.values()) {
    const f = files.get(unit.eventsPath);
    if (f && !summaries.has(unit.name)) summaries.set(unit.name, new Map(f.events.map((e) => [e.index, e.summary])));
  }
  const out: string[] = [];
  let current = '';
  for (const r of results) {
    const ruleKey = `${r.file}\u0000${r.document}`;
    if (ruleKey !== current) {
      current = ruleKey;
      out.push(`${r.file}: ${r.title ?? '(untitled)'}${r.id ? ` [${r.id}]` : ''}`);
    }
    const via = r.pipeline !== 'none' ? ` (pipeline ${r.pipeline})` : '';
    if (r.errors.length && r.total === 0) {
      out.push(`  ${r.events}${via}: not evaluated (${r.errors.length} error${r.errors.length === 1 ? '' : 's'})`);
      continue;
    }
    out.push(
      r.fired
        ? `  ${r.events}${via}: fired ${r.fired.length} time${r.fired.length === 1 ? '' : 's'}${r.fired.map((f) => `\n    group ${JSON.stringify(f.group)}: events ${f.events.join(', ')}`).join('')}`
        : `  ${r.events}${via}: ${r.matched.length} of ${r.total} event${r.total === 1 ? '' : 's'} matched`,
    );
    const summary = summaries.get(r.events);
    for (const i of r.matched) out.push(`    [${i}] ${summary?.get(i)?.() ?? ''}`);
  }
  return out.length ? out.join('\n') + '\n' : '';
}
