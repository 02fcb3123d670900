/**
 * Whether an error is the file system's answer about a path (ENOENT, EACCES, ELOOP...), the only failure
 * a `catch` around a file operation expects; any other error is a bug and is rethrown by the caller.
 * Duck-typed (a code and a system call): errors from another realm (a test runner's) fail `instanceof Error`.
 */
export function isFsError(err: unknown): err is NodeJS.ErrnoException {
  if (typeof err !== 'object' || err === null) return false;
  const { code, syscall } = err as { code?: unknown; syscall?: unknown };
  return typeof code === 'string' && typeof syscall === 'string';
}

/** The path is not there (or a part of it is not a folder): what a loader reports as absent. */
export function isMissingPath(err: unknown): boolean {
  return isFsError(err) && (err.code === 'ENOENT' || err.code === 'ENOTDIR' || err.code === 'EISDIR');
}
