import type * as V8 from 'v8';

/**
 * Keeps the V8 heap of a conversion run small: what sets the peak memory of a corpus run is not what the
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
 * Both are heuristics V8 reads when it decides (v8.setFlagsFromString after start-up); neither changes what
 * any code computes. The settings are put back when the run ends (the CLI may run inside a longer process).
 * A small run never reaches either limit, so the budget starts only once the run has read enough to need it:
 * loading node:v8 (it brings node's streams with it) costs a few ms, a tenth of a one-rule conversion.
 */

/** Semi-space size (MB) at which growth stops. */
const SEMI_SPACE_MB = 4;
/** The old generation may grow this much (percent) over the live heap before a full collection. */
const OLD_GROWING_PERCENT = 50;
/** Files between two looks at the young generation's size. */
const CHECK_EVERY = 8;
/** The budget starts at the tick that brings the run to this many files (two ticks each: read, converted) ... */
const START_AFTER_TICKS = 16;
/** ... or this many characters of input, whichever comes first. */
const START_AFTER_CHARS = 512 * 1024;

export interface HeapBudget {
  /** Called once per file read (with its length in characters) or converted: starts the budget when the
   *  run has grown past a small one, then caps the young generation once it has grown to its budget. */
  tick(chars?: number): void;
  /** Puts V8's own heuristics back. */
  release(): void;
}

export function startHeapBudget(): HeapBudget {
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
