import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import * as vm from 'vm';

/**
 * Loads a CommonJS script (the CLI bundle) with a V8 code cache made at build time
 * (scripts/build-code-cache.ts): V8 then neither parses nor compiles the functions a conversion uses.
 * The cache holds compiled code, never results. V8 itself refuses a cache from another V8 version or
 * other flags, but it recognises the source only by its length, so the cache file holds a copy of the
 * exact script it was made from and is used only when the script is byte for byte that copy (a memory
 * compare: hashing in JavaScript, or loading node:crypto, would cost more than the cache saves).
 * Without a usable cache the script is compiled as require() would.
 * Cache file: the script's length (4 bytes, little-endian), the script, V8's cached data.
 */

export function codeCacheFile(script: string): string {
  return script.replace(/\.js$/, '.v8cache');
}

interface Loaded {
  readonly exports: unknown;
  /** The cache V8 can make now, with every function compiled so far (for the build step). */
  createCache(): Buffer;
  /** Whether a cache file was there for this script and V8 took it. */
  readonly cacheUsed: boolean;
}

export function loadWithCodeCache(file: string, options: { readonly useCache?: boolean } = {}): Loaded {
  const source = fs.readFileSync(file);
  let cachedData: Buffer | undefined;
  if (options.useCache !== false) {
    try {
      const cache = fs.readFileSync(codeCacheFile(file));
      const length = cache.length >= 4 ? cache.readUInt32LE(0) : -1;
      if (length === source.length && cache.length > 4 + length && source.equals(cache.subarray(4, 4 + length))) cachedData = cache.subarray(4 + length);
    } catch {
      // no cache: compile
    }
  }
  const script = new vm.Script(Module.wrap(source.toString('utf8')), { filename: file, cachedData });
  const mod = new Module(file, require.main);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  // Registered as require() would, so a later require() of the same file gets this module.
  (Module as unknown as { _cache: Record<string, Module> })._cache[file] = mod;
  const wrapper = script.runInThisContext() as (exports: unknown, req: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  try {
    wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  } catch (err) {
    delete (Module as unknown as { _cache: Record<string, Module> })._cache[file];
    throw err;
  }
  mod.loaded = true;
  return {
    exports: mod.exports,
    cacheUsed: cachedData !== undefined && !script.cachedDataRejected,
    createCache: () => {
      const length = Buffer.alloc(4);
      length.writeUInt32LE(source.length);
      return Buffer.concat([length, source, script.createCachedData()]);
    },
  };
}
