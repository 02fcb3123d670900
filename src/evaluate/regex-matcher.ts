import { RE2JS, RE2JSException } from 're2js';
import { SigmaError } from '../core/errors';
import type { RegexFlag, SourceLocation } from '../ir/types';
import type { TextTest } from './string-matcher';

const FLAG_BITS: Readonly<Record<RegexFlag, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
};

/**
 * Compiles a Sigma regular expression for evaluation with re2js, a pure-JavaScript port of RE2:
 * matching time is linear in the input, so a catastrophic pattern such as `(a+)+$` cannot hang the
 * evaluator the way a backtracking engine (JavaScript's own RegExp) can. The pattern is written in
 * JavaScript syntax (the parser validated it with RegExp); re2js translates the few spellings that
 * differ (`\u` followed by four hex digits, named groups, `\/`). Constructs that need backtracking (lookaround,
 * backreferences) have no linear-time meaning and are refused with the reason.
 * Compiled once per predicate, never per event.
 */
export function compileRegex(pattern: string, flags: readonly RegexFlag[], loc?: SourceLocation): TextTest {
  let bits = 0;
  for (const f of flags) bits |= FLAG_BITS[f];
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
  } catch (err) {
    // RE2JS reports a pattern it refuses with its own exception types; anything else is a bug.
    if (!(err instanceof RE2JSException)) throw err;
    const reason = err.message;
    throw new SigmaError(
      'unsupported-feature',
      `regular expression '${pattern}' cannot be evaluated by the linear-time engine (${reason}); lookarounds and backreferences are outside the Sigma regex flavour`,
      loc,
    );
  }
  return (text) => re.test(text);
}
