import { SigmaError } from '../core/errors';
import type { Expr, Predicate, SigmaString } from '../ir/types';
import { assertNever, isPredicate } from '../ir/types';
import { decodeJoinedField } from '../ir/joined-field';
import { matchShape, plainSigmaString, formatSigmaString } from '../rule/sigma-string';
import type { BoolOp, StageDef } from './backend-def';
import { QUOTING } from './escape';
import { sigmaRegexToDialect, wildcardToRegex, type DialectRegex } from './regex-dialects';
import { own } from '../core/own';

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

/** Quotes a plain string with the stage's string strategy (wildcard-capable or not). */
function quoteLiteral(stage: StageDef, text: string, strategy = stage.string_quoting): string | null {
  if (!strategy) return null;
  const literal = QUOTING.literal[strategy];
  if (literal) return literal(text);
  const pattern = QUOTING.pattern[strategy];
  return pattern ? pattern(plainSigmaString(text)) : null;
}

function quoteField(stage: StageDef, name: string): string | null {
  const q = QUOTING.field[stage.field_quoting];
  return q ? q(name) : null;
}

/** A precedence rank: higher binds tighter. */
function rank(stage: StageDef, op: BoolOp): number {
  return stage.precedence.indexOf(op);
}

/**
 * Renders an expression in one stage, or returns null when some predicate has no form there
 * (the caller may then try a later stage). Unsupported regexes throw: no stage could do better.
 */
export function renderInStage(e: Expr, stage: StageDef): string | null {
  switch (e.kind) {
    case 'and':
    case 'or': {
      const parts: string[] = [];
      const args = e.kind === 'or' ? foldIn(e.args, stage) : e.args.map((a) => ({ expr: a, text: null as string | null }));
      for (const a of args) {
        const text = a.text ?? renderInStage(a.expr, stage);
        if (text === null) return null;
        parts.push(needsGroup(a.expr, e.kind, stage) ? fillTemplate(stage.tokens.group, { expr: text }) : text);
      }
      return joinChain(parts, stage.tokens[e.kind], stage);
    }
    case 'not': {
      const inner = renderInStage(e.arg, stage);
      if (inner === null) return null;
      const selfDelimited = stage.tokens.not.includes('({expr})');
      const grouped = !selfDelimited && needsGroup(e.arg, 'not', stage) ? fillTemplate(stage.tokens.group, { expr: inner }) : inner;
      return fillTemplate(stage.tokens.not, { expr: grouped });
    }
    case 'const':
      throw new SigmaError('internal', 'a constant reached the renderer; normalise the expression first');
    default:
      return renderPredicate(e, stage);
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

/** OR of plain equalities on one field becomes one IN-list where the stage has one. */
function foldIn(args: readonly Expr[], stage: StageDef): { expr: Expr; text: string | null }[] {
  // Linear in the number of values: a rule may list 100,000 of them.
  const groups = new Map<string, { members: Set<Expr>; list: Extract<Predicate, { kind: 'match' }>[]; text?: string | null }>();
  for (const a of args) {
    if (a.kind !== 'match') continue;
    const { shape } = matchShape(a.value);
    const wildcardOk = stage.in_allows_wildcards && shape !== 'any';
    if (shape !== 'equals' && !wildcardOk) continue;
    const key = `${a.field}\u0000${a.cased}`;
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
  for (const a of args) {
    if (done.has(a)) continue;
    if (a.kind === 'match') {
      const group = groups.get(`${a.field}\u0000${a.cased}`);
      const template = stage.operators[a.cased ? 'in_cased' : 'in'];
      if (group && group.list.length >= 2 && group.members.has(a) && template) {
        if (group.text === undefined) {
          // Computed once per group: when a value cannot be quoted, every member falls back alone.
          const values = group.list.map((g) => inValue(stage, g.value, a.cased));
          const field = quoteField(stage, a.field);
          group.text = field !== null && values.every((v): v is string => v !== null) ? fillTemplate(template, { field, values: values.join(', ') }) : null;
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

function inValue(stage: StageDef, value: SigmaString, cased: boolean): string | null {
  const strategy = cased ? (stage.string_quoting_cased ?? stage.string_quoting) : stage.string_quoting;
  if (!strategy) return null;
  const pattern = QUOTING.pattern[strategy];
  if (pattern) return pattern(value);
  const { shape, text } = matchShape(value);
  return shape === 'equals' ? (QUOTING.literal[strategy]?.(text) ?? null) : null;
}

function renderPredicate(p: Predicate, stage: StageDef): string | null {
  const ops = stage.operators;
  const cmp = (op: string) => stage.compare_ops?.[op] ?? null;
  const fieldOf = (name: string) => quoteField(stage, name);
  switch (p.kind) {
    case 'match': {
      const field = fieldOf(p.field);
      return field === null ? null : renderStringMatch(stage, field, p.value, p.cased, false);
    }
    case 'keyword':
      return renderStringMatch(stage, null, p.value, p.cased, true);
    case 'number': {
      const field = fieldOf(p.field);
      return ops.number && field !== null ? fillTemplate(ops.number, { field, value: formatNumber(p.value) }) : null;
    }
    case 'boolean': {
      const field = fieldOf(p.field);
      return ops.boolean && field !== null ? fillTemplate(ops.boolean, { field, value: String(p.value) }) : null;
    }
    case 'compare': {
      const field = fieldOf(p.field);
      const op = cmp(p.op);
      return ops.compare && field !== null && op ? fillTemplate(ops.compare, { field, op, value: formatNumber(p.value) }) : null;
    }
    case 'timepart': {
      const field = fieldOf(p.field);
      const op = cmp(p.op);
      const part = stage.time_parts?.[p.part];
      return ops.timepart && field !== null && op && part ? fillTemplate(ops.timepart, { field, op, part, value: formatNumber(p.value) }) : null;
    }
    case 'null':
    case 'exists': {
      const field = fieldOf(p.field);
      const t = ops[p.kind];
      return t && field !== null ? fillTemplate(t, { field }) : null;
    }
    case 'regex':
      return renderRegex(stage, p.field === null ? null : fieldOf(p.field), p.field === null, () => translateRegexPredicate(p, stage));
    case 'cidr': {
      const field = fieldOf(p.field);
      const t = ops[p.family === 4 ? 'cidr4' : 'cidr6'];
      // A network has no case: the cased quoting, where the stage has one, writes it as it is.
      const value = quoteLiteral(stage, p.network, stage.string_quoting_cased ?? stage.string_quoting);
      return t && field !== null && value !== null ? fillTemplate(t, { field, value }) : null;
    }
    case 'fieldref': {
      const field = fieldOf(p.field);
      const other = fieldOf(p.other);
      const t = ops[p.cased ? 'fieldref_cased' : 'fieldref'];
      return t && field !== null && other !== null ? fillTemplate(t, { field, other }) : null;
    }
    case 'placeholder':
      return null;
    default:
      return assertNever(p);
  }
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? n.toFixed(0) : String(n);
}

/**
 * A string match: the native operator for its wildcard shape when the value can be quoted,
 * else an exact regex, else nothing (another stage may take it).
 */
function renderStringMatch(stage: StageDef, field: string | null, value: SigmaString, cased: boolean, keyword: boolean): string | null {
  const native = renderNativeStringMatch(stage, field, value, cased, keyword);
  if (native !== null) return native;
  return renderRegex(stage, field, keyword, () => wildcardToRegex(keyword ? wrapContains(value) : value, stage.regex_dialect ?? 'pcre', cased));
}

/** A string match with the stage's own operator for its wildcard shape; null when the value cannot be quoted for it. */
function renderNativeStringMatch(stage: StageDef, field: string | null, value: SigmaString, cased: boolean, keyword: boolean): string | null {
  const ops = stage.operators;
  // A keyword matches anywhere in the event: an implicit contains.
  const effective = keyword ? wrapContains(value) : value;
  const { shape, text } = matchShape(effective);
  const key = keyword ? (cased ? 'keyword_cased' : 'keyword') : cased ? `${shape}_cased` : shape;
  const template = ops[key];
  const strategy = cased ? (stage.string_quoting_cased ?? stage.string_quoting) : stage.string_quoting;
  if (template && strategy) {
    const pattern = QUOTING.pattern[strategy];
    let quoted: string | null = null;
    // A keyword is a substring of the event: the wildcards of `effective` say so (Splunk terms are not substrings).
    if (pattern) quoted = pattern(effective);
    else if (shape !== 'pattern' && !(keyword && shape !== 'contains' && shape !== 'any')) quoted = QUOTING.literal[strategy]?.(text) ?? null;
    if (quoted !== null && (keyword || field !== null)) return fillTemplate(template, { field: field ?? '', value: quoted });
  }
  return null;
}

function translateRegexPredicate(p: Extract<Predicate, { kind: 'regex' }>, stage: StageDef): DialectRegex {
  try {
    return sigmaRegexToDialect(p.pattern, p.flags, stage.regex_dialect ?? 'pcre');
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
      const field = p.field === null ? null : quoteField(stage, p.field);
      return canRenderRegex(stage, field, p.field === null) ? translateRegexPredicate(p, stage) : null;
    }
    case 'match': {
      const field = quoteField(stage, p.field);
      if (field === null || renderNativeStringMatch(stage, field, p.value, p.cased, false) !== null) return null;
      return canRenderRegex(stage, field, false) ? wildcardToRegex(p.value, stage.regex_dialect ?? 'pcre', p.cased) : null;
    }
    case 'keyword':
      if (renderNativeStringMatch(stage, null, p.value, p.cased, true) !== null) return null;
      return canRenderRegex(stage, null, true) ? wildcardToRegex(wrapContains(p.value), stage.regex_dialect ?? 'pcre', p.cased) : null;
    default:
      return null;
  }
}

function wrapContains(value: SigmaString): SigmaString {
  return { type: 'string', parts: [{ wildcard: 'multi' }, ...value.parts, { wildcard: 'multi' }] };
}

/** Whether the stage has a regex operator for this field (or for a keyword): the regex is only built then. */
function canRenderRegex(stage: StageDef, field: string | null, keyword: boolean): boolean {
  if (!stage.regex_dialect || !stage.regex_quoting) return false;
  const templateKeyBase = keyword ? 'keyword_regex' : 'regex';
  if (!stage.operators[templateKeyBase] && !stage.operators[templateKeyBase + '_i']) return false;
  return keyword || field !== null;
}

function renderRegex(
  stage: StageDef,
  field: string | null,
  keyword: boolean,
  build: () => DialectRegex,
): string | null {
  if (!canRenderRegex(stage, field, keyword)) return null;
  const templateKeyBase = keyword ? 'keyword_regex' : 'regex';
  const re = build();
  const template = stage.operators[re.caseInsensitiveOp ? `${templateKeyBase}_i` : templateKeyBase];
  if (!template) return null;
  const quoting = re.caseInsensitiveOp && stage.regex_quoting_i ? stage.regex_quoting_i : stage.regex_quoting;
  const regex = quoteLiteral(stage, re.pattern, quoting);
  return regex === null ? null : fillTemplate(template, { field: field ?? '', regex });
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
    case 'placeholder':
      return `${p.field}|expand %${p.name}%`;
    default:
      return assertNever(p);
  }
}

/** The first predicate (depth-first) for which `missing` holds. */
function firstPredicate(e: Expr, missing: (p: Predicate) => boolean): Predicate | null {
  if (isPredicate(e)) return missing(e) ? e : null;
  if (e.kind === 'not') return firstPredicate(e.arg, missing);
  if (e.kind === 'and' || e.kind === 'or') {
    for (const a of e.args) {
      const found = firstPredicate(a, missing);
      if (found) return found;
    }
  }
  return null;
}

/** The first predicate for which no stage has a form: what an error should name. */
export function findInexpressible(e: Expr, stages: readonly StageDef[]): Predicate | null {
  return firstPredicate(e, (p) => !stages.some((s) => renderPredicate(p, s) !== null));
}

/** The first predicate this stage cannot render. */
export function firstPredicateNotIn(e: Expr, stage: StageDef): Predicate | null {
  return firstPredicate(e, (p) => renderPredicate(p, stage) === null);
}
