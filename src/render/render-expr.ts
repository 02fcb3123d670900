import { SigmaError } from '../core/errors';
import type { Expr, Predicate, SigmaString, StrPart } from '../ir/types';
import { assertNever } from '../ir/types';
import { decodeJoinedField } from '../ir/joined-field';
import { isWildcard, matchShape, formatSigmaString } from '../rule/sigma-string';
import { caseMode, matchOperatorKey, stageHasRegex, type BoolOp, type MatchKind, type OperatorDef, type StageDef } from './backend-def';
import { findDialect, findRegexEngine, quotePlain, type Dialect, type ValueQuoting } from './dialects';
import type { DialectRegex, RegexEngine } from './regex-dialects';
import { own } from '../core/own';
import { DerivedMemo } from '../core/derived-memo';

/** Fills `{name}` slots of an operator template; values are already quoted by the escape module. */
export function fillTemplate(template: string, slots: Readonly<Record<string, string>>): string {
  let out = '';
  let i = 0;
  for (;;) {
    const open = template.indexOf('{', i);
    if (open < 0) return out + template.slice(i);
    const close = template.indexOf('}', open);
    if (close < 0) return out + template.slice(i);
    const name = template.slice(open + 1, close);
    const value = /^\w+$/.test(name) ? own(slots, name) : undefined;
    out += template.slice(i, open) + (value ?? template.slice(open, close + 1));
    i = close + 1;
  }
}

/** A condition rendered in one stage, or every predicate the stage refused, each with its reason. */
export type Rendered = { readonly text: string } | { readonly refused: readonly Refusal[] };
export interface Refusal {
  readonly predicate: Predicate;
  /** Why this stage cannot write the predicate, as a person reads it. */
  readonly reason: string;
}
/** One predicate's rendering: its text, or why the stage cannot write it. */
type PredicateOut = { readonly text: string } | { readonly reason: string };

export function isRefused(r: Rendered): r is { readonly refused: readonly Refusal[] } {
  return 'refused' in r;
}

function dialectOf(stage: StageDef): Dialect {
  const d = findDialect(stage.dialect);
  // The loader checked every name (src/render/backend-def.ts): a miss here is a bug.
  if (!d) throw new SigmaError('internal', `stage '${stage.name}' names unknown dialect '${stage.dialect}'`);
  return d;
}

function operator(stage: StageDef, key: string): OperatorDef | undefined {
  const op = own(stage.operators, key);
  if (typeof op !== 'string') return op;
  // A template written alone: its definition object made once per stage and key.
  return templateOnly.get(stage, key, () => ({ template: op }));
}

/** Keys are the stage's own operator names: the bound is never reached. */
const templateOnly = new DerivedMemo<StageDef, OperatorDef>(4096);

/** The quoting style an operator's value takes: its own, else the stage's (for |cased matches: quoting_cased, if any). */
function quotingFor(stage: StageDef, name: string | undefined, cased = false): ValueQuoting | undefined {
  const style = name ?? (cased ? stage.quoting_cased : undefined) ?? stage.quoting;
  return style === undefined ? undefined : dialectOf(stage).quoting.get(style);
}

function quoteField(stage: StageDef, name: string): string | null {
  const dialect = dialectOf(stage);
  // A rule names the same fields again and again, and so do the rules of a run: each name is quoted once per
  // dialect (a pure function of the name; bounded for long-running processes).
  return quotedFields.get(dialect, name, () => dialect.field(name));
}

const quotedFields = new DerivedMemo<Dialect, string | null>(16384);

/** The value as the dialect folds it (`case_insensitive: fold`), wildcards kept; null when it has no exact fold. */
function foldValue(stage: StageDef, value: SigmaString): SigmaString | null {
  const fold = dialectOf(stage).foldCase;
  if (!fold) return null;
  const parts: StrPart[] = [];
  for (const p of value.parts) {
    if (isWildcard(p)) parts.push(p);
    else {
      const f = fold(p);
      if (f === null) return null;
      parts.push(f);
    }
  }
  return { type: 'string', parts };
}

/** A precedence rank: higher binds tighter. */
function rank(stage: StageDef, op: BoolOp): number {
  return stage.precedence.indexOf(op);
}

/**
 * Renders an expression in one stage. When some predicate has no form there, the result lists every such
 * predicate with its reason (the caller may try a later stage, or name the culprit). Unsupported regexes
 * throw: no stage could do better.
 */
export function renderInStage(e: Expr, stage: StageDef): Rendered {
  switch (e.kind) {
    case 'and':
    case 'or': {
      const parts: string[] = [];
      const refused: Refusal[] = [];
      const args = e.kind === 'or' ? foldIn(e.args, stage) : e.args.map((a) => ({ expr: a, text: null as string | null }));
      for (const a of args) {
        let text = a.text;
        if (text === null) {
          const r = renderInStage(a.expr, stage);
          if (isRefused(r)) {
            for (const x of r.refused) refused.push(x);
            continue;
          }
          text = r.text;
        }
        if (!refused.length) parts.push(needsGroup(a.expr, e.kind, stage) ? fillTemplate(stage.tokens.group, { expr: text }) : text);
      }
      return refused.length ? { refused } : { text: joinChain(parts, stage.tokens[e.kind], stage) };
    }
    case 'not': {
      const inner = renderInStage(e.arg, stage);
      if (isRefused(inner)) return inner;
      const grouped = !stage.not.groups && needsGroup(e.arg, 'not', stage) ? fillTemplate(stage.tokens.group, { expr: inner.text }) : inner.text;
      return { text: fillTemplate(stage.not.template, { expr: grouped }) };
    }
    case 'const':
      throw new SigmaError('internal', 'a constant reached the renderer; normalise the expression first');
    default: {
      const out = renderPredicate(e, stage);
      return 'reason' in out ? { refused: [{ predicate: e, reason: out.reason }] } : out;
    }
  }
}

/**
 * Joins the terms of one and/or. A parser may limit how deep a long chain nests (Kusto's analyser
 * gives up on ~450 'or' terms), so beyond stage.max_chain terms the chain becomes parenthesised
 * groups of the same operator: the same boolean, shallower.
 */
export function joinChain(parts: readonly string[], token: string, stage: StageDef): string {
  const max = stage.max_chain;
  if (!max || parts.length <= max) return parts.join(token);
  const groups: string[] = [];
  for (let i = 0; i < parts.length; i += max) groups.push(fillTemplate(stage.tokens.group, { expr: parts.slice(i, i + max).join(token) }));
  return joinChain(groups, token, stage);
}

export function needsGroup(child: Expr, parent: BoolOp, stage: StageDef): boolean {
  if (child.kind !== 'and' && child.kind !== 'or') return false;
  if (stage.group_mixed) return child.kind !== parent;
  return rank(stage, child.kind) <= rank(stage, parent) && child.kind !== parent;
}

/** The in-list template for matches of this case, when the stage has one and writes such equalities natively or by folding. */
function inTemplate(stage: StageDef, cased: boolean): string | undefined {
  const spec = stage.in;
  if (!spec) return undefined;
  return cased ? spec.cased : spec.template;
}

/** OR of plain equalities on one field becomes one IN-list where the stage has one. */
function foldIn(args: readonly Expr[], stage: StageDef): { expr: Expr; text: string | null }[] {
  const spec = stage.in;
  if (!spec) return args.map((expr) => ({ expr, text: null }));
  // Linear in the number of values: a rule may list 100,000 of them.
  const groups = new Map<string, { members: Set<Expr>; list: Extract<Predicate, { kind: 'match' }>[]; text?: string | null }>();
  // Each term's group key, made once (undefined: the term is in no group).
  const keys: (string | undefined)[] = new Array(args.length);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as Expr;
    if (a.kind !== 'match') continue;
    const { shape } = matchShape(a.value);
    const wildcardOk = spec.wildcards === true && shape !== 'any';
    if (shape !== 'equals' && !wildcardOk) continue;
    const key = `${a.field}\u0000${a.cased}`;
    keys[i] = key;
    const group = groups.get(key);
    if (group) {
      group.members.add(a);
      group.list.push(a);
    } else {
      groups.set(key, { members: new Set([a]), list: [a] });
    }
  }
  const out: { expr: Expr; text: string | null }[] = [];
  const done = new Set<Expr>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as Expr;
    if (done.has(a)) continue;
    const key = keys[i];
    if (a.kind === 'match' && key !== undefined) {
      const group = groups.get(key);
      const template = inTemplate(stage, a.cased);
      if (group && group.list.length >= 2 && group.members.has(a) && template) {
        if (group.text === undefined) {
          // Computed once per group: when a value cannot be quoted, every member falls back alone.
          const fold = !a.cased && caseMode(stage, 'equals', false) === 'fold';
          const values = group.list.map((g) => inValue(stage, g.value, fold, a.cased));
          const field = quoteField(stage, a.field);
          group.text = field !== null && values.every((v): v is string => v !== null) ? fillTemplate(template, { field, values: values.join(spec.separator) }) : null;
        }
        if (group.text !== null) {
          group.list.forEach((g) => done.add(g));
          out.push({ expr: a, text: group.text });
          continue;
        }
      }
    }
    out.push({ expr: a, text: null });
  }
  return out;
}

function inValue(stage: StageDef, raw: SigmaString, fold: boolean, cased: boolean): string | null {
  const quoting = quotingFor(stage, stage.in?.quoting, cased);
  const value = fold ? foldValue(stage, raw) : raw;
  if (!quoting || !value) return null;
  if ('pattern' in quoting) return quoting.pattern(value);
  const { shape, text } = matchShape(value);
  return shape === 'equals' ? quoting.literal(text) : null;
}

function compareOp(stage: StageDef, op: string): string | null {
  return stage.compare_ops ? (own(stage.compare_ops, op) ?? null) : null;
}

/** The field quoted for the stage, or why it cannot be. */
function fieldIn(stage: StageDef, name: string): PredicateOut | string {
  return quoteField(stage, name) ?? { reason: `the field name '${name}' has no form in this stage` };
}

function noOperator(what: string): PredicateOut {
  return { reason: `it has no operator for ${what}` };
}

function renderPredicate(p: Predicate, stage: StageDef): PredicateOut {
  switch (p.kind) {
    case 'match': {
      const field = fieldIn(stage, p.field);
      return typeof field === 'string' ? renderStringMatch(stage, field, p.value, p.cased, false) : field;
    }
    case 'keyword':
      return renderStringMatch(stage, null, p.value, p.cased, true);
    case 'number':
    case 'boolean': {
      const t = operator(stage, p.kind)?.template;
      const field = fieldIn(stage, p.field);
      if (typeof field !== 'string') return field;
      return t ? { text: fillTemplate(t, { field, value: p.kind === 'number' ? formatNumber(p.value) : String(p.value) }) } : noOperator(`${p.kind} values`);
    }
    case 'compare': {
      const t = operator(stage, 'compare')?.template;
      const op = compareOp(stage, p.op);
      const field = fieldIn(stage, p.field);
      if (typeof field !== 'string') return field;
      return t && op ? { text: fillTemplate(t, { field, op, value: formatNumber(p.value) }) } : noOperator(`the comparison ${p.op}`);
    }
    case 'timepart': {
      const t = operator(stage, 'timepart')?.template;
      const op = compareOp(stage, p.op);
      const part = stage.time_parts ? own(stage.time_parts, p.part) : undefined;
      const field = fieldIn(stage, p.field);
      if (typeof field !== 'string') return field;
      return t && op && part ? { text: fillTemplate(t, { field, op, part, value: formatNumber(p.value) }) } : noOperator(`the ${p.part} of a timestamp`);
    }
    case 'null':
    case 'exists': {
      const t = operator(stage, p.kind)?.template;
      const field = fieldIn(stage, p.field);
      if (typeof field !== 'string') return field;
      return t ? { text: fillTemplate(t, { field }) } : noOperator(p.kind === 'null' ? 'a missing field' : 'an existing field');
    }
    case 'regex': {
      if (p.field === null) return renderRegex(stage, null, true, () => translateRegexPredicate(p, stage));
      const field = fieldIn(stage, p.field);
      return typeof field === 'string' ? renderRegex(stage, field, false, () => translateRegexPredicate(p, stage)) : field;
    }
    case 'cidr': {
      const key = p.family === 4 ? 'cidr4' : 'cidr6';
      const op = operator(stage, key);
      const field = fieldIn(stage, p.field);
      if (typeof field !== 'string') return field;
      if (!op) return noOperator(`IPv${p.family} ranges`);
      const quoting = quotingFor(stage, op.quoting);
      const value = quoting ? quotePlain(quoting, p.network) : null;
      return value === null ? { reason: `the network '${p.network}' cannot be quoted here` } : { text: fillTemplate(op.template, { field, value }) };
    }
    case 'fieldref': {
      const mode = caseMode(stage, 'fieldref', p.cased);
      const t = mode === 'native' || mode === 'fold' ? operator(stage, matchOperatorKey('fieldref', p.cased))?.template : undefined;
      const field = fieldIn(stage, p.field);
      if (typeof field !== 'string') return field;
      const other = fieldIn(stage, p.other);
      if (typeof other !== 'string') return other;
      return t ? { text: fillTemplate(t, { field, other }) } : noOperator(`comparing two fields${p.cased ? ' case-sensitively' : ''}`);
    }
    default:
      return assertNever(p);
  }
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? n.toFixed(0) : String(n);
}

/** What a stage does with one string match, decided once for rendering and for regexFor. */
type StringMatchPlan =
  | { readonly native: string }
  | { readonly regex: () => DialectRegex }
  | { readonly reason: string };

function describeKind(kind: MatchKind, cased: boolean): string {
  return `a ${cased ? 'case-sensitive' : 'case-insensitive'} ${kind === 'any' ? 'any-value' : kind} match`;
}

/**
 * A string match, as the stage's case mode for its kind says: its own operator (native, or on folded text)
 * when the value can be quoted for it, else an exact regex when the stage has one, else a refusal.
 */
function planStringMatch(stage: StageDef, field: string | null, value: SigmaString, cased: boolean, keyword: boolean): StringMatchPlan {
  // A keyword matches anywhere in the event: an implicit contains.
  const effective = keyword ? wrapContains(value) : value;
  const { shape } = matchShape(effective);
  const kind: MatchKind = keyword ? 'keyword' : shape;
  const mode = caseMode(stage, kind, cased);
  if (mode === 'refuse') return { reason: `it does not write ${describeKind(kind, cased)}` };
  if (mode === 'native' || mode === 'fold') {
    const op = operator(stage, matchOperatorKey(kind, cased));
    const quoted = op ? quoteMatchValue(stage, op, effective, keyword, mode === 'fold', cased) : null;
    if (op && quoted !== null && (keyword || field !== null)) return { native: fillTemplate(op.template, { field: field ?? '', value: quoted }) };
  }
  if (!stageHasRegex(stage, keyword)) return { reason: mode === 'regex' ? 'it has no regex operator' : `the value '${formatSigmaString(value)}' cannot be quoted for its operator, and it has no regex operator` };
  const engine = regexEngineOf(stage);
  return { regex: () => engine.fromWildcard(effective, cased) };
}

function regexEngineOf(stage: StageDef): RegexEngine {
  const engine = stage.regex ? findRegexEngine(stage.regex.engine) : undefined;
  if (!engine) throw new SigmaError('internal', `stage '${stage.name}' has no regex engine`);
  return engine;
}

/** The value quoted for its operator: a pattern style takes the wildcards; a literal one only wildcard-free text. */
function quoteMatchValue(stage: StageDef, op: OperatorDef, effective: SigmaString, keyword: boolean, fold: boolean, cased: boolean): string | null {
  const quoting = quotingFor(stage, op.quoting, cased);
  const value = fold ? foldValue(stage, effective) : effective;
  if (!quoting || !value) return null;
  // A keyword is a substring of the event: the wildcards of `effective` say so (Splunk terms are not substrings).
  if ('pattern' in quoting) return quoting.pattern(value);
  const { shape, text } = matchShape(value);
  if (shape === 'pattern' || (keyword && shape !== 'contains' && shape !== 'any')) return null;
  return quoting.literal(text);
}

function renderStringMatch(stage: StageDef, field: string | null, value: SigmaString, cased: boolean, keyword: boolean): PredicateOut {
  const plan = planStringMatch(stage, field, value, cased, keyword);
  if ('native' in plan) return { text: plan.native };
  if ('reason' in plan) return plan;
  return renderRegex(stage, field, keyword, plan.regex);
}

function translateRegexPredicate(p: Extract<Predicate, { kind: 'regex' }>, stage: StageDef): DialectRegex {
  try {
    return regexEngineOf(stage).fromSigma(p.pattern, p.flags);
  } catch (err) {
    // The dialect check knows the pattern, not where it was written: point at the rule's line.
    if (err instanceof SigmaError && !err.loc && p.loc) throw new SigmaError(err.code, err.message, p.loc);
    throw err;
  }
}

/**
 * The regex (before quoting) a stage writes for a predicate, or null when it writes none: a regex
 * predicate, or a string match the stage's own operators cannot quote. The same decisions as
 * renderPredicate, so that a test can hand every regex a query holds to the target's real engine.
 */
export function regexFor(p: Predicate, stage: StageDef): DialectRegex | null {
  switch (p.kind) {
    case 'regex': {
      const keyword = p.field === null;
      if (!stageHasRegex(stage, keyword) || (!keyword && quoteField(stage, p.field as string) === null)) return null;
      return translateRegexPredicate(p, stage);
    }
    case 'match': {
      const field = quoteField(stage, p.field);
      if (field === null) return null;
      const plan = planStringMatch(stage, field, p.value, p.cased, false);
      return 'regex' in plan ? plan.regex() : null;
    }
    case 'keyword': {
      const plan = planStringMatch(stage, null, p.value, p.cased, true);
      return 'regex' in plan ? plan.regex() : null;
    }
    default:
      return null;
  }
}

function wrapContains(value: SigmaString): SigmaString {
  return { type: 'string', parts: [{ wildcard: 'multi' }, ...value.parts, { wildcard: 'multi' }] };
}

/** A regex through the stage's regex operator for a field (or a keyword), quoted with the stage's regex quoting. */
function renderRegex(stage: StageDef, field: string | null, keyword: boolean, build: () => DialectRegex): PredicateOut {
  if (!stageHasRegex(stage, keyword) || !stage.regex) return { reason: 'it has no regex operator' };
  const base = keyword ? 'keyword_regex' : 'regex';
  const re = build();
  const key = re.caseInsensitiveOp ? `${base}_i` : base;
  const op = operator(stage, key);
  if (!op) return { reason: `it has no operator '${key}' for this regex` };
  const template = op.template;
  // A stage without inline flags may quote a case-insensitive regex its own way (both cases of each letter).
  const quoting = dialectOf(stage).quoting.get(op.quoting ?? stage.regex.quoting);
  const regex = quoting ? quotePlain(quoting, re.pattern) : null;
  return regex === null ? { reason: 'the regex cannot be quoted here' } : { text: fillTemplate(template, { field: field ?? '', regex }) };
}

/** A short human description of a predicate, for error messages. */
export function describePredicate(predicate: Predicate): string {
  // Computed fields (columns joined by a value transformation) are shown as a person reads them.
  const joined = 'field' in predicate && predicate.field !== null ? decodeJoinedField(predicate.field) : null;
  const p = joined ? ({ ...predicate, field: `strcat(${joined.columns.join(`, '${joined.separator}', `)})` } as Predicate) : predicate;
  switch (p.kind) {
    case 'match':
      return `${p.field}${p.cased ? '|cased' : ''} = '${formatSigmaString(p.value)}'`;
    case 'keyword':
      return `the keyword (unbound value) '${formatSigmaString(p.value)}'`;
    case 'number':
    case 'boolean':
      return `${p.field} = ${String(p.value)}`;
    case 'compare':
      return `${p.field}|${p.op} ${p.value}`;
    case 'timepart':
      return `${p.field}|${p.part} ${p.op} ${p.value}`;
    case 'null':
      return `${p.field}: null`;
    case 'exists':
      return `${p.field}|exists`;
    case 'regex':
      return `${p.field ?? '(keyword)'}|re '${p.pattern}'${p.flags.length ? ` with flags ${p.flags.join('')}` : ''}`;
    case 'cidr':
      return `${p.field}|cidr ${p.network}`;
    case 'fieldref':
      return `${p.field}|fieldref ${p.other}`;
    default:
      return assertNever(p);
  }
}
