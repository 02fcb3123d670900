import type { ErrorObject } from 'ajv';
import { parseDataYaml } from '../core/data-yaml';
import { definitionValidator, validAtBuild } from '../core/definition-schema';
import type { ResourceLoader } from '../core/resources';
import { SigmaError, type ErrorCode } from '../core/errors';
import { parseYamlDocuments } from '../rule/yaml-source';
import { locatePointer } from '../validate/locate';

/**
 * Parses and validates one pipeline file (built-in or a user's), reporting every problem at
 * `file:line:col`. Parsing is the fast path (no positions); only a file that fails its schema is
 * parsed again with positions, to say where each problem is.
 */
export function readPipelineFile(text: string, file: string, schema: object, loader?: ResourceLoader): Record<string, unknown> {
  return readDefinitionFile(text, file, schema, 'pipeline-definition', 'invalid pipeline', 'a pipeline file must be a YAML mapping (name, target, fields, logsources, ...)', loader);
}

/**
 * The same for any definition file (backends too): a YAML mapping checked against its schema, problems at
 * file:line:col. A file the build parsed and checked (through the loader) is not checked again.
 */
export function readDefinitionFile(text: string, file: string, schema: object, code: ErrorCode, what: string, notMapping: string, loader?: ResourceLoader): Record<string, unknown> {
  const data = parseDataYaml(text, file, code, loader);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new SigmaError(code, `${file}:1:1: ${notMapping}`);
  if (validAtBuild(schema, data)) return data as Record<string, unknown>;
  const validate = definitionValidator(schema);
  if (validate(data)) return data as Record<string, unknown>;
  throw new SigmaError(code, describeSchemaErrors(text, file, validate.errors ?? [], schema, what));
}

const MAX_LISTED_ERRORS = 20;

/** One line per problem, `file:line:col: message`, in file order; an unknown key names the closest known one. */
function describeSchemaErrors(text: string, file: string, errors: readonly ErrorObject[], schema: object, what: string): string {
  const doc = parseYamlDocuments(text)[0];
  const seen = new Set<string>();
  const lines: { line: number; col: number; text: string }[] = [];
  for (const e of relevantErrors(errors)) {
    let pointer = e.instancePath;
    let message: string;
    if (e.keyword === 'additionalProperties') {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      pointer = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const known = knownKeys(schema, e.schemaPath);
      const near = closest(key, known);
      message = `unknown key '${key}'${near ? ` (did you mean '${near}'?)` : ''}${known.length ? `; allowed here: ${known.join(', ')}` : ''}`;
    } else {
      message = `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`;
    }
    const loc = doc && !doc.error ? locatePointer(doc, pointer) : undefined;
    const key = `${loc?.line ?? 0}:${loc?.col ?? 0}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push({ line: loc?.line ?? 1, col: loc?.col ?? 1, text: `${file}:${loc?.line ?? 1}:${loc?.col ?? 1}: ${what}: ${message}` });
  }
  lines.sort((a, b) => a.line - b.line || a.col - b.col);
  const shown = lines.slice(0, MAX_LISTED_ERRORS).map((l) => l.text);
  if (lines.length > MAX_LISTED_ERRORS) shown.push(`${file}: ... and ${lines.length - MAX_LISTED_ERRORS} more problems (fix the first ones and run again)`);
  return shown.join('\n');
}

/**
 * The errors worth showing: an `anyOf` failure repeats each branch's complaint, so only the branch errors
 * are kept when there are any at the same place, and the `anyOf` summary only when there are none.
 */
function relevantErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const out = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'if' && e.keyword !== 'type');
  // The branches of an anyOf each report their type: one message per place, naming every type allowed.
  const types = new Map<string, ErrorObject>();
  for (const e of errors) {
    if (e.keyword !== 'type' || out.some((o) => o.instancePath.startsWith(e.instancePath))) continue;
    const wanted = String((e.params as { type: string | string[] }).type);
    const seen = types.get(e.instancePath);
    types.set(e.instancePath, seen ? { ...seen, message: `${seen.message} or ${wanted}` } : { ...e, message: `must be ${wanted}` });
  }
  const placed = new Set([...out, ...types.values()].map((e) => e.instancePath));
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf' && !placed.has(e.instancePath));
  return [...out, ...types.values(), ...anyOfs];
}

/** The property names the schema allows at the object an `additionalProperties` error is about. */
function knownKeys(schema: object, schemaPath: string): string[] {
  let node: unknown = schema;
  const parts = schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean);
  parts.pop(); // 'additionalProperties'
  for (const part of parts) {
    if (node === null || typeof node !== 'object') return [];
    node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  const props = node !== null && typeof node === 'object' ? (node as { properties?: object }).properties : undefined;
  return props ? Object.keys(props) : [];
}

/** The known key nearest to a typo (edit distance at most 3), if any. */
function closest(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 4;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 99) + 1, (cur[j - 1] ?? 99) + 1, (prev[j - 1] ?? 99) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 99;
}
