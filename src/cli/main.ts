import yargs from 'yargs';
import { addConvertOptions, runConvert, type ConvertArgs } from './convert-command';
import { runList } from './list-command';
import type { TestArgs } from './test-command';
import type { ValidateArgs } from './validate-command';
import type { ServeArgs } from './serve-command';
import type { SiteArgs } from './site-command';
import { ExitCode, processIO, type CliIO } from './io';
import { STDIN_TOKEN } from './inputs';

const VERSION = '0.1.0';

// The test and validate commands pull in their own dependencies (re2js, ajv, schemas):
// load them only when that command runs, so a conversion starts faster.
/* eslint-disable @typescript-eslint/no-require-imports */
const testCommand = () => require('./test-command') as typeof import('./test-command');
const validateCommand = () => require('./validate-command') as typeof import('./validate-command');
const serveCommand = () => require('./serve-command') as typeof import('./serve-command');
const siteCommand = () => require('./site-command') as typeof import('./site-command');
/* eslint-enable @typescript-eslint/no-require-imports */

/** Parses the command line and runs one command; resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  let exit: number = ExitCode.Ok;
  const parser = yargs(argv.map((a) => (a === '-' ? STDIN_TOKEN : a)))
    .scriptName('sigma-convert')
    .usage('$0 --target <kql|splunk|eql> [options] PATH...\n\nConvert Sigma rules (files, folders, or - for stdin) into SIEM queries.')
    .command(
      'list <what>',
      'list available targets, pipelines or formats',
      (y) => y.positional('what', { choices: ['targets', 'pipelines', 'formats'] as const, demandOption: true }),
      (a) => {
        exit = runList(String(a.what), io);
      },
    )
    .command(
      'validate [paths..]',
      'check rules against the Sigma specification (and, with --target/--pipeline, that they convert)',
      (y) => validateCommand().addValidateOptions(y).positional('paths', { type: 'string', array: true, describe: 'rule files, folders, or - for stdin' }),
      (a) => {
        exit = validateCommand().runValidate({ ...(a as unknown as ValidateArgs), paths: (a.paths as string[] | undefined) ?? [] }, io, VERSION);
      },
    )
    .command(
      'test [paths..]',
      'evaluate rules on events (JSON Lines or a JSON array), optionally against an expectations file',
      (y) => testCommand().addTestOptions(y).positional('paths', { type: 'string', array: true, describe: 'rule files or folders' }),
      (a) => {
        exit = testCommand().runTest({ ...(a as unknown as TestArgs), paths: (a.paths as string[] | undefined) ?? [] }, io);
      },
    )
    .command(
      'site [paths..]',
      'render rules as a static detection site: one HTML page per rule and target, and an index searchable by technique, tactic and logsource',
      (y) => siteCommand().addSiteOptions(y).positional('paths', { type: 'string', array: true, describe: 'rule files or folders' }),
      (a) => {
        exit = siteCommand().runSite({ ...(a as unknown as SiteArgs), paths: (a.paths as string[] | undefined) ?? [] }, io);
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
      (y) => addConvertOptions(y).positional('paths', { type: 'string', array: true, describe: 'rule files, folders, or - for stdin' }),
      (a) => {
        exit = runConvert({ ...(a as unknown as ConvertArgs), paths: (a.paths as string[] | undefined) ?? [] }, io);
      },
    )
    .version(VERSION)
    .help()
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      io.stderr(`sigma-convert: ${msg ?? err?.message ?? 'invalid command line'}\nRun 'sigma-convert --help' for usage.`);
      exit = ExitCode.Usage;
    })
    .wrap(Math.min(100, process.stdout.columns || 100));
  try {
    await parser.parseAsync();
  } catch (err) {
    io.stderr(`sigma-convert: ${(err as Error).message}`);
    return ExitCode.Usage;
  }
  return exit;
}
