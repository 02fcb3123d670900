import { SigmaError } from '../core/errors';
import { exprFields } from '../render/render-query';
import type { Expr } from '../ir/types';
import { normalizeExpr } from '../ir/normalize';
import type { SigmaRule } from '../rule/model';
import { buildFieldExpr, type Scalar } from '../rule/modifiers';
import type { StageDef } from '../render/backend-def';
import { isRefused, renderInStage } from '../render/render-expr';

/**
 * The `enrichment` custom attribute (docs/enrichment.md): named triage flags, each a one-field Sigma match
 * that is not part of the detection. A flag goes through the same modifiers, pipeline and renderer as the
 * detection, so field mapping and escaping are the detection's own.
 */
export interface EnrichmentFlag {
  readonly name: string;
  readonly description: string;
  readonly field: string;
  readonly match: MatchKey;
  readonly values: readonly string[];
  readonly cased: boolean;
  readonly expr: Expr;
}

export interface RenderedFlag {
  readonly name: string;
  readonly description: string;
  readonly field: string;
  readonly match: MatchKey;
  readonly values: readonly string[];
  /** The flag as a boolean expression of the target's column stage, or null when the target cannot compute it. */
  readonly condition: string | null;
  /** Why `condition` is null. */
  readonly reason: string | null;
  /** The target fields the flag reads (a query that aggregates must keep them). */
  readonly fields: readonly string[];
}

const MATCH_KEYS = ['contains', 'startswith', 'endswith', 'equals', 're'] as const;
type MatchKey = (typeof MATCH_KEYS)[number];
const FLAG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FLAG_KEYS = new Set<string>(['description', 'field', 'cased', ...MATCH_KEYS]);

function isScalar(v: unknown): v is string | number {
  return typeof v === 'string' || typeof v === 'number';
}

/** Reads and checks the rule's `enrichment` attribute; a malformed attribute is an error of the rule. */
export function parseEnrichment(rule: SigmaRule): EnrichmentFlag[] {
  const raw = rule.raw.enrichment;
  if (raw === undefined || raw === null) return [];
  const fail = (msg: string): never => {
    throw new SigmaError('invalid-rule', `custom attribute 'enrichment': ${msg} (see docs/enrichment.md)`, rule.loc);
  };
  if (typeof raw !== 'object' || Array.isArray(raw)) fail('must be a map of flag name to flag');
  return Object.entries(raw as Record<string, unknown>).map(([name, body]) => {
    if (!FLAG_NAME.test(name)) fail(`flag name '${name}' must be an identifier (letters, digits, _), as it becomes a column name`);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) fail(`flag '${name}' must be a map`);
    const b = body as Record<string, unknown>;
    for (const k of Object.keys(b)) if (!FLAG_KEYS.has(k)) fail(`flag '${name}' has unknown key '${k}'`);
    if (typeof b.description !== 'string' || !b.description.trim()) fail(`flag '${name}' needs a description`);
    if (typeof b.field !== 'string' || !b.field) fail(`flag '${name}' needs a field`);
    if (b.cased !== undefined && typeof b.cased !== 'boolean') fail(`flag '${name}': cased must be true or false`);
    const keys = MATCH_KEYS.filter((k) => b[k] !== undefined);
    if (keys.length !== 1) fail(`flag '${name}' needs exactly one of ${MATCH_KEYS.join(', ')}`);
    const match = keys[0] as MatchKey;
    const rawValues = b[match];
    const list = Array.isArray(rawValues) ? rawValues : [rawValues];
    if (list.length === 0 || !list.every(isScalar)) fail(`flag '${name}': ${match} needs a string or a non-empty list of strings`);
    const values = list.map((v) => String(v));
    const cased = b.cased === true;
    const modifiers = [...(match === 'equals' ? [] : [match]), ...(cased ? ['cased'] : [])];
    const field = b.field as string;
    const expr = buildFieldExpr({ field, modifiers, values: values as Scalar[], isList: Array.isArray(rawValues), loc: rule.loc });
    return { name, description: (b.description as string).trim(), field, match, values, cased, expr };
  });
}

/**
 * Renders each flag in the target's column stage. `mapExpr` applies the rule's pipeline; a flag the
 * pipeline or the stage cannot express is kept with a reason, never silently changed.
 */
export function renderEnrichment(flags: readonly EnrichmentFlag[], mapExpr: (e: Expr) => Expr, stage: StageDef | null, target: string): RenderedFlag[] {
  return flags.map((f) => {
    const base = { name: f.name, description: f.description, field: f.field, match: f.match, values: f.values, fields: [] as string[] };
    if (!stage) return { ...base, condition: null, reason: `${target} queries cannot compute columns` };
    let mapped: Expr;
    try {
      mapped = normalizeExpr(mapExpr(f.expr));
    } catch (err) {
      return { ...base, condition: null, reason: (err as Error).message };
    }
    if (mapped.kind === 'const') return { ...base, condition: null, reason: `the pipeline makes the flag always ${mapped.value}` };
    const rendered = renderInStage(mapped, stage);
    return isRefused(rendered)
      ? { ...base, condition: null, reason: `${target} cannot express this match as a column (its '${stage.name}' stage: ${rendered.refused[0]?.reason ?? 'refused'})` }
      : { ...base, condition: rendered.text, reason: null, fields: exprFields(mapped) };
  });
}
