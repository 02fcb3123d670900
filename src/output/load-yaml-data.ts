import { parseDataYaml } from '../core/data-yaml';
import type { Schema } from 'ajv';
import { checkDefinition } from '../core/definition-schema';
import { SigmaError } from '../core/errors';
import type { ResourceLoader } from '../core/resources';

/** Parses one YAML text and checks it against a JSON schema; errors name the file, line and offending path. */
export function parseYamlData<T>(text: string, name: string, schema: Schema, code: 'backend-definition' | 'invalid-value' = 'backend-definition', loader?: ResourceLoader): T {
  const data = parseDataYaml(text, name, code, loader);
  checkDefinition(schema, data, name, code);
  return data as T;
}

/** Reads a project data file through the loader and validates it. */
export function loadYamlData<T>(loader: ResourceLoader, path: string, schema: Schema): T {
  const text = loader.read(path);
  if (text === undefined) throw new SigmaError('backend-definition', `missing data file ${path}`);
  return parseYamlData<T>(text, path, schema, 'backend-definition', loader);
}
