import type { Expr, Predicate } from '../../ir/types';
import type { LogSource } from '../../rule/model';
import type { LogsourceMatch } from '../logsource-match';
import { applyHashes } from './hashes-transform';
import { applyJoin } from './join-transform';
import { applyHexNumber, applyPrefixRewrite, applyRegistryData, applyValueMap } from './value-map-transforms';
import type { ValueTransformDef } from './value-transform-def';

export type { ValueTransformDef } from './value-transform-def';
export { VALUE_TRANSFORM_SCHEMA } from './value-transform-def';

function listOf(v: string | readonly string[] | undefined): readonly string[] {
  if (v === undefined) return [];
  return typeof v === 'string' ? [v] : v;
}

function logsourceFits(match: LogsourceMatch | undefined, ls: LogSource): boolean {
  if (!match) return true;
  return (['category', 'product', 'service'] as const).every((key) => {
    const wanted = listOf(match[key]);
    if (wanted.length === 0) return true;
    const actual = ls[key]?.toLowerCase();
    return actual !== undefined && wanted.some((w) => w.toLowerCase() === actual);
  });
}

/** The first transformation of `field` that applies to this logsource and chosen table. */
export function findValueTransform(
  transforms: readonly ValueTransformDef[] | undefined,
  field: string,
  logsource: LogSource,
  table: string | undefined,
): ValueTransformDef | undefined {
  return transforms?.find(
    (t) => t.field === field && logsourceFits(t.logsource, logsource) && (!t.tables || (table !== undefined && t.tables.includes(table))),
  );
}

/** What the transformation does, for reports: `TargetObject -> RegistryKey\RegistryValueName (join)`. */
export function describeValueTransform(t: ValueTransformDef): string {
  // Asked for every predicate a transformation rewrites: written once per (never changed) definition.
  let text = descriptions.get(t);
  if (text === undefined) descriptions.set(t, (text = describe(t)));
  return text;
}

const descriptions = new WeakMap<ValueTransformDef, string>();

function describe(t: ValueTransformDef): string {
  if ('join' in t) return `${t.field} -> ${t.join.columns.join(t.join.separator)} (join)`;
  if ('prefix_rewrite' in t) return `${t.field} -> ${t.prefix_rewrite.to} (prefix rewrite)`;
  if ('file_name' in t) return `${t.field} -> ${t.file_name.to} (file name)`;
  if ('hashes' in t) return `${t.field} -> ${Object.values(t.hashes.columns).join(', ')} (hashes)`;
  if ('value_map' in t) return `${t.field} -> ${t.value_map.to} (value map)`;
  if ('registry_data' in t) return `${t.field} -> ${t.registry_data.to} (registry data)`;
  return `${t.field} -> ${t.hex_number.to} (hex number)`;
}

/**
 * Rewrites one predicate on the transformation's Sigma field into predicates on the SIEM's columns
 * (exactly), or throws a 'value-transform' SigmaError naming field, value and reason.
 */
export function applyValueTransform(p: Predicate, t: ValueTransformDef, transformOf: (field: string) => ValueTransformDef | undefined = () => undefined): Expr {
  if ('join' in t) {
    const other = p.kind === 'fieldref' ? transformOf(p.other) : undefined;
    return applyJoin(p, t, other && 'join' in other ? other : undefined);
  }
  if ('prefix_rewrite' in t) return applyPrefixRewrite(p, t);
  if ('file_name' in t) {
    // A path whose folder is not stored: the join of (folder, file name) with the folder missing.
    const join = { columns: ['', t.file_name.to] as const, separator: '\\', first_has_separator: true, first_missing: true, presence: 'last' as const };
    return applyJoin(p, { field: t.field, join });
  }
  if ('hashes' in t) return applyHashes(p, t);
  if ('value_map' in t) return applyValueMap(p, t);
  if ('registry_data' in t) return applyRegistryData(p, t);
  return applyHexNumber(p, t);
}
