import * as yaml from 'js-yaml';
import { SigmaError, type ErrorCode } from './errors';

/** Parses one of the project's YAML data files (backends, pipelines, schemas, metadata); errors name the file and line. */
export function parseDataYaml(text: string, name: string, code: ErrorCode): unknown {
  try {
    return yaml.load(text);
  } catch (err) {
    const mark = (err as { mark?: { line: number; column: number } }).mark;
    const reason = (err as { reason?: string }).reason ?? (err as Error).message;
    throw new SigmaError(code, `${name}${mark ? `:${mark.line + 1}:${mark.column + 1}` : ''}: ${reason}`);
  }
}
