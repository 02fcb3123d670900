import { own } from './own';
/**
 * Where backend definitions, pipelines, schemas and templates come from. The core only sees this
 * interface, so it runs the same from files (CLI) or from a bundled map (browser).
 * Paths are relative to the project root, with '/' separators: 'backends/kql.yml'.
 */
export interface ResourceLoader {
  read(path: string): string | undefined;
  /** File names (not paths) directly inside a folder, sorted. */
  list(dir: string): string[];
}

/** A loader over an in-memory map of path → text (for bundles and tests). */
export function createMapLoader(files: Readonly<Record<string, string>>): ResourceLoader {
  return {
    read: (path) => own(files, path),
    list: (dir) => {
      const prefix = dir.endsWith('/') ? dir : dir + '/';
      return Object.keys(files)
        .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
        .map((p) => p.slice(prefix.length))
        .sort();
    },
  };
}
