import type { SourceLocation } from '../ir/types';

/** Where the keys and items of one YAML mapping or sequence were written. */
export interface NodePositions {
  readonly loc: SourceLocation;
  readonly keys: ReadonlyMap<string, SourceLocation>;
  readonly items: readonly SourceLocation[];
}
