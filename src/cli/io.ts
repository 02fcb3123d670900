import { terminalText } from '../render/escape';

/** Where the CLI writes: injectable so tests can run commands in-process. */
export interface CliIO {
  stdout(text: string): void;
  stderr(line: string): void;
}

export const ExitCode = { Ok: 0, RuleFailed: 1, Usage: 2 } as const;

/**
 * Messages quote titles, file names and event values: on a terminal their escape sequences would run,
 * so controls are shown as `\xNN` (escape.ts terminalText). Standard output carries the queries as they are.
 */
export const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (line) => process.stderr.write(terminalText(line.endsWith('\n') ? line : line + '\n')),
};
