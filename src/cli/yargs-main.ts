// The factory, not the 'yargs' entry: that one also builds a global instance (and reads package.json)
// at load, which every run would pay for and none uses.
import yargs from 'yargs/yargs';
import type { Argv } from 'yargs';
import { runConvert, type ConvertArgs } from './convert-command';
import { CONVERT_OPTIONS, GLOBAL_OPTIONS, type CliOption } from './cli-options';
import { LIST_SUBJECTS, runList } from './list-command';
import type { TestArgs } from './test-command';
import type { ValidateArgs } from './validate-command';
import type { ServeArgs } from './serve-command';
import type { SiteArgs } from './site-command';
import { ExitCode, type CliIO } from './io';
import { STDIN_TOKEN } from './inputs';
import { suggestCommand, unknownOptionMessage, type KnownOptions } from './strict';

const VERSION = '0.1.0';

// The test and validate commands pull in their own dependencies (re2js, ajv, schemas):
// load them only when that command runs, so a conversion starts faster.
/* eslint-disable @typescript-eslint/no-require-imports */
const testCommand = () => require('./test-command') as typeof import('./test-command');
const validateCommand = () => require('./validate-command') as typeof import('./validate-command');
const serveCommand = () => require('./serve-command') as typeof import('./serve-command');
const siteCommand = () => require('./site-command') as typeof import('./site-command');
/* eslint-enable @typescript-eslint/no-require-imports */

/** A command-line mistake: reported once, with a hint, exit status 2. */
class UsageError extends Error {}

const USAGE = `$0 --target <target> [options] PATH...

Convert Sigma rules (files, folders, or - for stdin) into SIEM queries.
Targets: $0 list targets.
Commands: list, validate, test, completion ($0 <command> -h for each).`;

/**
 * Parses the command line with yargs and runs one command; resolves to the exit status. main.ts sends
 * here every command line its fast parser does not take. `convert` runs the convert command (tests
 * replace it to see the arguments yargs read).
 */
export async function mainWithYargs(argv: readonly string[], io: CliIO, convert: typeof runConvert = runConvert): Promise<number> {
  let exit: number = ExitCode.Ok;
  const parser = yargs(argv.map((a) => (a === '-' ? STDIN_TOKEN : a)))
    .scriptName('sigma-convert')
    .usage(USAGE)
    .command(
      'list [what]',
      'list available targets, pipelines or formats',
      (y) => y.positional('what', { type: 'string', describe: LIST_SUBJECTS.join(', ') }),
      (a) => {
        if (a.what === undefined) throw new UsageError(`say what to list: sigma-convert list <${LIST_SUBJECTS.join('|')}>`);
        exit = runList(String(a.what), io);
      },
    )
    .command(
      'validate [paths..]',
      'check rules against the Sigma specification (and, with --target/--pipeline, that they convert)',
      (y) => validateCommand().addValidateOptions(y).positional('paths', { type: 'string', array: true, describe: 'rule files, folders, or - for stdin' }),
      (a) => {
        exit = validateCommand().runValidate(withPaths<ValidateArgs>(a), io, VERSION);
      },
    )
    .command(
      'test [paths..]',
      'evaluate rules on events (JSON Lines or a JSON array), optionally against an expectations file',
      (y) => testCommand().addTestOptions(y).positional('paths', { type: 'string', array: true, describe: 'rule files or folders' }),
      (a) => {
        exit = testCommand().runTest(withPaths<TestArgs>(a), io);
      },
    )
    .command(
      'site [paths..]',
      'render rules as a static detection site: one HTML page per rule and target, and an index searchable by technique, tactic and logsource',
      (y) => siteCommand().addSiteOptions(y).positional('paths', { type: 'string', array: true, describe: 'rule files or folders' }),
      (a) => {
        exit = siteCommand().runSite(withPaths<SiteArgs>(a), io);
      },
    )
    .command(
      'serve',
      'serve the converter page (built by npm run web) on localhost',
      (y) => serveCommand().addServeOptions(y),
      async (a) => {
        exit = await serveCommand().runServe(a as unknown as ServeArgs, io);
      },
    )
    .command(
      '$0 [paths..]',
      'convert rules',
      (y) => addOptions(y, CONVERT_OPTIONS).positional('paths', { type: 'string', array: true, describe: 'rule files, folders, or - for stdin' }),
      async (a) => {
        exit = await convert(withPaths<ConvertArgs>(a), io);
      },
    )
    .options(yargsOptions(GLOBAL_OPTIONS, { global: true }))
    .completion('completion', 'print a bash/zsh completion script (add it to ~/.bashrc or ~/.zshrc)')
    .version(VERSION)
    .help()
    .alias('help', 'h')
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      // Thrown, not recorded: yargs would otherwise still run the command's handler.
      if (err && !(err instanceof UsageError)) throw err;
      throw new UsageError(unknownOptionMessage(msg ?? err?.message ?? 'invalid command line', (parser as unknown as { getOptions(): KnownOptions }).getOptions()));
    })
    .wrap(Math.min(100, process.stdout.columns || 100));

  if (argv.length === 0) {
    io.stderr(`${await parser.getHelp()}\n\nsigma-convert: nothing to do: give --target and rule files (see above)`);
    return ExitCode.Usage;
  }
  // Shell completion: the script, or (when the shell asks, with --get-yargs-completions) the words;
  // the rest of the command line is unfinished by nature, so nothing is validated or run.
  if (argv[0] === 'completion') {
    if (argv[1] === '-h' || argv[1] === '--help') {
      io.stdout('sigma-convert completion\n\nPrint a bash/zsh completion script; install it with: sigma-convert completion >> ~/.bashrc (or ~/.zshrc)\n');
      return ExitCode.Ok;
    }
    if (argv.length > 1) {
      io.stderr(`sigma-convert: completion takes no arguments; run: sigma-convert completion >> ~/.bashrc`);
      return ExitCode.Usage;
    }
    parser.showCompletionScript();
    return ExitCode.Ok;
  }
  if (argv.includes('--get-yargs-completions')) {
    await parser.parseAsync().catch(() => undefined);
    return ExitCode.Ok;
  }
  // The commands as registered (other modules may add theirs): for "did you mean" and the help hint.
  const commands = (parser as unknown as { getInternalMethods(): { getCommandInstance(): { getCommands(): string[] } } })
    .getInternalMethods()
    .getCommandInstance()
    .getCommands()
    .filter((c) => c !== '$0');
  const typo = suggestCommand(argv, commands);
  if (typo) {
    io.stderr(`sigma-convert: ${typo}\nRun 'sigma-convert --help' for usage.`);
    return ExitCode.Usage;
  }
  try {
    await parser.parseAsync();
  } catch (err) {
    const hint = err instanceof UsageError ? `\nRun 'sigma-convert ${commandOf(argv, commands)}--help' for usage.` : '';
    io.stderr(`sigma-convert: ${(err as Error).message}${hint}`);
    return ExitCode.Usage;
  }
  return exit;
}

/** `validate ` when the command line is for a named command (so its own --help is suggested). */
function commandOf(argv: readonly string[], commands: readonly string[]): string {
  const first = argv[0];
  return first !== undefined && commands.includes(first) ? `${first} ` : '';
}


/** The options of cli-options.ts as yargs takes them. */
function yargsOptions(table: ReadonlyMap<string, CliOption>, extra: { global?: boolean } = {}) {
  const out: Record<string, CliOption & { nargs?: number; global?: boolean }> = {};
  for (const [name, o] of table) out[name] = { ...o, ...(o.array ? { nargs: 1 } : {}), ...extra };
  return out;
}

function addOptions<T>(y: Argv<T>, table: ReadonlyMap<string, CliOption>) {
  return y.options(yargsOptions(table));
}

/** A command's parsed arguments, with its positional paths (none given: an empty list). */
function withPaths<T extends { paths: string[] }>(a: Record<string, unknown>): T {
  return { ...(a as unknown as T), paths: (a.paths as string[] | undefined) ?? [] };
}
