/**
 * `npm run bench`: converts the whole SigmaHQ corpus with the built CLI, one child process per
 * target (output to /dev/null), and prints wall time, rules per second and peak memory; then the
 * cold-start time of converting one small rule (median of BENCH_COLD_RUNS=21 runs, interleaved with
 * `node -e 0`; wall time and the CPU time the process reports, scripts/cpu-probe.ts).
 * BENCH_COLD_BEFORE=path/to/other/bin/sigma-convert.js adds that build's cold starts to the same
 * round-robin, for before/after figures taken under the same load; BENCH_COLD_ONLY=1 prints only those.
 * Peak memory comes from `/usr/bin/time -v` when present, else from a wrapper process that reads
 * process.resourceUsage() of the CLI run in-process. Then where the time goes, phase by phase
 * (scripts/bench-phases.ts). BENCH_CLI=path/to/sigma-convert.js measures another build's CLI
 * (e.g. an older checkout, for before/after figures); BENCH_RUNS sets the runs per corpus figure.
 * The machine's load average is printed: on a shared machine, compare figures taken together.
 */
import { benchEvaluate } from './bench-evaluate';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CORPUS_FOLDERS, findCorpus, readCorpus } from './corpus-run';
import { benchPhases } from './bench-phases';
import { createFsLoader } from '../src/cli/fs-loader';
import { listTargets } from '../src/render/backend-def';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = process.env.BENCH_CLI ? path.resolve(process.env.BENCH_CLI) : path.join(ROOT, 'bin', 'sigma-convert.js');
const TARGETS = listTargets(createFsLoader(ROOT));
const SMALL_RULE = path.join(ROOT, 'sigma', 't1040', 'net_sniffing_t1040.yml');
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 21);
const CORPUS_RUNS = Number(process.env.BENCH_RUNS ?? 3);
const GOALS = { corpusSeconds: 0.5, coldMs: 110, peakMb: 120, largeSeconds: 10, largePeakMb: 400 };

interface RunResult {
  readonly wallMs: number;
  /** User + system CPU time of the CLI process (all its threads), when /usr/bin/time reports it. */
  readonly cpuMs: number | null;
  readonly peakMb: number | null;
  readonly status: number | null;
}

const TIME_BIN = '/usr/bin/time';
const hasGnuTime = fs.existsSync(TIME_BIN) && spawnSync(TIME_BIN, ['-v', 'true']).status === 0;

/** Runs the CLI once; the wall time is measured here, around the whole child process. */
function runCli(args: readonly string[]): RunResult {
  const started = process.hrtime.bigint();
  if (hasGnuTime) {
    const r = spawnSync(TIME_BIN, ['-v', process.execPath, CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const report = r.stderr.toString('utf8');
    const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
    const user = /User time \(seconds\): ([\d.]+)/.exec(report);
    const system = /System time \(seconds\): ([\d.]+)/.exec(report);
    const cpuMs = user && system ? (Number(user[1]) + Number(system[1])) * 1000 : null;
    return { wallMs, cpuMs, peakMb: kb ? Number(kb[1]) / 1024 : null, status: r.status };
  }
  // No GNU time: a wrapper runs the CLI in its own process and reports its peak RSS on fd 3.
  const bundle = path.join(path.dirname(CLI), '..', 'dist', 'src', 'cli', 'bundle.js');
  const entry = fs.existsSync(bundle) ? bundle : path.join(path.dirname(CLI), '..', 'dist', 'src', 'cli', 'main.js');
  const wrapper = `const m=require(${JSON.stringify(entry)});` +
    `m.main(process.argv.slice(1)).then((c)=>{require('fs').writeSync(3,String(process.resourceUsage().maxRSS));process.exitCode=c;});`;
  const r = spawnSync(process.execPath, ['-e', wrapper, '--', ...args], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const out = (r.output[3] as Buffer | null)?.toString('utf8') ?? '';
  return { wallMs, cpuMs: null, peakMb: out ? Number(out) / 1024 : null, status: r.status };
}

/** Preloaded into cold-start runs: reports the CPU time of the process on fd 3 (scripts/cpu-probe.ts). */
const CPU_PROBE = path.join(__dirname, 'cpu-probe.js');

/**
 * One cold start: wall time around the child process; CPU time (all threads, in ms) as the process
 * itself measures it at exit, with no /usr/bin/time in between (its figures come in 10 ms steps).
 */
function runCold(args: readonly string[]): RunResult {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', CPU_PROBE, ...args], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = Number((r.output[3] as Buffer | null)?.toString('utf8'));
  return { wallMs, cpuMs: Number.isFinite(cpu) && cpu > 0 ? cpu : null, peakMb: null, status: r.status };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function mark(ok: boolean): string {
  return ok ? 'ok' : 'OVER';
}

function main(): number {
  const corpus = findCorpus(ROOT);
  if (!corpus) {
    console.error(`bench: no SigmaHQ corpus at ${path.resolve(ROOT, '..', 'shared', 'sigmahq')} (set SIGMA_CORPUS to its folder)`);
    return 2;
  }
  const folders = CORPUS_FOLDERS.map((f) => path.join(corpus, f)).filter((f) => fs.existsSync(f));
  const rules = readCorpus(corpus).length;
  const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`# sigma-convert benchmark: ${rules} rule files from ${corpus}`);
  console.log(`CLI ${path.relative(process.cwd(), CLI) || CLI}; ${os.availableParallelism()} cores; load average ${load()} (figures on a busy machine are slower)`);
  console.log(`peak memory from ${hasGnuTime ? '/usr/bin/time -v' : 'process.resourceUsage() in a wrapper'}; goals: < ${GOALS.corpusSeconds} s per target, < ${GOALS.coldMs} ms cold start, < ${GOALS.peakMb} MB\n`);

  // BENCH_COLD_ONLY=1: the cold-start figures only (a quick before/after of start-up work).
  const coldOnly = process.env.BENCH_COLD_ONLY === '1';
  if (!coldOnly) console.log(`## whole corpus, one process per target (output to /dev/null), median of ${CORPUS_RUNS} runs`);
  for (const target of coldOnly ? [] : TARGETS) {
    const runs = Array.from({ length: CORPUS_RUNS }, () => runCli(['--target', target, ...folders]));
    const seconds = median(runs.map((r) => r.wallMs)) / 1000;
    const cpus = runs.map((r) => r.cpuMs).filter((c): c is number => c !== null);
    const peaks = runs.map((r) => r.peakMb).filter((p): p is number => p !== null);
    const peakMb = peaks.length ? Math.max(...peaks) : null;
    const peak = peakMb === null ? 'n/a' : `${peakMb.toFixed(0)} MB`;
    const cpu = cpus.length ? `, CPU ${(median(cpus) / 1000).toFixed(2)} s` : '';
    console.log(
      `  ${target.padEnd(7)} ${seconds.toFixed(2)} s [${mark(seconds < GOALS.corpusSeconds)}]${cpu}  ${Math.round(rules / seconds)} rules/s  peak ${peak} [${mark((peakMb ?? 0) < GOALS.peakMb)}]  (exit ${runs[0]?.status}: rules some pipeline refuses exit 1)`,
    );
  }

  console.log(`\n## cold start: one small rule (${path.relative(ROOT, SMALL_RULE)}), median of ${COLD_RUNS} runs, interleaved with node -e 0`);
  // Round-robin, so that a change in the machine's load touches every figure alike.
  const before = process.env.BENCH_COLD_BEFORE ? path.resolve(process.env.BENCH_COLD_BEFORE) : undefined;
  const labels = before ? TARGETS.flatMap((t) => [t, `${t} before`]) : TARGETS;
  const cold = new Map<string, RunResult[]>([['node', []], ...labels.map((t) => [t, []] as [string, RunResult[]])]);
  for (let i = 0; i < COLD_RUNS; i++) {
    cold.get('node')?.push(runCold(['-e', '0']));
    for (const target of TARGETS) {
      cold.get(target)?.push(runCold([CLI, '--target', target, SMALL_RULE]));
      if (before) cold.get(`${target} before`)?.push(runCold([before, '--target', target, SMALL_RULE]));
    }
  }
  if (before) console.log(`  ("before": ${before})`);
  const coldCpu = (runs: readonly RunResult[]): number | null => {
    const cpus = runs.map((r) => r.cpuMs).filter((c): c is number => c !== null);
    return cpus.length ? median(cpus) : null;
  };
  const nodeRuns = cold.get('node') ?? [];
  const nodeWall = median(nodeRuns.map((r) => r.wallMs));
  const nodeCpu = coldCpu(nodeRuns);
  console.log(`  node -e 0 ${nodeWall.toFixed(0)} ms (the floor)${nodeCpu === null ? '' : `, CPU ${nodeCpu.toFixed(0)} ms`}`);
  for (const target of labels) {
    const runs = cold.get(target) ?? [];
    const times = runs.map((r) => r.wallMs);
    const m = median(times);
    const cpu = coldCpu(runs);
    const cpuText = cpu === null ? '' : `, CPU ${cpu.toFixed(0)} ms${nodeCpu === null ? '' : ` (node + ${(cpu - nodeCpu).toFixed(0)})`}`;
    console.log(`  ${target.padEnd(before ? 14 : 7)} ${m.toFixed(0)} ms [${mark(m <= GOALS.coldMs)}]  (min ${Math.min(...times).toFixed(0)} ms, node + ${(m - nodeWall).toFixed(0)} ms${cpuText}; exit ${runs[0]?.status})`);
  }

  if (coldOnly) {
    console.log(`\nload average at the end: ${load()}`);
    return 0;
  }
  const big = writeLargeRuleFile(21_000);
  try {
    const mb = fs.statSync(big).size / 1024 / 1024;
    console.log(`\n## one large file: 21,000 rules in ${mb.toFixed(0)} MB, converted document by document (goals: < ${GOALS.largeSeconds} s, < ${GOALS.largePeakMb} MB)`);
    for (const target of TARGETS) {
      const r = runCli(['--target', target, big]);
      const seconds = r.wallMs / 1000;
      const peak = r.peakMb === null ? 'n/a' : `${r.peakMb.toFixed(0)} MB`;
      // CPU time too: on a shared machine the wall time mostly says how busy it was.
      const cpu = r.cpuMs === null ? '' : `, CPU ${(r.cpuMs / 1000).toFixed(2)} s`;
      console.log(`  ${target.padEnd(7)} ${seconds.toFixed(2)} s [${mark(seconds < GOALS.largeSeconds)}]${cpu}  peak ${peak} [${mark((r.peakMb ?? 0) < GOALS.largePeakMb)}]  (exit ${r.status})`);
    }
  } finally {
    fs.rmSync(path.dirname(big), { recursive: true, force: true });
  }

  if (!process.env.BENCH_CLI) {
    console.log('\n## where the time goes: each phase over the whole corpus, in one process (default pipeline, format query)');
    for (const target of TARGETS) {
      const p = benchPhases(corpus, target);
      const total = p.phases.reduce((n, x) => n + x.ms, 0);
      console.log(`  ${target.padEnd(7)} ${p.phases.map((x) => `${x.name} ${x.ms.toFixed(0)}`).join(', ')}  (ms; total ${total.toFixed(0)} ms, ${p.rules} queries)`);
    }
  }
  console.log(`\nload average at the end: ${load()}`);

  const events = Number(process.env.BENCH_EVENTS ?? 1_000_000);
  if (events === 0) return 0; // BENCH_EVENTS=0: conversion figures only
  console.log(`\n## evaluation (sigma-convert test): the T1040 pack on ${events.toLocaleString('en')} generated events`);
  const e = benchEvaluate(events, ROOT);
  console.log(
    `  ${Math.round(e.eventsPerSecond).toLocaleString('en')} events/s in memory (${Math.round(e.eventsPerCpuSecond).toLocaleString('en')} per CPU second), ` +
      `${Math.round(e.eventsPerSecondFromJson).toLocaleString('en')} events/s from JSON Lines; ${e.rules} rules, ${e.matches} matches`,
  );
  return 0;
}

/** A multi-document file of `count` generated process-creation rules (about 2.3 KB each) in a fresh temp folder. */
function writeLargeRuleFile(count: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-bench-'));
  const file = path.join(dir, 'large.yml');
  const fd = fs.openSync(file, 'w');
  try {
    for (let i = 0; i < count; i++) {
      const values = Array.from({ length: 30 }, (_, j) => `            - 'value-${i}-${j}-${'x'.repeat(30)}'`).join('\n');
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      fs.writeSync(
        fd,
        `${i ? '---\n' : ''}title: Generated rule ${i}\nid: ${id}\nstatus: test\ndescription: generated rule ${i} ${'d'.repeat(100)}\n` +
          `logsource:\n    category: process_creation\n    product: windows\ndetection:\n    selection:\n        CommandLine|contains:\n${values}\n    condition: selection\nlevel: medium\n`,
      );
    }
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

process.exitCode = main();
