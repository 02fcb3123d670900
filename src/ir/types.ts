/** Intermediate representation: a boolean tree over predicates, independent of any target. */

import { SigmaError } from '../core/errors';
import type { SourceLocation } from '../core/location';

export type { SourceLocation } from '../core/location';

/** A literal run of characters or a structural wildcard (never an escaped one). */
export type StrPart = string | { readonly wildcard: 'multi' | 'single' };

export interface SigmaString {
  readonly type: 'string';
  readonly parts: readonly StrPart[];
}

export type CompareOp = 'lt' | 'lte' | 'gt' | 'gte';
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
export type RegexFlag = 'i' | 'm' | 's';

/** What every predicate carries: where the rule wrote it (absent only for conditions a pipeline adds). */
interface PredicateBase {
  readonly loc: SourceLocation;
}

/** field equals / starts with / ends with / contains / matches a pattern: the wildcards say which. */
export interface MatchPredicate extends PredicateBase {
  readonly kind: 'match';
  readonly field: string;
  readonly value: SigmaString;
  readonly cased: boolean;
}

export interface NumberPredicate extends PredicateBase {
  readonly kind: 'number';
  readonly field: string;
  readonly value: number;
}

export interface BooleanPredicate extends PredicateBase {
  readonly kind: 'boolean';
  readonly field: string;
  readonly value: boolean;
}

/** A value searched for in any field (a Sigma keyword list). */
export interface KeywordPredicate extends PredicateBase {
  readonly kind: 'keyword';
  readonly value: SigmaString;
  readonly cased: boolean;
}

/** `|re`; a null field: a keyword regex. */
export interface RegexPredicate extends PredicateBase {
  readonly kind: 'regex';
  readonly field: string | null;
  readonly pattern: string;
  readonly flags: readonly RegexFlag[];
}

export interface CidrPredicate extends PredicateBase {
  readonly kind: 'cidr';
  readonly field: string;
  readonly network: string;
  readonly family: 4 | 6;
}

export interface ComparePredicate extends PredicateBase {
  readonly kind: 'compare';
  readonly field: string;
  readonly op: CompareOp;
  readonly value: number;
}

/** `|minute`, `|hour`... of a time field compared with a number. */
export interface TimePartPredicate extends PredicateBase {
  readonly kind: 'timepart';
  readonly field: string;
  readonly part: TimePart;
  readonly op: 'eq' | CompareOp;
  readonly value: number;
}

export interface ExistsPredicate extends PredicateBase {
  readonly kind: 'exists';
  readonly field: string;
}

export interface NullPredicate extends PredicateBase {
  readonly kind: 'null';
  readonly field: string;
}

/** `|fieldref`: the field equals another field of the same event. */
export interface FieldRefPredicate extends PredicateBase {
  readonly kind: 'fieldref';
  readonly field: string;
  readonly other: string;
  readonly cased: boolean;
}

export type Predicate =
  | MatchPredicate
  | NumberPredicate
  | BooleanPredicate
  | KeywordPredicate
  | RegexPredicate
  | CidrPredicate
  | ComparePredicate
  | TimePartPredicate
  | ExistsPredicate
  | NullPredicate
  | FieldRefPredicate;

export interface AndExpr {
  readonly kind: 'and';
  readonly args: readonly Expr[];
}

export interface OrExpr {
  readonly kind: 'or';
  readonly args: readonly Expr[];
}

export interface NotExpr {
  readonly kind: 'not';
  readonly arg: Expr;
}

/** Always true or always false: what a pipeline leaves where it knows a condition's value (normalizeExpr removes it). */
export interface ConstExpr {
  readonly kind: 'const';
  readonly value: boolean;
}

export type Expr = Predicate | AndExpr | OrExpr | NotExpr | ConstExpr;

export type PredicateKind = Predicate['kind'];

export function isPredicate(e: Expr): e is Predicate {
  return e.kind !== 'and' && e.kind !== 'or' && e.kind !== 'not' && e.kind !== 'const';
}

export function assertNever(x: never): never {
  throw new SigmaError('internal', `unhandled IR node ${JSON.stringify(x)}`);
}

/** The field a predicate reads, or null for keywords / field-less regex. */
export function predicateField(p: Predicate): string | null {
  switch (p.kind) {
    case 'keyword':
      return null;
    case 'regex':
      return p.field;
    default:
      return p.field;
  }
}
