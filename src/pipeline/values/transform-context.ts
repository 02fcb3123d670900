import { SigmaError } from '../../core/errors';
import type { Expr, Predicate, SigmaString } from '../../ir/types';
import { formatSigmaString } from '../../rule/sigma-string';

export type MatchPredicate = Extract<Predicate, { kind: 'match' }>;

/** A refusal naming the field, the value and the reason (code 'value-transform'). */
export function refuse(field: string, value: SigmaString | string | null, reason: string, p: Predicate): never {
  const shown = value === null ? '' : ` value '${typeof value === 'string' ? value : formatSigmaString(value)}'`;
  throw new SigmaError('value-transform', `field '${field}'${shown}: ${reason}`, p.loc);
}

export function match(field: string, value: SigmaString, cased: boolean, p: Predicate): MatchPredicate {
  return { kind: 'match', field, value, cased, loc: p.loc };
}

export function or(args: readonly Expr[]): Expr {
  return args.length === 1 ? (args[0] as Expr) : { kind: 'or', args };
}

export function and(args: readonly Expr[]): Expr {
  return args.length === 1 ? (args[0] as Expr) : { kind: 'and', args };
}
