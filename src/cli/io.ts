import * as fs from 'fs';
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
 * Whether a stream is written through process.stdout / process.stderr. Until then it is written with
 * fs.writeSync on its file descriptor: creating Node's stream objects (and loading node:stream, node:net
 * or node:tty for them) costs a one-rule run several milliseconds. Both ways write synchronously, in
 * order. A descriptor that cannot take the data now (EAGAIN: a non-blocking pipe that is full) is handed
 * to its stream, which waits; so does everything after it, from then on.
 */
const viaStream = { stdout: false, stderr: false };

const FD = { stdout: 1, stderr: 2 } as const;

function write(name: 'stdout' | 'stderr', text: string): void {
  if (closed[name] || text === '') return;
  if (viaStream[name]) {
    process[name].write(text);
    return;
  }
  // The string is written as it is (no Buffer made for it: measurably cheaper for a corpus' output); only the
  // rest of a partial write is encoded, to go on from the byte where the descriptor stopped.
  let bytes: Buffer | null = null;
  let done = 0;
  try {
    done = fs.writeSync(FD[name], text);
    if (done === Buffer.byteLength(text, 'utf8')) return;
    bytes = Buffer.from(text, 'utf8');
    while (done < bytes.length) done += fs.writeSync(FD[name], bytes, done, bytes.length - done);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN') {
      useStreams();
      process[name].write(bytes ? bytes.subarray(done) : text);
      return;
    }
    if (code === 'EPIPE') {
      closedPipe(name);
      return;
    }
    throw err;
  }
}

/**
 * A closed pipe (EPIPE) is how a reader says it has read enough: end quietly instead of printing a stack
 * trace. Standard output gone: the run ends now, with the exit status set so far (as other tools do);
 * standard error gone: later messages are dropped.
 */
function closedPipe(name: 'stdout' | 'stderr'): void {
  closed[name] = true;
  if (name === 'stdout') process.exit(process.exitCode ?? 0);
}

/**
 * Messages quote titles, file names and event values: on a terminal their escape sequences would run,
 * so controls are shown as `\xNN` (escape.ts terminalText). Standard output carries the queries as they are.
 */
export const processIO: CliIO = {
  stdout: (text) => write('stdout', text),
  stderr: (line) => write('stderr', terminalText(line.endsWith('\n') ? line : line + '\n')),
};

let guarded = false;

/**
 * From here on, processIO writes through process.stdout and process.stderr (code that writes to them
 * itself, such as yargs' help, stays in order with it), and a closed pipe on either ends quietly.
 */
export function guardClosedOutput(): void {
  useStreams();
}

function useStreams(): void {
  viaStream.stdout = viaStream.stderr = true;
  if (guarded) return;
  guarded = true;
  for (const name of ['stdout', 'stderr'] as const) {
    process[name].on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      closedPipe(name);
    });
  }
}
