/**
 * A field read from inside a JSON value (a KQL `dynamic` column such as WindowsEvent.EventData, or a
 * string column holding JSON such as Defender's AdditionalFields). The pipeline names such a field
 * with this encoding so the IR keeps one string per field; the target's field escaper (see
 * src/render/escape.ts) turns it into the access syntax. The separators are control characters no
 * real column name contains, so a column literally named 'a.b' stays distinct from key b of a.
 */
const DYNAMIC = '\u001f';
const JSON_TEXT = '\u001e';

export interface FieldPath {
  readonly column: string;
  readonly keys: readonly string[];
  /** The column holds JSON text (it must be parsed) rather than a dynamic value. */
  readonly jsonText: boolean;
}

export function encodeFieldPath(path: FieldPath): string {
  return path.column + (path.jsonText ? JSON_TEXT : DYNAMIC) + path.keys.join(DYNAMIC);
}

/** The path a field name encodes, or null for a plain column. */
export function decodeFieldPath(name: string): FieldPath | null {
  const json = name.indexOf(JSON_TEXT);
  const dyn = name.indexOf(DYNAMIC);
  const at = json >= 0 && (dyn < 0 || json < dyn) ? json : dyn;
  if (at < 0) return null;
  return { column: name.slice(0, at), keys: name.slice(at + 1).split(DYNAMIC), jsonText: at === json };
}

/** How a person would write the field: Column.key.sub (for messages). */
export function displayFieldName(name: string): string {
  const path = decodeFieldPath(name);
  return path ? [path.column, ...path.keys].join('.') : name;
}
