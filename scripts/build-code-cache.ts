/**
 * Build step (after the bundles): the V8 code caches that bin/sigma-convert.js loads the bundles with
 * (src/cli/code-cache.ts). bundle.js converts the shipped rules with every target first (the fast path
 * of a plain conversion), so its cache holds the functions a conversion runs, not only the top level;
 * nothing else, since every start reads and deserialises the whole cache. yargs-bundle.js (every other
 * command line) is warmed with help, list, validate and a mistyped option. Run as its own `node` process
 * with no extra flags: V8 takes a cache only under the flags it was made with.
 */
import * as fs from 'fs';
import * as path from 'path';
import { codeCacheFile, loadWithCodeCache } from '../src/cli/code-cache';
import type { CliIO } from '../src/cli/io';
import { PROJECT_ROOT } from './source-files';

const BUNDLE = path.join(__dirname, '..', 'src', 'cli', 'bundle.js');
const YARGS_BUNDLE = path.join(__dirname, '..', 'src', 'cli', 'yargs-bundle.js');

async function main(): Promise<void> {
  const loaded = loadWithCodeCache(BUNDLE, { useCache: false });
  const cli = loaded.exports as { main(argv: readonly string[], io: CliIO): Promise<number> };
  const silent: CliIO = { stdout: () => undefined, stderr: () => undefined };
  const targets = fs
    .readdirSync(path.join(PROJECT_ROOT, 'backends'))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => f.slice(0, -'.yml'.length));
  const rules = path.join(PROJECT_ROOT, 'sigma');
  for (const target of targets) await cli.main(['--target', target, '--quiet', rules], silent);
  const cache = loaded.createCache();
  fs.writeFileSync(codeCacheFile(BUNDLE), cache);
  console.log(`wrote the V8 code cache of the bundle (${Math.round(cache.length / 1024)} KB, warmed with ${targets.join(', ')})`);

  const yargsLoaded = loadWithCodeCache(YARGS_BUNDLE, { useCache: false });
  const yargsCli = yargsLoaded.exports as { mainWithYargs(argv: readonly string[], io: CliIO): Promise<number> };
  const log = console.log;
  console.log = () => undefined; // yargs prints help itself
  try {
    for (const argv of [['--help'], ['list', 'targets'], ['list', 'pipelines'], ['list', 'formats'], ['validate', rules], ['-t', 'kql', '--fromat', 'x', rules]]) {
      await yargsCli.mainWithYargs(argv, silent);
    }
  } finally {
    console.log = log;
  }
  const yargsCache = yargsLoaded.createCache();
  fs.writeFileSync(codeCacheFile(YARGS_BUNDLE), yargsCache);
  console.log(`wrote the V8 code cache of yargs-bundle.js (${Math.round(yargsCache.length / 1024)} KB, warmed with help, list, validate)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
