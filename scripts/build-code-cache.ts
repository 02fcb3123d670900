/**
 * Build step (after the bundle): the V8 code cache of dist/src/cli/bundle.js that bin/sigma-convert.js
 * loads it with (src/cli/code-cache.ts). The bundle converts the shipped rules with every target first,
 * so the cache holds the functions a conversion runs, not only the top level. Run as its own `node`
 * process with no extra flags: V8 takes a cache only under the flags it was made with.
 */
import * as fs from 'fs';
import * as path from 'path';
import { codeCacheFile, loadWithCodeCache } from '../src/cli/code-cache';
import type { CliIO } from '../src/cli/io';
import { PROJECT_ROOT } from './source-files';

const BUNDLE = path.join(__dirname, '..', 'src', 'cli', 'bundle.js');

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
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
