/**
 * `npm run corpus`: converts the SigmaHQ corpus with every target and pipeline and prints, per pipeline,
 * what converted, what was refused by cause (error code and reason class), what converted through a value
 * transformation, which fields were allowed unmapped, what crashed, and (KQL) what Microsoft's analyser
 * rejects. Options: --reasons N (top reason classes per code, default 5), --messages (full refusal messages
 * instead of classes), --examples (print failing KQL), --no-kql (skip Microsoft's analyser: conversion
 * counts only, in seconds), --json (one JSON summary per pipeline per line, for before/after tables),
 * --allow-unmapped-all (keep fields outside the field schemas, to count what they refuse).
 */
import * as path from 'path';
import { Converter } from '../src/convert';
import { createFsLoader } from '../src/cli/fs-loader';
import { CORPUS_CONFIGS, allQueries, convertCorpus, findCorpus, readCorpus, summarise, type ConfigStats, type KqlProblems, type ReasonClassStats } from './corpus-run';
import { checkKqlInChild, classifyKqlProblem } from './kusto-check';

const ROOT = path.resolve(__dirname, '..', '..');

function pct(n: number, of: number): string {
  return of ? `${((100 * n) / of).toFixed(1)}%` : '-';
}

const clip = (text: string, n = 160) => (text.length > n ? text.slice(0, n - 3) + '...' : text);
const top = <T>(m: ReadonlyMap<string, T>, count: (v: T) => number, n: number) => [...m].sort((a, b) => count(b[1]) - count(a[1]) || (a[0] < b[0] ? -1 : 1)).slice(0, n);

interface PrintOptions {
  readonly topReasons: number;
  readonly examples: boolean;
  readonly messages: boolean;
}

function printStats(s: ConfigStats, o: PrintOptions): void {
  const label = `${s.config.target} / ${s.config.pipeline}`;
  const refusedTotal = [...s.refused.values()].reduce((a, b) => a + b, 0);
  console.log(`\n## ${label}`);
  console.log(`  converted ${s.converted} / ${s.rules} (${pct(s.converted, s.rules)}), refused ${refusedTotal}, crashed ${s.crashed.length}`);
  console.log(`  converted through a value transformation: ${s.viaValueTransform}`);
  for (const [t, n] of top(s.transforms, (v) => v, o.topReasons)) console.log(`      ${String(n).padStart(5)}  ${clip(t)}`);
  console.log(`  converted with fields allowed unmapped: ${s.withAllowedUnmapped}`);
  for (const [f, n] of top(s.allowedFields, (v) => v, o.topReasons)) console.log(`      ${String(n).padStart(5)}  ${clip(f)}`);
  console.log(`  rules with unmapped-field warnings: ${s.withWarnings}`);
  if (s.kql) {
    console.log(`  KQL analyser: ${s.kql.syntax} queries with syntax errors, ${s.kql.unknownNames} with unknown columns/tables, ${s.kql.semantic} with other errors`);
    if (o.examples) for (const e of s.kql.examples) console.log(`    ${e}`);
  }
  if (s.specificCategory !== undefined) {
    console.log(`  specific event category (not 'any'): ${s.specificCategory} / ${s.converted} (${pct(s.specificCategory, s.converted)})`);
  }
  for (const [code, n] of [...s.refused].sort((a, b) => b[1] - a[1])) {
    console.log(`  refused [${code}]: ${n}`);
    if (o.messages) {
      for (const [message, count] of top(s.reasons.get(code) ?? new Map<string, number>(), (v) => v, o.topReasons)) console.log(`      ${String(count).padStart(5)}  ${clip(message)}`);
      continue;
    }
    const classes = s.classes.get(code) ?? new Map<string, ReasonClassStats>();
    for (const [cls, { count, example, subjects }] of top(classes, (v) => v.count, o.topReasons)) {
      console.log(`      ${String(count).padStart(5)}  ${clip(cls)}`);
      const names = top(subjects, (v) => v, 6).map(([name, n]) => `${clip(name, 50)} (${n})`);
      if (names.length > 1) console.log(`             most: ${names.join(', ')}${subjects.size > 6 ? `, ... ${subjects.size - 6} more` : ''}`);
      else console.log(`             e.g. ${clip(example, 150)}`);
    }
    if (classes.size > o.topReasons) console.log(`             (${classes.size - o.topReasons} more reason classes; --reasons N shows more)`);
  }
  for (const c of s.crashed.slice(0, 10)) console.log(`  CRASH ${c.key}: ${c.message}`);
}

/** One pipeline's counts as plain JSON (maps as objects), for tables that compare two runs. */
function statsJson(s: ConfigStats): Record<string, unknown> {
  const obj = <T>(m: ReadonlyMap<string, T>) => Object.fromEntries(m);
  return {
    target: s.config.target,
    pipeline: s.config.pipeline,
    rules: s.rules,
    converted: s.converted,
    refused: obj(s.refused),
    refusedByClass: Object.fromEntries([...s.classes].map(([code, m]) => [code, Object.fromEntries([...m].map(([c, v]) => [c, v.count]))])),
    viaValueTransform: s.viaValueTransform,
    withAllowedUnmapped: s.withAllowedUnmapped,
    allowedUnmappedFields: obj(s.allowedFields),
    crashed: s.crashed.length,
    withWarnings: s.withWarnings,
    ...(s.kql ? { kql: { syntax: s.kql.syntax, unknownNames: s.kql.unknownNames, semantic: s.kql.semantic } } : {}),
    ...(s.specificCategory !== undefined ? { specificCategory: s.specificCategory } : {}),
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const reasonsAt = argv.indexOf('--reasons');
  const topReasons = reasonsAt >= 0 ? Number(argv[reasonsAt + 1] ?? 5) : 5;
  const print: PrintOptions = { topReasons, examples: argv.includes('--examples'), messages: argv.includes('--messages') };
  const json = argv.includes('--json');
  const analyse = !argv.includes('--no-kql');
  const allowUnmapped = argv.includes('--allow-unmapped-all') ? { all: true } : undefined;
  const corpus = findCorpus(ROOT);
  if (!corpus) {
    console.error(`corpus: no SigmaHQ corpus at ${path.resolve(ROOT, '..', 'shared', 'sigmahq')} (set SIGMA_CORPUS to its folder)`);
    return 2;
  }
  const started = Date.now();
  const files = readCorpus(corpus);
  const converter = new Converter(createFsLoader(ROOT));
  const say = json ? (t: string) => console.error(t) : (t: string) => console.log(t);
  say(`# SigmaHQ corpus: ${corpus} (${files.length} files)`);
  const okByConfig = new Map<string, Set<string>>();
  let failures = 0;
  // Convert everything first, then run Microsoft's (slow) analyser in one child process per KQL schema, in parallel.
  const runs = CORPUS_CONFIGS.map((config) => {
    const outcomes = convertCorpus(converter, files, config, allowUnmapped);
    const schema = converter.pipeline(config.pipeline).schema;
    const problems: Promise<KqlProblems> | null = analyse && config.target === 'kql' && schema ? checkKqlInChild(ROOT, schema, allQueries(outcomes)) : null;
    return { config, outcomes, problems };
  });
  for (const { config, outcomes, problems } of runs) {
    const stats = summarise(config, outcomes, problems ? { problems: await problems, classify: classifyKqlProblem } : undefined);
    if (json) console.log(JSON.stringify(statsJson(stats)));
    else printStats(stats, print);
    okByConfig.set(`${config.target}/${config.pipeline}`, new Set(outcomes.filter((o) => o.ok).map((o) => o.key)));
    failures += stats.crashed.length + (stats.kql ? stats.kql.syntax + stats.kql.unknownNames + stats.kql.semantic : 0);
  }
  const union = new Set([...(okByConfig.get('kql/defender-xdr') ?? []), ...(okByConfig.get('kql/sentinel') ?? [])]);
  say(`\n## KQL: Defender XDR + Sentinel, distinct rules converted by either: ${union.size}`);
  say(`## EQL: distinct rules converted: ${okByConfig.get('eql/ecs')?.size ?? 0}`);
  say(`## Lucene: distinct rules converted: ${okByConfig.get('lucene/ecs')?.size ?? 0}`);
  say(`## ES|QL: distinct rules converted: ${okByConfig.get('esql/ecs')?.size ?? 0}`);
  say(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return failures ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 2;
  },
);
