import * as path from 'path';

/** A rule (or, for collection formats, a rule file) that gets its own output file under -o DIR/. */
export interface NamedOutput {
  /** The input file's name as given ('-' for standard input). */
  readonly file: string;
  readonly id: string | null;
  readonly title: string | null;
  /** Document number in its file; null for one output per file (collection formats). */
  readonly document: number | null;
}

const MAX_SLUG = 80;

/** Lower-case ASCII words joined by '-': a file name every file system accepts, never '.' or '..'. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, MAX_SLUG).replace(/-+$/, '');
}

/** The folder the inputs share: each folder argument itself, each file argument's folder, then their common ancestor. */
export function commonRoot(args: readonly string[], isDirectory: (p: string) => boolean): string {
  const dirs = args.filter((a) => a !== '-').map((a) => path.resolve(isDirectory(a) ? a : path.dirname(a)));
  if (dirs.length === 0) return process.cwd();
  let root = dirs[0] as string;
  for (const d of dirs.slice(1)) {
    while (root !== path.dirname(root) && d !== root && !d.startsWith(root.endsWith(path.sep) ? root : root + path.sep)) root = path.dirname(root);
  }
  return root;
}

/**
 * One output path per entry, relative to the output folder: the input file's folder relative to the
 * inputs' common root, then the rule's title as a slug (its id, or the file name, when the title gives
 * none). Names that collide in one folder get the rule id's first block, then a counter, so every rule
 * has its own file and the same inputs always give the same names.
 */
export function planOutputNames(entries: readonly NamedOutput[], root: string, extension: string): string[] {
  const used = new Set<string>();
  return entries.map((e) => {
    const abs = e.file === '-' ? null : path.resolve(e.file);
    const relDir = abs ? path.relative(root, path.dirname(abs)) : '';
    const dir = relDir.startsWith('..') || path.isAbsolute(relDir) ? '' : relDir;
    // A rule file's own name, made safe (never '.' or '..'): one output per file keeps it.
    const fileBase = e.file === '-' ? 'stdin' : path.basename(e.file).replace(/\.ya?ml$/i, '').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'rule';
    const base = e.document === null ? fileBase : slugify(e.title ?? '') || slugify(e.id ?? '') || `${fileBase}-${e.document}`;
    const candidates = [base, e.id ? `${base}-${slugify(e.id).split('-')[0]}` : null].filter((c): c is string => !!c);
    let name = candidates.map((c) => path.join(dir, `${c}.${extension}`)).find((c) => !used.has(c.toLowerCase()));
    for (let n = 2; !name; n++) {
      const c = path.join(dir, `${base}-${n}.${extension}`);
      if (!used.has(c.toLowerCase())) name = c;
    }
    // Case-insensitive file systems would merge names that differ only in case.
    used.add(name.toLowerCase());
    return name;
  });
}
