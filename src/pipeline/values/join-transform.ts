import type { Expr, Predicate, SigmaString } from '../../ir/types';
import { encodeJoinedField } from '../../ir/joined-field';
import { hasWildcards, isWildcard, matchShape, plainSigmaString } from '../../rule/sigma-string';
import type { JoinTransform } from './value-transform-def';
import { rewritePrefix } from './prefix-rewrite';
import { countLiteral, sigmaString, sigmaStringMatches, splitAtFirst } from './sigma-pattern';
import { and, match, or, refuse, type MatchPredicate } from './transform-context';

/**
 * One Sigma field that the SIEM stores in two columns, the source's text being `first + separator + last`
 * (Sysmon TargetObject = Defender RegistryKey + '\' + RegistryValueName; User = AccountDomain + '\' +
 * AccountName). Each value becomes tests on the columns where that is exact whatever the columns hold
 * (a value name `Run` for `*\Run`; `contains` text without a separator in either column); any value whose
 * wildcards or separators could straddle the columns is tested on the joined text itself (KQL: strcat),
 * so it keeps its meaning. A `not` around it stays exact, as every rewrite is an equivalence.
 */
export function applyJoin(p: Predicate, t: JoinTransform, other?: JoinTransform): Expr {
  if (p.kind === 'fieldref') return joinFieldref(p, t, other);
  const when = t.join.first_only_when;
  if (!when) return joinPredicate(p, t);
  // Key events (RegistryKeyCreated ...): the source field is the key alone.
  const isKeyEvent = or(when.values.map((v) => match(when.field, plainSigmaString(v), false, p)));
  return or([and([isKeyEvent, firstOnly(p, t)]), and([{ kind: 'not', arg: isKeyEvent }, joinPredicate(p, t)])]);
}

/**
 * `User|fieldref: ParentUser` with both split the same way, and no separator inside either column: the texts
 * are equal exactly when both pairs of columns are.
 */
function joinFieldref(p: Extract<Predicate, { kind: 'fieldref' }>, t: JoinTransform, other: JoinTransform | undefined): Expr {
  const simple = (j: JoinTransform) => !j.join.first_has_separator && !j.join.last_has_separator && !j.join.first_missing && !j.join.first_only_when;
  if (!other || other.join.separator !== t.join.separator || !simple(t) || !simple(other)) {
    return refuse(t.field, null, `a field reference to '${p.other}' cannot be split across ${t.join.columns.join(' and ')}`, p);
  }
  return and(t.join.columns.map((c, i) => ({ ...p, field: c, other: other.join.columns[i] as string })));
}

function firstOnly(p: Predicate, t: JoinTransform): Expr {
  const [first] = t.join.columns;
  switch (p.kind) {
    case 'match':
      return or(rewritePrefix(p.value, t, t.field, p).map((v) => match(first, v, p.cased, p)));
    case 'regex':
    case 'exists':
    case 'null':
      return { ...p, field: first };
    default:
      return refuse(t.field, null, `a ${p.kind} test cannot be split across ${t.join.columns.join(' and ')}`, p);
  }
}

function joinPredicate(p: Predicate, t: JoinTransform): Expr {
  const [first, last] = t.join.columns;
  const present = t.join.first_missing || t.join.presence === 'last' ? last : first;
  switch (p.kind) {
    case 'match':
      return joinMatch(p, t);
    case 'exists':
    case 'null':
      return { ...p, field: present };
    case 'regex':
      if (t.join.first_missing) return refuse(t.field, p.pattern, `a regular expression needs the full path, and only ${last} is stored`, p);
      return { ...p, field: joinedField(t) };
    default:
      return refuse(t.field, null, `a ${p.kind} test cannot be split across ${first} and ${last}`, p);
  }
}

function joinedField(t: JoinTransform): string {
  return encodeJoinedField({ columns: t.join.columns, separator: t.join.separator, ...(t.join.empty_last !== undefined ? { emptyLast: t.join.empty_last } : {}) });
}

function joinMatch(p: MatchPredicate, t: JoinTransform): Expr {
  return or(rewritePrefix(p.value, t, t.field, p).map((value) => joinValue(p, t, value)));
}

function joinValue(p: MatchPredicate, t: JoinTransform, value: SigmaString): Expr {
  const { separator: sep, first_has_separator: firstSep = false, last_has_separator: lastSep = false, empty_last: emptyLast } = t.join;
  const [first, last] = t.join.columns;
  const cased = p.cased;
  const on = (column: string, v: SigmaString) => match(column, v, cased, p);
  const onFirst = (v: SigmaString): Expr =>
    t.join.first_missing ? refuse(t.field, p.value, `only ${last} is stored: a test on the rest of the text has no column`, p) : on(first, v);
  // The last column, plus its empty form where the source writes a text for it ('(Default)').
  const onLast = (v: SigmaString): Expr =>
    emptyLast !== undefined && sigmaStringMatches(v, emptyLast, cased) ? or([on(last, v), on(last, plainSigmaString(''))]) : on(last, v);
  const joined = (): Expr =>
    t.join.first_missing ? refuse(t.field, p.value, `the pattern can span the path and the file name, and only ${last} is stored`, p) : on(joinedField(t), value);

  const { shape, text } = matchShape(value);
  if (shape === 'any') return t.join.first_missing ? on(last, value) : on(first, value);
  const seps = countLiteral(value, sep);

  if (seps === 0) {
    // Text without a separator lies inside one column (it cannot cross the separator).
    if (shape === 'contains') return or([onFirst(value), onLast(value)]);
    if (shape === 'endswith') return onLast(value);
    // A bare name (no domain) means the last column, as Windows' own logs write it; by the joined text it would be the domain.
    if ((shape === 'equals' || shape === 'startswith') && t.join.bare_is_last) return onLast(value);
    if (shape === 'startswith') return onFirst(value);
    return joined();
  }
  if (!firstSep && !lastSep && seps === 1) {
    // The one separator of the value is the one of the source's text: each side tests its own column.
    const halves = splitAtFirst(value, sep);
    if (halves) return and([...sideTest(halves.left, onFirst), ...sideTest(halves.right, onLast)]);
  }
  if (!lastSep) {
    // The last column holds no separator: the value's last separator is the source's, if nothing after it is a wildcard.
    const halves = splitAtLast(value, sep);
    if (halves && !hasWildcards(halves.right)) return and([...sideTest(halves.left, onFirst), onLast(halves.right)]);
  }
  if (shape === 'endswith' && text.startsWith(sep) && seps === 1) {
    // `*\Name`: the last column is Name, or (holding separators itself) ends with `\Name`.
    const name = plainSigmaString(text.slice(sep.length));
    return lastSep ? or([onLast(name), on(last, value)]) : onLast(name);
  }
  return joined();
}

/** A side that is `*` alone matches any text, even empty: no test at all. */
function sideTest(side: SigmaString, test: (v: SigmaString) => Expr): Expr[] {
  const only = side.parts.length === 1 ? side.parts[0] : undefined;
  if (only !== undefined && isWildcard(only) && only.wildcard === 'multi') return [];
  return [test(side)];
}

function splitAtLast(value: SigmaString, ch: string): { left: SigmaString; right: SigmaString } | null {
  for (let i = value.parts.length - 1; i >= 0; i--) {
    const p = value.parts[i];
    if (typeof p !== 'string') continue;
    const at = p.lastIndexOf(ch);
    if (at < 0) continue;
    return { left: sigmaString([...value.parts.slice(0, i), p.slice(0, at)]), right: sigmaString([p.slice(at + 1), ...value.parts.slice(i + 1)]) };
  }
  return null;
}

