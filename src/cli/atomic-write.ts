import * as fs from 'fs';
import * as path from 'path';
import { isFsError } from './fs-errors';

/** Writes a file completely or not at all: a temporary file in the same folder, then a rename. */
export function writeFileAtomic(target: string, content: string): void {
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, content, { flag: 'wx' });
    fs.renameSync(tmp, target);
  } catch (err) {
    try {
      fs.unlinkSync(tmp);
    } catch (cleanup) {
      if (!isFsError(cleanup)) throw cleanup;
      // nothing left behind
    }
    throw err;
  }
}
