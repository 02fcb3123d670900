import type { SourceLocation } from '../ir/types';
import type { YamlDocument } from '../rule/yaml-source';
import { own } from '../core/own';

/**
 * The source location of the value at a JSON pointer (as ajv reports it) inside a parsed YAML
 * document: the position of the deepest key or list item that the pointer reaches.
 */
export function locatePointer(doc: YamlDocument, pointer: string): SourceLocation | undefined {
  let current: unknown = doc.value;
  let loc = current !== null && typeof current === 'object' ? doc.positions.get(current)?.loc : undefined;
  if (pointer === '') return loc;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') break;
    const pos = doc.positions.get(current);
    if (Array.isArray(current)) {
      const i = Number(segment);
      loc = pos?.items[i] ?? loc;
      current = current[i];
    } else {
      loc = pos?.keys.get(segment) ?? loc;
      current = own(current as Record<string, unknown>, segment);
    }
  }
  return loc;
}

/**
 * The text of a plain or quoted scalar written after `key:` on the key's line, as the author wrote
 * it. js-yaml turns an unquoted 2023-02-30 into a Date of March 2nd; the check needs the original.
 */
export function scalarTextAfterKey(lines: readonly string[], loc: SourceLocation): string | null {
  const line = lines[loc.line - 1];
  if (line === undefined) return null;
  const colon = line.indexOf(':', loc.col - 1);
  if (colon < 0) return null;
  let rest = line.slice(colon + 1).trim();
  const quoted = /^(['"])(.*)\1/.exec(rest);
  if (quoted) return quoted[2] ?? '';
  const comment = rest.search(/\s#/);
  if (comment >= 0) rest = rest.slice(0, comment).trim();
  return rest === '' ? null : rest;
}
