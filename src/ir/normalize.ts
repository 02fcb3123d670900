import type { Expr, Predicate } from './types';
import { visitExpr, type ExprVisitor } from './visit';

/** Flattens one and/or level, dropping neutral constants and stopping at an absorbing one. */
function normalizeJunction(kind: 'and' | 'or', rawArgs: readonly Expr[], visit: (e: Expr) => Expr): Expr {
  const absorbing = kind === 'or';
  const args: Expr[] = [];
  for (const raw of rawArgs) {
    const a = visit(raw);
    if (a.kind === 'const') {
      if (a.value === absorbing) return a;
      continue;
    }
    if (a.kind === kind) for (const x of a.args) args.push(x); // a loop: a spread of 200,000 values overflows the stack
    else args.push(a);
  }
  if (args.length === 0) return { kind: 'const', value: !absorbing };
  if (args.length === 1) return args[0] as Expr;
  return { kind, args };
}

const NORMALIZE: ExprVisitor<Expr> = {
  predicate: (p) => p,
  and: (node, visit) => normalizeJunction('and', node.args, visit),
  or: (node, visit) => normalizeJunction('or', node.args, visit),
  not: (node, visit) => {
    const a = visit(node.arg);
    if (a.kind === 'const') return { kind: 'const', value: !a.value };
    if (a.kind === 'not') return a.arg;
    return { kind: 'not', arg: a };
  },
  const: (node) => node,
};

/**
 * Meaning-preserving simplification: flattens nested and/or, removes constants
 * (from pipelines that know a condition always holds), and double negation.
 */
export function normalizeExpr(e: Expr): Expr {
  return visitExpr(e, NORMALIZE);
}

/** Rewrites every predicate with fn (which may return any expression), bottom-up. */
export function mapPredicates(e: Expr, fn: (p: Predicate) => Expr): Expr {
  return visitExpr<Expr>(e, {
    predicate: fn,
    and: (node, visit) => ({ kind: 'and', args: node.args.map(visit) }),
    or: (node, visit) => ({ kind: 'or', args: node.args.map(visit) }),
    not: (node, visit) => ({ kind: 'not', arg: visit(node.arg) }),
    const: (node) => node,
  });
}
