/**
 * `npm run bench`: converts the whole SigmaHQ corpus with the built CLI, one child process per
 * target (output to /dev/null), and prints wall time, rules per second and peak memory; then the
 * cold-start time of converting one small rule (median of several runs).
 * Peak memory comes from `/usr/bin/time -v` when present, else from a wrapper process that reads
 * process.resourceUsage() of the CLI run in-process.
 */
import { benchEvaluate } from './bench-evaluate';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CORPUS_FOLDERS, findCorpus, readCorpus } from './corpus-run';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'sigma-convert.js');
const TARGETS = ['kql', 'splunk', 'eql'] as const;
const SMALL_RULE = path.join(ROOT, 'sigma', 't1040', 'net_sniffing_t1040.yml');
const COLD_RUNS = 7;
const GOALS = { corpusSeconds: 0.8, coldMs: 150, peakMb: 250, largeSeconds: 10, largePeakMb: 400 };

interface RunResult {
  readonly wallMs: number;
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
    const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr.toString('utf8'));
    return { wallMs, peakMb: kb ? Number(kb[1]) / 1024 : null, status: r.status };
  }
  // No GNU time: a wrapper runs the CLI in its own process and reports its peak RSS on fd 3.
  const wrapper = `const m=require(${JSON.stringify(path.join(ROOT, 'dist', 'src', 'cli', 'main.js'))});` +
    `m.main(process.argv.slice(1)).then((c)=>{require('fs').writeSync(3,String(process.resourceUsage().maxRSS));process.exitCode=c;});`;
  const r = spawnSync(process.execPath, ['-e', wrapper, '--', ...args], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const out = (r.output[3] as Buffer | null)?.toString('utf8') ?? '';
  return { wallMs, peakMb: out ? Number(out) / 1024 : null, status: r.status };
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
  console.log(`# sigma-convert benchmark: ${rules} rule files from ${corpus}`);
  console.log(`peak memory from ${hasGnuTime ? '/usr/bin/time -v' : 'process.resourceUsage() in a wrapper'}; goals: < ${GOALS.corpusSeconds} s per target, < ${GOALS.coldMs} ms cold start, < ${GOALS.peakMb} MB\n`);

  console.log('## whole corpus, one process per target (output to /dev/null)');
  for (const target of TARGETS) {
    const r = runCli(['--target', target, ...folders]);
    const seconds = r.wallMs / 1000;
    const peak = r.peakMb === null ? 'n/a' : `${r.peakMb.toFixed(0)} MB`;
    console.log(
      `  ${target.padEnd(7)} ${seconds.toFixed(2)} s [${mark(seconds < GOALS.corpusSeconds)}]  ${Math.round(rules / seconds)} rules/s  peak ${peak} [${mark((r.peakMb ?? 0) < GOALS.peakMb)}]  (exit ${r.status}: rules some pipeline refuses exit 1)`,
    );
  }

  console.log(`\n## cold start: one small rule (${path.relative(ROOT, SMALL_RULE)}), median of ${COLD_RUNS} runs`);
  for (const target of TARGETS) {
    const times = Array.from({ length: COLD_RUNS }, () => runCli(['--target', target, SMALL_RULE]).wallMs);
    const m = median(times);
    console.log(`  ${target.padEnd(7)} ${m.toFixed(0)} ms [${mark(m < GOALS.coldMs)}]  (min ${Math.min(...times).toFixed(0)} ms)`);
  }

  const big = writeLargeRuleFile(21_000);
  try {
    const mb = fs.statSync(big).size / 1024 / 1024;
    console.log(`\n## one large file: 21,000 rules in ${mb.toFixed(0)} MB, converted document by document (goals: < ${GOALS.largeSeconds} s, < ${GOALS.largePeakMb} MB)`);
    for (const target of TARGETS) {
      const r = runCli(['--target', target, big]);
      const seconds = r.wallMs / 1000;
      const peak = r.peakMb === null ? 'n/a' : `${r.peakMb.toFixed(0)} MB`;
      console.log(`  ${target.padEnd(7)} ${seconds.toFixed(2)} s [${mark(seconds < GOALS.largeSeconds)}]  peak ${peak} [${mark((r.peakMb ?? 0) < GOALS.largePeakMb)}]  (exit ${r.status})`);
    }
  } finally {
    fs.rmSync(path.dirname(big), { recursive: true, force: true });
  }

  const events = Number(process.env.BENCH_EVENTS ?? 1_000_000);
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
