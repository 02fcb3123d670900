import * as yaml from 'js-yaml';
import { SigmaError, type ErrorCode } from './errors';
import { unlessNotBuilt } from './build-output';
import { DEFAULT_LIMITS, type Limits } from './limits';

/** What the build stored for one definition file (scripts/build-definitions.ts): its text and its value as JSON. */
type ParsedDefinitions = Readonly<Record<string, { readonly source: string; readonly json: string } | undefined>>;

/** The build's parsed definitions, loaded on first use (null when not built, e.g. under ts-jest). */
let parsedAtBuild: ParsedDefinitions | null | undefined;

/** The value the build parsed from exactly this text of this file, as a fresh object; undefined otherwise. */
function fromBuild(text: string, name: string): unknown {
  if (parsedAtBuild === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      parsedAtBuild = require('../generated/definition-data') as ParsedDefinitions;
    } catch (err) {
      parsedAtBuild = unlessNotBuilt(err, 'generated/definition-data') ?? null;
    }
  }
  const entry = parsedAtBuild && Object.hasOwn(parsedAtBuild, name) ? parsedAtBuild[name] : undefined;
  return entry && entry.source === text ? JSON.parse(entry.json) : undefined;
}

/** Parses one of the project's YAML data files (backends, pipelines, schemas, metadata); errors name the file and line. */
export function parseDataYaml(text: string, name: string, code: ErrorCode): unknown {
  const built = fromBuild(text, name);
  if (built !== undefined) return built;
  try {
    return yaml.load(text);
  } catch (err) {
    const mark = (err as { mark?: { line: number; column: number } }).mark;
    const reason = (err as { reason?: string }).reason ?? (err as Error).message;
    throw new SigmaError(code, `${name}${mark ? `:${mark.line + 1}:${mark.column + 1}` : ''}: ${reason}`);
  }
}

/**
 * Parses a YAML data file the user gives (placeholders, settings) within bounds: its size, and its node
 * count with aliases expanded, walked iteratively so neither an alias bomb nor deep nesting can exhaust
 * memory or the stack when the value is used.
 */
export function parseUserDataYaml(text: string, name: string, code: ErrorCode, limits: Pick<Limits, 'dataBytes' | 'dataNodes'> = DEFAULT_LIMITS): unknown {
  if (text.length > limits.dataBytes) throw new SigmaError(code, `${name}: the file is larger than ${limits.dataBytes} bytes`);
  const data = parseDataYaml(text, name, code);
  let nodes = 0;
  const stack: unknown[] = [data];
  while (stack.length) {
    const v = stack.pop();
    if (++nodes > limits.dataNodes) {
      throw new SigmaError(code, `${name}: the data holds more than ${limits.dataNodes} values once its YAML aliases are expanded (an alias bomb?)`);
    }
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) stack.push(x);
  }
  return data;
}
