import type { CompareOp, Expr, SourceLocation } from '../ir/types';
import type { LogSource, SigmaRule } from '../rule/model';

export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'temporal'
  | 'temporal_ordered'
  | 'value_sum'
  | 'value_avg'
  | 'value_percentile'
  | 'value_median';

export const CORRELATION_TYPES: readonly CorrelationType[] = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_percentile',
  'value_median',
];

/** Types that aggregate a numeric or distinct-value `field`. */
export const VALUE_TYPES: ReadonlySet<CorrelationType> = new Set(['value_count', 'value_sum', 'value_avg', 'value_percentile', 'value_median']);

export type ThresholdOp = CompareOp | 'eq' | 'neq';

/** One bound of a condition; a range is two of them ANDed. */
export interface Threshold {
  readonly op: ThresholdOp;
  readonly value: number;
}

export interface Timespan {
  readonly text: string;
  readonly seconds: number;
  /** The amount and unit as written, e.g. 90 and 'm'. */
  readonly amount: number;
  readonly unit: 's' | 'm' | 'h' | 'd';
}

export interface RuleReference {
  readonly ref: string;
  readonly loc?: SourceLocation;
}

/** Where a document came from: the file name as given and its 1-based document index. */
export interface DocumentOrigin {
  readonly file: string;
  readonly document: number;
}

export interface SigmaCorrelation {
  readonly kind: 'correlation';
  readonly origin: DocumentOrigin;
  readonly id?: string;
  readonly name?: string;
  readonly title: string;
  readonly level?: string;
  readonly type: CorrelationType;
  readonly rules: readonly RuleReference[];
  readonly groupBy: readonly string[];
  readonly timespan: Timespan;
  /** Empty for temporal types without a condition: "every referenced rule". */
  readonly condition: readonly Threshold[];
  /** The aggregated field of value_* types. */
  readonly field?: string;
  /** 0–100, for value_percentile (50 for value_median). */
  readonly percentile?: number;
  /** alias → (rule id or name → field). */
  readonly aliases: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Also emit the referenced rules as stand-alone queries. */
  readonly generate: boolean;
  readonly raw: Readonly<Record<string, unknown>>;
  readonly loc: SourceLocation;
}

export interface SigmaFilter {
  readonly kind: 'filter';
  readonly origin: DocumentOrigin;
  readonly id?: string;
  readonly title: string;
  readonly logsource: LogSource;
  readonly rules: readonly RuleReference[];
  /** The filter's own condition; the filtered rule becomes `rule AND NOT expr`. */
  readonly expr: Expr;
  readonly loc?: SourceLocation;
}

export interface PlainRuleEntry {
  readonly kind: 'rule';
  readonly origin: DocumentOrigin;
  readonly rule: SigmaRule;
}
