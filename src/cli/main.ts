import { runConvert } from './convert-command';
import { fastConvertArgs } from './fast-args';
import { STDIN_TOKEN } from './inputs';
import { ExitCode, guardClosedOutput, processIO, type CliIO } from './io';

/**
 * Parses the command line and runs one command; resolves to the exit status.
 * A plain conversion is read by the fast parser (fast-args.ts) and run at once; every other command
 * line goes to yargs (yargs-main.ts), which is loaded only then.
 */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const args = argv.map((a) => (a === '-' ? STDIN_TOKEN : a));
  const fast = fastConvertArgs(args);
  if (fast === null) {
    // yargs and the other commands may write to process.stdout themselves: use the streams from here on.
    if (io === processIO) guardClosedOutput();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('./yargs-main') as typeof import('./yargs-main')).mainWithYargs(argv, io);
  }
  try {
    return await runConvert(fast, io);
  } catch (err) {
    // What the yargs path prints for an error thrown by the command (an unknown target, pipeline or format).
    io.stderr(`sigma-convert: ${(err as Error).message}`);
    return ExitCode.Usage;
  }
}
