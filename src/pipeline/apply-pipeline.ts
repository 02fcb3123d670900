import { SigmaError } from '../core/errors';
import { predicateField, type Expr, type Predicate, type SourceLocation, type StrPart } from '../ir/types';
import { decodeJoinedField } from '../ir/joined-field';
import { applyValueTransform, describeValueTransform, findValueTransform } from './values/value-transforms';
import { mapPredicates, normalizeExpr } from '../ir/normalize';
import { formatSigmaString, matchShape, plainSigmaString } from '../rule/sigma-string';
import { ipv4NetworkRegex, parseCidr } from '../rule/cidr';
import type { LogSource, SigmaRule } from '../rule/model';
import { displayFieldName, encodeFieldPath } from '../ir/field-path';
import type { DataSource, DataSourceDef, FieldSchema, FieldTarget, LogsourceEntry, PipelineCondition, PipelineDef, TableSchemas } from './types';
import { knownFields, type KnownFields } from './field-schema';
import { own } from '../core/own';
import { DerivedMemo } from '../core/derived-memo';

export interface PipelineResult {
  readonly expr: Expr;
  /** KQL table / EQL event category chosen from the logsource, if any. */
  readonly table?: string;
  readonly warnings: readonly string[];
  /** Target field → column type, when a schema knows it. */
  readonly fieldTypes: ReadonlyMap<string, string>;
  /** Where the logsource's events are stored (index patterns, sourcetypes...), when the pipeline says. */
  readonly dataSource?: DataSource;
  /**
   * Value transformations the mapping applied (one entry each, e.g. a registry path split into key and
   * value name). Optional: filled where the pipeline transforms values; `npm run corpus` counts the rules
   * converted through at least one, and reads 0 when absent.
   */
  readonly valueTransforms?: readonly string[];
  /**
   * Fields outside the pipeline's field schema that were kept because the user allowed them
   * (`--allow-unmapped`). Optional: absent means none; `npm run corpus` counts rules with any.
   */
  readonly allowedUnmapped?: readonly string[];
}

/** The facts of a PipelineResult that reports (npm run corpus) count; absent lists mean none. */
export type MappingFacts = Pick<PipelineResult, 'valueTransforms' | 'allowedUnmapped'>;

export function mappingFacts(mapped: PipelineResult): MappingFacts {
  return { valueTransforms: mapped.valueTransforms ?? [], allowedUnmapped: mapped.allowedUnmapped ?? [] };
}

/** Fields a user allows although the pipeline's field schema does not know them. */
export interface AllowUnmapped {
  /** Every field (--allow-unmapped-all). */
  readonly all?: boolean;
  /** Rule field names, or the target names they map to (--allow-unmapped FIELD). */
  readonly fields?: readonly string[];
}

/** What a pipeline with a `field_schema` checks fields against, and what the user allows. */
export interface FieldCheckOptions {
  /** The field schema named by the pipeline's `field_schema` (default: the one attached to the loaded pipeline). */
  readonly fieldSchema?: FieldSchema | null;
  readonly allowUnmapped?: AllowUnmapped;
}

export interface PipelineInput {
  readonly expr: Expr;
  readonly logsource: LogSource;
  /** Where the rule wrote its logsource, for errors about it. */
  readonly logsourceLoc?: SourceLocation;
  /** The span of the conditions the pipeline adds for the logsource (the rule's logsource, where it has one). */
  readonly span: SourceLocation;
}

/** A parsed rule as the pipeline's input: the conditions it adds take their span from the rule's logsource. */
export function ruleInput(rule: SigmaRule): PipelineInput {
  return { expr: rule.expr, logsource: rule.logsource, logsourceLoc: rule.logsourceLoc, span: rule.logsourceLoc };
}

function listOf<T>(v: T | readonly T[] | undefined): readonly T[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? (v as readonly T[]) : [v as T];
}

function describeLogsource(ls: LogSource): string {
  const parts = (['category', 'product', 'service'] as const).filter((k) => ls[k]).map((k) => `${k}: ${ls[k]}`);
  return parts.length ? parts.join(', ') : '(empty logsource)';
}

function entryMatches(entry: LogsourceEntry, ls: LogSource): boolean {
  return (['category', 'product', 'service'] as const).every((key) => {
    const wanted = listOf(entry.match[key]);
    if (wanted.length === 0) return true;
    const actual = ls[key]?.toLowerCase();
    return actual !== undefined && wanted.some((w) => w.toLowerCase() === actual);
  });
}

/** The logsource as entries are matched: with `assume_product`, a rule naming no product is of that product. */
function matchedLogsource(pipeline: PipelineDef, ls: LogSource): LogSource {
  return pipeline.assume_product && !ls.product ? { ...ls, product: pipeline.assume_product } : ls;
}

export function findLogsourceEntry(pipeline: PipelineDef, ls: LogSource): LogsourceEntry | undefined {
  const wanted = matchedLogsource(pipeline, ls);
  return pipeline.logsources.find((entry) => entryMatches(entry, wanted));
}

/**
 * The entries fitting each logsource already looked up, per pipeline: a corpus names a few hundred logsources
 * for thousands of rules. Keyed by the definition object, which is never changed once loaded (derived data,
 * not a result: it cannot go stale); bounded, as a long-running process may see ever new logsources.
 */
const entriesSeen = new DerivedMemo<PipelineDef, readonly LogsourceEntry[]>(4096);

/** Every entry whose match fits, in pipeline order. */
export function findLogsourceEntries(pipeline: PipelineDef, ls: LogSource): readonly LogsourceEntry[] {
  return entriesSeen.get(pipeline, JSON.stringify([ls.category, ls.product, ls.service]), () => {
    const wanted = matchedLogsource(pipeline, ls);
    return pipeline.logsources.filter((entry) => entryMatches(entry, wanted));
  });
}

const NUMERIC_TYPES = new Set(['int', 'long', 'real', 'decimal', 'double']);

/**
 * Maps a rule's fields and logsource to the target's, as the pipeline data says. With a schema,
 * several entries may fit a logsource (e.g. Sentinel: Defender's DeviceProcessEvents, then Sysmon
 * events in WindowsEvent): the first one that has a column for every field of the rule is used; if
 * none has, the first entry's error is reported.
 */
export function applyPipeline(input: PipelineInput, pipeline: PipelineDef, schemas: TableSchemas | null, check: FieldCheckOptions = {}): PipelineResult {
  // Written out, not `{ ...check, fieldSchema }`: a spread followed by a new key is a slow path of V8 (Node 20).
  if (!check.fieldSchema && pipeline.loadedFieldSchema) check = { allowUnmapped: check.allowUnmapped, fieldSchema: pipeline.loadedFieldSchema };
  if (pipeline.field_schema && !check.fieldSchema) {
    throw new SigmaError('pipeline-definition', `pipeline '${pipeline.name}' names field schema '${pipeline.field_schema}', which was not loaded`);
  }
  const entries = findLogsourceEntries(pipeline, input.logsource);
  // Without a `default`, a logsource the pipeline does not list has no data source to query.
  if (!schemas && (entries.length || pipeline.default)) return applyEntry(input, pipeline, null, entries[0], check);
  if (entries.length === 0) {
    throw new SigmaError(
      'unknown-logsource',
      `pipeline '${pipeline.name}' has no table for logsource ${describeLogsource(input.logsource)}; try another --pipeline (see 'sigma-convert list pipelines')`,
      input.logsourceLoc,
    );
  }
  let firstError: unknown = null;
  for (const entry of entries) {
    try {
      return applyEntry(input, pipeline, schemas, entry, check);
    } catch (err) {
      // A table that cannot hold a field (or its value) exactly: the next table of the logsource may.
      if (!(err instanceof SigmaError) || (err.code !== 'unmapped-field' && err.code !== 'value-transform')) throw err;
      firstError ??= err;
    }
  }
  throw firstError;
}

function applyEntry(
  input: PipelineInput,
  pipeline: PipelineDef,
  schemas: TableSchemas | null,
  entry: LogsourceEntry | undefined,
  check: FieldCheckOptions,
): PipelineResult {
  const table = entry ? entry.table : pipeline.default?.table;
  const columns = schemas && table ? own(schemas, table) : undefined;
  if (schemas && table && !columns) {
    throw new SigmaError('pipeline-definition', `pipeline '${pipeline.name}' names table '${table}', which its schema does not define`);
  }
  const warnings = new Set<string>();
  const fieldTypes = new Map<string, string>();
  const allowedUnmapped = new Set<string>();
  // Only entries that name their data sources are checked (a custom pipeline's own entries may not).
  const sets = entry ? entry.field_sets : pipeline.default?.field_sets;
  const known: KnownFields | null = check.fieldSchema && !columns && sets?.length ? knownFields(check.fieldSchema, sets) : null;

  // With a field schema, a target name the logsource's data sources do not keep can never match.
  const requireKnown = (field: string, target: string, loc?: SourceLocation): void => {
    if (!known || known.typeOf(target) !== undefined || pipeline.declaredFields?.includes(target)) return;
    const allow = check.allowUnmapped;
    if (allow?.all || allow?.fields?.includes(field) || allow?.fields?.includes(target)) {
      allowedUnmapped.add(field);
      warnings.add(`field '${field}' (as '${target}') is not in pipeline '${pipeline.name}''s field schema for logsource ${describeLogsource(input.logsource)}; kept because it is allowed`);
      return;
    }
    throw new SigmaError('unmapped-field', unknownFieldMessage(pipeline, input.logsource, known, field, target), loc);
  };
  const valueTransforms = new Set<string>();

  // A target written Column.key (or Column.key.sub) reads inside a JSON column: a dynamic one, or a
  // string one holding JSON text. Its value is compared as text.
  const jsonPath = (target: string): string | null => {
    if (!columns) return null;
    const [column, ...keys] = target.split('.');
    const type = column !== undefined ? own(columns, column) : undefined;
    if (!keys.length || !column || (type !== 'dynamic' && type !== 'string')) return null;
    const name = encodeFieldPath({ column, keys, jsonText: type === 'string' });
    fieldTypes.set(name, 'string');
    return name;
  };

  const resolve = (field: string, loc?: SourceLocation): readonly string[] => {
    const target: FieldTarget | undefined = own(entry?.fields, field) ?? own(pipeline.fields, field) ?? prefixTarget(entry?.fields, field) ?? prefixTarget(pipeline.fields, field);
    const names = listOf(target);
    if (names.length) {
      if (!columns) {
        for (const n of names) requireKnown(field, n, loc);
        return names;
      }
      return names.map((n) => {
        if (n in columns) return n;
        const path = jsonPath(n);
        if (path) return path;
        throw new SigmaError('unmapped-field', `pipeline '${pipeline.name}' maps field '${field}' to '${n}', which is not a column of ${table}`, loc);
      });
    }
    if (columns) {
      if (Object.hasOwn(columns, field)) return [field];
      if (entry?.dynamic_fields && !entry.dynamic_exclude?.includes(field)) {
        const path = jsonPath(`${entry.dynamic_fields}.${field}`);
        if (path) return [path];
      }
      throw new SigmaError(
        'unmapped-field',
        `field '${field}' has no equivalent column in ${table} (pipeline '${pipeline.name}', logsource ${describeLogsource(input.logsource)}); the rule cannot be converted faithfully: try another --pipeline, or --pipeline none --table NAME`,
        loc,
      );
    }
    if (known) {
      requireKnown(field, field, loc);
      return [field];
    }
    if (!pipeline.keep_unmapped) warnings.add(`field '${field}' has no mapping in pipeline '${pipeline.name}' for logsource ${describeLogsource(input.logsource)}; kept as '${field}'`);
    return [field];
  };

  const mapOne = (p: Predicate): Expr => {
    if (p.kind === 'keyword' || (p.kind === 'regex' && p.field === null)) {
      const kf = pipeline.keyword_field;
      if (!kf) return p;
      if (p.kind === 'regex') return { ...p, field: kf };
      // A keyword matches anywhere in the message: an implicit contains.
      const parts = [{ wildcard: 'multi' } as const, ...p.value.parts, { wildcard: 'multi' } as const];
      return { kind: 'match', field: kf, value: { type: 'string', parts: mergeStars(parts) }, cased: p.cased, loc: p.loc };
    }
    const field = (p as { field: string }).field;
    const implied = own(entry?.implied, field);
    if (implied && (p.kind === 'number' || p.kind === 'boolean' || p.kind === 'match')) {
      const text = p.kind !== 'match' ? String(p.value) : matchShape(p.value).shape === 'equals' ? matchShape(p.value).text : null;
      if (text !== null) return { kind: 'const', value: implied.some((v) => String(v).toLowerCase() === text.toLowerCase()) };
    }
    const transform = findValueTransform(pipeline.value_transforms, field, input.logsource, table);
    if (transform) {
      const rewritten = applyValueTransform(p, transform, (other) => findValueTransform(pipeline.value_transforms, other, input.logsource, table));
      valueTransforms.add(describeValueTransform(transform));
      return mapPredicates(rewritten, (q) => {
        const name = predicateField(q);
        return name === null ? q : toColumn(q, field, checkColumn(q, name, field));
      });
    }
    const targets = resolve(field, p.loc);
    const others = p.kind === 'fieldref' ? resolve(p.other, p.loc) : null;
    const copies = targets.map((t) => toColumn(p, field, t, others));
    return copies.length === 1 ? (copies[0] as Expr) : { kind: 'or', args: copies };
  };

  /** A transformation's output names the table's own columns (or a join of them): they must exist. */
  const checkColumn = (q: Predicate, name: string, field: string): string => {
    const joined = decodeJoinedField(name);
    if (joined) fieldTypes.set(name, 'string');
    for (const column of joined ? joined.columns : [name]) {
      if (columns && !Object.hasOwn(columns, column)) {
        throw new SigmaError('pipeline-definition', `pipeline '${pipeline.name}': the value transformation of '${field}' names '${column}', which is not a column of ${table}`, q.loc);
      }
    }
    return name;
  };

  /** One predicate renamed to target field t, checked and coerced for the column's type. */
  const toColumn = (p: Predicate, field: string, t: string, others: readonly string[] | null = null): Expr => {
    const type = own(columns, t) ?? fieldTypes.get(t) ?? declaredType(pipeline, t);
    if (p.kind === 'cidr' && pipeline.cidr_needs_ip && type === 'string') return cidrOnText(p, t);
    if ((p.kind === 'compare' || p.kind === 'timepart') && type === 'string' && !Object.hasOwn(columns ?? {}, t)) {
      throw new SigmaError(
        'unsupported-feature',
        `field '${field}' is read as text from inside ${displayFieldName(t)} (${table}); a numeric or time comparison on it cannot be expressed exactly`,
        p.loc,
      );
    }
    if (type) fieldTypes.set(t, type);
    if (p.kind === 'match' && type && NUMERIC_TYPES.has(type)) {
      const { shape, text } = matchShape(p.value);
      if (shape !== 'equals' || !/^-?\d+(\.\d+)?$/.test(text)) {
        // e.g. Sysmon writes LogonId as hex text ('0x3e7') where Defender's LogonId is a long.
        throw new SigmaError(
          'unmapped-field',
          `field '${field}' maps to ${t}, a ${type} column of ${table}, which cannot be compared with the text '${formatSigmaString(p.value)}' as the rule writes it`,
          p.loc,
        );
      }
    }
    // One copy with the field renamed (and the other field of a fieldref): no intermediate object per predicate.
    const renamed = (others ? { ...p, field: t, other: others[0] } : { ...p, field: t }) as Predicate;
    return coerceToColumnType(renamed, type);
  };

  let expr = mapPredicates(input.expr, mapOne);
  // A condition field that is not a column may name a key inside a JSON column (EventData.EventType).
  // The pipeline's own conditions (every rule) come first, then the logsource's.
  const conditions = [...(pipeline.conditions ?? []), ...(entry ? entry.conditions ?? [] : pipeline.default?.conditions ?? [])].map((c) =>
    columns && !(c.field in columns) ? { ...c, field: jsonPath(c.field) ?? c.field } : c,
  );
  if (conditions.length) expr = { kind: 'and', args: [...conditions.map((c) => conditionExpr(c, input.span)), expr] };
  for (const c of conditions) {
    const type = own(columns, c.field);
    if (type) fieldTypes.set(c.field, type);
  }
  const dataSource = resolveDataSource(entry?.data_source, pipeline.default?.data_source ?? pipeline.data_source, input.logsource);
  return {
    expr: normalizeExpr(expr),
    table,
    warnings: [...warnings],
    fieldTypes,
    valueTransforms: [...valueTransforms],
    allowedUnmapped: [...allowedUnmapped].sort(),
    ...(dataSource ? { dataSource } : {}),
  };
}

function unknownFieldMessage(pipeline: PipelineDef, ls: LogSource, known: KnownFields, field: string, target: string): string {
  const as = target === field ? '' : ` (mapped to '${target}')`;
  const sets = known.sets.length ? known.sets.join(', ') : 'none';
  const hints = known.suggest(target);
  const hint = hints.length ? `; did you mean ${hints.map((h) => `'${h}'`).join(' or ')}?` : '.';
  return (
    `field '${field}'${as} is not a field that the data of logsource ${describeLogsource(ls)} carries in pipeline '${pipeline.name}' ` +
    `(field sets: ${sets}), so a query on it could never match${hint} If your data has it, allow it with --allow-unmapped ${field}`
  );
}

/** The entry's data source (else the pipeline default's), with the overrides of the rule's product. */
function resolveDataSource(own: DataSourceDef | undefined, fallback: DataSourceDef | undefined, ls: LogSource): DataSource | undefined {
  const def = own ?? fallback;
  if (!def) return undefined;
  const { products, ...base } = def;
  const product = ls.product?.toLowerCase();
  const over = product !== undefined && products && Object.hasOwn(products, product) ? products[product] : undefined;
  return { ...base, ...over };
}

function conditionExpr(c: PipelineCondition, loc: SourceLocation): Expr {
  const values = listOf(c.value);
  const preds: Expr[] = values.map((v) =>
    typeof v === 'number' ? { kind: 'number', field: c.field, value: v, loc } : { kind: 'match', field: c.field, value: plainSigmaString(v), cased: false, loc },
  );
  return preds.length === 1 ? (preds[0] as Expr) : { kind: 'or', args: preds };
}

/** Keeps comparisons well-typed for the column: a number against a string column is compared as text. */
function coerceToColumnType(p: Predicate, type: string | undefined): Predicate {
  if (!type) return p;
  if ((p.kind === 'number' || p.kind === 'boolean') && type === 'string') {
    return { kind: 'match', field: p.field, value: plainSigmaString(String(p.value)), cased: false, loc: p.loc };
  }
  if (p.kind === 'match' && NUMERIC_TYPES.has(type)) {
    const { shape, text } = matchShape(p.value);
    if (shape === 'equals' && /^-?\d+(\.\d+)?$/.test(text)) return { kind: 'number', field: p.field, value: Number(text), loc: p.loc };
  }
  if (p.kind === 'match' && type === 'bool') {
    const { shape, text } = matchShape(p.value);
    if (shape === 'equals' && /^(true|false)$/i.test(text)) return { kind: 'boolean', field: p.field, value: text.toLowerCase() === 'true', loc: p.loc };
  }
  return p;
}

/** `--pipeline none`: field names stay exactly as written. */
export function identityPipeline(input: PipelineInput, table?: string): PipelineResult {
  return { expr: normalizeExpr(input.expr), table, warnings: [], fieldTypes: new Map(), valueTransforms: [], allowedUnmapped: [] };
}

/**
 * A field map key ending in `.*` maps every field under that prefix (`requestParameters.*: RequestParameters.*`:
 * requestParameters.userName is read as key userName inside the JSON column RequestParameters).
 */
function prefixTarget(fields: Readonly<Record<string, FieldTarget>> | undefined, field: string): string | undefined {
  if (!fields) return undefined;
  for (const [key, target] of Object.entries(fields)) {
    if (!key.endsWith('.*') || typeof target !== 'string' || !target.endsWith('.*')) continue;
    const prefix = key.slice(0, -1);
    if (field.startsWith(prefix) && field.length > prefix.length) return target.slice(0, -1) + field.slice(prefix.length);
  }
  return undefined;
}

/** Collapses adjacent `*` wildcards (a keyword may already start or end with one). */
function mergeStars(parts: readonly StrPart[]): StrPart[] {
  const out: StrPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (typeof p !== 'string' && p.wildcard === 'multi' && last !== undefined && typeof last !== 'string' && last.wildcard === 'multi') continue;
    out.push(p);
  }
  return out;
}

/**
 * A field's type from the pipeline's `field_types` (for schema-less targets whose stores are typed,
 * e.g. ECS keyword fields): an exact name, or a prefix ending in `*`.
 */
function declaredType(pipeline: PipelineDef, field: string): string | undefined {
  const types = pipeline.field_types;
  if (!types) return undefined;
  // Looked up per field name once per pipeline (the patterns are tried in order: the answer never changes).
  return typesSeen.get(pipeline, field, () => findDeclaredType(types, field));
}

/** Field types already looked up, per pipeline definition (as entriesSeen). */
const typesSeen = new DerivedMemo<PipelineDef, string | undefined>(16384);

function findDeclaredType(types: Readonly<Record<string, string>>, field: string): string | undefined {
  if (own(types, field)) return own(types, field);
  for (const [pattern, type] of Object.entries(types)) {
    if (pattern.endsWith('*') && field.startsWith(pattern.slice(0, -1))) return type;
  }
  return undefined;
}

/** A CIDR test on a field the store keeps as text: the exact IPv4 pattern, or a clear refusal. */
function cidrOnText(p: Extract<Predicate, { kind: 'cidr' }>, field: string): Predicate {
  const net = parseCidr(p.network);
  const pattern = net ? ipv4NetworkRegex(net) : null;
  if (!pattern) {
    throw new SigmaError('unsupported-feature', `'${displayFieldName(field)}' holds addresses as text, and the IPv6 range ${p.network} has no exact text pattern`, p.loc);
  }
  return { kind: 'regex', field, pattern, flags: [], loc: p.loc };
}
