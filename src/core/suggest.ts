/**
 * "Did you mean" for names the user typed: options, commands, logsource values, field names.
 * Pure (no fs/process), shared by the command line and `validate`.
 */

/** Edit distance with adjacent transpositions (optimal string alignment): 'idnex' → 'index' is 1. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((d[i - 1] as number[])[j]! + 1, (d[i] as number[])[j - 1]! + 1, (d[i - 1] as number[])[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (d[i - 2] as number[])[j - 2]! + 1);
      (d[i] as number[])[j] = v;
    }
  }
  return (d[a.length] as number[])[b.length]!;
}

/** How far a typo may be from the intended name: short names allow fewer edits. */
function allowedEdits(name: string): number {
  return name.length <= 3 ? 0 : name.length <= 7 ? 1 : 2;
}

/**
 * The candidate the user most likely meant, or undefined when none is close: a name differing only
 * in case wins, then the fewest edits (case-insensitively), ties to the first candidate given.
 * A name that is itself a candidate has no suggestion.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    if (c === name) return undefined;
    const cl = c.toLowerCase();
    // Bound the work: a very long name is no typo of a short one.
    if (Math.abs(cl.length - lower.length) > 3 || lower.length > 100) continue;
    const score = cl === lower ? 0 : editDistance(lower, cl);
    if (score > allowedEdits(c.length > name.length ? c : name)) continue;
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/** `; did you mean 'X'?` or the empty string. */
export function didYouMean(name: string, candidates: Iterable<string>, quote = "'"): string {
  const c = closestName(name, candidates);
  return c === undefined ? '' : `; did you mean ${quote}${c}${quote}?`;
}

/** A name as typed, safe to print on a terminal: control characters (escape sequences, newlines) shown as \u{..}. */
export function printable(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u{${(c.codePointAt(0) as number).toString(16)}}`);
}
