import type { Expr, Predicate } from '../../ir/types';
import { formatSigmaString, matchShape, plainSigmaString } from '../../rule/sigma-string';
import type { HexNumberTransform, PrefixTransform, RegistryDataTransform, ValueMapTransform } from './value-transform-def';
import { rewritePrefix } from './prefix-rewrite';
import { sigmaStringMatches } from './sigma-pattern';
import { and, match, or, refuse } from './transform-context';

/** The text a number or boolean predicate compares, for vocabularies keyed by text. */
function valueText(p: Predicate): string | null {
  if (p.kind === 'number' || p.kind === 'boolean') return String(p.value);
  return null;
}

/**
 * A closed vocabulary (Sysmon's registry EventType, Initiated) mapped to the SIEM's: the rule's value,
 * wildcards included, is matched against every source word, and the SIEM's words for those that match
 * are tested. A value that matches no source word refuses the rule: it names nothing the source writes.
 */
export function applyValueMap(p: Predicate, t: ValueMapTransform): Expr {
  if (p.kind === 'exists' || p.kind === 'null') return { ...p, field: t.value_map.to };
  const entries = Object.entries(t.value_map.values);
  let hits: string[];
  if (p.kind === 'match') hits = entries.filter(([from]) => sigmaStringMatches(p.value, from, p.cased)).map(([, to]) => to);
  else {
    const text = valueText(p);
    if (text === null) return refuse(t.field, null, `a ${p.kind} test has no form over the mapped values`, p);
    hits = entries.filter(([from]) => from.toLowerCase() === text.toLowerCase()).map(([, to]) => to);
  }
  const shown = p.kind === 'match' ? formatSigmaString(p.value) : String(valueText(p));
  if (hits.length === 0) return refuse(t.field, shown, `no value the source writes matches it (known: ${entries.map(([f]) => f).join(', ')})`, p);
  return or([...new Set(hits)].map((to) => match(t.value_map.to, plainSigmaString(to), false, p)));
}

/** A registry key path under the SIEM's column name, its hive spelled as the SIEM spells it. */
export function applyPrefixRewrite(p: Predicate, t: PrefixTransform): Expr {
  if (p.kind === 'match') return or(rewritePrefix(p.value, t, t.field, p).map((v) => match(t.prefix_rewrite.to, v, p.cased, p)));
  if (p.kind === 'keyword') return p;
  return { ...p, field: t.prefix_rewrite.to };
}

const DWORD = /^DWORD \(0x([0-9a-f]{1,8})\)$/i;
const QWORD = /^QWORD \(0x([0-9a-f]{1,8})-0x([0-9a-f]{1,8})\)$/i;

/**
 * Sysmon formats registry numbers as `DWORD (0x0000000a)` and `QWORD (0xhigh-0xlow)`; Defender and Elastic
 * store the decimal text (`10`) with the value's type in another column. Such a value (also inside
 * contains/startswith/endswith, since Sysmon's text for a number is exactly that) becomes type = DWORD and
 * data = decimal; `DWORD` alone as a prefix is the type test. A partial number (`DWORD (0x0000*`) has no
 * decimal equivalent and is refused. Other values (strings) are stored as Sysmon writes them.
 */
export function applyRegistryData(p: Predicate, t: RegistryDataTransform): Expr {
  const def = t.registry_data;
  if (p.kind !== 'match') return { ...p, field: def.to } as Predicate;
  const { shape, text } = matchShape(p.value);
  const typed = (typeName: string | undefined, data: string | null): Expr => {
    const tests: Expr[] = [];
    if (typeName !== undefined && def.type_field) tests.push(match(def.type_field, plainSigmaString(typeName), false, p));
    if (data !== null) tests.push(match(def.to, plainSigmaString(data), false, p));
    return and(tests);
  };
  if (def.empty !== undefined && shape === 'equals' && text.toLowerCase() === '(empty)') return match(def.to, plainSigmaString(def.empty), false, p);
  const literal = shape === 'pattern' || shape === 'any' ? formatSigmaString(p.value) : text;
  if (!/^\*?[DQ]WORD\b|[DQ]WORD \(/i.test(literal)) return match(def.to, p.value, p.cased, p);
  const dword = DWORD.exec(text);
  const qword = QWORD.exec(text);
  if (shape !== 'pattern' && shape !== 'any' && dword) return typed(def.dword_type, BigInt(`0x${dword[1]}`).toString(10));
  if (shape !== 'pattern' && shape !== 'any' && qword && def.qword_type !== undefined) {
    const n = (BigInt(`0x${qword[1]}`) << 32n) | BigInt(`0x${qword[2]}`);
    return typed(def.qword_type, n.toString(10));
  }
  if ((shape === 'startswith' || shape === 'contains') && /^[DQ]WORD$/i.test(text)) {
    const typeName = text.toUpperCase() === 'DWORD' ? def.dword_type : def.qword_type;
    if (typeName !== undefined && def.type_field) return typed(typeName, null);
  }
  return refuse(
    t.field,
    p.value,
    `the store keeps registry numbers as decimal text in ${def.to}; only a complete 'DWORD (0x...)' or 'QWORD (0x...-0x...)' value (or the type alone) has an exact equivalent`,
    p,
  );
}

/** Sysmon writes LogonId as hex text (`0x3e7`); the SIEM's column is a number. */
export function applyHexNumber(p: Predicate, t: HexNumberTransform): Expr {
  const to = t.hex_number.to;
  if (p.kind === 'number') return { ...p, field: to };
  if (p.kind === 'exists' || p.kind === 'null') return { ...p, field: to };
  if (p.kind !== 'match') return refuse(t.field, null, `a ${p.kind} test has no form on the numeric column ${to}`, p);
  const { shape, text } = matchShape(p.value);
  const m = /^0x([0-9a-f]{1,16})$/i.exec(text);
  if (shape !== 'equals' || !m) {
    return refuse(t.field, p.value, `${to} is a number: only a complete hexadecimal value (0x...) or a decimal number can be compared with it`, p);
  }
  const n = BigInt(`0x${m[1]}`);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) return refuse(t.field, p.value, 'the number is too large to be written exactly', p);
  return { kind: 'number', field: to, value: Number(n), loc: p.loc };
}
