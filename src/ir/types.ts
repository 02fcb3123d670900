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

export type Predicate =
  | { readonly kind: 'match'; readonly field: string; readonly value: SigmaString; readonly cased: boolean; readonly loc?: SourceLocation }
  | { readonly kind: 'number'; readonly field: string; readonly value: number; readonly loc?: SourceLocation }
  | { readonly kind: 'boolean'; readonly field: string; readonly value: boolean; readonly loc?: SourceLocation }
  | { readonly kind: 'keyword'; readonly value: SigmaString; readonly cased: boolean; readonly loc?: SourceLocation }
  | { readonly kind: 'regex'; readonly field: string | null; readonly pattern: string; readonly flags: readonly RegexFlag[]; readonly loc?: SourceLocation }
  | { readonly kind: 'cidr'; readonly field: string; readonly network: string; readonly family: 4 | 6; readonly loc?: SourceLocation }
  | { readonly kind: 'compare'; readonly field: string; readonly op: CompareOp; readonly value: number; readonly loc?: SourceLocation }
  | { readonly kind: 'timepart'; readonly field: string; readonly part: TimePart; readonly op: 'eq' | CompareOp; readonly value: number; readonly loc?: SourceLocation }
  | { readonly kind: 'exists'; readonly field: string; readonly loc?: SourceLocation }
  | { readonly kind: 'null'; readonly field: string; readonly loc?: SourceLocation }
  | { readonly kind: 'fieldref'; readonly field: string; readonly other: string; readonly cased: boolean; readonly loc?: SourceLocation }
  | { readonly kind: 'placeholder'; readonly field: string; readonly name: string; readonly loc?: SourceLocation };

export type Expr =
  | Predicate
  | { readonly kind: 'and' | 'or'; readonly args: readonly Expr[] }
  | { readonly kind: 'not'; readonly arg: Expr }
  | { readonly kind: 'const'; readonly value: boolean };

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
