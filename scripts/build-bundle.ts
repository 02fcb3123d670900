/**
 * Build step (last): bundles the compiled CLI (dist/src/cli/main.js and everything it requires,
 * generated validators and templates included) into one script, dist/src/cli/bundle.js, so a run
 * reads and compiles one file instead of resolving ~100 modules. bin/sigma-convert.js loads it when
 * present and falls back to dist/src/cli/main.js otherwise (or with SIGMA_CONVERT_NO_BUNDLE=1).
 * The bundle sits next to main.js so `__dirname` (the project root is found from it) is unchanged.
 * Packages only rare paths need (the Handlebars compiler, ajv, re2js) stay outside and are
 * required from node_modules when used.
 */
import * as path from 'path';
import { build } from 'esbuild';

const dist = path.join(__dirname, '..');
const outfile = path.join(dist, 'src', 'cli', 'bundle.js');

async function main(): Promise<void> {
  await build({
    entryPoints: [path.join(dist, 'src', 'cli', 'main.js')],
    outfile,
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
  console.log(`bundled the CLI into ${path.relative(process.cwd(), outfile)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
