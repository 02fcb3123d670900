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
  /**
   * What the build made of this file (scripts/build-resources.ts), when it was made from exactly `text`
   * (the text read() returned); undefined otherwise, and the caller parses or compiles `text` itself.
   */
  built?(path: string, text: string): BuiltResource | undefined;
}

/** A resource file as the build prepared it: parsed, checked, precompiled. */
export interface BuiltResource {
  /** A YAML data file's value: a fresh copy the caller may keep. */
  readonly value?: unknown;
  /** The JSON texts (schemaText) of the definition schemas the value satisfied at build time. */
  readonly checked?: readonly string[];
  /** A template's precompiled Handlebars template spec. */
  readonly template?: unknown;
}

/** What a bundle stores per file for createMapLoader: the value as JSON text (parsed afresh per call). */
export interface BundledBuild {
  readonly json?: string;
  readonly checked?: readonly string[];
  readonly template?: unknown;
}

/**
 * A loader over an in-memory map of path → text (for bundles and tests). `built` holds what the build
 * made of some of those files (from the texts in `files`); it applies only to exactly those texts.
 */
export function createMapLoader(files: Readonly<Record<string, string>>, built: Readonly<Record<string, BundledBuild>> = {}): ResourceLoader {
  return {
    read: (path) => own(files, path),
    list: (dir) => {
      const prefix = dir.endsWith('/') ? dir : dir + '/';
      return Object.keys(files)
        .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
        .map((p) => p.slice(prefix.length))
        .sort();
    },
    built: (path, text) => {
      const entry = own(built, path);
      if (!entry || own(files, path) !== text) return undefined;
      return { value: entry.json === undefined ? undefined : JSON.parse(entry.json), checked: entry.checked, template: entry.template };
    },
  };
}
