import { SigmaError } from '../core/errors';
import { DEFAULT_LIMITS, type AlternativesBudget } from '../core/limits';
import type { Expr, SourceLocation } from '../ir/types';
import { parseCondition, ConditionSyntaxError } from '../condition/parser';
import { expandCondition } from '../condition/expand';
import type { YamlDocument, NodePositions } from './yaml-source';
import type { Condition, LogSource, SigmaRule } from './model';
import { buildFieldExpr, type Placeholders, type Scalar } from './modifiers';

export interface ParseOptions {
  readonly placeholders?: Placeholders;
  /** Values the rule may expand to in total (core/limits.ts); the default is DEFAULT_LIMITS.alternatives. */
  readonly maxAlternatives?: number;
  /** Set per rule by parseRule: the alternatives left for the fields still to build. */
  readonly budget?: AlternativesBudget;
}

/** Upper bound on values read from one detection: aliases can make a small file describe a huge tree. */
const MAX_DETECTION_VALUES = 1_000_000;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return typeof v === 'object' ? undefined : String(v);
}

function strList(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x) => x !== null && typeof x !== 'object').map(String);
  const s = str(v);
  return s === undefined ? [] : [s];
}

/** What a document is: a detection rule, a correlation rule, a filter, or something else. */
export function documentKind(value: unknown): 'rule' | 'correlation' | 'filter' | 'unknown' {
  if (!isObj(value)) return 'unknown';
  if ('correlation' in value) return 'correlation';
  if ('filter' in value && !('detection' in value)) return 'filter';
  if ('detection' in value) return 'rule';
  return 'unknown';
}

/**
 * Throws the document's parse error, or a clear error when it is not a detection rule
 * (`consumer` says what cannot handle it, e.g. "plain conversion").
 */
export function requireRuleDocument(doc: YamlDocument, consumer: string): void {
  if (doc.error) throw doc.error;
  const kind = documentKind(doc.value);
  if (kind === 'rule') return;
  throw new SigmaError(
    kind === 'unknown' ? 'invalid-rule' : 'unsupported-feature',
    kind === 'unknown'
      ? `document ${doc.index} is not a Sigma rule: it has no 'detection'`
      : `document ${doc.index} is a Sigma ${kind} rule, which ${consumer} does not handle`,
    { line: doc.firstLine, col: 1 },
  );
}

/** Builds a SigmaRule from one parsed YAML document; throws SigmaError with a location on any problem. */
/** The file's lines, or a function producing them on first need (only error locations read them). */
export type SourceLines = readonly string[] | (() => readonly string[]);

export function parseRule(doc: YamlDocument, source: SourceLines, parseOptions: ParseOptions = {}): SigmaRule {
  const sourceLines = (): readonly string[] => (typeof source === 'function' ? source() : source);
  const limit = parseOptions.maxAlternatives ?? DEFAULT_LIMITS.alternatives;
  const options: ParseOptions = Object.assign({}, parseOptions, { budget: { left: limit, limit } }); // not a spread followed by a new key: V8 on Node 20 builds that one key at a time
  const value = doc.value;
  const top = isObj(value) ? doc.positions.get(value) : undefined;
  // Every node of the IR has a span: without a position for a key, the rule's own (its document's first line).
  const ruleLoc: SourceLocation = top?.loc ?? { line: doc.firstLine, col: 1 };
  const at = (key: string): SourceLocation => top?.keys.get(key) ?? ruleLoc;
  if (!isObj(value)) {
    throw new SigmaError('invalid-rule', 'a Sigma rule must be a YAML mapping with title, logsource and detection', { line: doc.firstLine, col: 1 });
  }
  const title = str(value.title);
  if (!title) throw new SigmaError('invalid-rule', "the rule has no 'title'; add a short title", top?.loc);
  const logsourceRaw = value.logsource;
  if (!isObj(logsourceRaw)) throw new SigmaError('invalid-rule', "the rule has no 'logsource' mapping (category, product, service)", at('logsource'));
  const detection = value.detection;
  if (!isObj(detection)) throw new SigmaError('invalid-detection', "'detection' must be a mapping of search identifiers and a condition", at('detection'));
  const detPos = doc.positions.get(detection);

  const budget = { left: MAX_DETECTION_VALUES };
  const detections = new Map<string, Expr>();
  for (const [name, body] of Object.entries(detection)) {
    if (name === 'condition' || name === 'timeframe') continue;
    const loc = detPos?.keys.get(name) ?? at('detection');
    detections.set(name, buildSearchIdentifier(name, body, loc, doc, budget, options));
  }
  if (detections.size === 0) throw new SigmaError('invalid-detection', "'detection' defines no search identifiers", at('detection'));

  const condRaw = detection.condition;
  const condLoc = detPos?.keys.get('condition') ?? at('detection');
  if (condRaw === undefined || condRaw === null) {
    throw new SigmaError('condition-syntax', "'detection' has no 'condition'; add e.g. 'condition: selection'", condLoc);
  }
  const condList: unknown[] = Array.isArray(condRaw) ? condRaw : [condRaw];
  const condPos = Array.isArray(condRaw) ? doc.positions.get(condRaw) : undefined;
  const used = new Set<string>();
  const conditions: Condition[] = condList.map((c, i) => {
    const loc = condPos?.items[i] ?? condLoc;
    if (typeof c !== 'string' || c.trim() === '') {
      throw new SigmaError('condition-syntax', 'a condition must be a non-empty string', loc);
    }
    try {
      return { text: c, loc, expr: expandCondition(parseCondition(c), detections, used) };
    } catch (err) {
      if (err instanceof ConditionSyntaxError) {
        throw new SigmaError(err.code, `condition '${c}', column ${err.offset + 1}: ${err.message}`, conditionLocation(c, err.offset, loc, sourceLines()));
      }
      throw err;
    }
  });
  const expr: Expr = conditions.length === 1 ? (conditions[0] as Condition).expr : { kind: 'or', args: conditions.map((c) => c.expr) };

  const logsource: LogSource = {
    category: str(logsourceRaw.category),
    product: str(logsourceRaw.product),
    service: str(logsourceRaw.service),
    definition: str(logsourceRaw.definition),
  };
  return {
    kind: 'rule',
    document: doc.index,
    id: str(value.id),
    name: str(value.name),
    title,
    status: str(value.status),
    description: str(value.description),
    author: str(value.author),
    date: str(value.date),
    modified: str(value.modified),
    references: strList(value.references),
    tags: strList(value.tags),
    level: str(value.level),
    falsepositives: strList(value.falsepositives),
    fields: strList(value.fields),
    logsource,
    logsourceLoc: at('logsource'),
    detections,
    conditions,
    expr,
    unusedIdentifiers: [...detections.keys()].filter((n) => !used.has(n)),
    raw: value,
    loc: ruleLoc,
  };
}

/** The file position of a column inside a condition, when the condition is written on one line. */
function conditionLocation(text: string, offset: number, loc: SourceLocation | undefined, lines: readonly string[]): SourceLocation | undefined {
  if (!loc) return undefined;
  for (let l = loc.line; l <= Math.min(loc.line + 1, lines.length); l++) {
    const line = lines[l - 1] ?? '';
    const idx = line.indexOf(text, l === loc.line ? loc.col - 1 : 0);
    if (idx >= 0) return { line: l, col: idx + offset + 1 };
  }
  return loc;
}

function buildSearchIdentifier(
  name: string,
  body: unknown,
  loc: SourceLocation,
  doc: YamlDocument,
  budget: { left: number },
  options: ParseOptions,
): Expr {
  if (isObj(body)) return buildMap(name, body, doc.positions.get(body) ?? undefined, loc, doc, budget, options);
  if (Array.isArray(body)) {
    if (body.length === 0) throw new SigmaError('invalid-detection', `search identifier '${name}' is an empty list`, loc);
    const pos = doc.positions.get(body);
    const args = body.map((item, i) => {
      const itemLoc = pos?.items[i] ?? loc;
      spend(budget, 1, itemLoc);
      if (isObj(item)) return buildMap(name, item, doc.positions.get(item), itemLoc, doc, budget, options);
      if (Array.isArray(item)) throw new SigmaError('invalid-detection', `search identifier '${name}' holds a nested list; use a list of values or a list of maps`, itemLoc);
      return buildFieldExpr({ field: '', modifiers: [], values: [item as Scalar], isList: false, loc: itemLoc, placeholders: options.placeholders, budget: options.budget });
    });
    return args.length === 1 ? (args[0] as Expr) : { kind: 'or', args };
  }
  if (body === null || body === undefined) throw new SigmaError('invalid-detection', `search identifier '${name}' is empty`, loc);
  return buildFieldExpr({ field: '', modifiers: [], values: [body as Scalar], isList: false, loc, placeholders: options.placeholders, budget: options.budget });
}

function buildMap(
  name: string,
  map: Obj,
  pos: NodePositions | undefined,
  loc: SourceLocation,
  doc: YamlDocument,
  budget: { left: number },
  options: ParseOptions,
): Expr {
  const entries = Object.entries(map);
  if (entries.length === 0) throw new SigmaError('invalid-detection', `search identifier '${name}' is an empty map`, loc);
  const args = entries.map(([key, raw]) => {
    const keyLoc = pos?.keys.get(key) ?? loc;
    const [field, ...modifiers] = key.split('|');
    let values: Scalar[];
    if (Array.isArray(raw)) {
      spend(budget, raw.length, keyLoc);
      values = raw.map((v) => {
        if (v !== null && typeof v === 'object') {
          throw new SigmaError('invalid-value', `'${key}' in '${name}' holds a ${Array.isArray(v) ? 'list' : 'map'} inside its value list; values must be strings, numbers, booleans or null`, keyLoc);
        }
        return v as Scalar;
      });
    } else if (isObj(raw)) {
      throw new SigmaError('invalid-value', `'${key}' in '${name}' has a map as value; values must be strings, numbers, booleans, null or a list of them`, keyLoc);
    } else {
      spend(budget, 1, keyLoc);
      values = [raw === undefined ? null : (raw instanceof Date ? raw.toISOString().slice(0, 10) : (raw as Scalar))];
    }
    return buildFieldExpr({ field: field ?? '', modifiers, values, isList: Array.isArray(raw), loc: keyLoc, placeholders: options.placeholders, budget: options.budget });
  });
  return args.length === 1 ? (args[0] as Expr) : { kind: 'and', args };
}

function spend(budget: { left: number }, n: number, loc?: SourceLocation): void {
  budget.left -= n;
  if (budget.left < 0) {
    throw new SigmaError('yaml-limit', `the detection holds more than ${MAX_DETECTION_VALUES} values (a YAML alias bomb?)`, loc);
  }
}
