/**
 * Bounds on what one input may cost. Each is a clear error for the rule or file that exceeds it, never a
 * crash; each can be raised (library: `limits` in the options; CLI: `--max-alternatives`).
 */
export interface Limits {
  /** Values one rule may expand to in total (windash, expand, base64offset, utf16 ... over all its fields). */
  readonly alternatives: number;
  /** Bytes of one rule file, or of standard input (checked while reading: /dev/zero stops here). */
  readonly fileBytes: number;
  /** Bytes of a YAML data file given by the user (placeholders, settings). */
  readonly dataBytes: number;
  /** Nodes of such a file counted with its aliases expanded (a 400-byte alias bomb holds billions). */
  readonly dataNodes: number;
}

export const DEFAULT_LIMITS: Limits = {
  alternatives: 100_000,
  fileBytes: 128 * 1024 * 1024,
  dataBytes: 16 * 1024 * 1024,
  dataNodes: 1_000_000,
};

export function resolveLimits(partial: Partial<Limits> | undefined): Limits {
  return { ...DEFAULT_LIMITS, ...partial };
}

/** What is left of a rule's alternatives budget while its detection is built. */
export interface AlternativesBudget {
  left: number;
  readonly limit: number;
}
