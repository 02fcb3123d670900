import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from './atomic-write';

/** One file the run will write, and whose output it is (for messages). */
export interface PlannedWrite {
  readonly path: string;
  readonly content: string;
  /** e.g. `rules/a.yml` or `rules/a.yml (document 2)`. */
  readonly owner: string;
}

/** File systems that fold case (macOS, Windows by default): `A.kql` and `a.kql` are one file there. */
const FOLDS_CASE = process.platform === 'darwin' || process.platform === 'win32';
const key = (p: string) => (FOLDS_CASE ? p.toLowerCase() : p);

function realOrResolved(p: string): string {
  const abs = path.resolve(p);
  try {
    return fs.realpathSync(abs);
  } catch {
    // Not there yet: its folder may still be a symlink to somewhere that matters.
    try {
      return path.join(fs.realpathSync(path.dirname(abs)), path.basename(abs));
    } catch {
      return abs;
    }
  }
}

/**
 * Problems that must stop the run before anything is written: two outputs landing on one file
 * (the second would silently replace the first) and an output landing on one of the run's inputs.
 */
export function checkOutputPlan(writes: readonly PlannedWrite[], inputs: readonly string[]): string[] {
  const problems: string[] = [];
  // Nothing to write (output to stdout): no collision possible, and resolving every input costs a corpus ~0.1 s.
  if (writes.length === 0) return problems;
  const inputSet = new Map<string, string>();
  for (const i of inputs) inputSet.set(key(realOrResolved(i)), i);
  const owners = new Map<string, PlannedWrite>();
  for (const w of writes) {
    const k = key(realOrResolved(w.path));
    const input = inputSet.get(k);
    if (input !== undefined) {
      problems.push(`${w.path}: error[output]: the output of ${w.owner} would overwrite the input file ${input}; choose another output folder (-o)`);
      continue;
    }
    const earlier = owners.get(k);
    if (earlier) {
      problems.push(`${w.path}: error[output]: the outputs of ${earlier.owner} and ${w.owner} would both be written to this file; rename one of the rule files or convert them separately`);
      continue;
    }
    owners.set(k, w);
  }
  return problems;
}

/** Writes one planned file; a problem (name too long, a folder in the way, no permission) is returned, not thrown. */
export function tryWrite(w: PlannedWrite): string | null {
  try {
    writeFileAtomic(w.path, w.content);
    return null;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'ENAMETOOLONG'
        ? 'the file name is too long for the file system'
        : e.code === 'EISDIR'
          ? 'a folder of that name is in the way'
          : e.code === 'ENOTDIR' || e.code === 'EEXIST'
            ? 'a file is in the way of one of its folders'
            : e.code === 'EACCES' || e.code === 'EPERM'
              ? 'permission denied'
              : e.message;
    return `${w.path}: error[output]: cannot write the output of ${w.owner}: ${why}`;
  }
}
