/**
 * `npm run corpus`: converts the SigmaHQ corpus with every target and pipeline and prints what
 * converted, what was refused and why, what crashed, and (KQL) what Microsoft's analyser rejects.
 * Options: --reasons N (top refusal messages per code, default 5), --examples (print failing KQL),
 * --no-kql (skip Microsoft's analyser: conversion counts only, in seconds), --allow-unmapped-all (count
 * what the field schemas refuse as allowed fields instead).
 */
import * as path from 'path';
import { Converter } from '../src/convert';
import { createFsLoader } from '../src/cli/fs-loader';
import { CORPUS_CONFIGS, allQueries, convertCorpus, findCorpus, readCorpus, summarise, type ConfigStats, type KqlProblems } from './corpus-run';
import { checkKqlInChild, classifyKqlProblem } from './kusto-check';

const ROOT = path.resolve(__dirname, '..', '..');

function pct(n: number, of: number): string {
  return of ? `${((100 * n) / of).toFixed(1)}%` : '-';
}

function printStats(s: ConfigStats, topReasons: number, examples: boolean): void {
  const label = `${s.config.target} / ${s.config.pipeline}`;
  const refusedTotal = [...s.refused.values()].reduce((a, b) => a + b, 0);
  console.log(`\n## ${label}`);
  console.log(`  converted ${s.converted} / ${s.rules} (${pct(s.converted, s.rules)}), refused ${refusedTotal}, crashed ${s.crashed.length}`);
  console.log(`  rules with unmapped-field warnings: ${s.withWarnings}`);
  const allowed = [...s.allowedUnmapped].sort((a, b) => b[1] - a[1]);
  console.log(`  fields allowed outside the field schema: ${allowed.length ? allowed.map(([f, n]) => `${f} (${n})`).join(', ') : 'none'}`);
  if (s.kql) {
    console.log(`  KQL analyser: ${s.kql.syntax} queries with syntax errors, ${s.kql.unknownNames} with unknown columns/tables, ${s.kql.semantic} with other errors`);
    if (examples) for (const e of s.kql.examples) console.log(`    ${e}`);
  }
  if (s.specificCategory !== undefined) {
    console.log(`  specific event category (not 'any'): ${s.specificCategory} / ${s.converted} (${pct(s.specificCategory, s.converted)})`);
  }
  for (const [code, n] of [...s.refused].sort((a, b) => b[1] - a[1])) {
    console.log(`  refused [${code}]: ${n}`);
    const reasons = [...(s.reasons.get(code) ?? new Map<string, number>())].sort((a, b) => b[1] - a[1]).slice(0, topReasons);
    for (const [message, count] of reasons) console.log(`      ${String(count).padStart(5)}  ${message.length > 160 ? message.slice(0, 157) + '...' : message}`);
  }
  for (const c of s.crashed.slice(0, 10)) console.log(`  CRASH ${c.key}: ${c.message}`);
}

async function main(argv: readonly string[]): Promise<number> {
  const reasonsAt = argv.indexOf('--reasons');
  const topReasons = reasonsAt >= 0 ? Number(argv[reasonsAt + 1] ?? 5) : 5;
  const examples = argv.includes('--examples');
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
  console.log(`# SigmaHQ corpus: ${corpus} (${files.length} files)`);
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
    printStats(stats, topReasons, examples);
    okByConfig.set(`${config.target}/${config.pipeline}`, new Set(outcomes.filter((o) => o.ok).map((o) => o.key)));
    failures += stats.crashed.length + (stats.kql ? stats.kql.syntax + stats.kql.unknownNames + stats.kql.semantic : 0);
  }
  const union = new Set([...(okByConfig.get('kql/defender-xdr') ?? []), ...(okByConfig.get('kql/sentinel') ?? [])]);
  console.log(`\n## KQL: Defender XDR + Sentinel, distinct rules converted by either: ${union.size}`);
  console.log(`## EQL: distinct rules converted: ${okByConfig.get('eql/ecs')?.size ?? 0}`);
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
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
