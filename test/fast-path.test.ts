import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../src/cli/main';
import { CORPUS_FOLDERS, findCorpus } from '../scripts/corpus-run';
import { PLACEHOLDERS_FILE } from '../scripts/golden-cases';
import { TARGETS, noneSourceArgs } from './support/targets';

/**
 * The fast path (bin/sigma-convert.js: the esbuild bundle, files converted in parts, on worker
 * threads) must print exactly what the plain in-process path prints (the TypeScript modules, one
 * rule set, one thread): stdout, stderr and exit status, byte for byte, for every target, on the
 * golden rule folders and on the SigmaHQ corpus.
 */
const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'sigma-convert.js');
const BUNDLE = path.join(ROOT, 'dist', 'src', 'cli', 'bundle.js');

interface Output {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The plain path: the CLI's main() from the TypeScript sources, in this process, relative to ROOT. */
async function inProcess(args: readonly string[], cwd = ROOT): Promise<Output> {
  let stdout = '';
  let stderr = '';
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const status = await main(args, {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (line) => {
        stderr += line.endsWith('\n') ? line : line + '\n';
      },
    });
    return { status, stdout, stderr };
  } finally {
    process.chdir(before);
  }
}

/** The fast path: the built CLI in a child process; `env` can force workers and tiny parts. */
function fastPath(args: readonly string[], env: Record<string, string> = {}, cwd = ROOT): Output {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Workers on every run, with parts of two files: rule sets are cut wherever they can be. */
const FORCED = { SIGMA_CONVERT_WORKERS: '2', SIGMA_CONVERT_PART_FILES: '2' };

/** The golden rule folders and how the goldens convert them (scripts/golden-cases.ts). */
const GOLDEN_RUNS: readonly { readonly dir: string; readonly args: (target: string) => string[] }[] = [
  { dir: 'sigma', args: () => ['--placeholders', PLACEHOLDERS_FILE] },
  { dir: 'test/rules/correlation', args: () => ['--placeholders', PLACEHOLDERS_FILE] },
  { dir: 'test/rules/filters', args: () => ['--placeholders', PLACEHOLDERS_FILE] },
  { dir: 'test/rules/features/mapped', args: () => ['--placeholders', PLACEHOLDERS_FILE] },
  { dir: 'test/rules/features/none', args: (t) => ['--pipeline', 'none', '--placeholders', PLACEHOLDERS_FILE, ...noneSourceArgs(t)] },
  { dir: 'test/rules/invalid', args: (t) => ['--pipeline', 'none', ...noneSourceArgs(t)] },
];

beforeAll(() => {
  if (!fs.existsSync(BUNDLE)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
});

describe('the fast path prints what the plain path prints', () => {
  test('the bundle is what bin/sigma-convert.js runs', () => {
    expect(fs.existsSync(BUNDLE)).toBe(true);
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(BIN)}); setImmediate(() => console.log(Object.keys(require.cache).some((f) => f === ${JSON.stringify(BUNDLE)})))`, '--', '--version'], { encoding: 'utf8' });
    expect(r.stdout.trim().split('\n').pop()).toBe('true');
  });

  const goldenCases = GOLDEN_RUNS.flatMap((run) => TARGETS.map((target) => [run.dir, target, run] as const));
  test.each(goldenCases)('%s, %s', async (dir, target, run) => {
    const args = ['--target', target, ...run.args(target), dir];
    const plain = await inProcess(args);
    expect(plain.stdout.length + plain.stderr.length).toBeGreaterThan(0);
    expect(fastPath(args, FORCED)).toEqual(plain);
  });

  test.each([...TARGETS])('--json lines from workers, %s', async (target) => {
    const args = ['--target', target, '--json', '--pipeline', 'none', ...noneSourceArgs(target), 'test/rules/invalid', 'test/rules/features/none'];
    const plain = await inProcess(args);
    expect(plain.stdout).toMatch(/"ok":false/);
    expect(fastPath(args, FORCED)).toEqual(plain);
  });

  test('an id in two parts is a duplicate, as in one set', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-fast-'));
    try {
      const rule = (title: string) => `title: ${title}\nid: 5d6c4a8e-4a3b-4b1e-9a55-1f0b6c1e2a01\nlogsource: {category: process_creation, product: windows}\ndetection:\n  sel:\n    Image|endswith: '\\\\${title}.exe'\n  condition: sel\n`;
      for (const name of ['a', 'b', 'c', 'd']) fs.writeFileSync(path.join(dir, `${name}.yml`), rule(name));
      // .conf stanzas are converted as one set (not document by document), so ids are compared across files.
      const args = ['-t', 'splunk', '-f', 'savedsearch', '.'];
      const plain = await inProcess(args, dir);
      expect(plain.stderr).toMatch(/also names rule 'a'/);
      expect(fastPath(args, FORCED, dir)).toEqual(plain);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

const corpus = findCorpus(ROOT);
const describeCorpus = corpus ? describe : describe.skip;
if (!corpus) {
  // Visible in the test log: the corpus half of this suite did not run.
  console.warn(`fast-path.test: SigmaHQ corpus not found at ${path.resolve(ROOT, '..', 'shared', 'sigmahq')} (set SIGMA_CORPUS); corpus comparison skipped`);
}

describeCorpus('the fast path on the SigmaHQ corpus', () => {
  test.each([...TARGETS])('%s: default workers and parts print what one set in one thread prints', async (target) => {
    const folders = CORPUS_FOLDERS.map((f) => path.join(corpus as string, f)).filter((f) => fs.existsSync(f));
    const args = ['--target', target, ...folders];
    const plain = await inProcess(args);
    expect(plain.stdout.length).toBeGreaterThan(100_000);
    // Two threads even on a one-core machine, so the join of worker results is what is compared.
    const fast = fastPath(args, { SIGMA_CONVERT_WORKERS: '2' });
    expect(fast.status).toBe(plain.status);
    expect(fast.stderr === plain.stderr).toBe(true);
    expect(fast.stdout === plain.stdout).toBe(true);
  });
});
