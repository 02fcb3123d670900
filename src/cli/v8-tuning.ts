import type * as V8 from 'v8';

/**
 * V8's heuristics tuned for a long conversion run (many files): none of them changes what any code computes.
 *
 * The heap is kept small: what sets the peak memory of a corpus run is not what the
 * run holds (a few MB: one rule at a time) but how far V8 lets its heap grow before collecting.
 * - Young generation: V8 doubles the semi-spaces (1 MB up to 16 MB each) while many young objects survive,
 *   as they do while thousands of files are read; 4 MB each collects about as fast (the objects of one rule
 *   die young either way) and keeps 24 MB less. Node takes the size limit only at start-up
 *   (--max-semi-space-size), so the growth factor, which V8 reads at each growth, is set to 1 once the
 *   semi-spaces have reached 4 MB.
 * - Old generation: after a full collection V8 lets the old generation grow to a multiple of what is live
 *   (up to 4x) before the next one; the garbage promoted from one rule to the next then piles up to tens of
 *   MB. 1.5x of a live heap of ~10 MB keeps it near 20 MB, at the cost of a few more (mostly concurrent)
 *   collections.
 * Optimising compiles are asked for later: V8 sends a function to TurboFan once it has run through its
 * interrupt budget (66 KB of bytecode in Node 20) a few times. A corpus run goes through thousands of small
 * functions a few hundred times each: at the default budget V8 optimised ≈250 of them over the SigmaHQ corpus
 * (≈85 deoptimised again by the next rules' other shapes), ≈2.9 s of compiling on a background thread, which
 * on a two-core machine competes with the conversion itself. With INTERRUPT_BUDGET only the hotter code is
 * optimised (≈130 functions, ≈0.9 s of compiling; whole corpus to KQL ≈2.0 s → ≈1.4 s CPU). A higher budget
 * saves a little more on the corpus but slows a long run of one kind of rule, which optimisation pays off
 * (21,000 generated rules: +3 % at this budget, +5–10 % at twice it). A budget given
 * on node's command line or in NODE_OPTIONS is left as it is.
 * These are heuristics V8 reads when it decides (v8.setFlagsFromString after start-up). The heap settings
 * are put back when the run ends (the CLI may run inside a longer process); the interrupt budget stays, as
 * V8 cannot say what it was (its default differs between V8 versions), and it changes only when code is
 * optimised. A small run never reaches any of these limits, so the tuning starts only once the run has read
 * enough to need it: loading node:v8 (it brings node's streams with it) costs a few ms, a tenth of a one-rule
 * conversion.
 */

/** Bytecode a function runs through between two looks at whether to optimise it (V8's default: 66 KB). */
const INTERRUPT_BUDGET = 256 * 1024;
/** Semi-space size (MB) at which growth stops. */
const SEMI_SPACE_MB = 4;
/** The old generation may grow this much (percent) over the live heap before a full collection. */
const OLD_GROWING_PERCENT = 50;
/** Files between two looks at the young generation's size. */
const CHECK_EVERY = 8;
/** The tuning starts at the tick that brings the run to this many files (two ticks each: read, converted) ... */
const START_AFTER_TICKS = 16;
/** ... or this many characters of input, whichever comes first. */
const START_AFTER_CHARS = 512 * 1024;

export interface V8Tuning {
  /** Called once per file read (with its length in characters) or converted: starts the tuning when the
   *  run has grown past a small one, then caps the young generation once it has grown to its budget. */
  tick(chars?: number): void;
  /** Puts V8's own heap heuristics back (the interrupt budget stays: V8 cannot say what it was). */
  release(): void;
}

export function startV8Tuning(): V8Tuning {
  let v8: typeof V8 | null = null;
  let capped = false;
  let ticks = 0;
  let chars = 0;
  return {
    tick(size = 0) {
      ticks++;
      chars += size;
      if (v8 === null) {
        if (ticks < START_AFTER_TICKS && chars < START_AFTER_CHARS) return;
        v8 = require('v8') as typeof V8; // eslint-disable-line @typescript-eslint/no-require-imports
        v8.setFlagsFromString(`--heap-growing-percent=${OLD_GROWING_PERCENT}`);
        if (!givenToNode('--interrupt-budget')) v8.setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
      }
      if (capped || ticks % CHECK_EVERY !== 0) return;
      // The new space is two semi-spaces (and a little bookkeeping).
      const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      if (young && young.space_size >= 2 * SEMI_SPACE_MB * 1024 * 1024) {
        v8.setFlagsFromString('--semi-space-growth-factor=1');
        capped = true;
      }
    },
    release() {
      if (v8 === null) return;
      // 0 is V8's "no override" for the growing percent; 2 its default growth factor.
      v8.setFlagsFromString('--heap-growing-percent=0');
      if (capped) v8.setFlagsFromString('--semi-space-growth-factor=2');
    },
  };
}

/** Whether node was started with this V8 flag (`--name` or `--name=value`, on its command line or in NODE_OPTIONS; V8 takes `-` and `_` alike). */
function givenToNode(flag: string): boolean {
  const name = (arg: string): string => arg.split('=', 1)[0]?.replace(/_/g, '-') ?? '';
  const given = (arg: string): boolean => name(arg) === flag;
  return process.execArgv.some(given) || (process.env.NODE_OPTIONS ?? '').split(/\s+/).some(given);
}
