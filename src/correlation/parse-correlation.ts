import { SigmaError } from '../core/errors';
import type { SourceLocation } from '../ir/types';
import type { YamlDocument } from '../rule/yaml-source';
import { parseTimespan } from './timespan';
import {
  CORRELATION_TYPES,
  VALUE_TYPES,
  type CorrelationType,
  type DocumentOrigin,
  type RuleReference,
  type SigmaCorrelation,
  type Threshold,
  type ThresholdOp,
} from './model';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function scalar(v: unknown): string | undefined {
  if (v === undefined || v === null || typeof v === 'object') return undefined;
  return String(v);
}

const OPS: readonly ThresholdOp[] = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'];

/** Builds a correlation rule from one YAML document; every problem is a SigmaError('correlation') with a location. */
export function parseCorrelation(doc: YamlDocument, origin: DocumentOrigin): SigmaCorrelation {
  const value = doc.value;
  if (!isObj(value)) throw new SigmaError('correlation', 'a correlation rule must be a YAML mapping', { line: doc.firstLine, col: 1 });
  const top = doc.positions.get(value);
  const title = scalar(value.title);
  if (!title) throw new SigmaError('correlation', "the correlation rule has no 'title'", top?.loc);
  const body = value.correlation;
  const bodyLoc = top?.keys.get('correlation') ?? top?.loc;
  if (!isObj(body)) throw new SigmaError('correlation', "'correlation' must be a mapping with type, rules, group-by, timespan and condition", bodyLoc);
  const pos = doc.positions.get(body);
  const at = (key: string): SourceLocation | undefined => pos?.keys.get(key) ?? bodyLoc;

  const typeRaw = scalar(body.type);
  if (!typeRaw) throw new SigmaError('correlation', `the correlation has no 'type'; use one of ${CORRELATION_TYPES.join(', ')}`, bodyLoc);
  if (!(CORRELATION_TYPES as readonly string[]).includes(typeRaw)) {
    throw new SigmaError('correlation', `unknown correlation type '${typeRaw}'; use one of ${CORRELATION_TYPES.join(', ')}`, at('type'));
  }
  const type = typeRaw as CorrelationType;

  const rules = parseRuleList(body.rules, doc, at('rules'), 'correlation');
  const ordered = type === 'temporal' || type === 'temporal_ordered';
  if (ordered && rules.length < 2) {
    throw new SigmaError('correlation', `a ${type} correlation relates several rules; 'rules' lists ${rules.length}`, at('rules'));
  }

  const groupByRaw = body['group-by'];
  let groupBy: string[] = [];
  if (groupByRaw !== undefined && groupByRaw !== null) {
    const list = Array.isArray(groupByRaw) ? groupByRaw : [groupByRaw];
    groupBy = list.map((g) => {
      const s = scalar(g);
      if (!s) throw new SigmaError('correlation', "'group-by' must be a list of field names", at('group-by'));
      return s;
    });
  }
  if (groupBy.length === 0) {
    throw new SigmaError('correlation', `a ${type} correlation needs 'group-by' (the fields that must be equal in the correlated events, e.g. the host)`, at('group-by'));
  }
  if (new Set(groupBy).size !== groupBy.length) throw new SigmaError('correlation', "'group-by' lists a field twice", at('group-by'));

  if (body.timespan === undefined || body.timespan === null) {
    throw new SigmaError('correlation', "the correlation has no 'timespan' (e.g. timespan: 10m)", bodyLoc);
  }
  const timespan = parseTimespan(body.timespan, at('timespan'));

  const { condition, field, percentile } = parseConditionMap(body.condition, type, rules.length, at('condition'));
  const aliases = parseAliases(body.aliases, groupBy, doc, at('aliases'));

  const generateRaw = value.generate ?? body.generate;
  if (generateRaw !== undefined && typeof generateRaw !== 'boolean') {
    throw new SigmaError('correlation', "'generate' must be true or false", top?.keys.get('generate') ?? at('generate'));
  }
  return {
    kind: 'correlation',
    origin,
    id: scalar(value.id),
    name: scalar(value.name),
    title,
    level: scalar(value.level),
    type,
    rules,
    groupBy,
    timespan,
    condition,
    field,
    percentile,
    aliases,
    generate: generateRaw === true,
    raw: value,
    loc: top?.loc ?? { line: doc.firstLine, col: 1 },
  };
}

/** A `rules:` list of ids or names (correlations and filters share the shape). */
export function parseRuleList(raw: unknown, doc: YamlDocument, loc: SourceLocation | undefined, what: string): RuleReference[] {
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  if (list.length === 0) throw new SigmaError('correlation', `the ${what} has no 'rules': list the ids or names of the rules it applies to`, loc);
  const pos = Array.isArray(raw) ? doc.positions.get(raw) : undefined;
  const seen = new Set<string>();
  return list.map((item, i) => {
    const itemLoc = pos?.items[i] ?? loc;
    const ref = scalar(item);
    if (!ref) throw new SigmaError('correlation', `'rules' entries must be rule ids or names`, itemLoc);
    if (seen.has(ref)) throw new SigmaError('correlation', `'rules' lists '${ref}' twice`, itemLoc);
    seen.add(ref);
    return { ref, loc: itemLoc };
  });
}

function parseConditionMap(
  raw: unknown,
  type: CorrelationType,
  ruleCount: number,
  loc: SourceLocation | undefined,
): { condition: Threshold[]; field?: string; percentile?: number } {
  const temporal = type === 'temporal' || type === 'temporal_ordered';
  if (raw === undefined || raw === null) {
    if (temporal) return { condition: [] };
    throw new SigmaError('correlation', `a ${type} correlation needs a 'condition' (e.g. condition: {gte: 10})`, loc);
  }
  if (!isObj(raw)) throw new SigmaError('correlation', "'condition' must be a mapping such as {gte: 10} or {gt: 100, lte: 200}", loc);
  const condition: Threshold[] = [];
  let field: string | undefined;
  let percentile: number | undefined;
  for (const [key, v] of Object.entries(raw)) {
    if (key === 'field') {
      if (Array.isArray(v)) {
        if (v.length !== 1) throw new SigmaError('correlation', `'condition.field' names ${v.length} fields; this converter aggregates exactly one field`, loc);
        field = scalar(v[0]);
      } else field = scalar(v);
      if (!field) throw new SigmaError('correlation', "'condition.field' must be a field name", loc);
      continue;
    }
    if (key === 'percentile') {
      if (typeof v !== 'number' || !(v > 0 && v <= 100)) throw new SigmaError('correlation', "'condition.percentile' must be a number above 0 and at most 100", loc);
      percentile = v;
      continue;
    }
    if (!(OPS as readonly string[]).includes(key)) {
      throw new SigmaError('correlation', `unknown condition key '${key}'; use gt, gte, lt, lte, eq, neq (and field)`, loc);
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new SigmaError('correlation', `condition '${key}' needs a number, not '${String(v)}'`, loc);
    condition.push({ op: key as ThresholdOp, value: v });
  }
  checkRange(condition, loc);
  if (condition.length === 0 && !temporal) throw new SigmaError('correlation', `the condition of a ${type} correlation needs a comparison (gt, gte, lt, lte, eq or neq)`, loc);
  if (VALUE_TYPES.has(type) && !field) {
    throw new SigmaError('correlation', `a ${type} correlation needs 'condition.field': the field whose values are ${type === 'value_count' ? 'counted' : 'aggregated'}`, loc);
  }
  if (!VALUE_TYPES.has(type) && field) throw new SigmaError('correlation', `'condition.field' has no meaning for a ${type} correlation`, loc);
  if (type === 'value_median') {
    if (percentile !== undefined && percentile !== 50) throw new SigmaError('correlation', 'value_median is the 50th percentile; drop condition.percentile or use value_percentile', loc);
    percentile = 50;
  }
  if (type === 'value_percentile' && percentile === undefined) {
    throw new SigmaError(
      'correlation',
      "a value_percentile correlation needs 'condition.percentile' (which percentile of the field is compared, 1–100); the specification leaves it open and guessing would change the rule",
      loc,
    );
  }
  if (percentile !== undefined && type !== 'value_percentile' && type !== 'value_median') {
    throw new SigmaError('correlation', `'condition.percentile' has no meaning for a ${type} correlation`, loc);
  }
  if (type === 'temporal_ordered' && condition.length > 0) {
    // A sequence either completes or it does not: any other count of "rules seen in order" is undefined.
    const all = condition.length === 1 && ((condition[0]?.op === 'gte' || condition[0]?.op === 'eq') && condition[0]?.value === ruleCount);
    if (!all) throw new SigmaError('correlation', `a temporal_ordered correlation matches when all ${ruleCount} rules occur in order; its condition can only be {gte: ${ruleCount}}`, loc);
    return { condition: [], field, percentile };
  }
  return { condition, field, percentile };
}

/** At most one lower and one upper bound; eq and neq stand alone. */
function checkRange(condition: readonly Threshold[], loc: SourceLocation | undefined): void {
  if (condition.length <= 1) return;
  const lower = condition.filter((c) => c.op === 'gt' || c.op === 'gte');
  const upper = condition.filter((c) => c.op === 'lt' || c.op === 'lte');
  if (condition.length !== 2 || lower.length !== 1 || upper.length !== 1) {
    throw new SigmaError('correlation', 'a condition is one comparison, or a range of one lower (gt/gte) and one upper (lt/lte) bound', loc);
  }
}

function parseAliases(raw: unknown, groupBy: readonly string[], doc: YamlDocument, loc: SourceLocation | undefined): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  if (raw === undefined || raw === null) return out;
  if (!isObj(raw)) throw new SigmaError('correlation', "'aliases' must map an alias name to {rule name: field}", loc);
  const pos = doc.positions.get(raw);
  for (const [alias, map] of Object.entries(raw)) {
    const aliasLoc = pos?.keys.get(alias) ?? loc;
    if (!isObj(map)) throw new SigmaError('correlation', `alias '${alias}' must map rule names to field names`, aliasLoc);
    const fields = new Map<string, string>();
    for (const [rule, field] of Object.entries(map)) {
      const f = scalar(field);
      if (!f) throw new SigmaError('correlation', `alias '${alias}': the field for rule '${rule}' must be a field name`, aliasLoc);
      fields.set(rule, f);
    }
    if (!groupBy.includes(alias)) throw new SigmaError('correlation', `alias '${alias}' is not used in 'group-by'`, aliasLoc);
    out.set(alias, fields);
  }
  return out;
}
