import type { SourceLocation } from './location';

/** Stable error codes: part of the public interface (they appear in --json output). */
export type ErrorCode =
  | 'yaml-syntax'
  | 'yaml-limit'
  | 'invalid-rule'
  | 'invalid-detection'
  | 'invalid-modifier'
  | 'invalid-value'
  | 'invalid-regex'
  | 'condition-syntax'
  | 'condition-identifier'
  | 'unsupported-feature'
  | 'unmapped-field'
  // A value transformation of the pipeline cannot rewrite this value exactly (src/pipeline/values/).
  | 'value-transform'
  | 'unknown-logsource'
  | 'placeholder'
  | 'backend-definition'
  | 'pipeline-definition'
  | 'correlation'
  | 'internal'
  // Findings of `sigma-convert validate` that the conversion itself does not raise.
  | 'schema'
  | 'duplicate-key'
  | 'invalid-id'
  | 'duplicate-id'
  | 'invalid-tag'
  | 'invalid-date'
  | 'unused-identifier'
  | 'taxonomy'
  | 'input';

/** V8's bound on captured stack frames; an ordinary property elsewhere (the core also runs in browsers). */
const ErrorWithLimit = Error as { stackTraceLimit?: number };

/**
 * The one error type of the conversion core: a code, an actionable message and a location.
 * A user error (any code but 'internal') is built without a stack trace: it is reported by its message
 * and location, never by its stack, and a corpus run refuses thousands of rules, so capturing one for
 * each was measurable. An 'internal' error (a bug) keeps its stack for --debug and bug reports.
 */
export class SigmaError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly loc?: SourceLocation,
  ) {
    const limit = ErrorWithLimit.stackTraceLimit;
    // Only where the engine has the bound (V8): elsewhere Error is left without such a property.
    const quiet = code !== 'internal' && typeof limit === 'number';
    if (quiet) ErrorWithLimit.stackTraceLimit = 0;
    super(message);
    if (quiet) ErrorWithLimit.stackTraceLimit = limit;
    this.name = 'SigmaError';
  }
}

export interface Diagnostic {
  readonly code: ErrorCode;
  readonly message: string;
  readonly line?: number;
  readonly col?: number;
}

export function toDiagnostic(err: unknown): Diagnostic {
  if (err instanceof SigmaError) {
    return { code: err.code, message: err.message, line: err.loc?.line, col: err.loc?.col };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: `internal error (please report): ${message}` };
}
