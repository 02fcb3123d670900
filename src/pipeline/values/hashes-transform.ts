import type { Expr, Predicate } from '../../ir/types';
import { matchShape, plainSigmaString } from '../../rule/sigma-string';
import type { HashesTransform } from './value-transform-def';
import { and, match, or, refuse } from './transform-context';

/** Hex digits of each algorithm Sysmon writes in Hashes (its HashAlgorithms setting). */
const HEX_LENGTH: ReadonlyMap<string, number> = new Map([
  ['MD5', 32],
  ['SHA1', 40],
  ['SHA256', 64],
  ['IMPHASH', 32],
]);

/**
 * Sysmon's Hashes field is a list `SHA1=..,MD5=..,SHA256=..,IMPHASH=..`; the SIEM keeps one column per
 * algorithm. A rule value names one or more complete `ALGO=hex` items (or a bare hash, whose algorithm
 * its length tells): each becomes an equality on that algorithm's column. A value the columns cannot
 * hold exactly (a partial hash, an algorithm without a column, an IMPHASH in a list of alternatives)
 * refuses the whole rule: dropping it would silently change what the rule finds.
 */
export function applyHashes(p: Predicate, t: HashesTransform): Expr {
  if (p.kind === 'exists' || p.kind === 'null') {
    const columns = [...new Set(Object.values(t.hashes.columns))];
    const tests = columns.map((c) => ({ ...p, field: c }) as Predicate);
    return p.kind === 'exists' ? or(tests) : and(tests);
  }
  if (p.kind !== 'match') return refuse(t.field, null, `a ${p.kind} test on the list of hashes has no per-algorithm form`, p);
  const { shape, text } = matchShape(p.value);
  if (shape === 'any') return applyHashes({ kind: 'exists', field: p.field, loc: p.loc }, t);
  if (shape === 'pattern') return refuse(t.field, p.value, 'wildcards inside a hash value cannot be mapped to the per-algorithm columns', p);
  const items = text.split(',').map((s) => s.trim());
  // Equality with the whole list holds only with exactly that list; contains/startswith/endswith name complete items.
  const tests = items.map((item) => itemTest(item, p, t));
  return and(tests);
}

function itemTest(item: string, p: Extract<Predicate, { kind: 'match' }>, t: HashesTransform): Expr {
  const eq = item.indexOf('=');
  const hex = eq >= 0 ? item.slice(eq + 1) : item;
  if (!/^[0-9a-fA-F]+$/.test(hex)) return refuse(t.field, p.value, `'${item}' is not ALGORITHM=hex or a hexadecimal hash`, p);
  const value = plainSigmaString(t.hashes.lowercase ? hex.toLowerCase() : hex);
  const algos = eq >= 0 ? [item.slice(0, eq).toUpperCase()] : [...HEX_LENGTH].filter(([, n]) => n === hex.length).map(([a]) => a);
  if (algos.length === 0) return refuse(t.field, p.value, `a hash of ${hex.length} hex digits is partial: it has no equality on a per-algorithm column`, p);
  const tests = algos.map((algo) => {
    const length = HEX_LENGTH.get(algo);
    if (length !== undefined && hex.length !== length) {
      return refuse(t.field, p.value, `${algo} hashes have ${length} hex digits; a partial one cannot be compared with a per-algorithm column`, p);
    }
    const column = Object.hasOwn(t.hashes.columns, algo) ? t.hashes.columns[algo] : undefined;
    if (!column) return refuse(t.field, p.value, `the pipeline has no column for ${algo} hashes (columns: ${Object.keys(t.hashes.columns).join(', ')})`, p);
    return match(column, value, false, p);
  });
  return or(tests);
}
