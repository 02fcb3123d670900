/**
 * A computed field: several columns joined by a separator, as one source field held them (Sysmon's
 * TargetObject is Defender's RegistryKey + '\' + RegistryValueName). A value transformation uses it
 * where a pattern could straddle the columns, so the query tests the same text the rule meant. Like
 * src/ir/field-path.ts, it is encoded in the field name with a control character no column name
 * contains; a target's field escaper renders it (KQL: strcat) or declines (the rule is then refused).
 */
const JOINED = '\u001d';

export interface JoinedField {
  readonly columns: readonly string[];
  readonly separator: string;
  /** Text standing for an empty last column (Sysmon writes a key's default value as '(Default)'). */
  readonly emptyLast?: string;
}

export function encodeJoinedField(field: JoinedField): string {
  return JOINED + JSON.stringify({ c: field.columns, s: field.separator, e: field.emptyLast ?? null });
}

export function decodeJoinedField(name: string): JoinedField | null {
  if (!name.startsWith(JOINED)) return null;
  const raw = JSON.parse(name.slice(JOINED.length)) as { c: string[]; s: string; e: string | null };
  return { columns: raw.c, separator: raw.s, ...(raw.e !== null ? { emptyLast: raw.e } : {}) };
}

/** The joined text of one event, from the columns' values (a missing column reads as empty, as in KQL's strcat). */
export function joinColumns(field: JoinedField, valueOf: (column: string) => string): string {
  const values = field.columns.map(valueOf);
  const last = values.length - 1;
  if (field.emptyLast !== undefined && last >= 0 && values[last] === '') values[last] = field.emptyLast;
  return values.join(field.separator);
}

