/**
 * Build step: compiles the data-file schemas to plain JavaScript validators (ajv standalone code),
 * so a CLI run does not pay ajv's compile cost. Each validator is keyed by its schema's JSON text:
 * a schema edited without rebuilding simply falls back to compiling at run time.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { DEFINITION_SCHEMAS } from '../src/core/definition-schemas';

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, code: { source: true, lines: false } });
const exportsMap: Record<string, string> = {};
const keys: Record<string, string> = {};
for (const [name, schema] of Object.entries(DEFINITION_SCHEMAS)) {
  ajv.addSchema(schema, name);
  exportsMap[name] = name;
  keys[name] = JSON.stringify(schema);
}
const code = standaloneCode(ajv, exportsMap);
const out = path.join(__dirname, '..', 'src', 'generated');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'definition-validators.js'), `${code}\nmodule.exports.__schemaKeys = ${JSON.stringify(keys)};\n`);
console.log(`precompiled ${Object.keys(exportsMap).length} data-file validators into dist/src/generated/`);
