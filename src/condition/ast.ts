/** The parsed condition, before search identifiers are replaced by their expressions. */
export type ConditionNode =
  | { readonly kind: 'ident'; readonly name: string; readonly offset: number }
  | { readonly kind: 'of'; readonly quantifier: 'one' | 'all'; readonly pattern: string | null; readonly offset: number } // null pattern: them
  | { readonly kind: 'and' | 'or'; readonly args: readonly ConditionNode[] }
  | { readonly kind: 'not'; readonly arg: ConditionNode };
