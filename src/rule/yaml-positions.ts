import type { SourceLocation } from '../ir/types';

/** Where the keys and items of one YAML mapping or sequence were written. */
export interface NodePositions {
  readonly loc: SourceLocation;
  readonly keys: Map<string, SourceLocation>;
  readonly items: SourceLocation[];
}
