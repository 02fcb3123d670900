import type { Diagnostic, ErrorCode } from '../core/errors';
import type { Expr, SourceLocation } from '../ir/types';
import { findPredicate } from '../ir/visit';

/** What a warning can be located in: a detection rule's IR, or just a document's position. */
export interface WarningSource {
  readonly expr?: Expr;
  readonly loc?: SourceLocation;
}

// A field without a mapping, or one kept outside the pipeline's field schema because the user allowed it.
const UNMAPPED = /^field '(.+?)' (?:has no mapping|\(as '.*?'\) is not in pipeline)/;

/**
 * The pipeline, correlation and format code words its warnings as messages; this gives each one a
 * code and the rule position it is about (the field's first use for an unmapped field, else the
 * rule itself), so that warnings read `file:line:col` like errors, in text, --json and SARIF.
 */
export function locateWarnings(messages: readonly string[], source: WarningSource, code: ErrorCode | null = null): Diagnostic[] {
  return messages.map((message) => {
    const field = UNMAPPED.exec(message)?.[1];
    const loc = (field !== undefined && source.expr ? firstUse(source.expr, field) : undefined) ?? source.loc;
    return { code: code ?? warningCode(message, field), message, ...(loc ? { line: loc.line, col: loc.col } : {}) };
  });
}

function warningCode(message: string, field: string | undefined): ErrorCode {
  if (field !== undefined) return 'unmapped-field';
  if (message.startsWith('correlation ')) return 'correlation';
  if (message.startsWith('ATT&CK')) return 'invalid-tag';
  return 'unsupported-feature';
}

/** Where a field is first used in the detection (depth-first, in condition order). */
function firstUse(expr: Expr, field: string): SourceLocation | undefined {
  return findPredicate(expr, (p) => p.loc !== undefined && (p.kind === 'fieldref' ? [p.field, p.other] : 'field' in p ? [p.field] : []).includes(field))?.loc;
}
