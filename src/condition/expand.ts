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
  const re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return names.filter((n) => re.test(n));
}
