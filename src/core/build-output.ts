/**
 * For a `require` of a module the build generates (src/generated/, see scripts/build-*.ts), in its catch:
 * undefined where the build did not run (ts-jest, a bundle without it), since only "that module is not
 * there" is expected; an error inside the module (or any other) is a bug and is rethrown. The require stays
 * inside a try at each call site, which is what lets bundlers leave an unresolvable one for run time.
 */
export function unlessNotBuilt(err: unknown, name: string): undefined {
  if (isModuleNotFound(err, name)) return undefined;
  throw err;
}

/**
 * Node's (and Jest's) MODULE_NOT_FOUND, or the browser bundle's stand-in for require, which refuses every
 * module it was not given ('Dynamic require of "..." is not supported'); either names the module.
 * Duck-typed: a test runner's module system throws errors of another realm, which fail `instanceof Error`.
 */
function isModuleNotFound(err: unknown, name: string): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof message !== 'string' || !message.includes(name)) return false;
  return code === 'MODULE_NOT_FOUND' || /^Dynamic require of "[^"]*" is not supported/.test(message);
}
