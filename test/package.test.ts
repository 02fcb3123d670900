/**
 * The npm package as users get it: `npm pack`, installed into an empty folder, then the bin and the
 * library run from there, with nothing of this checkout but the runtime dependencies.
 *
 * Offline and on a fresh CI machine after `npm ci`, `npm install ./sigma-convert-x.tgz` cannot fetch
 * the dependencies (they are in node_modules, not necessarily in npm's cache), so the test installs the
 * way npm lays a package out: the tarball unpacked to node_modules/sigma-convert, its `bin` linked in
 * node_modules/.bin, and each runtime dependency linked from this checkout's node_modules.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  license: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let tmp: string;
let app: string;
let files: string[];

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli', 'library.js'))) execFileSync(npm, ['run', 'build'], { cwd: ROOT });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-pack-'));
  // --ignore-scripts: `prepare` would rebuild; the build is already there (npm test builds first).
  const packed = JSON.parse(execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8' })) as { filename: string; files: { path: string }[] }[];
  const info = packed[0]!;
  files = info.files.map((f) => f.path).sort();
  app = path.join(tmp, 'app');
  const target = path.join(app, 'node_modules', pkg.name);
  fs.mkdirSync(target, { recursive: true });
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, dependencies: { [pkg.name]: `file:../${info.filename}` } }));
  execFileSync('tar', ['-xzf', path.join(tmp, info.filename), '-C', target, '--strip-components=1']);
  fs.mkdirSync(path.join(app, 'node_modules', '.bin'));
  for (const [name, rel] of Object.entries(pkg.bin)) fs.symlinkSync(path.join('..', pkg.name, rel), path.join(app, 'node_modules', '.bin', name));
  for (const dep of Object.keys(pkg.dependencies)) fs.symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(app, 'node_modules', dep), 'dir');
  fs.writeFileSync(path.join(app, 'rule.yml'), 'title: Whoami\nlogsource: {category: process_creation, product: windows}\ndetection:\n  sel:\n    Image|endswith: \\whoami.exe\n  condition: sel\n');
}, 120000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the packed tarball', () => {
  test('holds the runtime only: code, definitions, templates, rules, docs, LICENSE', () => {
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'bin/sigma-convert.js', 'backends/kql.yml', 'backends/metadata/taxonomy.yml', 'templates/kql/query.hbs', 'dist/src/cli/library.js', 'dist/src/cli/library.d.ts', 'dist/src/index.js', 'dist/src/index.d.ts']));
    expect(files.filter((f) => /^(test|scripts|src|dist\/scripts)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    // A bound on stray files, not a budget: ~400 today (compiled modules, their .d.ts, both CLI bundles and code caches).
    expect(files.length).toBeLessThan(450);
  });

  test('LICENSE is the MIT licence package.json names', () => {
    expect(pkg.license).toBe('MIT');
    expect(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n[\s\S]*Permission is hereby granted, free of charge/);
  });
});

describe('installed into an empty folder', () => {
  test('the bin converts a rule', () => {
    const r = spawnSync(process.execPath, [path.join(app, 'node_modules', '.bin', 'sigma-convert'), '-t', 'kql', 'rule.yml'], { cwd: app, encoding: 'utf8' });
    expect(r.stderr).toContain('1 converted, 0 failed');
    expect(r.stdout).toContain('DeviceProcessEvents');
    expect(r.status).toBe(0);
    const list = spawnSync(process.execPath, [path.join(app, 'node_modules', '.bin', 'sigma-convert'), 'list', 'targets'], { cwd: app, encoding: 'utf8' });
    expect(list.stdout).toMatch(/^eql /m);
  });

  test("require('sigma-convert') converts with the shipped definitions, no deep import", () => {
    const script = `const s = require('sigma-convert');
const text = require('fs').readFileSync('rule.yml', 'utf8');
const [r] = s.convert(text, { target: 'splunk' });
const c = s.createConverter().convertText(text, 'rule.yml', { target: 'eql' });
console.log(JSON.stringify({ ok: r.ok, q: r.queries[0], eql: c[0].queries[0], keys: ['Converter', 'createMapLoader', 'SigmaError', 'createFsLoader'].filter((k) => typeof s[k] === 'function') }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8' })) as { ok: boolean; q: string; eql: string; keys: string[] };
    expect(out.ok).toBe(true);
    expect(out.q).toContain('Image="*\\\\whoami.exe"');
    expect(out.eql).toMatch(/^process where/);
    expect(out.keys).toEqual(['Converter', 'createMapLoader', 'SigmaError', 'createFsLoader']);
  });

  test("'sigma-convert/core' is the file-system-free core; internals are not exported", () => {
    const script = `const core = require('sigma-convert/core');
const loaded = Object.keys(require.cache).some((f) => f.includes('fs-loader'));
let deep = '';
try { require('sigma-convert/dist/src/convert.js'); } catch (e) { deep = e.code; }
console.log(JSON.stringify({ core: typeof core.Converter, map: typeof core.createMapLoader, fsLoader: typeof core.createFsLoader, loaded, deep }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8' })) as Record<string, unknown>;
    expect(out).toEqual({ core: 'function', map: 'function', fsLoader: 'undefined', loaded: false, deep: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
  });

  test('types for both entries resolve through the exports map', () => {
    fs.writeFileSync(
      path.join(app, 'use.ts'),
      `import { convert, createConverter, type RuleResult } from 'sigma-convert';
import { Converter, createMapLoader } from 'sigma-convert/core';
const results: RuleResult[] = convert('title: x', { target: 'kql' });
const c: Converter = createConverter();
const b: Converter = new Converter(createMapLoader({}));
export const n: number = results.length + (c === b ? 1 : 0);
`,
    );
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'node16', moduleResolution: 'node16', types: [], skipLibCheck: false }, files: ['use.ts'] }));
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], { cwd: app, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
