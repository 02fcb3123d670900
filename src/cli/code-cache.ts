// `import x = require()`: compiled to a plain require. `import * as` would copy each module's every export
// into a new object of getters (TypeScript's __importStar), ≈0.5 ms per module at start-up, before the bundle loads.
import fs = require('fs');
import Module = require('module');
import path = require('path');
import vm = require('vm');
import { isFsError } from './fs-errors';

/**
 * Loads a CommonJS script (the CLI bundle) with a V8 code cache made at build time
 * (scripts/build-code-cache.ts): V8 then neither parses nor compiles the functions a conversion uses.
 * The cache holds compiled code, never results. V8 itself refuses a cache from another V8 version or
 * other flags, but it recognises the source only by its length, so the cache file holds a copy of the
 * exact script it was made from and is used only when the script is byte for byte that copy (a memory
 * compare: hashing in JavaScript, or loading node:crypto, would cost more than the cache saves).
 * Without a usable cache the script is compiled as require() would.
 *
 * Cache file (little-endian u32 header fields):
 *   [0] MAGIC  [4] flags (1: the script is ASCII)  [8] script length  [12] offset of V8's data
 *   [16] the script wrapped as Module.wrap wraps it  (zero padding)  [offset] V8's cached data
 * Every fresh page touched costs a start-up on this machine class, so the load makes as few copies
 * as it can: the wrapped text is stored whole, so V8 gets one flat string decoded straight from the
 * file (an ASCII script as latin1, a plain copy), not a concatenation it would flatten again; and V8's
 * data starts at a multiple of 8, which V8 takes in place (it copies data that is not aligned).
 */

const MAGIC = 0x53434331; // "SCC1"
const HEADER = 16;
const ASCII = 1;
const [WRAP_HEAD, WRAP_TAIL] = (Module as unknown as { wrapper: [string, string] }).wrapper;

export function codeCacheFile(script: string): string {
  return script.replace(/\.js$/, '.v8cache');
}

interface Loaded {
  readonly exports: unknown;
  /** The cache file's content for this script, with every function compiled so far (for the build step). */
  createCache(): Buffer;
  /** Whether a cache file was there for this script and V8 took it. */
  readonly cacheUsed: boolean;
}

export function loadWithCodeCache(file: string, options: { readonly useCache?: boolean } = {}): Loaded {
  const source = fs.readFileSync(file);
  let wrapped: string | undefined;
  let cachedData: Buffer | undefined;
  if (options.useCache !== false) {
    try {
      const cache = fs.readFileSync(codeCacheFile(file));
      const scriptStart = HEADER + WRAP_HEAD.length;
      if (cache.length >= HEADER && cache.readUInt32LE(0) === MAGIC && cache.readUInt32LE(8) === source.length) {
        const dataStart = cache.readUInt32LE(12);
        const wrappedEnd = scriptStart + source.length + WRAP_TAIL.length;
        const sameWrapper = cache.toString('latin1', HEADER, scriptStart) === WRAP_HEAD && cache.toString('latin1', wrappedEnd - WRAP_TAIL.length, wrappedEnd) === WRAP_TAIL;
        if (sameWrapper && dataStart >= wrappedEnd && dataStart < cache.length && source.equals(cache.subarray(scriptStart, scriptStart + source.length))) {
          wrapped = cache.toString(cache.readUInt32LE(4) & ASCII ? 'latin1' : 'utf8', HEADER, wrappedEnd);
          cachedData = cache.subarray(dataStart);
        }
      }
    } catch (err) {
      if (!isFsError(err)) throw err;
      // no cache: compile
    }
  }
  const text = wrapped ?? Module.wrap(source.toString('utf8'));
  const script = new vm.Script(text, { filename: file, cachedData });
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
    createCache: () => cacheFileContent(source, script.createCachedData()),
  };
}

function cacheFileContent(source: Buffer, data: Buffer): Buffer {
  const head = Buffer.from(WRAP_HEAD, 'utf8');
  const tail = Buffer.from(WRAP_TAIL, 'utf8');
  const wrappedEnd = HEADER + head.length + source.length + tail.length;
  const dataStart = Math.ceil(wrappedEnd / 8) * 8;
  const out = Buffer.alloc(dataStart + data.length);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(source.every((b) => b < 0x80) ? ASCII : 0, 4);
  out.writeUInt32LE(source.length, 8);
  out.writeUInt32LE(dataStart, 12);
  head.copy(out, HEADER);
  source.copy(out, HEADER + head.length);
  tail.copy(out, HEADER + head.length + source.length);
  data.copy(out, dataStart);
  return out;
}
