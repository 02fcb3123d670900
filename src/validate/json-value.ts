import { SigmaError } from '../core/errors';
import type { YamlDocument } from '../rule/yaml-source';
import { scalarTextAfterKey } from './locate';

type Obj = Record<string, unknown>;

/** Aliases let a 1 KB file describe billions of values; the copy for the schema stops well before. */
const MAX_NODES = 1_000_000;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The document as JSON data for the schema. js-yaml reads an unquoted 2024-01-31 as a Date: the
 * spec means the text, so a top-level date is read back from the source as written; other Dates
 * become their calendar day, as the converter reads them.
 */
export function toJsonValue(value: unknown, doc: YamlDocument, lines: readonly string[]): unknown {
  let budget = MAX_NODES;
  const convert = (v: unknown): unknown => {
    if (--budget < 0) {
      throw new SigmaError(
        'yaml-limit',
        `the document expands to more than ${MAX_NODES} values through YAML aliases (an alias bomb?); write the values out instead of repeating aliases`,
        { line: doc.firstLine, col: 1 },
      );
    }
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString().slice(0, 10);
    if (Array.isArray(v)) return v.map(convert);
    if (isObj(v)) {
      const out: Obj = {};
      for (const [k, x] of Object.entries(v)) out[k] = convert(x);
      return out;
    }
    return v;
  };
  const json = convert(value);
  if (isObj(value) && isObj(json)) {
    const keys = doc.positions.get(value)?.keys;
    for (const key of ['date', 'modified']) {
      const loc = keys?.get(key);
      if (value[key] instanceof Date && loc) json[key] = scalarTextAfterKey(lines, loc) ?? json[key];
    }
  }
  return json;
}

