/**
 * `npm run web`: the static converter site in dist/web/ (index.html, app.js, editor.js, style.css).
 * app.js is the conversion core bundled with every backend definition, pipeline, schema and template
 * as an in-memory map (src/core/resources.ts createMapLoader), so the page needs no server and makes
 * no request. editor.js (CodeMirror) is a separate file so the core's size can be measured on its own.
 * Runs after `npm run build`: the definitions are bundled parsed and checked, the templates precompiled
 * (scripts/build-resources.ts). Nothing of the core runs at the top level of app.js (web/src/app.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { build, type Plugin } from 'esbuild';
import { prepareResources, schemaTexts } from './build-resources';

const ROOT = path.resolve(__dirname, '..', '..');
export const WEB_OUT = path.join(ROOT, 'dist', 'web');
/**
 * The virtual module the page imports: every resource file's text, and what the build made of it
 * (parsed and checked data, precompiled templates: scripts/build-resources.ts) for createMapLoader.
 */
function resourceModule(): string {
  const files: string[] = [];
  const built: string[] = [];
  for (const r of prepareResources()) {
    files.push(`${JSON.stringify(r.path)}: ${JSON.stringify(r.text)}`);
    // A getter: a template's spec (its functions) is made when first used, not when app.js starts - the
    // first conversion needs 3 of the 35 templates.
    if (r.templateSpec !== undefined) built.push(`${JSON.stringify(r.path)}: { get template() { return ${r.templateSpec}; } }`);
    else if (r.json !== undefined) built.push(`${JSON.stringify(r.path)}: { json: ${JSON.stringify(r.json)}, checked: ${JSON.stringify(r.checked)}.map((n) => schemas[n]) }`);
  }
  // Each schema's text once; the entries name the schemas they satisfy.
  const schemas = `const schemas = ${JSON.stringify(schemaTexts())};\n`;
  return `${schemas}export default {\nfiles: {\n${files.join(',\n')}\n},\nbuilt: {\n${built.join(',\n')}\n}\n};\n`;
}

/**
 * Module substitutions for the browser: the bundled resources; and what the core loads only for a data
 * file or template the build did not prepare - never the case in the bundle, which holds only built files
 * (scripts/build-resources.ts) - so it is left out: the Handlebars compiler, ajv, and the precompiled
 * definition validators (400 KB the page would parse at every load; every bundled definition was checked
 * by the build, whose result, `checked`, the core trusts). Were a bundled definition to fail its schema,
 * the page would say that ajv is not part of the bundle instead of listing the schema errors: the CLI
 * and its tests list them.
 */
function browserModules(resources: string): Plugin {
  return {
    name: 'sigma-web-modules',
    setup(b) {
      b.onResolve({ filter: /^virtual:sigma-resources$/ }, () => ({ path: 'resources', namespace: 'sigma' }));
      b.onLoad({ filter: /^resources$/, namespace: 'sigma' }, () => ({ contents: resources, loader: 'js' }));
      b.onResolve({ filter: /^\.\.\/generated\/definition-validators$/ }, () => ({ path: 'validators', namespace: 'sigma' }));
      // No precompiled validator: src/core/definition-schema.ts then asks ajv, which is absent too.
      b.onLoad({ filter: /^validators$/, namespace: 'sigma' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
      b.onResolve({ filter: /^(handlebars|ajv)$/ }, (args) => ({ path: args.path, namespace: 'sigma-absent' }));
      b.onLoad({ filter: /.*/, namespace: 'sigma-absent' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`${args.path} is not part of the browser bundle: every template and schema is precompiled by npm run build`)});`,
        loader: 'js',
      }));
    },
  };
}

export async function buildWeb(options: { minify?: boolean } = {}): Promise<{ files: Record<string, number> }> {
  const generated = path.join(ROOT, 'dist', 'src', 'generated', 'definition-validators.js');
  if (!fs.existsSync(generated)) throw new Error('run `npm run build` first: the definitions are checked with the precompiled validators of dist/src/generated');
  fs.rmSync(WEB_OUT, { recursive: true, force: true });
  fs.mkdirSync(WEB_OUT, { recursive: true });
  const common = {
    bundle: true,
    format: 'iife' as const,
    platform: 'browser' as const,
    target: ['chrome110', 'firefox115', 'safari16'],
    // SIGMA_WEB_MINIFY=0: readable bundles, for reading a browser profile.
    minify: options.minify ?? process.env.SIGMA_WEB_MINIFY !== '0',
    legalComments: 'none' as const,
    logLevel: 'warning' as const,
    tsconfig: path.join(ROOT, 'tsconfig.web.json'),
  };
  const app = await build({
    ...common,
    metafile: true,
    entryPoints: [path.join(ROOT, 'web', 'src', 'app.ts')],
    outfile: path.join(WEB_OUT, 'app.js'),
    // The first statement of app.js, before any module of the bundle runs: the start of the time to the
    // first conversion that `npm run bench` reports (evaluating the bundled definitions included).
    banner: { js: "'use strict';\nperformance.mark('sigma-app-start');" },
    // Its last: the top level has run (web/src/app.ts starts the core after it; the browser test checks).
    footer: { js: "performance.mark('sigma-app-end');" },
    plugins: [browserModules(resourceModule())],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  await build({ ...common, entryPoints: [path.join(ROOT, 'web', 'src', 'editor.ts')], outfile: path.join(WEB_OUT, 'editor.js') });
  // What makes up app.js, for `npm run bench` and for anyone trimming the bundle (outside the site folder).
  fs.writeFileSync(path.join(ROOT, 'dist', 'web-app-meta.json'), JSON.stringify(app.metafile));
  for (const name of ['index.html', 'style.css']) fs.copyFileSync(path.join(ROOT, 'web', name), path.join(WEB_OUT, name));
  const files: Record<string, number> = {};
  for (const name of fs.readdirSync(WEB_OUT).sort()) files[name] = fs.statSync(path.join(WEB_OUT, name)).size;
  return { files };
}

if (require.main === module) {
  buildWeb()
    .then(({ files }) => {
      const list = Object.entries(files).map(([n, s]) => `${n} ${(s / 1024).toFixed(0)} KB`);
      console.log(`built the converter site into ${path.relative(process.cwd(), WEB_OUT) || WEB_OUT}/: ${list.join(', ')}`);
    })
    .catch((err: Error) => {
      console.error(`npm run web: ${err.message}`);
      process.exit(1);
    });
}
