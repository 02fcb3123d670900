import { assertNever, isPredicate, type AndExpr, type ConstExpr, type Expr, type NotExpr, type OrExpr, type Predicate } from './types';

/**
 * One handler per node kind of the IR. A pass states what it does at each kind, and recurses (or not:
 * `visit`) where it wants: so short-circuiting passes and passes that look at their children before
 * recursing are written the same way as plain folds. Adding a node kind breaks every visitor until it is handled.
 */
export interface ExprVisitor<T> {
  readonly predicate: (p: Predicate) => T;
  readonly and: (node: AndExpr, visit: (e: Expr) => T) => T;
  readonly or: (node: OrExpr, visit: (e: Expr) => T) => T;
  readonly not: (node: NotExpr, visit: (e: Expr) => T) => T;
  readonly const: (node: ConstExpr) => T;
}

/** Applies the visitor's handler for the node's kind (one recursion closure per call, not per node). */
export function visitExpr<T>(e: Expr, visitor: ExprVisitor<T>): T {
  const visit = (x: Expr): T => {
    switch (x.kind) {
      case 'and':
        return visitor.and(x, visit);
      case 'or':
        return visitor.or(x, visit);
      case 'not':
        return visitor.not(x, visit);
      case 'const':
        return visitor.const(x);
      default:
        if (isPredicate(x)) return visitor.predicate(x);
        return assertNever(x);
    }
  };
  return visit(e);
}

/**
 * Every predicate of an expression, depth-first, left to right. Iterative, so a rule that expands to a
 * very wide or deep tree (200,000 alternatives) does not overflow the stack; the caller may stop early.
 */
export function* predicatesOf(expr: Expr): Generator<Predicate> {
  const stack: Expr[] = [expr];
  while (stack.length) {
    const e = stack.pop() as Expr;
    switch (e.kind) {
      case 'and':
      case 'or':
        for (let i = e.args.length - 1; i >= 0; i--) stack.push(e.args[i] as Expr);
        break;
      case 'not':
        stack.push(e.arg);
        break;
      case 'const':
        break;
      default:
        if (isPredicate(e)) yield e;
        else assertNever(e);
    }
  }
}

/** The first predicate (depth-first) for which `test` holds, or null. */
export function findPredicate(expr: Expr, test: (p: Predicate) => boolean): Predicate | null {
  for (const p of predicatesOf(expr)) if (test(p)) return p;
  return null;
}
