import * as fs from 'fs';
import * as path from 'path';
import { SigmaError, type Diagnostic } from '../core/errors';
import { Converter, type ConvertOptions, type RuleResult } from '../convert';
import type { Placeholders } from '../rule/modifiers';
import { decodeRuleBytes } from './decode';
import { expandInputs, readBounded, readRuleText, type InputFile } from './inputs';
import { countYamlDocuments } from '../rule/yaml-source';
import { mayHoldCorrelationOrFilter } from '../rule/top-level-keys';
import { formatDiagnostic } from './report';
import { checkOutputPlan, tryWrite, type PlannedWrite } from './output-plan';
import { createFsLoader } from './fs-loader';
import { parseSettings, type SettingsOverrides } from '../output/settings';
import { ExitCode, type CliIO } from './io';
import { convertInParallel } from './parallel-convert';
import { combineStream } from '../output/stream';
import type { FormatDef } from '../render/backend-def';
import { commonRoot, planOutputNames, type NamedOutput } from './output-names';
import { own } from '../core/own';
import { parseUserDataYaml } from '../core/data-yaml';
import { DEFAULT_LIMITS } from '../core/limits';
import { readPipelineArgs } from './pipeline-args';
import { isFsError } from './fs-errors';
import { startV8Tuning, type V8Tuning } from './v8-tuning';

export interface ConvertArgs {
  target: string;
  pipeline?: string[];
  format?: string;
  output?: string;
  json?: boolean;
  table?: string;
  index?: string;
  placeholders?: string;
  maxAlternatives?: number;
  maxFileSize?: number;
  settings?: string;
  debug?: boolean;
  filter?: string[];
  failOnWarning?: boolean;
  quiet?: boolean;
  'allow-unmapped'?: string[];
  'allow-unmapped-all'?: boolean;
  paths: string[];
}

export function loadPlaceholders(file: string): Placeholders {
  let data: unknown;
  try {
    data = parseUserDataYaml(readBoundedText(file, DEFAULT_LIMITS.dataBytes), file, 'placeholder');
  } catch (err) {
    throw new SigmaError('placeholder', `cannot read placeholders file ${file}: ${(err as Error).message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new SigmaError('placeholder', `placeholders file ${file} must be a YAML map of name to a list of values`);
  }
  // Object.fromEntries defines own properties: a placeholder named __proto__ is an ordinary name.
  return Object.fromEntries(
    Object.entries(data as Record<string, unknown>).map(([k, v]) => {
      const list = Array.isArray(v) ? v : [v];
      if (list.some((x) => x !== null && typeof x === 'object')) throw new SigmaError('placeholder', `placeholders file ${file}: '${k}' must be a list of strings`);
      return [k.replace(/^%|%$/g, ''), list.map((x) => String(x))];
    }),
  );
}

function loadSettingsFile(file: string): SettingsOverrides {
  let text: string;
  try {
    text = readBoundedText(file, DEFAULT_LIMITS.dataBytes);
  } catch (err) {
    throw new SigmaError('invalid-value', `cannot read settings file ${file}: ${(err as Error).message}`);
  }
  return parseSettings(text, file);
}

/** `sigma-convert --target T PATH...`: convert rules and print or write the queries. */
export async function runConvert(args: ConvertArgs, io: CliIO): Promise<number> {
  const batched = batchMessages(io);
  const tuning = startV8Tuning();
  try {
    return await convertRun(args, batched.io, tuning);
  } finally {
    tuning.release();
    batched.flush();
  }
}

/**
 * Messages and queries are collected up to this many characters before they are written (a corpus has
 * thousands). Not more: a string past 64 K characters is a large object for V8, measurably slower to build.
 */
const MESSAGE_BATCH = 1 << 15;

/**
 * Message lines written in batches rather than one write each, flushed before any output is written,
 * so that the order of messages and output stays as written.
 */
function batchMessages(io: CliIO): { io: CliIO; flush(): void } {
  let pending: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (pending.length === 0) return;
    const text = pending.join('\n');
    pending = [];
    size = 0;
    io.stderr(text);
  };
  return {
    io: {
      stdout: (text) => {
        flush();
        io.stdout(text);
      },
      stderr: (line) => {
        pending.push(line.endsWith('\n') ? line.slice(0, -1) : line);
        size += line.length;
        if (size >= MESSAGE_BATCH) flush();
      },
    },
    flush,
  };
}

async function convertRun(args: ConvertArgs, io: CliIO, tuning: V8Tuning): Promise<number> {
  const converter = new Converter(createFsLoader());
  let options: ConvertOptions;
  let extension = 'txt';
  // A collection format (e.g. hunting) renders one output per file from all of its rules.
  let collectionFormat = false;
  let formatDef: FormatDef | undefined;
  try {
    options = {
      target: args.target,
      pipeline: readPipelineArgs(args.pipeline),
      format: args.format,
      table: args.table,
      index: args.index,
      placeholders: args.placeholders ? loadPlaceholders(args.placeholders) : undefined,
      settings: args.settings ? loadSettingsFile(args.settings) : undefined,
      allowUnmapped:
        args['allow-unmapped-all'] || args['allow-unmapped']?.length
          ? { all: args['allow-unmapped-all'] === true, fields: args['allow-unmapped'] ?? [] }
          : undefined,
      limits: args.maxAlternatives !== undefined ? { alternatives: positiveLimit(args.maxAlternatives, '--max-alternatives') } : undefined,
    };
    formatDef = converter.plan(options).formatDef;
    extension = formatDef?.extension ?? 'txt';
    collectionFormat = formatDef?.collection === true;
  } catch (err) {
    io.stderr(`sigma-convert: ${(err as Error).message}`);
    return ExitCode.Usage;
  }
  if (args.paths.length === 0) {
    io.stderr('sigma-convert: give at least one rule file, folder, or - for standard input');
    return ExitCode.Usage;
  }
  const { files, problems } = expandInputs(args.paths);
  for (const p of problems) io.stderr(`${p.name}: error[input]: ${p.message}`);
  const toDir = args.output !== undefined && (args.output.endsWith('/') || args.output.endsWith(path.sep) || isDirectory(args.output));
  const separator = formatDef?.separator ?? '\n\n';
  // Outputs that are one query after another go to standard output as each rule is converted; formats whose
  // stream is one document (a JSON array, one ARM template...), -o and --json collect them first.
  const toStdout = !args.output && !args.json && (formatDef?.stream ?? 'separator') === 'separator';
  let printed = 0;
  let pending = '';
  const emit = (block: string): void => {
    pending += (printed++ ? separator : '') + block;
    if (pending.length > MESSAGE_BATCH) {
      io.stdout(pending);
      pending = '';
    }
  };
  let converted = 0;
  let failed = 0;
  let skipped = 0;
  let unreadable = problems.length > 0;
  let warned = 0;
  // What each rule (or, for a collection format, each file) outputs, in input order; --json lines likewise.
  const outputs: { name: NamedOutput; owner: string; text: string; results: readonly RuleResult[] }[] = [];
  const jsonResults: RuleResult[] = [];

  // All files are converted as one rule set, so correlations and filters can name rules of any of them.
  // Each file's text, by its index in `files` (undefined: unreadable, or converted already).
  const texts: (string | undefined)[] = files.map(() => undefined);
  for (const [i, file] of files.entries()) {
    try {
      const text = readRuleText(file, args.maxFileSize !== undefined ? positiveLimit(args.maxFileSize, '--max-file-size') : DEFAULT_LIMITS.fileBytes);
      texts[i] = text;
      tuning.tick(text.length);
    } catch (err) {
      io.stderr(`${file.name}: error[input]: ${(err as Error).message}`);
      unreadable = true;
    }
  }
  let filterTexts: { file: string; text: string }[];
  try {
    filterTexts = (args.filter ?? []).map((f) => {
      const decoded = decodeRuleBytes(readBounded(f, DEFAULT_LIMITS.fileBytes));
      if ('error' in decoded) throw new SigmaError('input', `${f}: ${decoded.error}`);
      return { file: f, text: decoded.text };
    });
  } catch (err) {
    io.stderr(`sigma-convert: cannot read --filter file ${(err as Error).message}`);
    return ExitCode.Usage;
  }
  // Files of plain detection rules are converted document by document and printed as they go, so a large
  // file never holds more than one parsed rule; correlations, filters and .conf stanzas need the whole set.
  const streaming = !collectionFormat && filterTexts.length === 0 && extension !== 'conf' && !texts.some((text) => text !== undefined && mayHoldCorrelationOrFilter(text));
  let all: RuleResult[] | null = null;
  let setError: unknown = null;
  try {
    if (collectionFormat || streaming) all = [];
    else {
      const sources = files.flatMap((f, i) => (texts[i] === undefined ? [] : [{ file: f.name, text: texts[i] as string }]));
      all = (await convertInParallel(converter, sources, options, filterTexts)) ?? converter.convertCollection(sources, options, filterTexts);
    }
  } catch (err) {
    setError = err;
  }

  // Results grouped per file once: filtering the whole list per file is quadratic on a corpus.
  const byFile = new Map<string, RuleResult[]>();
  for (const r of all ?? []) {
    const list = byFile.get(r.file);
    if (list) list.push(r);
    else byFile.set(r.file, [r]);
  }
  for (let i = 0; i < files.length; i++) {
    const file = files[i] as InputFile;
    const text = texts[i];
    if (text === undefined) continue;
    // Nothing reads a file's text after its turn: let it go (a corpus is tens of MB of text).
    texts[i] = undefined;
    tuning.tick();
    let results: Iterable<RuleResult>;
    let collectionText: string | null = null;
    let collectionResults: RuleResult[] = [];
    try {
      if (collectionFormat) {
        const out = converter.convertCollectionFormat(text, file.name, options);
        results = out.results;
        collectionResults = out.results;
        collectionText = out.text;
      } else if (streaming) {
        results = converter.convertTextLazily(text, file.name, options);
      } else {
        if (!all) throw setError;
        results = byFile.get(file.name) ?? [];
      }
    } catch (err) {
      io.stderr(`${file.name}: error[internal]: ${(err as Error).message}`);
      if (args.debug && err instanceof Error && err.stack) io.stderr(err.stack);
      failed++;
      continue;
    }
    // The file's number of documents (labels, output owners) is counted when first needed. Streaming yields one
    // result per document, so a file without documents is one that yielded none; the other paths count first.
    let documents = streaming ? -1 : countYamlDocuments(text);
    const documentCount = (): number => (documents >= 0 ? documents : (documents = countYamlDocuments(text)));
    const skip = (): void => {
      skipped++;
      if (!args.quiet) io.stderr(`${file.name}: warning: the file holds no YAML documents; skipped`);
    };
    if (documents === 0) skip();
    let yielded = false;
    for (const r of results) {
      yielded = true;
      if (r.errors.length || r.warnings.length) {
        const label = { file: file.name, document: r.document, documents: documentCount(), title: r.title, id: r.id };
        for (const e of r.errors) io.stderr(formatDiagnostic(e, label, text));
        if (!args.quiet || args.failOnWarning) for (const w of r.warnings) io.stderr(formatDiagnostic(w, label, text, 'warning'));
      }
      if (r.warnings.length) warned++;
      if (r.ok) converted++;
      else failed++;
      if (args.json) jsonResults.push(r);
      if (r.ok && !collectionFormat) {
        if (toStdout) emit(r.queries.join('\n\n'));
        else outputs.push({ name: { file: file.name, id: r.id, title: r.title, document: r.document }, owner: documentCount() > 1 ? `${file.name} (document ${r.document})` : file.name, text: r.queries.join('\n\n'), results: [r] });
      }
    }
    if (streaming && !yielded && documentCount() === 0) skip();
    // A collection format writes one output for the file, which holds all of its rules.
    if (collectionText !== null) {
      if (toStdout) emit(collectionText);
      else outputs.push({ name: { file: file.name, id: null, title: null, document: null }, owner: file.name, text: collectionText, results: collectionResults.filter((r) => r.ok) });
    }
  }
  // Broken --filter documents: reported like rules (they produce no query).
  for (const r of all ?? []) {
    const f = filterTexts.find((x) => x.file === r.file);
    if (!f || r.ok) continue;
    const label = { file: r.file, document: r.document, documents: countYamlDocuments(f.text), title: r.title, id: r.id };
    for (const e of r.errors) io.stderr(formatDiagnostic(e, label, f.text));
    failed++;
    if (args.json) jsonResults.push(r);
  }

  // -o DIR/: one file per rule, named from the rule, under the inputs' folders relative to their common root.
  // Every write is planned first and checked for collisions (with each other and with the inputs).
  const writes: PlannedWrite[] = [];
  const writeOwner = new Map<PlannedWrite, readonly RuleResult[]>();
  const written = new Map<RuleResult, string>();
  if (toDir && args.output) {
    const names = planOutputNames(outputs.map((o) => o.name), commonRoot(args.paths, isDirectory), extension);
    outputs.forEach((o, i) => {
      const target = path.join(args.output as string, names[i] as string);
      const w: PlannedWrite = { path: target, content: o.text + '\n', owner: o.owner };
      writes.push(w);
      writeOwner.set(w, o.results);
      for (const r of o.results) written.set(r, target);
    });
  }
  let body: string;
  if (args.json) {
    body = jsonResults.map((r) => jsonLine(r, written.get(r) ?? null)).join('\n');
  } else if (toDir || toStdout) {
    body = '';
  } else {
    try {
      body = outputs.length ? combineStream(options.format ?? 'query', formatDef as FormatDef, outputs.map((o) => ({ text: o.text, id: o.results.length === 1 ? (o.results[0]?.id ?? null) : null }))) : '';
    } catch (err) {
      io.stderr(`sigma-convert: ${(err as Error).message}`);
      if (!args.quiet) io.stderr(`sigma-convert: ${converted} converted, ${failed} failed, ${skipped} skipped`);
      return ExitCode.Usage;
    }
  }
  if (body) body += '\n';
  if (args.output && !toDir) writes.push({ path: args.output, content: body, owner: 'this run' });
  // The inputs an output must not overwrite: listed only when something is written.
  const inputs = writes.length === 0 ? [] : [...files.flatMap((f) => (f.path ? [f.path] : [])), ...(args.filter ?? []), ...[args.placeholders, args.settings].filter((f): f is string => f !== undefined)];
  const collisions = checkOutputPlan(writes, inputs);
  if (collisions.length) {
    for (const c of collisions) io.stderr(c);
    io.stderr('sigma-convert: nothing was written');
    return ExitCode.Usage;
  }
  for (const w of writes) {
    const problem = tryWrite(w);
    if (problem === null) continue;
    io.stderr(problem);
    // The rules whose output this was count as failed; the other files are still written.
    const owners = writeOwner.get(w);
    if (!owners) return ExitCode.Usage; // the single -o FILE: the whole run's output
    converted -= owners.length;
    failed += owners.length;
  }
  if (toStdout) io.stdout(printed ? pending + '\n' : '');
  else if (!(args.output && !toDir) && (!toDir || args.json)) io.stdout(body);
  if (!args.quiet) io.stderr(`sigma-convert: ${converted} converted, ${failed} failed, ${skipped} skipped${warned ? `, ${warned} with warnings` : ''}`);
  if (failed > 0) return ExitCode.RuleFailed;
  if (args.failOnWarning && warned > 0) {
    io.stderr(`sigma-convert: ${warned} rule${warned === 1 ? '' : 's'} converted with warnings (--fail-on-warning)`);
    return ExitCode.RuleFailed;
  }
  if (unreadable) return ExitCode.Usage;
  return ExitCode.Ok;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch (err) {
    if (!isFsError(err)) throw err;
    return false;
  }
}

/** One --json line: every documented key present (`output`: the file the rule went to with -o DIR/), an unknown location as null rather than absent. */
function jsonLine(full: RuleResult, output: string | null): string {
  const { mapping: _internal, ...r } = full;
  void _internal;
  const located = (d: Diagnostic) => ({ code: d.code, message: d.message, line: d.line ?? null, col: d.col ?? null });
  return JSON.stringify({ ...r, output, errors: r.errors.map(located), warnings: r.warnings.map(located) });
}

/** Reads a small text file the user names, refusing it before reading when it is larger than `max` bytes (or not a regular file). */
function readBoundedText(file: string, max: number): string {
  const st = fs.statSync(file);
  if (!st.isFile()) throw new SigmaError('input', 'not a regular file');
  if (st.size > max) throw new SigmaError('input', `the file is larger than ${max} bytes`);
  return fs.readFileSync(file, 'utf8');
}

function positiveLimit(n: number, flag: string): number {
  if (!Number.isInteger(n) || n < 1) throw new SigmaError('invalid-value', `${flag} must be a whole number of at least 1`);
  return n;
}
