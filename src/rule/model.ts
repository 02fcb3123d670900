import type { Expr, SourceLocation } from '../ir/types';

export interface LogSource {
  readonly category?: string;
  readonly product?: string;
  readonly service?: string;
  readonly definition?: string;
}

export interface Condition {
  readonly text: string;
  readonly loc?: SourceLocation;
  readonly expr: Expr;
}

/** A Sigma detection rule after parsing: metadata plus the IR of its condition(s). */
export interface SigmaRule {
  readonly kind: 'rule';
  readonly document: number;
  readonly id?: string;
  readonly name?: string;
  readonly title: string;
  readonly status?: string;
  readonly description?: string;
  readonly author?: string;
  readonly date?: string;
  readonly modified?: string;
  readonly references: readonly string[];
  readonly tags: readonly string[];
  readonly level?: string;
  readonly falsepositives: readonly string[];
  readonly fields: readonly string[];
  readonly logsource: LogSource;
  /** Where the rule writes its logsource (the rule's own location when it has none). */
  readonly logsourceLoc: SourceLocation;
  /** The IR of each search identifier. */
  readonly detections: ReadonlyMap<string, Expr>;
  /** The rule's conditions (a list of conditions is OR-ed; each is also kept apart). */
  readonly conditions: readonly Condition[];
  /** The rule's whole condition: the OR of `conditions`. */
  readonly expr: Expr;
  /** Identifiers no condition uses (a likely mistake; a warning). */
  readonly unusedIdentifiers: readonly string[];
  /** The document as parsed, for custom attributes (e.g. `enrichment`) and output templates. */
  readonly raw: Readonly<Record<string, unknown>>;
  /** The rule's document (its first key): the span of what no narrower position locates. */
  readonly loc: SourceLocation;
}
