import { parseDataYaml } from '../core/data-yaml';
import { definitionValidator, validAtBuild } from '../core/definition-schema';
import { SigmaError } from '../core/errors';
import type { ResourceLoader } from '../core/resources';
import type { Expr, SourceLocation } from '../ir/types';
import { parseYamlDocuments } from '../rule/yaml-source';
import type { LogSource } from '../rule/model';
import { plainSigmaString } from '../rule/sigma-string';
import type { EventAccessor } from './event-accessor';
import { compileExpr, type CompiledExpr } from './evaluate-expr';
import { foldCase } from './string-matcher';

export const LOGSOURCE_MAP_PATH = 'backends/evaluate/logsources.yml';

const KEYS = ['category', 'product', 'service'] as const;
type Key = (typeof KEYS)[number];

/** One kind of event: how to recognise it, and the logsources it belongs to (lower case). */
interface EventSource {
  readonly test: CompiledExpr;
  readonly logsource: Readonly<Partial<Record<Key, readonly string[]>>>;
}

/** Which logsources events belong to, from backends/evaluate/logsources.yml (see the comments there). */
export interface LogsourceMap {
  readonly sources: readonly EventSource[];
  /**
   * Sources indexed by the text of their first field (`Channel`, `Table`, ...), case-folded, so an event is
   * tested only against the few sources that can apply to it; `unindexed` (a number first) are always tested.
   */
  readonly index: ReadonlyMap<string, ReadonlyMap<string, readonly number[]>>;
  readonly unindexed: readonly number[];
}

const scalar = { type: ['string', 'number'] };
const scalarOrList = { anyOf: [scalar, { type: 'array', items: scalar, minItems: 1 }] };
const nameOrList = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }] };
export const LOGSOURCE_MAP_SCHEMA = {
  type: 'object',
  required: ['sources'],
  additionalProperties: false,
  properties: {
    sources: {
      type: 'array',
      items: {
        type: 'object',
        required: ['event', 'logsource'],
        additionalProperties: false,
        properties: {
          event: { type: 'object', minProperties: 1, additionalProperties: scalarOrList },
          logsource: {
            type: 'object',
            minProperties: 1,
            additionalProperties: false,
            properties: { category: nameOrList, product: nameOrList, service: nameOrList },
          },
        },
      },
    },
  },
};

export function loadLogsourceMap(loader: ResourceLoader): LogsourceMap {
  const text = loader.read(LOGSOURCE_MAP_PATH);
  if (text === undefined) throw new SigmaError('pipeline-definition', `missing ${LOGSOURCE_MAP_PATH}`);
  return parseLogsourceMap(text, LOGSOURCE_MAP_PATH, loader);
}

interface RawSource {
  event: Record<string, string | number | (string | number)[]>;
  logsource: Partial<Record<Key, string | string[]>>;
}

export function parseLogsourceMap(text: string, file: string, loader?: ResourceLoader): LogsourceMap {
  const data = parseDataYaml(text, file, 'pipeline-definition', loader);
  const validate = validAtBuild(LOGSOURCE_MAP_SCHEMA, data) ? null : definitionValidator(LOGSOURCE_MAP_SCHEMA);
  if (validate && !validate(data)) {
    const first = validate.errors?.[0];
    throw new SigmaError('pipeline-definition', `${file}: ${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`);
  }
  const raw = (data as { sources: RawSource[] }).sources;
  const spans = entrySpans(text);
  const index = new Map<string, Map<string, number[]>>();
  const unindexed: number[] = [];
  raw.forEach((s, i) => {
    const [field, value] = Object.entries(s.event)[0] as [string, RawSource['event'][string]];
    const values = listOf(value);
    if (values.some((v) => typeof v !== 'string')) {
      unindexed.push(i);
      return;
    }
    let byValue = index.get(field);
    if (!byValue) index.set(field, (byValue = new Map()));
    for (const v of values as string[]) {
      const key = foldCase(v);
      byValue.set(key, [...(byValue.get(key) ?? []), i]);
    }
  });
  return {
    index,
    unindexed,
    sources: raw.map((s, i) => ({
      test: compileExpr(eventCondition(s.event, spans[i] ?? { line: 1, col: 1 })),
      logsource: Object.fromEntries(
        KEYS.filter((k) => s.logsource[k] !== undefined).map((k) => [k, listOf(s.logsource[k] as string | string[]).map((v) => v.toLowerCase())]),
      ),
    })),
  };
}

function listOf<T>(v: T | T[]): T[] {
  return Array.isArray(v) ? v : [v];
}

/** Where each entry of `sources:` is written: the span of its conditions. */
function entrySpans(text: string): readonly SourceLocation[] {
  const doc = parseYamlDocuments(text)[0];
  const sources = doc && typeof doc.value === 'object' && doc.value !== null ? (doc.value as { sources?: unknown }).sources : undefined;
  return (typeof sources === 'object' && sources !== null ? doc?.positions.get(sources)?.items : undefined) ?? [];
}

/** The entry's field conditions as IR, so they are evaluated with exactly the rules' semantics. */
function eventCondition(event: RawSource['event'], loc: SourceLocation): Expr {
  const args: Expr[] = Object.entries(event).map(([field, value]) => {
    const alternatives: Expr[] = listOf(value).map((v) =>
      typeof v === 'number' ? { kind: 'number', field, value: v, loc } : { kind: 'match', field, value: plainSigmaString(v), cased: false, loc },
    );
    return alternatives.length === 1 ? (alternatives[0] as Expr) : { kind: 'or', args: alternatives };
  });
  return args.length === 1 ? (args[0] as Expr) : { kind: 'and', args };
}

/** The indices of the sources an event belongs to (empty: the event does not say). Computed once per event. */
export function classifyEvent(map: LogsourceMap, event: EventAccessor): number[] {
  const out: number[] = [];
  const consider = (i: number) => {
    if (!out.includes(i) && (map.sources[i] as EventSource).test(event)) out.push(i);
  };
  for (const i of map.unindexed) consider(i);
  for (const [field, byValue] of map.index) {
    const v = event.get(field);
    if (typeof v === 'string') {
      const hits = byValue.get(event.fold(v));
      if (hits) for (const i of hits) consider(i);
    } else if (Array.isArray(v)) {
      // Only text can equal an indexed value; each text element may name a source.
      for (const x of v) if (typeof x === 'string') for (const i of byValue.get(event.fold(x)) ?? []) consider(i);
    }
  }
  return out.length > 1 ? out.sort((a, b) => a - b) : out;
}

/**
 * For one rule: whether an event of the given sources may belong to the rule's logsource. An event of no
 * known source is not ruled out; otherwise one of its sources must have every key the rule names.
 */
export function compileLogsourceFilter(map: LogsourceMap, logsource: LogSource): (sources: readonly number[]) => boolean {
  const wanted = KEYS.filter((k) => logsource[k] !== undefined).map((k) => [k, (logsource[k] as string).toLowerCase()] as const);
  if (wanted.length === 0) return () => true;
  const compatible = map.sources.map((s) => wanted.every(([k, v]) => s.logsource[k]?.includes(v) ?? false));
  return (sources) => sources.length === 0 || sources.some((i) => compatible[i] === true);
}
