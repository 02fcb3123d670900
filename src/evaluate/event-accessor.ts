import { foldCase } from './string-matcher';
import { decodeJoinedField, joinColumns } from '../ir/joined-field';
import { decodeFieldPath } from '../ir/field-path';

/**
 * Read access to one event, by Sigma field name. Events are JSON objects: flat keys, nested objects
 * addressed with dotted names (`process.parent.name`), or Windows event JSON as written by EVTX-to-JSON
 * tools, whose `Event.System` and `Event.EventData` fields are also reachable by their Sigma names
 * (`EventID`, `Channel`, `Provider_Name`, `Computer`, `CommandLine`, ...).
 */
export interface EventAccessor {
  /** The field's value; undefined when the event has no such field (null when it is present and null). */
  get(field: string): unknown;
  /** Every scalar value anywhere in the event, for keywords (searches of the whole event). */
  values(): readonly unknown[];
  /** Case-folds a text of this event for case-insensitive matching; remembered, as several rules fold the same field. */
  fold(text: string): string;
}

type JsonObject = Readonly<Record<string, unknown>>;

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

export function createEventAccessor(event: JsonObject): EventAccessor {
  return new JsonEventAccessor(event);
}

class JsonEventAccessor implements EventAccessor {
  private readonly windows: ReadonlyMap<string, unknown> | null;
  private allValues: unknown[] | null = null;
  private folded: Map<string, string> | null = null;

  constructor(private readonly event: JsonObject) {
    this.windows = windowsFields(event);
  }

  get(field: string): unknown {
    const joined = decodeJoinedField(field);
    if (joined) return joinColumns(joined, (c) => scalarText(this.get(c)));
    const inside = decodeFieldPath(field);
    if (inside) return jsonValue(this.get(inside.column), inside.keys, inside.jsonText);
    const e = this.event;
    if (hasOwn(e, field)) return e[field];
    if (this.windows) {
      const v = this.windows.get(field);
      if (v !== undefined || this.windows.has(field)) return v;
    }
    return field.includes('.') ? dotted(e, field.split('.'), 0) : undefined;
  }

  fold(text: string): string {
    if (!this.folded) this.folded = new Map();
    let f = this.folded.get(text);
    if (f === undefined) {
      f = foldCase(text);
      this.folded.set(text, f);
    }
    return f;
  }

  values(): readonly unknown[] {
    if (!this.allValues) {
      const out: unknown[] = [];
      collectScalars(this.event, out);
      this.allValues = out;
    }
    return this.allValues;
  }
}

/**
 * Walks a dotted path from position i. A key may itself contain dots (`{"a.b": {"c": 1}}`), so the
 * longest key that exists is tried first. Where an array stands on the way, every element is followed
 * and the values found are returned as a list (any of them may match).
 */
function dotted(v: unknown, path: readonly string[], i: number): unknown {
  if (i === path.length) return v;
  if (Array.isArray(v)) {
    const found: unknown[] = [];
    for (const item of v) {
      const r = dotted(item, path, i);
      if (r === undefined) continue;
      if (Array.isArray(r)) for (const x of r as unknown[]) found.push(x);
      else found.push(r);
    }
    return found.length ? found : undefined;
  }
  if (!isObject(v)) return undefined;
  for (let j = path.length; j > i; j--) {
    const key = path.slice(i, j).join('.');
    if (hasOwn(v, key)) {
      const r = dotted(v[key], path, j);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

function collectScalars(v: unknown, out: unknown[]): void {
  if (Array.isArray(v)) for (const x of v) collectScalars(x, out);
  else if (isObject(v)) for (const k of Object.keys(v)) collectScalars(v[k], out);
  else if (v !== null && v !== undefined) out.push(v);
}

/** The text of an XML element in JSON form: a scalar, or `{"#text": ...}` / `{"$": ...}` with attributes beside it. */
function elementText(v: unknown): unknown {
  if (!isObject(v)) return v;
  if (hasOwn(v, '#text')) return v['#text'];
  if (hasOwn(v, '$')) return v['$'];
  return undefined;
}

/** Attributes of an XML element in JSON form: `#attributes: {...}`, `@Name` keys, or plain scalar keys. */
function elementAttributes(v: JsonObject): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, x] of Object.entries(v)) {
    if (k === '#attributes' && isObject(x)) out.push(...Object.entries(x));
    else if (k.startsWith('@')) out.push([k.slice(1), x]);
    else if (k !== '#text' && k !== '$' && !isObject(x) && !Array.isArray(x)) out.push([k, x]);
  }
  return out;
}

/**
 * Sigma names for the fields of a Windows event in JSON form, or null for other events.
 * System: `EventID` (a number, a string, or `{"#text": ..}` with Qualifiers), `Channel`, `Computer`, ...;
 * attributes become `Element_Attribute` (`Provider_Name`, `TimeCreated_SystemTime`, `Execution_ProcessID`),
 * also from `Provider_attributes: {...}` as some tools write them. EventData: `Data` as an array or single
 * element of `{"@Name"|"Name"|"#attributes": {"Name"}, "#text"}`, or a plain map of name to value. UserData:
 * the fields of its one child element. System names win over EventData names that collide. A data name with
 * spaces is also reachable without them (`New Value` as `NewValue`), as Sigma rules write it.
 */
function windowsFields(event: JsonObject): Map<string, unknown> | null {
  const root = isObject(event.Event) ? event.Event : isObject(event.System) ? event : null;
  if (!root || !(isObject(root.System) || isObject(root.EventData) || isObject(root.UserData))) return null;
  const out = new Map<string, unknown>();
  const set = (k: string, v: unknown) => {
    if (!out.has(k)) out.set(k, v);
  };
  // Data names with spaces (Defender's "New Value", "Threat Name", "Process Name") are written without them
  // in Sigma rules (NewValue, ThreatName, ProcessName): both names reach the value.
  const setData = (k: string, v: unknown) => {
    set(k, v);
    if (/\s/.test(k)) set(k.replace(/\s+/g, ''), v);
  };
  if (isObject(root.System)) {
    for (const [k, v] of Object.entries(root.System)) {
      if (k.endsWith('_attributes') && isObject(v)) {
        for (const [a, x] of Object.entries(v)) set(`${k.slice(0, -'_attributes'.length)}_${a}`, x);
      } else if (isObject(v)) {
        const text = elementText(v);
        if (text !== undefined) set(k, text);
        for (const [a, x] of elementAttributes(v)) set(`${k}_${a}`, x);
      } else {
        set(k, v);
      }
    }
  }
  const data = root.EventData;
  if (isObject(data)) {
    const unnamed: unknown[] = [];
    for (const [k, v] of Object.entries(data)) {
      if (k === 'Data') {
        for (const item of Array.isArray(v) ? v : [v]) {
          const name = isObject(item) ? (item['@Name'] ?? (isObject(item['#attributes']) ? item['#attributes'].Name : undefined) ?? item.Name) : undefined;
          if (typeof name === 'string') setData(name, isObject(item) ? (elementText(item) ?? null) : item);
          else unnamed.push(isObject(item) ? elementText(item) : item);
        }
      } else if (!k.startsWith('@') && k !== '#attributes') {
        setData(k, isObject(v) ? (elementText(v) ?? v) : v);
      }
    }
    if (unnamed.length) set('Data', unnamed.length === 1 ? unnamed[0] : unnamed);
  }
  if (isObject(root.UserData)) {
    for (const child of Object.values(root.UserData)) {
      if (!isObject(child)) continue;
      for (const [k, v] of Object.entries(child)) {
        if (!k.startsWith('@') && k !== '#attributes') setData(k, isObject(v) ? (elementText(v) ?? v) : v);
      }
    }
  }
  return out;
}

/** A column's value as KQL's strcat reads it: text as it is, a number or boolean written out, anything missing empty. */
function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return '';
}

/**
 * A key inside a JSON column (src/ir/field-path.ts), read as the KQL renderer writes it:
 * tostring(parse_json(Column).key...) - JSON text is parsed, and the value is compared as text.
 */
function jsonValue(column: unknown, keys: readonly string[], jsonText: boolean): unknown {
  let v = column;
  if (jsonText && typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      return undefined;
    }
  }
  for (const k of keys) {
    if (!isObject(v) || !hasOwn(v, k)) return undefined;
    v = v[k];
  }
  if (v === null || v === undefined) return v;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
