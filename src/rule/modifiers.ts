import { SigmaError } from '../core/errors';
import type { AlternativesBudget } from '../core/limits';
import type { CompareOp, Expr, Predicate, RegexFlag, SigmaString, SourceLocation, StrPart, TimePart } from '../ir/types';
import { base64, base64Offsets, utf16Bytes, WINDASH_CHARS } from './encodings';
import { mapLiterals, parseSigmaString, plainSigmaString, plainText } from './sigma-string';
import { validateRegex } from './regex';
import { parseCidr } from './cidr';
import { own } from '../core/own';

export type Scalar = string | number | boolean | null;

const ALIASES: Readonly<Record<string, string>> = { wide: 'utf16le', ignorecase: 'i', multiline: 'm', dotall: 's' };
const POSITION = new Set(['contains', 'startswith', 'endswith']);
const ENCODERS = new Set(['base64', 'base64offset', 'utf16le', 'utf16be', 'utf16']);
const COMPARE = new Set(['lt', 'lte', 'gt', 'gte']);
const TIME_PARTS = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);
const REGEX_FLAGS = new Set(['i', 'm', 's']);
const KNOWN = new Set([
  ...POSITION, ...ENCODERS, ...COMPARE, ...TIME_PARTS, ...REGEX_FLAGS,
  'all', 'windash', 're', 'cidr', 'exists', 'cased', 'expand', 'fieldref', 'neq',
]);

export const MODIFIER_NAMES: readonly string[] = [...KNOWN, ...Object.keys(ALIASES)].sort();

/** Placeholder values for `|expand`, in Sigma string syntax (wildcards allowed). */
export type Placeholders = Readonly<Record<string, readonly string[]>>;

export interface FieldSpec {
  /** Field name, or '' for keywords (unbound values). */
  readonly field: string;
  readonly modifiers: readonly string[];
  readonly values: readonly Scalar[];
  /** The value was written as a YAML list (so `all` is meaningful). */
  readonly isList: boolean;
  /** Where the field (or keyword) is written: the span of every predicate built from it. */
  readonly loc: SourceLocation;
  readonly placeholders?: Placeholders;
  /** The rule's alternatives budget, shared by all its fields (core/limits.ts). */
  readonly budget?: AlternativesBudget;
}

function fail(message: string, loc?: SourceLocation): never {
  throw new SigmaError('invalid-modifier', message, loc);
}

/** Checks a modifier chain on its own (no values): known names, one type, legal order. */
export function checkModifierChain(field: string, raw: readonly string[], loc?: SourceLocation): string[] {
  // Most fields carry no modifier: nothing to check.
  if (raw.length === 0) return [];
  const mods = raw.map((m) => own(ALIASES, m.toLowerCase()) ?? m.toLowerCase());
  // Only an error message names the item.
  const where = (): string => `'${field}${raw.map((m) => '|' + m).join('')}'`;
  raw.forEach((m, i) => {
    if (!KNOWN.has(mods[i] as string)) {
      fail(`unknown modifier '${m}' in ${where()}; known modifiers: ${[...KNOWN].sort().join(', ')}`, loc);
    }
  });
  const positions = mods.filter((m) => POSITION.has(m));
  if (positions.length > 1) fail(`modifiers '${positions.join("' and '")}' cannot be combined in ${where()}: use one of contains, startswith, endswith`, loc);
  const types = mods.filter((m) => m === 're' || m === 'cidr' || COMPARE.has(m) || m === 'exists' || m === 'fieldref');
  if (types.length > 1) fail(`modifiers '${types.join("' and '")}' cannot be combined in ${where()}`, loc);
  const type = types[0];
  if (type === 'exists' && mods.length > 1) fail(`'exists' cannot be combined with other modifiers in ${where()}`, loc);
  if ((type === 're' || type === 'cidr' || type === 'fieldref') && positions.length) {
    fail(`'${positions[0]}' cannot be combined with '${type}' in ${where()}`, loc);
  }
  if (COMPARE.has(type ?? '') && (positions.length || mods.some((m) => ENCODERS.has(m) || m === 'windash'))) {
    fail(`'${type}' compares numbers and cannot be combined with string modifiers in ${where()}`, loc);
  }
  mods.forEach((m, i) => {
    if (REGEX_FLAGS.has(m) && !mods.slice(0, i).includes('re')) {
      fail(`regular expression flag '${raw[i]}' must follow 're' in ${where()}`, loc);
    }
  });
  if (mods.includes('base64offset') && !mods.includes('contains')) {
    fail(`'base64offset' needs 'contains' in ${where()}: the encoded value can only be found inside a longer string`, loc);
  }
  const times = mods.filter((m) => TIME_PARTS.has(m));
  if (times.length > 1) fail(`only one time part modifier is allowed in ${where()}`, loc);
  if (times.length && (positions.length || type === 're' || type === 'cidr' || type === 'fieldref')) {
    fail(`time part modifier '${times[0]}' compares a number and cannot be combined with '${positions[0] ?? type}' in ${where()}`, loc);
  }
  if (type === 'fieldref' && mods.some((m) => ENCODERS.has(m) || m === 'windash' || m === 'expand')) {
    fail(`'fieldref' names another field and cannot be combined with value transformations in ${where()}`, loc);
  }
  const encIndex = mods.findIndex((m) => ENCODERS.has(m));
  const posIndex = mods.findIndex((m) => POSITION.has(m));
  const utfIndex = mods.findIndex((m) => m.startsWith('utf16'));
  const b64Index = mods.findIndex((m) => m.startsWith('base64'));
  if (utfIndex >= 0 && b64Index >= 0 && utfIndex > b64Index) fail(`'${mods[utfIndex]}' must come before '${mods[b64Index]}' in ${where()}`, loc);
  if (encIndex >= 0 && posIndex >= 0 && posIndex < encIndex && mods[posIndex] !== undefined) {
    fail(`'${mods[posIndex]}' before '${mods[encIndex]}' would encode the wildcards; put '${mods[posIndex]}' after the encoding in ${where()}`, loc);
  }
  return mods;
}

/** Turns one detection item (field, modifier chain, values) into an IR expression. */
export function buildFieldExpr(spec: FieldSpec): Expr {
  const { field, values, loc } = spec;
  const mods = checkModifierChain(field, spec.modifiers, loc);
  const where = `'${field}${spec.modifiers.map((m) => '|' + m).join('')}'`;
  const cased = mods.includes('cased');
  const combineAll = mods.includes('all');
  const negate = mods.includes('neq');
  if (values.length === 0) throw new SigmaError('invalid-value', `${where} has an empty list of values`, loc);
  if (combineAll && !spec.isList) {
    // The spec forbids `all` on a single value; its meaning would be the same, so accept it.
  }

  if (mods.includes('exists')) {
    const v = values[0];
    if (values.length !== 1 || typeof v !== 'boolean') fail(`${where} needs the value true or false`, loc);
    if (!field) fail(`'exists' needs a field name`, loc);
    const p: Expr = { kind: 'exists', field, loc };
    return v ? p : { kind: 'not', arg: p };
  }

  const perValue: Expr[] = values.map((v) => buildValueExpr(field, mods, v, cased, where, loc, spec.placeholders, spec.budget));
  const combined: Expr = perValue.length === 1 ? (perValue[0] as Expr) : { kind: combineAll ? 'and' : 'or', args: perValue };
  return negate ? { kind: 'not', arg: combined } : combined;
}

function buildValueExpr(
  field: string,
  mods: readonly string[],
  value: Scalar,
  cased: boolean,
  where: string,
  loc: SourceLocation,
  placeholders: Placeholders | undefined,
  budget: AlternativesBudget | undefined,
): Expr {
  const type = mods.find((m) => m === 're' || m === 'cidr' || COMPARE.has(m) || m === 'fieldref');
  const timePart = mods.find((m) => TIME_PARTS.has(m)) as TimePart | undefined;

  if (value === null) {
    if (mods.some((m) => m !== 'all' && m !== 'neq' && m !== 'cased')) fail(`null cannot be combined with modifiers in ${where}`, loc);
    if (!field) throw new SigmaError('invalid-value', 'a keyword cannot be null', loc);
    return { kind: 'null', field, loc };
  }
  if (timePart) {
    const n = toNumber(value);
    if (n === null) throw new SigmaError('invalid-value', `${where} needs a number, got ${JSON.stringify(value)}`, loc);
    const op = (COMPARE.has(type ?? '') ? type : 'eq') as 'eq' | CompareOp;
    return { kind: 'timepart', field: requireField(field, timePart, loc), part: timePart, op, value: n, loc };
  }
  if (type && COMPARE.has(type)) {
    const n = toNumber(value);
    if (n === null) throw new SigmaError('invalid-value', `${where} compares numbers, got ${JSON.stringify(value)}`, loc);
    return { kind: 'compare', field: requireField(field, type, loc), op: type as CompareOp, value: n, loc };
  }
  if (type === 're') {
    if (typeof value !== 'string') throw new SigmaError('invalid-value', `${where} needs a regular expression string`, loc);
    validateRegex(value, loc);
    const flags = mods.filter((m) => REGEX_FLAGS.has(m)) as RegexFlag[];
    return { kind: 'regex', field: field || null, pattern: value, flags: [...new Set(flags)].sort(), loc };
  }
  if (type === 'cidr') {
    if (typeof value !== 'string') throw new SigmaError('invalid-value', `${where} needs a network such as 10.0.0.0/8`, loc);
    const net = parseCidr(value);
    if (!net) throw new SigmaError('invalid-value', `${where}: '${value}' is not an IPv4 or IPv6 network in CIDR notation`, loc);
    return { kind: 'cidr', field: requireField(field, 'cidr', loc), network: net.canonical, family: net.family, loc };
  }
  if (type === 'fieldref') {
    if (typeof value !== 'string' || !value) throw new SigmaError('invalid-value', `${where} needs the name of another field`, loc);
    return { kind: 'fieldref', field: requireField(field, 'fieldref', loc), other: value, cased, loc };
  }
  const stringMods = mods.some((m) => POSITION.has(m) || ENCODERS.has(m) || m === 'windash' || m === 'expand');
  if (typeof value === 'boolean' && !stringMods && field) return { kind: 'boolean', field, value, loc };
  if (typeof value === 'number' && !stringMods && field) return { kind: 'number', field, value, loc };

  const alternatives = transformString(String(value), mods, where, loc, placeholders, budget);
  const preds: Predicate[] = alternatives.map((s) =>
    field ? { kind: 'match', field, value: s, cased, loc } : { kind: 'keyword', value: s, cased, loc },
  );
  return preds.length === 1 ? (preds[0] as Predicate) : { kind: 'or', args: preds };
}

function requireField(field: string, mod: string, loc?: SourceLocation): string {
  if (!field) fail(`'${mod}' needs a field name; it cannot be used on keywords`, loc);
  return field;
}

function toNumber(v: Scalar): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*-?(\d+(\.\d+)?|\.\d+)\s*$/.test(v)) return Number(v);
  return null;
}

const MAX_ALTERNATIVES = 100_000;

/** Applies the string modifiers in chain order; each value may become several alternatives (OR). */
function transformString(
  raw: string,
  mods: readonly string[],
  where: string,
  loc: SourceLocation | undefined,
  placeholders: Placeholders | undefined,
  budget: AlternativesBudget = { left: MAX_ALTERNATIVES, limit: MAX_ALTERNATIVES },
): SigmaString[] {
  const cap = budget.left;
  let values: SigmaString[] = mods.includes('expand') ? expandPlaceholders(raw, where, loc, placeholders, cap) : [parseSigmaString(raw)];
  // After utf16*, a literal holds one char per byte; base64 must then not re-encode it as UTF-8.
  let binary = false;
  for (const m of mods) {
    switch (m) {
      case 'contains':
        values = values.map((s) => wrap(s, true, true));
        break;
      case 'startswith':
        values = values.map((s) => wrap(s, false, true));
        break;
      case 'endswith':
        values = values.map((s) => wrap(s, true, false));
        break;
      case 'windash':
        values = values.flatMap((v) => windashVariants(v, cap, () => tooMany(where, budget, loc)));
        break;
      case 'utf16le':
      case 'utf16be':
      case 'utf16':
        values = values.map((s) => plainSigmaString(utf16Bytes(requirePlain(s, m, where, loc), m === 'utf16be' ? 'be' : 'le', m === 'utf16')));
        binary = true;
        break;
      case 'base64':
        values = values.map((s) => plainSigmaString(base64(requirePlain(s, m, where, loc), binary)));
        binary = false;
        break;
      case 'base64offset':
        values = values.flatMap((s) => base64Offsets(requirePlain(s, m, where, loc), binary).map(plainSigmaString));
        binary = false;
        break;
      default:
        break; // all, cased, neq, expand: not value transformations
    }
    if (values.length > cap) throw tooMany(where, budget, loc);
  }
  const out = dedupe(values);
  budget.left -= out.length;
  return out;
}

function tooMany(where: string, budget: AlternativesBudget, loc: SourceLocation | undefined): SigmaError {
  return new SigmaError('invalid-value', `the rule expands to more than ${budget.limit} alternatives in total (windash, expand, base64offset ...; the limit was reached at ${where}); split the rule, or raise the limit with --max-alternatives`, loc);
}

const STAR = { wildcard: 'multi' } as const;

function isStar(p: StrPart | undefined): boolean {
  return p !== undefined && typeof p !== 'string' && p.wildcard === 'multi';
}

/** Adds a leading and/or trailing `*` (never doubling one already there). */
function wrap(s: SigmaString, lead: boolean, trail: boolean): SigmaString {
  const parts: StrPart[] = [];
  if (lead && !isStar(s.parts[0])) parts.push(STAR);
  for (const p of s.parts) parts.push(p);
  if (trail && !isStar(parts[parts.length - 1])) parts.push(STAR);
  return { type: 'string', parts };
}

function requirePlain(s: SigmaString, mod: string, where: string, loc?: SourceLocation): string {
  const text = plainText(s);
  if (text === null) {
    throw new SigmaError('invalid-value', `${where}: '${mod}' cannot encode a value with wildcards; escape them as \\* and \\? or remove them`, loc);
  }
  return text;
}

function windashVariants(s: SigmaString, cap: number, tooManyError: () => SigmaError): SigmaString[] {
  const dashClass = new RegExp(`[${WINDASH_CHARS.map((c) => (c === '-' || c === '/' ? '\\' + c : c)).join('')}]`, 'g');
  let variants: SigmaString[] = [s];
  // Each dash-like character independently takes every dash form: all permutations.
  const count = s.parts.reduce((n, p) => n + (typeof p === 'string' ? (p.match(dashClass) ?? []).length : 0), 0);
  if (Math.pow(WINDASH_CHARS.length, count) > cap) throw tooManyError();
  for (let k = 0; k < count; k++) {
    variants = variants.flatMap((v) => WINDASH_CHARS.map((d) => replaceNthDash(v, k, d, dashClass)));
  }
  return variants;
}

function replaceNthDash(s: SigmaString, n: number, dash: string, dashClass: RegExp): SigmaString {
  let seen = 0;
  return mapLiterals(s, (text) =>
    text.replace(dashClass, (m) => {
      const out = seen === n ? dash : m;
      seen++;
      return out;
    }),
  );
}

function dedupe(values: SigmaString[]): SigmaString[] {
  if (values.length < 2) return values;
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = JSON.stringify(v.parts);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `%name%` is a placeholder, `\%` a literal percent sign; every combination of values is an alternative. */
function expandPlaceholders(raw: string, where: string, loc: SourceLocation | undefined, placeholders: Placeholders | undefined, cap = MAX_ALTERNATIVES): SigmaString[] {
  const pieces: (string | { name: string })[] = [];
  let text = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c === '\\' && raw[i + 1] === '%') {
      text += '\\%';
      i++;
    } else if (c === '%') {
      const end = raw.indexOf('%', i + 1);
      if (end < 0) {
        text += c;
        continue;
      }
      pieces.push(text);
      text = '';
      pieces.push({ name: raw.slice(i + 1, end) });
      i = end;
    } else {
      text += c;
    }
  }
  pieces.push(text);
  let results: string[] = [''];
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      results = results.map((r) => r + piece);
      continue;
    }
    const values = own(placeholders, piece.name);
    if (!values || values.length === 0) {
      throw new SigmaError(
        'placeholder',
        `${where} uses placeholder %${piece.name}% but no values were given for it; supply them with --placeholders FILE (a YAML map of name to list of values)`,
        loc,
      );
    }
    results = results.flatMap((r) => values.map((v) => r + v));
    if (results.length > cap) throw new SigmaError('placeholder', `${where} expands to more than ${cap} values; the rule's limit of alternatives (--max-alternatives) is reached`, loc);
  }
  // `\%` has done its job (it kept a percent sign out of placeholder parsing): make it a plain `%`.
  return results.map((r) => parseSigmaString(r.replace(/\\%/g, '%')));
}
