import { SigmaError } from '../core/errors';
import type { ThresholdOp } from './model';

/** What a target says about correlations: the `correlation:` section of backends/<target>.yml. */
export interface CorrelationDef {
  /** Column holding the time of an event when the pipeline names none. */
  readonly default_timestamp: string;
  /** Column the union of several rules' events carries the rule's name in. */
  readonly rule_column: string;
  /** The dialect (src/render/dialects.ts) of column names in correlation queries, and its quoting style for strings. */
  readonly dialect: string;
  readonly quoting: string;
  readonly compare_ops: Readonly<Record<ThresholdOp, string>>;
  /** Joins the two bounds of a range. */
  readonly and: string;
  /** How a timespan is written: {amount}, {unit} ({unit} from `units`), {seconds}. */
  readonly span: string;
  readonly units?: Readonly<Record<string, string>>;
  /** How one source is bound to a name, with {name} and {query}, for targets that have named subqueries. */
  readonly bind?: string;
  /** Template that combines the sources into one event stream (absent: the target cannot combine rules). */
  readonly input?: string;
  /** 'fixed' or 'sliding' per correlation type, as documented in docs/correlations.md. */
  readonly windows?: Readonly<Record<string, 'fixed' | 'sliding'>>;
  /** Per correlation type: the template that renders it, or the reason the target refuses it. */
  readonly types: Readonly<Record<string, { readonly template: string } | { readonly refuse: string }>>;
}

export const CORRELATION_DEF_SCHEMA = {
  type: 'object',
  required: ['default_timestamp', 'rule_column', 'dialect', 'quoting', 'compare_ops', 'and', 'span', 'types'],
  additionalProperties: false,
  properties: {
    default_timestamp: { type: 'string' },
    rule_column: { type: 'string' },
    dialect: { type: 'string' },
    quoting: { type: 'string' },
    compare_ops: {
      type: 'object',
      required: ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'],
      additionalProperties: false,
      properties: { gt: { type: 'string' }, gte: { type: 'string' }, lt: { type: 'string' }, lte: { type: 'string' }, eq: { type: 'string' }, neq: { type: 'string' } },
    },
    and: { type: 'string' },
    span: { type: 'string' },
    units: { type: 'object', additionalProperties: { type: 'string' } },
    bind: { type: 'string', pattern: '\\{query\\}' },
    input: { type: 'string' },
    windows: { type: 'object', additionalProperties: { enum: ['fixed', 'sliding'] } },
    types: {
      type: 'object',
      additionalProperties: {
        oneOf: [
          { type: 'object', required: ['template'], additionalProperties: false, properties: { template: { type: 'string' } } },
          { type: 'object', required: ['refuse'], additionalProperties: false, properties: { refuse: { type: 'string' } } },
        ],
      },
    },
  },
} as const;

export function requireCorrelationDef(def: CorrelationDef | undefined, target: string): CorrelationDef {
  if (!def) throw new SigmaError('unsupported-feature', `target '${target}' does not define correlation rules (no 'correlation' section in backends/${target}.yml)`);
  return def;
}
