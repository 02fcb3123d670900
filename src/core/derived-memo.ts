/**
 * Values derived from a loaded definition (a pipeline, a schema, a stage, a dialect), per key: each is
 * computed once. Definitions are never changed once loaded, so an entry is derived data that cannot go
 * stale; keyed weakly by the definition, and bounded per definition (a long-running process may see ever
 * new keys: the map starts over when full).
 */
export class DerivedMemo<Owner extends object, Value> {
  private readonly byOwner = new WeakMap<Owner, Map<string, Value>>();

  constructor(private readonly maxPerOwner: number) {}

  get(owner: Owner, key: string, derive: () => Value): Value {
    let seen = this.byOwner.get(owner);
    if (!seen) this.byOwner.set(owner, (seen = new Map()));
    else if (seen.has(key)) return seen.get(key) as Value;
    if (seen.size >= this.maxPerOwner) seen.clear();
    const value = derive();
    seen.set(key, value);
    return value;
  }
}
