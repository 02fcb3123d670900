import * as yaml from 'js-yaml';
import { SigmaError, type ErrorCode } from './errors';

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
    } catch {
      parsedAtBuild = null;
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
