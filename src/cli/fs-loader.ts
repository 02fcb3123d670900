import * as fs from 'fs';
import * as path from 'path';
import type { ResourceLoader } from '../core/resources';
import { isMissingPath } from './fs-errors';
import { SigmaError } from '../core/errors';

/** The project root holding backends/ and templates/ (dist/src/cli → three levels up). */
export function projectRoot(): string {
  const candidates = [path.resolve(__dirname, '..', '..', '..'), path.resolve(__dirname, '..', '..')];
  return candidates.find((c) => fs.existsSync(path.join(c, 'backends'))) ?? (candidates[0] as string);
}

export function createFsLoader(root = projectRoot()): ResourceLoader {
  return {
    read(p) {
      try {
        return fs.readFileSync(path.join(root, ...p.split('/')), 'utf8');
      } catch (err) {
        if (isMissingPath(err)) return undefined;
        throw new SigmaError('backend-definition', `cannot read ${p}: ${(err as Error).message}`);
      }
    },
    list(dir) {
      try {
        return fs.readdirSync(path.join(root, ...dir.split('/'))).sort();
      } catch (err) {
        if (isMissingPath(err)) return [];
        throw new SigmaError('backend-definition', `cannot list ${dir}: ${(err as Error).message}`);
      }
    },
  };
}
