/**
 * `npm run web`: the static converter site in dist/web/ (index.html, app.js, editor.js, style.css).
 * app.js is the conversion core bundled with every backend definition, pipeline, schema and template
 * as an in-memory map (src/core/resources.ts createMapLoader), so the page needs no server and makes
 * no request. editor.js (CodeMirror) is a separate file so the core's size can be measured on its own.
 * Runs after `npm run build`: templates and definition validators are taken precompiled from dist/src/generated.
 */
import * as fs from 'fs';
import * as path from 'path';
import { build, type Plugin } from 'esbuild';

const ROOT = path.resolve(__dirname, '..', '..');
export const WEB_OUT = path.join(ROOT, 'dist', 'web');
/** The folders the core reads through its loader. */
const RESOURCE_DIRS = ['backends', 'templates'];

function collectResources(): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(ROOT, rel)).sort()) {
      const child = `${rel}/${name}`;
      const stat = fs.statSync(path.join(ROOT, child));
      if (stat.isDirectory()) walk(child);
      else if (/\.(ya?ml|hbs)$/.test(name)) files[child] = fs.readFileSync(path.join(ROOT, child), 'utf8');
    }
  };
  RESOURCE_DIRS.forEach(walk);
  return files;
}

/**
 * Module substitutions for the browser: the bundled resources; the build's precompiled templates and
 * validators (the core requires them relative to src/, the build writes them under dist/src); and the
 * Handlebars compiler and ajv, which the core loads only for a template or schema the build did not
 * precompile - never the case in the bundle, so they are left out (a clear error if that ever changes).
 */
function browserModules(resources: Record<string, string>): Plugin {
  return {
    name: 'sigma-web-modules',
    setup(b) {
      b.onResolve({ filter: /^virtual:sigma-resources$/ }, () => ({ path: 'resources', namespace: 'sigma' }));
      b.onLoad({ filter: /^resources$/, namespace: 'sigma' }, () => ({ contents: `export default ${JSON.stringify(resources)};`, loader: 'js' }));
      b.onResolve({ filter: /^\.\.\/generated\/(templates|definition-validators)$/ }, (args) => ({
        path: path.join(ROOT, 'dist', 'src', 'generated', path.basename(args.path) + '.js'),
      }));
      b.onResolve({ filter: /^(handlebars|ajv)$/ }, (args) => ({ path: args.path, namespace: 'sigma-absent' }));
      b.onLoad({ filter: /.*/, namespace: 'sigma-absent' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`${args.path} is not part of the browser bundle: every template and schema is precompiled by npm run build`)});`,
        loader: 'js',
      }));
    },
  };
}

export async function buildWeb(options: { minify?: boolean } = {}): Promise<{ files: Record<string, number> }> {
  const generated = path.join(ROOT, 'dist', 'src', 'generated', 'templates.js');
  if (!fs.existsSync(generated)) throw new Error('run `npm run build` first: the site bundles the precompiled templates of dist/src/generated');
  fs.rmSync(WEB_OUT, { recursive: true, force: true });
  fs.mkdirSync(WEB_OUT, { recursive: true });
  const common = {
    bundle: true,
    format: 'iife' as const,
    platform: 'browser' as const,
    target: ['chrome110', 'firefox115', 'safari16'],
    minify: options.minify ?? true,
    legalComments: 'none' as const,
    logLevel: 'warning' as const,
    tsconfig: path.join(ROOT, 'tsconfig.web.json'),
  };
  const app = await build({
    ...common,
    metafile: true,
    entryPoints: [path.join(ROOT, 'web', 'src', 'app.ts')],
    outfile: path.join(WEB_OUT, 'app.js'),
    plugins: [browserModules(collectResources())],
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
