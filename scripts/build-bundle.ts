/**
 * Build step: bundles the compiled CLI into two scripts, so a run reads and compiles one file instead
 * of resolving ~100 modules:
 * - dist/src/cli/bundle.js: main.js and what a plain conversion needs (the fast parser, the convert
 *   command, the conversion core, generated validators and templates). Every start reads it whole
 *   (and its code cache, scripts/build-code-cache.ts), so what only other command lines need is not in it.
 * - dist/src/cli/yargs-bundle.js: yargs-main.js, i.e. yargs and every command, for the command lines the
 *   fast parser leaves to yargs (main.ts requires './yargs-main', which resolves to this bundle).
 * bin/sigma-convert.js loads bundle.js when present and falls back to dist/src/cli/main.js otherwise (or
 * with SIGMA_CONVERT_NO_BUNDLE=1). The bundles sit next to main.js so `__dirname` (the project root is
 * found from it) is unchanged. Packages only rare paths need (the Handlebars compiler, ajv, re2js) stay
 * outside and are required from node_modules when used.
 */
import * as fs from 'fs';
import * as path from 'path';
import { builtinModules } from 'module';
import { build, type Plugin } from 'esbuild';
import { codeCacheFile } from '../src/cli/code-cache';

const cli = path.join(__dirname, '..', 'src', 'cli');

/**
 * In bundle.js, `require('./yargs-main')` (main.ts) loads the other bundle, with its own code cache
 * (code-cache.js is the compiled src/cli/code-cache.ts next to the bundles; the bin loads it too).
 */
const yargsInItsOwnBundle: Plugin = {
  name: 'yargs-in-its-own-bundle',
  setup(b) {
    b.onResolve({ filter: /^\.\/yargs-main$/ }, () => ({ path: 'yargs-main', namespace: 'yargs-bundle' }));
    b.onResolve({ filter: /^\.\/code-cache\.js$/ }, (args) => (args.namespace === 'yargs-bundle' ? { path: args.path, external: true } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'yargs-bundle' }, () => ({
      contents: 'module.exports = require("./code-cache.js").loadWithCodeCache(require("path").join(__dirname, "yargs-bundle.js")).exports;\n',
      loader: 'js',
    }));
  },
};

/**
 * tsc compiles `import * as fs from 'fs'` to `__importStar(require("fs"))`, which copies every export of
 * the module into a new object of getters: ≈0.5 ms per import at start-up (the bundle has 14 of them).
 * For a Node.js built-in module the bundle takes the module object itself: the code only reads its
 * functions through the namespace, which the module object gives alike.
 */
const BUILTIN_NAMESPACE = /__importStar\(require\("(node:)?([a-z_/]+)"\)\)/g;
const plainBuiltinNamespaces: Plugin = {
  name: 'plain-builtin-namespaces',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, (args) => {
      const text = fs.readFileSync(args.path, 'utf8');
      return { contents: text.replace(BUILTIN_NAMESPACE, (all: string, prefix: string | undefined, name: string) => (builtinModules.includes(name) ? `require("${prefix ?? ''}${name}")` : all)), loader: 'js' };
    });
  },
};

async function main(): Promise<void> {
  // A cache file left from an earlier build would not match the new bundle (it is checked, so it would
  // only be ignored); removed so that it is clear the cache step has not run yet.
  for (const name of ['bundle.js', 'yargs-bundle.js']) fs.rmSync(codeCacheFile(path.join(cli, name)), { force: true });
  await bundle('main.js', 'bundle.js', [yargsInItsOwnBundle]);
  await bundle('yargs-main.js', 'yargs-bundle.js', []);
  console.log(`bundled the CLI into ${path.relative(process.cwd(), path.join(cli, 'bundle.js'))} (plain conversions) and yargs-bundle.js (everything else)`);
}

async function bundle(entry: string, out: string, plugins: Plugin[]): Promise<void> {
  await build({
    entryPoints: [path.join(cli, entry)],
    outfile: path.join(cli, out),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
    external: ['ajv', 'ajv-formats', 're2js'],
    plugins: [
      ...plugins,
      plainBuiltinNamespaces,
      {
        // yargs takes strictEqual and notStrictEqual from node:assert for its own consistency checks; loading
        // node:assert costs several ms per start. These pass through when the check holds and hand the
        // failing case to node:assert itself, so a failure throws exactly what it threw before.
        name: 'yargs-assert-on-failure',
        setup(build) {
          build.onResolve({ filter: /^assert$/ }, (args) => (args.importer.includes(`${path.sep}yargs${path.sep}`) ? { path: 'assert', namespace: 'lazy-assert' } : undefined));
          build.onLoad({ filter: /.*/, namespace: 'lazy-assert' }, () => ({
            contents:
              'exports.strictEqual = (a, b, m) => { if (!Object.is(a, b)) require("node:assert").strictEqual(a, b, m); };\n' +
              'exports.notStrictEqual = (a, b, m) => { if (Object.is(a, b)) require("node:assert").notStrictEqual(a, b, m); };\n',
            loader: 'js',
          }));
        },
      },
      {
        // 'handlebars/runtime' (every run) is bundled; the full 'handlebars' (its compiler) is not.
        name: 'handlebars-compiler-external',
        setup(build) {
          build.onResolve({ filter: /^handlebars$/ }, (args) => ({ path: args.path, external: true }));
      },
    },
    {
      // The validators (only for data files the build did not check: a user's pipeline or settings) stay a
      // separate file (same relative path from dist/src/cli): inside the bundle V8 would pre-parse them at every start.
      name: 'generated-validators-external',
      setup(build) {
        build.onResolve({ filter: /^\.\.\/generated\/definition-validators$/ }, (args) => ({ path: args.path, external: true }));
        },
      },
    ],
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
