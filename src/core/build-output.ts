/**
 * A module the build generates (src/generated/, see scripts/build-*.ts), or undefined where the build did
 * not run (ts-jest, a bundle without it): only "that module is not there" is expected; an error inside
 * the module (or any other) is a bug and is rethrown.
 */
export function loadBuildOutput<T>(load: () => T, name: string): T | undefined {
  try {
    return load();
  } catch (err) {
    if (isModuleNotFound(err, name)) return undefined;
    throw err;
  }
}

/** Duck-typed: a test runner's module system throws errors of another realm, which fail `instanceof Error`. */
function isModuleNotFound(err: unknown, name: string): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(name);
}
