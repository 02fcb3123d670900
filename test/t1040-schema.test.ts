import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** Every rule of the shipped pack (sigma/) validates against the official Sigma JSON schema of its kind. */
const ROOT = path.resolve(__dirname, '..');
const SCHEMA_DIR = path.resolve(ROOT, '..', 'shared', 'sigma-spec', 'json-schema');
const SCHEMA = path.join(SCHEMA_DIR, 'sigma-detection-rule-schema.json');
const SCHEMA_BY_KIND: Readonly<Record<string, string>> = {
  detection: 'sigma-detection-rule-schema.json',
  correlation: 'sigma-correlation-rules-schema.json',
  filter: 'sigma-filters-schema.json',
};

function kindOf(doc: unknown): string {
  const d = (doc ?? {}) as Record<string, unknown>;
  return 'correlation' in d ? 'correlation' : 'filter' in d ? 'filter' : 'detection';
}

function ruleFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = path.join(dir, n);
      return fs.statSync(p).isDirectory() ? ruleFiles(p) : /\.ya?ml$/i.test(n) ? [p] : [];
    });
}

/** YAML's core schema keeps `2026-11-26` a string, as the Sigma schema expects (js-yaml's default makes it a Date). */
function loadDocuments(file: string): unknown[] {
  return yaml.loadAll(fs.readFileSync(file, 'utf8'), undefined, { schema: yaml.CORE_SCHEMA });
}

if (!fs.existsSync(SCHEMA)) {
  describe.skip(`Sigma JSON schema validation: skipped because ${SCHEMA} is absent (the shared sigma-spec checkout is not next to this clone)`, () => {
    it('needs ../shared/sigma-spec', () => undefined);
  });
} else {
  describe('sigma/ rules against the official Sigma JSON schema', () => {
    const validators = Object.fromEntries(
      Object.entries(SCHEMA_BY_KIND).map(([kind, file]) => {
        const schema = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), 'utf8')) as Record<string, unknown>;
        // ajv knows draft 2020-12 under its canonical URI, without the trailing '#'.
        delete schema.$schema;
        const ajv = new Ajv2020({ allErrors: true, strict: false });
        addFormats(ajv);
        return [kind, ajv.compile(schema)];
      }),
    );
    const validate = validators.detection as NonNullable<(typeof validators)[string]>;
    const docs = ruleFiles(path.join(ROOT, 'sigma')).flatMap((file) =>
      loadDocuments(file).map((doc, i) => [`${path.relative(ROOT, file)} document ${i + 1}`, doc] as const),
    );

    it('finds the T1040 rules', () => {
      expect(docs.length).toBeGreaterThanOrEqual(3);
    });

    it.each(docs)('%s is valid', (_name, doc) => {
      const check = validators[kindOf(doc)] as NonNullable<(typeof validators)[string]>;
      check(doc);
      expect(check.errors ?? []).toEqual([]);
    });

    it('rejects a rule the schema forbids (the check can fail)', () => {
      expect(validate({ title: 'x', logsource: {}, detection: { condition: 'sel' }, level: 'catastrophic' })).toBe(false);
    });
  });
}
