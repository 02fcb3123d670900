import Ajv from 'ajv';
import * as fs from 'fs';
import * as path from 'path';
import { PIPELINE_SCHEMA } from '../src/pipeline/load-pipeline';
import { DEFINITION_SCHEMAS } from '../src/core/definition-schemas';
import { checkDefinition } from '../src/core/definition-schema';

// Run-time validation of our data files skips meta-validation for speed; this is where it happens.
const schemas = DEFINITION_SCHEMAS;
const generated = path.join(__dirname, '..', 'dist', 'src', 'generated', 'definition-validators.js');

describe('definition schemas', () => {
  test.each(Object.entries(schemas))('%s schema is a valid JSON schema', (_name, schema) => {
    const ajv = new Ajv({ allowUnionTypes: true, allErrors: true }); // ajv's default strict mode: unknown keywords and formats fail
    expect(ajv.validateSchema(schema)).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
  });

  test('checkDefinition names the file and every failing path', () => {
    expect(() => checkDefinition(PIPELINE_SCHEMA, { name: 1, logsources: 'x' }, 'backends/pipelines/x.yml', 'pipeline-definition')).toThrow(
      /backends\/pipelines\/x\.yml: .*\/name must be string.*\/logsources must be array|backends\/pipelines\/x\.yml: .*required property 'target'/,
    );
  });

  (fs.existsSync(generated) ? test : test.skip)('the build step precompiled every schema as it is now (run npm run build)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(generated) as { __schemaKeys: Record<string, string> } & Record<string, unknown>;
    for (const [name, schema] of Object.entries(schemas)) {
      expect(mod.__schemaKeys[name]).toBe(JSON.stringify(schema));
      expect(typeof mod[name]).toBe('function');
    }
  });
});
