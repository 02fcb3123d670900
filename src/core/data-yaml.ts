import { jsYaml } from './js-yaml-lazy';
import { markCheckedAtBuild } from './definition-schema';
import { SigmaError, type ErrorCode } from './errors';
import type { ResourceLoader } from './resources';
import { DEFAULT_LIMITS, type Limits } from './limits';

/**
 * Parses one of the project's YAML data files (backends, pipelines, schemas, metadata); errors name the
 * file and line. With the loader it was read from, the value the build parsed from this very text is
 * used instead (no YAML parse; checkDefinition then skips the schemas the build found it valid against).
 */
export function parseDataYaml(text: string, name: string, code: ErrorCode, loader?: ResourceLoader): unknown {
  const built = loader?.built?.(name, text);
  if (built?.value !== undefined) {
    markCheckedAtBuild(built.value, built.checked ?? []);
    return built.value;
  }
  try {
    return jsYaml().load(text);
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
