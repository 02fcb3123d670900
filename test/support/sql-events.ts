/**
 * Events for checking a converted rule against the evaluator: built from the rule's own (pipeline-mapped)
 * values, their case variants, near misses (one character changed, dropped or added), missing fields and
 * seeded random combinations, as flat events (column -> text) of the SQL targets' table.
 */
import type { Expr, Predicate, SigmaString } from '../../src/ir/types';
import { isPredicate } from '../../src/ir/types';
import { isWildcard } from '../../src/rule/sigma-string';
import type { FlatEvent } from './sql-engines';
import { seededRandom } from '../../scripts/seeded-random';

function predicates(e: Expr, out: Predicate[] = []): Predicate[] {
  if (e.kind === 'and' || e.kind === 'or') e.args.forEach((a) => predicates(a, out));
  else if (e.kind === 'not') predicates(e.arg, out);
  else if (isPredicate(e)) out.push(e);
  return out;
}

function instantiate(value: SigmaString, multi: string, single: string): string {
  return value.parts.map((p) => (isWildcard(p) ? (p.wildcard === 'multi' ? multi : single) : p)).join('');
}

/** Upper-cases ASCII letters only (a case variant every engine folds). */
function upperAscii(s: string): string {
  return s.replace(/[a-z]/g, (c) => c.toUpperCase());
}

/** The literal characters of a regex, roughly: text that may or may not match it (both are useful). */
function regexLiterals(pattern: string): string[] {
  const plain = pattern.replace(/\(\?[imsx]+\)/g, '').replace(/\\[dDwWsSbB]/g, '').replace(/\\(.)/g, '$1').replace(/[\^$()[\]{}|*+?]/g, '');
  const firstAlt = pattern.split('|')[0]?.replace(/\\(.)/g, '$1').replace(/[\^$()[\]{}|*+?]/g, '') ?? '';
  return [plain, firstAlt, plain.replace(/\./g, 'x')];
}

/** Candidate texts per field. */
function candidates(expr: Expr, canonical: boolean): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  const add = (field: string, ...values: string[]): void => {
    let set = out.get(field);
    if (!set) out.set(field, (set = new Set()));
    for (const v of values) if (!v.includes('\u0000') && set.size < 24) set.add(v);
  };
  for (const p of predicates(expr)) {
    switch (p.kind) {
      case 'match': {
        const base = instantiate(p.value, '', 'x');
        const filled = instantiate(p.value, 'Q7', 'Ä');
        // Cut by code points: a lone surrogate has no UTF-8 form, so no database could hold it.
        const chars = [...base];
        const mid = Math.floor(chars.length / 2);
        const variants = [base, filled, upperAscii(base), base.toLowerCase(), base.toUpperCase(), `A${base}b`, `${base}z`, chars.slice(0, -1).join(''), chars.slice(1).join('')];
        if (chars.length > 0) variants.push([...chars.slice(0, mid), chars[mid] === 'q' ? 'r' : 'q', ...chars.slice(mid + 1)].join(''));
        add(p.field, ...variants);
        break;
      }
      case 'regex':
        if (p.field !== null) add(p.field, ...regexLiterals(p.pattern), '10.1.2.3', '192.168.0.1', '127.0.0.1', 'fe80::1');
        break;
      case 'number':
      case 'compare': {
        const v = p.value;
        add(p.field, String(v), String(v + 1), String(v - 1), `${v}x`, `${v} ${v}`, '-', '1e', 'e5');
        // Other spellings of the number, where the target reads text as a number (the flat pipelines store numbers canonically).
        if (!canonical) add(p.field, `0${v}`, ` ${v}\t`, `\u00a0+${v}`, `${v}.`, `${v}e0`, `${v / 10}E1`, '.5');
        break;
      }
      case 'boolean':
        add(p.field, String(p.value), upperAscii(String(p.value)), String(!p.value));
        break;
      case 'cidr': {
        const [addr] = p.network.split('/');
        const a = addr ?? '';
        if (p.family === 4) {
          const octets = a.split('.');
          const last = Number(octets[3] ?? 0);
          const next = [...octets.slice(0, 3), String((last + 1) % 256)].join('.');
          const padded = octets.map((o) => o.padStart(3, '0')).join('.');
          add(p.field, a, next, `${a}.1`, [String((Number(octets[0]) + 1) % 256), ...octets.slice(1)].join('.'), '255.255.255.255', '0.0.0.0', '256.1.1.1', '1.2.3', padded, ` ${a}\u00a0`);
        } else {
          add(p.field, a, a.toUpperCase(), `${a}1`, `${a}%eth0`, ` ${a} `, '::1', '::', '0:0:0:0:0:0:0:1', '0000::01', 'fe80::1', 'FE80:0::1', 'febf:ffff::10.0.0.1', 'fc00::5', 'fd12:3456::1', '2001:db8::1', '::ffff:10.1.2.3', 'fec0::1', '::1:0');
        }
        break;
      }
      case 'fieldref':
        add(p.field, 'same', 'SAME', 'other');
        add(p.other, 'same', 'Same', 'else');
        break;
      case 'null':
      case 'exists':
        add(p.field, 'x');
        break;
      default:
        if ('field' in p && typeof p.field === 'string') add(p.field, 'x');
    }
  }
  for (const set of out.values()) set.add('');
  return new Map([...out].map(([k, v]) => [k, [...v]]));
}

const random = seededRandom;

export interface GeneratedEvents {
  readonly columns: readonly string[];
  readonly events: readonly FlatEvent[];
}

/**
 * Events for one rule's expression: each candidate alone, all fields positive with one varied or missing,
 * random mixes. `canonical`: numbers only in their canonical text (4624), as the
 * flat pipelines' data model stores them; else also other spellings Sigma reads as the same number or address.
 */
export function generateEvents(expr: Expr, seed = 1, canonical = false, randomCount = 40): GeneratedEvents {
  const byField = candidates(expr, canonical);
  const columns = [...byField.keys()];
  const events: Record<string, string>[] = [{}];
  for (const [field, values] of byField) for (const v of values) events.push({ [field]: v });
  const positive: Record<string, string> = {};
  for (const [field, values] of byField) positive[field] = values[0] as string;
  events.push({ ...positive });
  for (const [field, values] of byField) {
    const { [field]: _dropped, ...without } = positive;
    events.push(without);
    for (const v of values.slice(1)) events.push({ ...positive, [field]: v });
  }
  const next = random(seed);
  for (let i = 0; i < randomCount; i++) {
    const e: Record<string, string> = {};
    for (const [field, values] of byField) {
      const r = next();
      if (r < 0.25) continue;
      e[field] = values[Math.floor(next() * values.length)] as string;
    }
    events.push(e);
  }
  return { columns, events };
}
