import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_LIMITS } from '../core/limits';
import { isFsError } from './fs-errors';
import { SigmaError } from '../core/errors';
import { decodeRuleBytes } from './decode';

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

/** What a non-regular file is, in words ('a FIFO (named pipe)'), or null for a regular file or folder. */
export function specialKind(stat: fs.Stats | fs.Dirent): string | null {
  if (stat.isFile() || stat.isDirectory()) return null;
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Expands PATH arguments: files as given, folders to every *.yml / *.yaml below them (sorted), '-'
 * for stdin. Inputs are regular files: devices, FIFOs and sockets are refused (reading them would
 * hang or never end), and a symlink inside a folder must stay inside that folder (the root given).
 */
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
    const special = specialKind(stat);
    if (special) problems.push({ name: arg, message: `${special}, not a rule file; skipped (use - to read standard input)` });
    else if (stat.isDirectory()) walkRoot(arg, files, problems);
    else files.push({ name: arg, path: path.resolve(arg) });
  }
  return { files, problems };
}

/** Is `child` (a real path) the folder `root` or inside it? */
export function isInside(root: string, child: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * A stand-in entry name: a name read from a folder has no separator and is not `.` or `..`, so joining or
 * resolving it only appends it, and the path built with this one, less its last character, is the prefix
 * (`rules/`, or `` for the folder `.`).
 */
const ENTRY = '_';

function entryPrefix(joined: string): string {
  return joined.slice(0, -ENTRY.length);
}

function walkRoot(root: string, out: InputFile[], problems: { name: string; message: string }[]): void {
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
  } catch (err) {
    problems.push({ name: root, message: `cannot read folder: ${(err as Error).message}` });
    return;
  }
  // Iterative depth-first walk in sorted order (files and folders interleaved, as `ls -R` lists them):
  // the depth of a folder tree is not ours to bound. The frames on the stack are the current folder's
  // ancestors; a symlink back to one of them would loop forever, so it is skipped.
  // Entries come with their type (no lstat for the regular files and folders that make up a rule tree).
  // An entry's names are `shown + name` (path.join(dir, name)), `absolute + name` (path.resolve(dir, name)) and,
  // unless a symlink, `realPrefix + name`: the path functions cost a corpus walk tens of milliseconds, so they
  // run for the root only and a folder's prefixes are its parent's with its name (which has no separator).
  interface Frame { readonly dir: string; readonly real: string; readonly shown: string; readonly absolute: string; readonly realPrefix: string; readonly entries: fs.Dirent[]; next: number }
  const open = (dir: string, real: string, shown: string, absolute: string): Frame | null => {
    try {
      const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return { dir, real, shown, absolute, realPrefix: real.endsWith(path.sep) ? real : real + path.sep, entries, next: 0 };
    } catch (err) {
      problems.push({ name: dir, message: `cannot read folder: ${(err as Error).message}` });
      return null;
    }
  };
  const first = open(root, realRoot, entryPrefix(path.join(root, ENTRY)), entryPrefix(path.resolve(root, ENTRY)));
  const stack: Frame[] = first ? [first] : [];
  while (stack.length) {
    const frame = stack[stack.length - 1] as Frame;
    const entry = frame.entries[frame.next++];
    if (entry === undefined) {
      stack.pop();
      continue;
    }
    const name = entry.name;
    if (entry.isFile()) {
      if (RULE_FILE.test(name)) out.push({ name: frame.shown + name, path: frame.absolute + name });
      continue;
    }
    const full = frame.shown + name;
    let symlink = entry.isSymbolicLink();
    let stat: fs.Stats | fs.Dirent = entry;
    if (symlink || !entry.isDirectory()) {
      try {
        // What a symlink points to; or a type the listing did not say (some file systems), which may be a symlink.
        if (!symlink) symlink = fs.lstatSync(full).isSymbolicLink();
        stat = fs.statSync(full);
      } catch (err) {
        if (!isFsError(err)) throw err;
        continue; // a dangling symlink: nothing to convert
      }
    }
    if (!stat.isDirectory() && !RULE_FILE.test(name)) continue;
    let real = frame.realPrefix + name;
    if (symlink) {
      try {
        real = fs.realpathSync(full);
      } catch (err) {
        if (!isFsError(err)) throw err;
        continue;
      }
      if (!isInside(realRoot, real)) {
        problems.push({ name: full, message: `a symlink to ${real}, outside the folder ${root} given; not followed` });
        continue;
      }
    }
    const special = specialKind(stat);
    if (special) problems.push({ name: full, message: `${special}, not a rule file; skipped` });
    else if (stat.isFile()) out.push({ name: full, path: frame.absolute + name });
    else if (!stack.some((f) => f.real === real)) {
      const child = open(full, real, full + path.sep, frame.absolute + name + path.sep);
      if (child) stack.push(child);
    }
  }
}

/**
 * Reads and decodes one input of expandInputs() (decode.ts: UTF-8 or UTF-16 with a BOM); an input that cannot
 * be used throws a SigmaError('input') saying why (unreadable, too large, not a regular file, not text).
 */
export function readRuleText(file: InputFile, maxBytes = DEFAULT_LIMITS.fileBytes): string {
  let decoded: ReturnType<typeof decodeRuleBytes>;
  try {
    decoded = decodeRuleBytes(file.path === null ? readBounded(null, maxBytes) : readListedFile(file.path, maxBytes));
  } finally {
    // Do not keep a large file's worth of buffer for the rest of the run.
    if (scratch.length > SCRATCH_KEPT) scratch = Buffer.allocUnsafe(SCRATCH_START);
  }
  if ('error' in decoded) throw new SigmaError('input', decoded.error);
  return decoded.text;
}

/** The buffer every listed file is read into, grown as a file needs (up to its bound): no allocation per file. */
const SCRATCH_START = 1 << 16;
const SCRATCH_KEPT = 1 << 20;
let scratch = Buffer.allocUnsafe(SCRATCH_START);

const tooLarge = (maxBytes: number): SigmaError => new SigmaError('input', `the input is larger than ${maxBytes} bytes, the limit for one file (convert: --max-file-size)`);

/**
 * Reads a file that expandInputs() found to be a regular file, until end of file, into the scratch buffer
 * (the result is a view of it: decode it before the next read). It is not asked for its size (an fstat
 * per file cost a corpus run more than the reads): it is read until EOF, at most `maxBytes` + 1 bytes. Should
 * something else have been swapped in since (a FIFO or a device), the file is checked only when a read says
 * so (no data yet, no data at all, or more than the bound), and refused with what it is; nothing is read forever.
 */
function readListedFile(file: string, maxBytes: number): Buffer {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const refuseIfSpecial = (st = fs.fstatSync(fd)): void => {
      const special = specialKind(st);
      if (special) throw new SigmaError('input', `${special}, not a regular file`);
    };
    let filled = 0;
    for (;;) {
      const room = Math.min(scratch.length, maxBytes + 1) - filled;
      if (room === 0) {
        if (filled > maxBytes) {
          refuseIfSpecial();
          throw tooLarge(maxBytes);
        }
        let size = scratch.length * 2;
        if (size > SCRATCH_KEPT) {
          // A large file: its size says at once whether it is over the bound, and how much room it needs.
          const st = fs.fstatSync(fd);
          refuseIfSpecial(st);
          if (st.size > maxBytes) throw tooLarge(maxBytes);
          size = Math.max(size, st.size + 1);
        }
        const grown = Buffer.allocUnsafe(Math.min(size, maxBytes + 1));
        scratch.copy(grown, 0, 0, filled);
        scratch = grown;
        continue;
      }
      let n: number;
      try {
        n = fs.readSync(fd, scratch, filled, room, null);
      } catch (err) {
        // A non-blocking read with nothing to give: a pipe or a device, not a file.
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') refuseIfSpecial();
        throw err;
      }
      if (n === 0) break;
      filled += n;
    }
    // An empty file is read as one (no documents); a FIFO without a writer reads as empty too.
    if (filled === 0) refuseIfSpecial();
    return scratch.subarray(0, filled);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads a file (or standard input for null) in chunks and stops with a clear error past `maxBytes`, so an
 * endless or huge input (/dev/zero, a multi-GB file) fails at once instead of exhausting memory. A named
 * file is opened without blocking and checked once open: a FIFO or a device (also one swapped in after
 * the folder walk) is refused, never read forever.
 */
export function readBounded(file: string | null, maxBytes: number): Buffer {
  const fd = file === null ? 0 : fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    // A regular file says its size: refused before reading when too large, else read in one go.
    const st = fs.fstatSync(fd);
    const special = file === null ? null : specialKind(st);
    if (special) throw new SigmaError('input', `${special}, not a regular file`);
    // (A size of 0 may be a file that does not know its size, as in /proc: read below, in chunks, as for a pipe.)
    if (st.isFile() && st.size > 0) {
      if (st.size > maxBytes) throw tooLarge(maxBytes);
      // Read with the size already known (readFileSync would ask for it again).
      const bytes = Buffer.allocUnsafe(st.size);
      let filled = 0;
      while (filled < bytes.length) {
        const n = fs.readSync(fd, bytes, filled, bytes.length - filled, null);
        if (n === 0) break; // shrank while being read
        filled += n;
      }
      return filled === bytes.length ? bytes : bytes.subarray(0, filled);
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
      if (total > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } finally {
    if (fd !== 0) fs.closeSync(fd);
  }
}
