import type { Expr } from '../ir/types';
import type { ConditionNode } from './ast';
import { ConditionSyntaxError } from './parser';

/** Replaces identifiers and `x of` quantifiers by the expressions of the named search identifiers. */
export function expandCondition(node: ConditionNode, detections: ReadonlyMap<string, Expr>, used?: Set<string>): Expr {
  switch (node.kind) {
    case 'ident': {
      const expr = detections.get(node.name);
      if (!expr) {
        const known = [...detections.keys()].join(', ') || 'none';
        throw new ConditionSyntaxError(`unknown search identifier '${node.name}' (defined: ${known})`, node.offset, 'condition-identifier');
      }
      used?.add(node.name);
      return expr;
    }
    case 'of': {
      const names = matchIdentifiers(node.pattern, detections);
      if (names.length === 0) {
        const what = node.pattern === null ? "'them' (every search identifier starts with '_')" : `pattern '${node.pattern}'`;
        throw new ConditionSyntaxError(`${what} matches no search identifier`, node.offset, 'condition-identifier');
      }
      names.forEach((n) => used?.add(n));
      const args = names.map((n) => detections.get(n) as Expr);
      return args.length === 1 ? (args[0] as Expr) : { kind: node.quantifier === 'all' ? 'and' : 'or', args };
    }
    case 'and':
    case 'or':
      return { kind: node.kind, args: node.args.map((a) => expandCondition(a, detections, used)) };
    case 'not':
      return { kind: 'not', arg: expandCondition(node.arg, detections, used) };
  }
}

/** `them` is every identifier not starting with `_`; a pattern uses `*` as a wildcard. */
export function matchIdentifiers(pattern: string | null, detections: ReadonlyMap<string, unknown>): string[] {
  const names = [...detections.keys()];
  if (pattern === null) return names.filter((n) => !n.startsWith('_'));
  return names.filter((n) => globMatch(pattern, n));
}

/**
 * `*`-only glob match in O(pattern × name) time. A regex built from the pattern backtracks
 * exponentially on patterns such as `a*a*a*…b` against long names: condition text is user input.
 */
function globMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === name[n]) {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = n;
    } else if (star >= 0) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
