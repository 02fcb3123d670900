import { terminalText } from '../render/escape';

/** Where the CLI writes: injectable so tests can run commands in-process. */
export interface CliIO {
  stdout(text: string): void;
  stderr(line: string): void;
}

export const ExitCode = { Ok: 0, RuleFailed: 1, Usage: 2 } as const;

/** Set once the reader of stdout or stderr has gone (`sigma-convert ... | head`): later writes are dropped. */
const closed = { stdout: false, stderr: false };

/**
 * Messages quote titles, file names and event values: on a terminal their escape sequences would run,
 * so controls are shown as `\xNN` (escape.ts terminalText). Standard output carries the queries as they are.
 */
export const processIO: CliIO = {
  stdout: (text) => {
    if (!closed.stdout) process.stdout.write(text);
  },
  stderr: (line) => {
    if (!closed.stderr) process.stderr.write(terminalText(line.endsWith('\n') ? line : line + '\n'));
  },
};

let guarded = false;

/**
 * A closed pipe (EPIPE) is how a reader says it has read enough: end quietly with the usual exit
 * status instead of an unhandled 'error' event and a stack trace. Other stream errors still surface.
 */
export function guardClosedOutput(): void {
  if (guarded) return;
  guarded = true;
  for (const name of ['stdout', 'stderr'] as const) {
    process[name].on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      closed[name] = true;
    });
  }
}
