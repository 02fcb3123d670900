import { SigmaError } from '../core/errors';
import type { LogsourceEntry, LogsourceMatch, PipelineDef } from './types';

/**
 * A pipeline as the user names it: a built-in name, or a pipeline file's text (the CLI reads
 * `--pipeline ./mine.yml`; the core never touches the file system).
 */
export type PipelineSource = string | { readonly file: string; readonly text: string };

/** A pipeline file's content after schema validation: any subset of a pipeline's keys, plus `extends`. */
export type PipelineLayer = Partial<PipelineDef> & { readonly extends?: string };

type Entry = LogsourceEntry & Readonly<Record<string, unknown>>;

/** A file given on its own must say everything a pipeline needs. */
export function completePipeline(layer: PipelineLayer, file: string): PipelineDef {
  const missing = (['name', 'target', 'logsources'] as const).filter((k) => layer[k] === undefined);
  if (missing.length) {
    throw new SigmaError(
      'pipeline-definition',
      `${file}: invalid pipeline: missing ${missing.map((k) => `'${k}'`).join(', ')}; a pipeline file names them, or says \`extends: <built-in pipeline>\` to inherit them`,
    );
  }
  return { description: '', ...layer } as PipelineDef;
}

/**
 * Applies a pipeline file on top of the pipeline it extends (or the previous --pipeline). Overrides:
 * - scalars (`name`, `description`, `schema`, `keyword_field`, `timestamp`, `query_template`, ...) and lists
 *   (`stages`): the layer's value replaces the base's;
 * - `fields`: merged by Sigma field, the layer wins; a field the layer maps here is mapped so for every
 *   logsource (the base's per-logsource mappings of that field are dropped), since a SOC that renames a
 *   field renames it everywhere;
 * - `field_types`, `tables`: merged by name (tables column by column), the layer wins;
 * - `conditions` (top level, added to every query): appended to the base's, each layer only restricts more;
 * - `logsources`: an entry whose `match` is the same as a base entry's (same category, product and service
 *   values, in any order and case) updates that entry: its `fields` and `implied` merge, every other key it
 *   gives (`table`, `conditions`, ...) replaces the base's; an entry with a new `match` comes before all
 *   base entries, so it is tried first;
 * - `default`: merged key by key, the layer wins;
 * - `value_transforms`: the layer's come before the base's, so for a field both transform the layer's is used.
 */
export function overlayPipeline(base: PipelineDef, layer: PipelineLayer, file: string): PipelineDef {
  if (layer.target !== undefined && layer.target !== base.target) {
    throw new SigmaError('pipeline-definition', `${file}: target '${layer.target}' differs from target '${base.target}' of pipeline '${base.name}' it builds on`);
  }
  const { extends: _ignored, ...rest } = layer;
  void _ignored;
  const renamed = new Set(Object.keys(layer.fields ?? {}));
  const baseEntries: Entry[] = base.logsources.map((e) => (renamed.size && e.fields ? { ...e, fields: without(e.fields, renamed) } : e) as Entry);
  const added: Entry[] = [];
  for (const entry of (layer.logsources ?? []) as readonly Entry[]) {
    const i = baseEntries.findIndex((b) => sameMatch(b.match, entry.match));
    const target = i >= 0 ? baseEntries[i] : undefined;
    if (target) baseEntries[i] = mergeEntry(target, entry);
    else added.push(entry);
  }
  const merged: Record<string, unknown> = {
    ...base,
    ...rest,
    name: layer.name ?? `${base.name}+${fileStem(file)}`,
    fields: { ...base.fields, ...layer.fields },
    field_types: mergeMaps(base.field_types, layer.field_types),
    tables: mergeTables(base.tables, layer.tables),
    conditions: base.conditions || layer.conditions ? [...(base.conditions ?? []), ...(layer.conditions ?? [])] : undefined,
    logsources: [...added, ...baseEntries],
    value_transforms:
      base.value_transforms || layer.value_transforms ? [...(layer.value_transforms ?? []), ...(base.value_transforms ?? [])] : undefined,
    default: base.default || layer.default ? { ...base.default, ...layer.default } : undefined,
  };
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  return merged as unknown as PipelineDef;
}

function mergeEntry(base: Entry, layer: Entry): Entry {
  const out: Record<string, unknown> = { ...base, ...layer, match: base.match };
  if (base.fields || layer.fields) out.fields = { ...base.fields, ...layer.fields };
  if (base.implied || layer.implied) out.implied = { ...base.implied, ...layer.implied };
  return out as Entry;
}

function without<T>(map: Readonly<Record<string, T>>, keys: ReadonlySet<string>): Record<string, T> {
  return Object.fromEntries(Object.entries(map).filter(([k]) => !keys.has(k)));
}

function mergeMaps<T>(a: Readonly<Record<string, T>> | undefined, b: Readonly<Record<string, T>> | undefined): Record<string, T> | undefined {
  return a || b ? { ...a, ...b } : undefined;
}

/** Tables merged column by column, b's columns winning. */
export function mergeTables(
  a: PipelineDef['tables'],
  b: PipelineDef['tables'],
): Record<string, Readonly<Record<string, string>>> | undefined {
  if (!a && !b) return undefined;
  const out: Record<string, Readonly<Record<string, string>>> = { ...a };
  for (const [table, columns] of Object.entries(b ?? {})) out[table] = { ...(Object.hasOwn(out, table) ? out[table] : {}), ...columns };
  return out;
}

const MATCH_KEYS = ['category', 'product', 'service'] as const;

function sameMatch(a: LogsourceMatch, b: LogsourceMatch): boolean {
  const norm = (v: string | readonly string[] | undefined) =>
    (v === undefined ? [] : typeof v === 'string' ? [v] : [...v])
      .map((x) => x.toLowerCase())
      .sort()
      .join('\u0000');
  return MATCH_KEYS.every((k) => norm(a[k]) === norm(b[k]));
}

function fileStem(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.ya?ml$/i, '');
}
