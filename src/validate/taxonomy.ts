import { jsYaml } from '../core/js-yaml-lazy';
import { SigmaError } from '../core/errors';
import type { ResourceLoader } from '../core/resources';
import { closestName, didYouMean } from '../core/suggest';
import type { LogSource } from '../rule/model';
import { listPipelines, loadPipeline } from '../pipeline/load-pipeline';
import type { LogsourceMatch, PipelineDef } from '../pipeline/types';

/** backends/metadata/taxonomy.yml: generated from the Sigma taxonomy appendix by scripts/build-taxonomy.ts. */
export interface TaxonomyData {
  readonly version: string;
  readonly logsources: readonly { readonly category?: string; readonly product?: string; readonly service?: string }[];
  /** Scope (a category, product or `network/<service>`) → the field names the appendix lists for it. */
  readonly fields: Readonly<Record<string, readonly string[]>>;
}

export const TAXONOMY_FILE = 'backends/metadata/taxonomy.yml';
const LOGSOURCE_KEYS = ['category', 'product', 'service'] as const;
export type LogsourceKey = (typeof LOGSOURCE_KEYS)[number];

/** Field names some pipeline maps for the logsources a match selects. */
interface FieldScope {
  readonly match: LogsourceMatch | null; // null: every logsource (a pipeline's global field map)
  readonly fields: readonly string[];
}

/**
 * The Sigma taxonomy as `validate` uses it: every logsource value it lists, and per logsource the
 * field names it lists plus those the shipped pipelines map for that logsource (the appendix lists
 * only some categories' fields; the pipelines know the Sysmon/Windows/cloud names rules use). Field
 * names are compared within a logsource: Azure's `initiatedBy` says nothing about a Linux rule's names.
 */
export class Taxonomy {
  private readonly values = new Map<LogsourceKey, Set<string>>();
  private readonly known = new Map<string, Set<string>>();

  constructor(
    readonly data: TaxonomyData,
    private readonly scopes: readonly FieldScope[] = [],
  ) {
    for (const key of LOGSOURCE_KEYS) this.values.set(key, new Set());
    for (const ls of data.logsources) for (const key of LOGSOURCE_KEYS) if (ls[key] !== undefined) this.values.get(key)?.add(ls[key] as string);
  }

  /** A message when a logsource value is not in the taxonomy (with the value meant, when one is close). */
  logsourceProblem(key: LogsourceKey, value: string): string | null {
    const known = this.values.get(key) as Set<string>;
    if (known.has(value)) return null;
    return `logsource ${key} '${value}' is not in the Sigma taxonomy (appendix ${this.data.version}): pipelines map logsources by these names, so an unknown one matches nothing or the wrong table${didYouMean(value, known)}`;
  }

  /** The logsource with each value the taxonomy does not know replaced by the one it is close to, if any. */
  corrected(ls: LogSource): LogSource {
    const out: { -readonly [K in keyof LogSource]: LogSource[K] } = { ...ls };
    for (const key of LOGSOURCE_KEYS) {
      const value = ls[key];
      const known = this.values.get(key) as Set<string>;
      if (value !== undefined && !known.has(value)) out[key] = closestName(value, known) ?? value;
    }
    return out;
  }

  /** The known field of this logsource that a field name is likely a typo of, or undefined (known, or nothing close). */
  fieldSuggestion(field: string, logsource: LogSource): string | undefined {
    const known = this.fieldsOf(logsource);
    if (known.has(field)) return undefined;
    return closestName(field, known);
  }

  private fieldsOf(ls: LogSource): Set<string> {
    const key = `${ls.category ?? ''}\u0000${ls.product ?? ''}\u0000${ls.service ?? ''}`;
    let set = this.known.get(key);
    if (set) return set;
    set = new Set<string>();
    const fields = this.data.fields;
    for (const scope of [ls.category, ls.product, ls.category === 'network' && ls.service ? `network/${ls.service}` : undefined]) {
      if (scope !== undefined && Object.hasOwn(fields, scope)) for (const f of fields[scope] as readonly string[]) set.add(f);
    }
    for (const s of this.scopes) if (s.match === null || matches(s.match, ls)) for (const f of s.fields) set.add(f);
    this.known.set(key, set);
    return set;
  }
}

function matches(match: LogsourceMatch, ls: LogSource): boolean {
  return LOGSOURCE_KEYS.every((k) => {
    const want = match[k];
    if (want === undefined) return true;
    const have = ls[k];
    return have !== undefined && (typeof want === 'string' ? want === have : want.includes(have));
  });
}

/** The taxonomy data file and the field maps of every shipped pipeline. */
export function loadTaxonomy(loader: ResourceLoader): Taxonomy {
  const text = loader.read(TAXONOMY_FILE);
  if (text === undefined) throw new SigmaError('backend-definition', `missing ${TAXONOMY_FILE} (regenerate it with npm run taxonomy)`);
  const data = jsYaml().load(text) as TaxonomyData;
  const scopes: FieldScope[] = [];
  for (const name of listPipelines(loader)) scopes.push(...pipelineFieldScopes(loadPipeline(loader, name)));
  return new Taxonomy(data, scopes);
}

function pipelineFieldScopes(p: PipelineDef): FieldScope[] {
  const out: FieldScope[] = [{ match: null, fields: Object.keys(p.fields ?? {}) }];
  for (const ls of p.logsources) if (ls.fields) out.push({ match: ls.match, fields: Object.keys(ls.fields) });
  return out;
}

/** The Sigma field names a pipeline maps (its own and per-logsource field maps). */
export function pipelineSigmaFields(p: PipelineDef): Set<string> {
  return new Set(pipelineFieldScopes(p).flatMap((s) => s.fields));
}
