/**
 * Reads a key that a user named (a field, tag, status, level, table, format, placeholder ...) from a
 * plain object: only own properties, so `constructor`, `__proto__` or `toString` are ordinary
 * names that are simply absent, never Object.prototype's members.
 */
export function own<T>(obj: Readonly<Record<string, T>> | null | undefined, key: string): T | undefined {
  return obj != null && Object.hasOwn(obj, key) ? obj[key] : undefined;
}
