import type Ajv from 'ajv';
import type { AnySchema, ValidateFunction } from 'ajv';
import { SigmaError, type ErrorCode } from './errors';

/**
 * Validators for the project's own data files (backends, pipelines, metadata). Their schemas are
 * fixed code, checked against the JSON-Schema meta-schema by a test, so run-time meta-validation
 * (most of ajv's start-up cost) is skipped, and each schema is compiled once, on first use.
 * The memo holds only pure compiled functions of constant schemas.
 */
const compiled = new WeakMap<object, ValidateFunction>();
let ajv: Ajv | undefined;

export function definitionValidator(schema: AnySchema): ValidateFunction {
  const key = schema as object;
  let fn = compiled.get(key);
  if (!fn) {
    fn = precompiled(schema);
    if (!fn) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ajv ??= new (require('ajv').default as typeof Ajv)({ allErrors: true, allowUnionTypes: true, validateSchema: false, code: { lines: false } });
      fn = ajv.compile(schema);
    }
    compiled.set(key, fn);
  }
  return fn;
}

type PrecompiledModule = Record<string, ValidateFunction> & { __schemaKeys?: Record<string, string> };

/** The build step's standalone validator for exactly this schema, if there is one (see scripts/build-validators.ts). */
function precompiled(schema: AnySchema): ValidateFunction | undefined {
  let mod: PrecompiledModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('../generated/definition-validators') as PrecompiledModule;
  } catch {
    return undefined; // not built (ts-jest, a bundle): compile instead
  }
  const text = JSON.stringify(schema);
  const name = Object.entries(mod.__schemaKeys ?? {}).find(([, k]) => k === text)?.[0];
  return name ? mod[name] : undefined;
}

/**
 * A schema as the build records it: its JSON text. The build lists, for each built-in data file, the
 * schemas it satisfies; a schema changed since then has another text, so its data is checked again.
 */
export function schemaText(schema: AnySchema): string {
  let text = schemaTexts.get(schema as object);
  if (text === undefined) {
    text = JSON.stringify(schema);
    schemaTexts.set(schema as object, text);
  }
  return text;
}
const schemaTexts = new WeakMap<object, string>();

/** Values the build parsed and checked (data-yaml.ts), with the texts (schemaText) of the schemas they satisfied. */
const checkedAtBuild = new WeakMap<object, readonly string[]>();

export function markCheckedAtBuild(value: unknown, schemasSatisfied: readonly string[]): void {
  if (value !== null && typeof value === 'object') checkedAtBuild.set(value, schemasSatisfied);
}

/** Whether the build already found this very value valid against this schema (so checking again would pass). */
export function validAtBuild(schema: AnySchema, data: unknown): boolean {
  const checked = data !== null && typeof data === 'object' ? checkedAtBuild.get(data) : undefined;
  return checked !== undefined && checked.includes(schemaText(schema));
}

/** Throws `code` naming the file and every failing path when data does not fit the schema. */
export function checkDefinition(schema: AnySchema, data: unknown, name: string, code: ErrorCode): void {
  if (validAtBuild(schema, data)) return;
  const validate = definitionValidator(schema);
  if (validate(data)) return;
  const detail = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
  throw new SigmaError(code, `${name}: ${detail}`);
}
