import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_LIMITS } from '../core/limits';

export interface InputFile {
  /** The name shown to the user ('-' for standard input). */
  readonly name: string;
  /** Absolute path, or null for standard input. */
  readonly path: string | null;
}

export interface ExpandResult {
  readonly files: InputFile[];
  readonly problems: { name: string; message: string }[];
}

const RULE_FILE = /\.ya?ml$/i;

/**
 * yargs drops a bare '-' argument, so main() swaps it for this token before parsing; every path
 * list treats it as standard input.
 */
export const STDIN_TOKEN = '\u0000stdin';

/** Expands PATH arguments: files as given, folders to every *.yml / *.yaml below them (sorted), '-' for stdin. */
export function expandInputs(args: readonly string[]): ExpandResult {
  const files: InputFile[] = [];
  const problems: { name: string; message: string }[] = [];
  for (const arg of args) {
    if (arg === '-' || arg === STDIN_TOKEN) {
      files.push({ name: '-', path: null });
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(arg);
    } catch (err) {
      problems.push({ name: arg, message: `cannot read: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message}` });
      continue;
    }
    if (stat.isDirectory()) walk(arg, files, problems, new Set());
    else files.push({ name: arg, path: path.resolve(arg) });
  }
  return { files, problems };
}

function walk(dir: string, out: InputFile[], problems: { name: string; message: string }[], seen: Set<string>): void {
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch (err) {
    problems.push({ name: dir, message: `cannot read folder: ${(err as Error).message}` });
    return;
  }
  // A symlink back to a folder already being walked would loop forever.
  if (seen.has(real)) return;
  seen.add(real);
  let entries: string[];
  try {
    entries = fs.readdirSync(dir).sort();
  } catch (err) {
    problems.push({ name: dir, message: `cannot read folder: ${(err as Error).message}` });
    return;
  }
  for (const name of entries) {
    const full = path.join(dir, name);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      continue; // a dangling symlink: nothing to convert
    }
    if (stat.isDirectory()) walk(full, out, problems, seen);
    else if (stat.isFile() && RULE_FILE.test(name)) out.push({ name: full, path: path.resolve(full) });
  }
  seen.delete(real);
}

export function readInput(file: InputFile, maxBytes = DEFAULT_LIMITS.fileBytes): Buffer {
  return readBounded(file.path, maxBytes);
}

/**
 * Reads a file (or standard input for null) in chunks and stops with a clear error past `maxBytes`, so an
 * endless or huge input (/dev/zero, a multi-GB file) fails at once instead of exhausting memory.
 */
export function readBounded(file: string | null, maxBytes: number): Buffer {
  const fd = file === null ? 0 : fs.openSync(file, 'r');
  try {
    // A regular file says its size: refused before reading when too large, else read in one go.
    const st = fs.fstatSync(fd);
    if (st.isFile()) {
      if (st.size > maxBytes) throw new Error(`the input is larger than ${maxBytes} bytes, the limit for one file (convert: --max-file-size)`);
      return fs.readFileSync(fd);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
      let n: number;
      try {
        n = fs.readSync(fd, chunk, 0, chunk.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') continue; // a non-blocking stdin with no data yet
        if ((err as NodeJS.ErrnoException).code === 'EOF') break;
        throw err;
      }
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw new Error(`the input is larger than ${maxBytes} bytes, the limit for one file (convert: --max-file-size)`);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } finally {
    if (fd !== 0) fs.closeSync(fd);
  }
}
