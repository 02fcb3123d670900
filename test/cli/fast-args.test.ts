/**
 * The fast parser (src/cli/fast-args.ts) takes a plain conversion command line without yargs. Where it
 * takes one, it must read exactly what yargs reads; where yargs would say something (help, an error, a
 * command), it must leave the command line to yargs. Both are checked here on a matrix of command lines,
 * and whole runs (exit status, stdout, stderr) are compared between main() and the yargs path.
 */
import * as path from 'path';
import { COMMAND_NAMES } from '../../src/cli/cli-options';
import type { ConvertArgs } from '../../src/cli/convert-command';
import { fastConvertArgs } from '../../src/cli/fast-args';
import { STDIN_TOKEN } from '../../src/cli/inputs';
import type { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { mainWithYargs } from '../../src/cli/yargs-main';

const root = path.resolve(__dirname, '..', '..');
const RULE = path.join(root, 'sigma', 't1040', 'net_sniffing_t1040.yml');
const T1040 = path.join(root, 'sigma', 't1040');

/** What yargs hands the convert command for this command line (undefined: yargs ran no conversion). */
async function yargsArgs(argv: readonly string[]): Promise<Record<string, unknown> | undefined> {
  let seen: Record<string, unknown> | undefined;
  const silent: CliIO = { stdout: () => undefined, stderr: () => undefined };
  await mainWithYargs(argv, silent, async (args) => {
    seen = { ...(args as unknown as Record<string, unknown>) };
    return 0;
  });
  if (seen) {
    delete seen._;
    delete seen.$0;
  }
  return seen;
}

const fast = (argv: readonly string[]): ConvertArgs | null => fastConvertArgs(argv.map((a) => (a === '-' ? STDIN_TOKEN : a)));

/** Command lines the fast parser takes. */
const TAKEN: readonly (readonly string[])[] = [
  ['--target', 'kql', RULE],
  ['-t', 'kql', RULE],
  ['--target=kql', RULE],
  [RULE, '--target', 'splunk'],
  [RULE, '-t', 'eql', T1040],
  ['-t', 'kql', '-'],
  ['-t', 'kql', '-o', '-', RULE],
  ['-t', 'kql', '-p', 'sentinel', RULE],
  ['-t', 'kql', '--pipeline', 'a.yml', '-p', 'b.yml', '--pipeline=c', RULE],
  ['-t', 'kql', '--format', 'hunting', RULE],
  ['-t', 'kql', '-f', 'query', '--json', RULE],
  ['-t', 'kql', '--output', 'out/', RULE],
  ['-t', 'kql', '--output=', RULE],
  ['-t', 'kql', '--table', 'Events', '--index', 'main', RULE],
  ['-t', 'kql', '--placeholders', 'p.yml', '--settings', 's.yml', RULE],
  ['-t', 'kql', '--filter', 'f1.yml', '--filter', 'f2.yml', RULE],
  ['-t', 'kql', '--fail-on-warning', RULE],
  ['-t', 'kql', '--warnings-as-errors', RULE],
  ['-t', 'kql', '--allow-unmapped', 'A', '--allow-unmapped', 'B', '--allow-unmapped-all', RULE],
  ['-t', 'kql', '--debug', '-q', RULE],
  ['-t', 'kql', '--quiet', RULE],
  ['-t', 'kql', 'a=b.yml'],
  ['-t', 'kql', 'with space.yml', 'x=y', '@file', '1a.yml', 'list.yml'],
  ['-t', 'kql', '--table', '', RULE],
  ['-t', 'kql'],
  ['-t', 'kql', 'nosuch/dir'],
];

/** Command lines the fast parser leaves to yargs (help, errors, commands, forms it does not read). */
const LEFT: readonly (readonly string[])[] = [
  [],
  ['--help'],
  ['-h'],
  ['--version'],
  ['-t', 'kql', '--help', RULE],
  ['list', 'targets'],
  ['-t', 'kql', 'list', 'targets'],
  ['validate', RULE],
  ['test', RULE],
  ['completion'],
  ['lisst', 'targets'],
  [RULE],
  ['--fromat', 'query', '-t', 'kql', RULE],
  ['-t', 'kql', '--failOnWarning', RULE],
  ['-t', 'kql', '--no-json', RULE],
  ['-t', 'kql', '--json', 'true', RULE],
  ['-t', 'kql', '--json', 'false', RULE],
  ['-t', 'kql', '--json=true', RULE],
  ['-t', 'kql', '--json', '--json', RULE],
  ['-t', 'kql', '-t', 'splunk', RULE],
  ['-t', 'kql', '--max-alternatives', '10', RULE],
  ['-t', 'kql', '--max-file-size=1000', RULE],
  ['-qt', 'kql', RULE],
  ['-t=kql', RULE],
  ['-tkql', RULE],
  ['-t', 'kql', '--', RULE],
  ['-t', 'kql', '--output', '-x', RULE],
  ['-t', '--json', RULE],
  ['-t', 'kql', '--table', '12', RULE],
  ['-t', 'kql', '12'],
  ['-t', 'kql', '0x1F'],
  ['-t', 'kql', '--target.x', 'y', RULE],
  ['-t', 'kql', RULE, '--table'],
  ['-t', 'kql', '--get-yargs-completions'],
];

describe('the fast parser and yargs agree', () => {
  test('the command names are the ones yargs lists in its help', async () => {
    let help = '';
    const log = jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void (help += parts.join(' ') + '\n'));
    try {
      expect(await mainWithYargs(['--help'], { stdout: (t) => (help += t), stderr: (l) => (help += l) })).toBe(0);
    } finally {
      log.mockRestore();
    }
    const listed = [...help.matchAll(/^ {2}sigma-convert (\w+)/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...COMMAND_NAMES].sort());
  });

  test.each(TAKEN.map((argv) => [argv.join(' '), argv] as const))('takes %s, and reads what yargs reads', async (_, argv) => {
    const mine = fast(argv);
    expect(mine).not.toBeNull();
    expect({ ...mine }).toEqual(await yargsArgs(argv));
  });

  test.each(LEFT.map((argv) => [argv.join(' '), argv] as const))('leaves %s to yargs', (_, argv) => {
    expect(fast(argv)).toBeNull();
  });
});

describe('whole runs: main() prints what the yargs path prints', () => {
  async function run(entry: (argv: readonly string[], io: CliIO) => Promise<number>, argv: readonly string[]) {
    let stdout = '';
    let stderr = '';
    const code = await entry(argv, { stdout: (t) => (stdout += t), stderr: (l) => (stderr += l.endsWith('\n') ? l : l + '\n') });
    return { code, stdout, stderr };
  }
  test.each([
    [['-t', 'kql', RULE]],
    [['-t', 'splunk', '--json', T1040]],
    [['-t', 'kqll', RULE]],
    [['-t', 'kql', '-p', 'sentinal', RULE]],
    [['-t', 'kql', '-f', 'nosuch', RULE]],
    [['-t', 'kql', 'nosuch.yml']],
    [['-t', 'kql']],
    [['-t', 'kql', '-p', 'none', '-p', 'x.yml', RULE]],
    [['-t', 'kql', '--fail-on-warning', '-q', T1040]],
  ])('%j', async (argv) => {
    expect(fast(argv)).not.toBeNull();
    expect(await run(main, argv)).toEqual(await run(mainWithYargs, argv));
  });
});
