/**
 * Field schemas of targets without tables (ECS, Splunk add-ons): which field names a data source's
 * events carry once the SIEM has stored them. A query testing any other name can never match, so
 * the pipeline refuses it (unless the user allows it).
 */
import type { FieldSchema } from './types';
import { DerivedMemo } from '../core/derived-memo';

export interface KnownFields {
  /** The sets this view was built from, for messages. */
  readonly sets: readonly string[];
  /** The field's type when these sets carry it; undefined when they do not. */
  typeOf(field: string): string | undefined;
  /** The closest known names, best first (for "did you mean"). */
  suggest(field: string, max?: number): string[];
}

/**
 * Views already built, per schema and list of set names: every rule of a logsource asks for the same one.
 * Keyed by the schema object, which is never changed once loaded (a view is derived data, it cannot go
 * stale), and bounded.
 */
const viewsBuilt = new DerivedMemo<FieldSchema, KnownFields>(1024);

/** The union of the named sets and everything they include. */
export function knownFields(schema: FieldSchema, setNames: readonly string[]): KnownFields {
  return viewsBuilt.get(schema, JSON.stringify(setNames), () => buildKnownFields(schema, [...setNames]));
}

function buildKnownFields(schema: FieldSchema, setNames: readonly string[]): KnownFields {
  const fields = new Map<string, string>();
  const prefixes: string[] = [];
  const patterns: RegExp[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name) || !Object.hasOwn(schema, name)) return;
    seen.add(name);
    const set = schema[name];
    if (!set) return;
    for (const [f, t] of Object.entries(set.fields ?? {})) if (!fields.has(f)) fields.set(f, t);
    prefixes.push(...(set.prefixes ?? []));
    if (set.name_pattern) patterns.push(new RegExp(set.name_pattern, 'u'));
    for (const inc of set.include ?? []) visit(inc);
  };
  for (const s of setNames) visit(s);
  // Known names as suggest() compares them, made on its first use.
  let names: { readonly name: string; readonly lower: string; readonly leaf: string }[] | undefined;
  const view: KnownFields = {
    sets: setNames,
    typeOf(field) {
      const t = fields.get(field);
      if (t !== undefined) return t;
      if (prefixes.some((p) => field.startsWith(p) && field.length > p.length)) return 'keyword';
      if (patterns.some((re) => re.test(field))) return 'string';
      return undefined;
    },
    suggest(field, max = 3) {
      // A corpus asks again and again about the same few unknown names (every rule on CommandLine of a set
      // without it): each answer is derived from this view alone, so it is computed once (bounded).
      return [...suggestions.get(view, `${max}\u0000${field}`, () => closestNames(field, max))];
    },
  };
  return view;

  function closestNames(field: string, max: number): readonly string[] {
    const wanted = field.toLowerCase();
    const leaf = (s: string) => s.slice(s.lastIndexOf('.') + 1).toLowerCase();
    const wantedLeaf = leaf(field);
    names ??= [...fields.keys()].map((name) => ({ name, lower: name.toLowerCase(), leaf: leaf(name) }));
    const scored: { name: string; d: number }[] = [];
    for (const { name, lower, leaf: nameLeaf } of names) {
      const d = Math.min(editDistance(wanted, lower), editDistance(wantedLeaf, nameLeaf) + 1);
      if (d <= Math.max(2, Math.floor(field.length / 4))) scored.push({ name, d });
    }
    return scored
      .sort((a, b) => a.d - b.d || (a.name < b.name ? -1 : 1))
      .slice(0, max)
      .map((s) => s.name);
  }
}

/** Suggestions per view, for up to 4,096 distinct names. */
const suggestions = new DerivedMemo<KnownFields, readonly string[]>(4096);

/** Levenshtein distance, bounded work: names are short. Two rows reused, no array per row. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length > 200 || b.length > 200) return Math.max(a.length, b.length);
  let prev = new Uint16Array(b.length + 1);
  let cur = new Uint16Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    const done = prev;
    prev = cur;
    cur = done;
  }
  return prev[b.length] as number;
}
