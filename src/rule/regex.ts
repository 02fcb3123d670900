import { SigmaError } from '../core/errors';
import type { SourceLocation } from '../ir/types';

/** Checks that a Sigma regular expression compiles; reports the engine's reason on failure. */
export function validateRegex(pattern: string, loc?: SourceLocation): void {
  // A leading inline-flag group such as (?i) is PCRE and RE2 syntax (SigmaHQ rules use it) that
  // JavaScript cannot compile: check the rest with the same flags instead. The pattern is only
  // compiled, never run, so a catastrophic-backtracking pattern cannot hang the converter here.
  const inline = /^\(\?([ims]+)\)/.exec(pattern);
  try {
    if (inline) new RegExp(pattern.slice(inline[0].length), [...new Set(inline[1])].join(''));
    else new RegExp(pattern);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    const reason = err.message.replace(/^Invalid regular expression: /, '');
    throw new SigmaError('invalid-regex', `invalid regular expression '${pattern}': ${reason}`, loc);
  }
}

/** Constructs outside the Sigma regex flavour that RE2-style (linear-time) engines reject. */
export function nonRegularConstruct(pattern: string): string | null {
  const checks: [RegExp, string][] = [
    [/\(\?<?[=!]/, 'lookaround'],
    [/\\[1-9]/, 'backreference'],
    [/\\k</, 'named backreference'],
    [/(\*|\+|\?|\})\+/, 'possessive quantifier'],
    [/\(\?>/, 'atomic group'],
  ];
  for (const [re, name] of checks) if (re.test(stripEscapedBackslashes(pattern))) return name;
  return null;
}

function stripEscapedBackslashes(p: string): string {
  return p.replace(/\\\\/g, '');
}
