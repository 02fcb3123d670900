import type { Expr, Predicate } from './types';

/**
 * Meaning-preserving simplification: flattens nested and/or, removes constants
 * (from pipelines that know a condition always holds), and double negation.
 */
export function normalizeExpr(e: Expr): Expr {
  switch (e.kind) {
    case 'and':
    case 'or': {
      const absorbing = e.kind === 'or';
      const args: Expr[] = [];
      for (const raw of e.args) {
        const a = normalizeExpr(raw);
        if (a.kind === 'const') {
          if (a.value === absorbing) return a;
          continue;
        }
        if (a.kind === e.kind) for (const x of a.args) args.push(x); // a loop: a spread of 200,000 values overflows the stack
        else args.push(a);
      }
      if (args.length === 0) return { kind: 'const', value: !absorbing };
      if (args.length === 1) return args[0] as Expr;
      return { kind: e.kind, args };
    }
    case 'not': {
      const a = normalizeExpr(e.arg);
      if (a.kind === 'const') return { kind: 'const', value: !a.value };
      if (a.kind === 'not') return a.arg;
      return { kind: 'not', arg: a };
    }
    default:
      return e;
  }
}

/** Rewrites every predicate with fn (which may return any expression), bottom-up. */
export function mapPredicates(e: Expr, fn: (p: Predicate) => Expr): Expr {
  switch (e.kind) {
    case 'and':
    case 'or':
      return { kind: e.kind, args: e.args.map((a) => mapPredicates(a, fn)) };
    case 'not':
      return { kind: 'not', arg: mapPredicates(e.arg, fn) };
    case 'const':
      return e;
    default:
      return fn(e);
  }
}
