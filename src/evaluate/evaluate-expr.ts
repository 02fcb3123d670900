import { SigmaError } from '../core/errors';
import { assertNever, type CompareOp, type Expr, type Predicate, type SigmaString, type TimePart } from '../ir/types';
import { visitExpr, type ExprVisitor } from '../ir/visit';
import { cidrContains, parseCidr } from '../rule/cidr';
import { concatSigmaStrings } from '../rule/sigma-string';
import type { EventAccessor } from './event-accessor';
import { compileRegex } from './regex-matcher';
import { compileSigmaString, compileSigmaStrings, foldCase, type TextTest } from './string-matcher';

/** An IR expression compiled into a test on events. */
export type CompiledExpr = (event: EventAccessor) => boolean;

/**
 * Evaluates an IR expression on one event. For many events, compile once with `compileExpr` and call
 * the result: this function compiles on every call.
 */
export function evaluateExpr(expr: Expr, event: EventAccessor): boolean {
  return compileExpr(expr)(event);
}

/**
 * Compiles the IR that the backends render into closures, once per rule: string patterns, regular
 * expressions and networks are prepared here, so evaluating an event only reads fields and compares.
 * The semantics are Sigma's: case-insensitive unless `cased`, a missing field never matches a value,
 * `not` is plain negation, a number matches numerically and also its string form.
 */
export function compileExpr(expr: Expr): CompiledExpr {
  return visitExpr(expr, COMPILE);
}

const COMPILE: ExprVisitor<CompiledExpr> = {
  predicate: (p) => compilePredicate(p),
  const: (node) => {
    const v = node.value;
    return () => v;
  },
  not: (node, visit) => {
    const inner = visit(node.arg);
    return (ev) => !inner(ev);
  },
  and: (node, visit) => {
    const args = node.args.map(visit);
    return (ev) => {
      for (const a of args) if (!a(ev)) return false;
      return true;
    };
  },
  or: (node) => {
    const args = compileOrArgs(node.args);
    if (args.length === 1) return args[0] as CompiledExpr;
    return (ev) => {
      for (const a of args) if (a(ev)) return true;
      return false;
    };
  },
};

/**
 * An OR of string matches on one field (a value list: `Image|endswith: [...]`) reads and case-folds
 * the field once and runs every test on it, instead of once per value.
 */
function compileOrArgs(args: readonly Expr[]): CompiledExpr[] {
  const groups = new Map<string, { field: string; cased: boolean; values: SigmaString[] }>();
  const out: CompiledExpr[] = [];
  for (const a of args) {
    if (a.kind !== 'match') {
      out.push(compileExpr(a));
      continue;
    }
    const key = `${a.cased ? 'c' : 'i'}:${a.field}`;
    const g = groups.get(key);
    if (g) g.values.push(a.value);
    else groups.set(key, { field: a.field, cased: a.cased, values: [a.value] });
  }
  for (const { field, cased, values } of groups.values()) {
    const test = compileSigmaStrings(values, cased);
    out.unshift(cased ? (ev) => matchField(ev.get(field), null, test) : (ev) => matchField(ev.get(field), ev, test));
  }
  return out;
}

function isObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * True when the value, or any element of a list value, satisfies the text test. `folder` is the event
 * whose (remembered) case folding applies, or null for case-sensitive tests.
 */
function matchField(v: unknown, folder: EventAccessor | null, test: TextTest): boolean {
  if (typeof v === 'string') return test(folder ? folder.fold(v) : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return test(folder ? folder.fold(String(v)) : String(v));
  if (Array.isArray(v)) {
    for (const x of v) if (matchField(x, folder, test)) return true;
    return false;
  }
  if (isObject(v) && '#text' in v) return matchField(v['#text'], folder, test);
  return false; // missing, null, or an object: never equal to a value
}

/** Any of the values for a numeric test: numbers as they are, strings holding a decimal number parsed. */
function matchNumber(v: unknown, test: (n: number) => boolean): boolean {
  if (typeof v === 'number') return test(v);
  if (typeof v === 'string') {
    const n = parseNumber(v);
    return n !== null && test(n);
  }
  if (Array.isArray(v)) {
    for (const x of v) if (matchNumber(x, test)) return true;
    return false;
  }
  if (isObject(v) && '#text' in v) return matchNumber(v['#text'], test);
  return false;
}

const NUMBER_TEXT = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

function parseNumber(s: string): number | null {
  return NUMBER_TEXT.test(s) ? Number(s) : null;
}

const COMPARE: Readonly<Record<CompareOp, (a: number, b: number) => boolean>> = {
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
};

function compilePredicate(p: Predicate): CompiledExpr {
  switch (p.kind) {
    case 'match': {
      const test = compileSigmaString(p.value, p.cased);
      const { field, cased } = p;
      return (ev) => matchField(ev.get(field), cased ? null : ev, test);
    }
    case 'keyword': {
      // A keyword is found anywhere in any value of the event: an implicit contains, as the backends render it.
      const star = { type: 'string', parts: [{ wildcard: 'multi' }] } as const;
      const test = compileSigmaString(concatSigmaStrings(star, p.value, star), p.cased);
      const cased = p.cased;
      return (ev) => ev.values().some((v) => matchField(v, cased ? null : ev, test));
    }
    case 'number': {
      const { field, value } = p;
      return (ev) => matchNumber(ev.get(field), (n) => n === value);
    }
    case 'boolean': {
      const { field, value } = p;
      const text = String(value);
      return (ev) => matchBoolean(ev.get(field), value, text);
    }
    case 'compare': {
      const { field, value } = p;
      const cmp = COMPARE[p.op];
      return (ev) => matchNumber(ev.get(field), (n) => cmp(n, value));
    }
    case 'timepart': {
      const { field, part, value } = p;
      const cmp = p.op === 'eq' ? (a: number, b: number) => a === b : COMPARE[p.op];
      return (ev) => matchTimePart(ev.get(field), part, (n) => cmp(n, value));
    }
    case 'regex': {
      const test = compileRegex(p.pattern, p.flags, p.loc);
      const field = p.field;
      // Regexes carry their own case handling (the `i` flag), so the text is never folded.
      if (field === null) return (ev) => ev.values().some((v) => matchField(v, null, test));
      return (ev) => matchField(ev.get(field), null, test);
    }
    case 'cidr': {
      const net = parseCidr(p.network);
      if (!net) throw new SigmaError('invalid-value', `'${p.network}' is not a network in CIDR notation`, p.loc);
      const field = p.field;
      const inNetwork = (s: string) => cidrContains(net, s);
      return (ev) => matchField(ev.get(field), null, inNetwork);
    }
    case 'exists': {
      const field = p.field;
      // The spec: presence only, whatever the value (empty or null included).
      return (ev) => ev.get(field) !== undefined;
    }
    case 'null': {
      const field = p.field;
      return (ev) => {
        const v = ev.get(field);
        return v === undefined || v === null;
      };
    }
    case 'fieldref': {
      const { field, other, cased } = p;
      return (ev) => {
        const a = texts(ev.get(field), cased);
        if (a.length === 0) return false;
        const b = texts(ev.get(other), cased);
        return a.some((x) => b.includes(x));
      };
    }
    default:
      return assertNever(p);
  }
}

function matchBoolean(v: unknown, value: boolean, text: string): boolean {
  if (typeof v === 'boolean') return v === value;
  if (typeof v === 'string') return foldCase(v) === text;
  if (Array.isArray(v)) return v.some((x) => matchBoolean(x, value, text));
  if (isObject(v) && '#text' in v) return matchBoolean(v['#text'], value, text);
  return false;
}

/** The scalar values of a field as comparable text. */
function texts(v: unknown, cased: boolean): string[] {
  if (typeof v === 'string') return [cased ? v : foldCase(v)];
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return [String(v)];
  if (Array.isArray(v)) return v.flatMap((x) => texts(x, cased));
  if (isObject(v) && '#text' in v) return texts(v['#text'], cased);
  return [];
}

const ZONELESS = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)$/;

/**
 * A timestamp: epoch seconds or milliseconds as a number, or ISO-8601 text. Text without a zone (Sysmon's
 * UtcTime "2026-11-26 09:00:01.112") is read as UTC, never as the local time of the machine running the test.
 */
function parseTime(v: unknown): Date | null {
  if (typeof v === 'number') return new Date(Math.abs(v) < 1e11 ? v * 1000 : v);
  if (typeof v !== 'string') return null;
  const m = ZONELESS.exec(v.trim());
  const ms = Date.parse(m ? `${m[1]}T${m[2]}Z` : v.trim());
  return Number.isNaN(ms) ? null : new Date(ms);
}

function matchTimePart(v: unknown, part: TimePart, test: (n: number) => boolean): boolean {
  if (Array.isArray(v)) return v.some((x) => matchTimePart(x, part, test));
  const d = parseTime(isObject(v) && '#text' in v ? v['#text'] : v);
  return d !== null && test(timePart(d, part));
}

/** The date parts as the backends compute them, in UTC; `week` is the ISO-8601 week of the year. */
function timePart(d: Date, part: TimePart): number {
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
    case 'week': {
      const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
      const weekday = t.getUTCDay() || 7;
      t.setUTCDate(t.getUTCDate() + 4 - weekday); // the Thursday of this week decides its year
      const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
      return Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
    }
    default:
      return assertNever(part);
  }
}
