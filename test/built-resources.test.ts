import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { checkDefinition, definitionValidator, schemaText } from '../src/core/definition-schema';
import { DEFINITION_SCHEMAS } from '../src/core/definition-schemas';
import { parseDataYaml } from '../src/core/data-yaml';
import { createMapLoader, type ResourceLoader } from '../src/core/resources';
import { BACKEND_DEFINITION_SCHEMA } from '../src/render/backend-def';
import { codeCacheFile, loadWithCodeCache } from '../src/cli/code-cache';

/**
 * What the build prepares for the loader (scripts/build-resources.ts): parsed and checked definitions
 * and precompiled templates, used only for exactly the text they were made from; and the V8 code cache
 * of the bundle (src/cli/code-cache.ts), used only for exactly the script it was made from.
 */
const ROOT = path.resolve(__dirname, '..');
const BUILT = path.join(ROOT, 'dist', 'src', 'generated', 'built');
const built = fs.existsSync(BUILT);

function resourceFiles(rel: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, rel))
    .sort()
    .flatMap((n) => (fs.statSync(path.join(ROOT, rel, n)).isDirectory() ? resourceFiles(`${rel}/${n}`) : /\.(ya?ml|hbs)$/.test(n) ? [`${rel}/${n}`] : []));
}

describe('the build prepares every resource file the loader reads (run npm run build)', () => {
  // The compiled loader: under ts-jest the source one looks for src/generated, which never exists.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loader = (): ResourceLoader => (require(path.join(ROOT, 'dist', 'src', 'cli', 'fs-loader.js')) as { createFsLoader(): ResourceLoader }).createFsLoader();
  const files = [...resourceFiles('backends'), ...resourceFiles('templates')];

  (built ? test.each(files) : test.skip.each(files))('%s', (file) => {
    const l = loader();
    const text = l.read(file) as string;
    const entry = l.built?.(file, text);
    expect(entry).toBeDefined();
    expect(l.built?.(file, `${text}\n# edited after the build`)).toBeUndefined();
    if (file.endsWith('.hbs')) {
      expect(typeof (entry?.template as { main?: unknown }).main).toBe('function');
      return;
    }
    expect(entry?.value).toEqual(yaml.load(text));
    // Exactly the schemas the value satisfies, as they are now.
    const satisfied = Object.values(DEFINITION_SCHEMAS)
      .filter((schema) => definitionValidator(schema)(yaml.load(text)))
      .map((schema) => schemaText(schema));
    expect([...(entry?.checked ?? [])].sort()).toEqual(satisfied.sort());
    // Each call gives a fresh value: callers may keep and change theirs.
    expect(l.built?.(file, text)?.value).not.toBe(entry?.value);
  });
});

describe('built values skip only the checks the build made', () => {
  const broken = 'name: kql\nstages: 3\n';
  const brokenValue = yaml.load(broken);

  test('a value the build checked against this very schema is not checked again', () => {
    const loader = createMapLoader({ 'backends/x.yml': broken }, { 'backends/x.yml': { json: JSON.stringify(brokenValue), checked: [schemaText(BACKEND_DEFINITION_SCHEMA)] } });
    const data = parseDataYaml(broken, 'backends/x.yml', 'backend-definition', loader);
    expect(() => checkDefinition(BACKEND_DEFINITION_SCHEMA, data, 'backends/x.yml', 'backend-definition')).not.toThrow();
  });

  test('a schema changed since the build (another text) checks the value again', () => {
    const old = { ...BACKEND_DEFINITION_SCHEMA, description: 'as it was at build time' };
    const loader = createMapLoader({ 'backends/x.yml': broken }, { 'backends/x.yml': { json: JSON.stringify(brokenValue), checked: [schemaText(old)] } });
    const data = parseDataYaml(broken, 'backends/x.yml', 'backend-definition', loader);
    expect(() => checkDefinition(BACKEND_DEFINITION_SCHEMA, data, 'backends/x.yml', 'backend-definition')).toThrow(/backends\/x\.yml: .*stages/);
  });

  test('a file whose text is not the one the build saw is parsed from its text', () => {
    const loader = createMapLoader({ 'backends/x.yml': 'name: now\n' }, { 'backends/x.yml': { json: '{"name":"then"}', checked: [] } });
    expect(parseDataYaml('name: edited\n', 'backends/x.yml', 'backend-definition', loader)).toEqual({ name: 'edited' });
    expect(parseDataYaml('name: now\n', 'backends/x.yml', 'backend-definition', loader)).toEqual({ name: 'then' });
  });
});

describe('the V8 code cache of a script', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-code-cache-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('is used for exactly the script it was made from, never for another of the same length', () => {
    const file = path.join(dir, 'script.js');
    fs.writeFileSync(file, 'exports.answer = () => "first";');
    const first = loadWithCodeCache(file, { useCache: false });
    expect((first.exports as { answer(): string }).answer()).toBe('first');
    fs.writeFileSync(codeCacheFile(file), first.createCache());

    const again = loadWithCodeCache(file);
    expect(again.cacheUsed).toBe(true);
    expect((again.exports as { answer(): string }).answer()).toBe('first');

    fs.writeFileSync(file, 'exports.answer = () => "other";'); // same length, other code
    const changed = loadWithCodeCache(file);
    expect(changed.cacheUsed).toBe(false);
    expect((changed.exports as { answer(): string }).answer()).toBe('other');
  });

  const bundle = path.join(ROOT, 'dist', 'src', 'cli', 'bundle.js');
  (fs.existsSync(codeCacheFile(bundle)) ? test : test.skip)('the build made one for the CLI bundle as it is now, and V8 takes it', () => {
    // A child process: the cache is made under node's default flags, and jest's process may have others.
    const { spawnSync } = require('child_process') as typeof import('child_process'); // eslint-disable-line @typescript-eslint/no-require-imports
    const probe = `console.log(require(${JSON.stringify(path.join(ROOT, 'dist', 'src', 'cli', 'code-cache.js'))}).loadWithCodeCache(${JSON.stringify(bundle)}).cacheUsed)`;
    expect(spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).stdout.trim()).toBe('true');
  });
});
