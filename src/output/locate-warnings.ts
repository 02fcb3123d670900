import type { Diagnostic, ErrorCode } from '../core/errors';
import { isPredicate, type Expr, type SourceLocation } from '../ir/types';

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
  const stack: Expr[] = [expr];
  while (stack.length) {
    const e = stack.pop() as Expr;
    if (isPredicate(e)) {
      const fields = e.kind === 'fieldref' ? [e.field, e.other] : 'field' in e ? [e.field] : [];
      if (fields.includes(field) && e.loc) return e.loc;
      continue;
    }
    if (e.kind === 'and' || e.kind === 'or') for (let i = e.args.length - 1; i >= 0; i--) stack.push(e.args[i] as Expr);
    else if (e.kind === 'not') stack.push(e.arg);
  }
  return undefined;
}
