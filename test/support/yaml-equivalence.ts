/**
 * Checks the fast YAML reader against js-yaml on one document: when the fast reader accepts it, its value
 * (types, key order, own properties, -0, dates) and every recorded position must be the same as js-yaml's
 * (through yaml-source's listener), and js-yaml must not report an error for it.
 */
import { parseFastYaml } from '../../src/rule/yaml-fast';
import { parseChunkWithJsYaml, type NodePositions } from '../../src/rule/yaml-source';

export type Verdict = 'fast' | 'declined';

/** 'fast' or 'declined', or throws an Error describing the first difference. */
export function checkDocument(text: string, firstLine = 0): Verdict {
  const fast = parseFastYaml(text, firstLine);
  if (!fast) return 'declined';
  const ref = parseChunkWithJsYaml(text, firstLine, 1);
  if (ref.error) throw new Error(`fast reader accepted a document js-yaml rejects: ${ref.error.message}`);
  compare(fast.value, ref.value, fast.positions, ref.positions, '$');
  return 'fast';
}

function describe(v: unknown): string {
  if (v instanceof Date) return `Date(${v.getTime()})`;
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function comparePositions(a: NodePositions | undefined, b: NodePositions | undefined, where: string): void {
  if (!a || !b) {
    if (a || b) throw new Error(`${where}: positions recorded by ${a ? 'fast only' : 'js-yaml only'}`);
    return;
  }
  const la = JSON.stringify(a.loc);
  const lb = JSON.stringify(b.loc);
  if (la !== lb) throw new Error(`${where}: loc ${la} vs js-yaml ${lb}`);
  const ka = JSON.stringify([...a.keys]);
  const kb = JSON.stringify([...b.keys]);
  if (ka !== kb) throw new Error(`${where}: keys ${ka} vs js-yaml ${kb}`);
  const ia = JSON.stringify(a.items);
  const ib = JSON.stringify(b.items);
  if (ia !== ib) throw new Error(`${where}: items ${ia} vs js-yaml ${ib}`);
}

/** Walks both values together with an explicit stack (documents can nest deeply). */
function compare(
  fastValue: unknown,
  refValue: unknown,
  fastPos: WeakMap<object, NodePositions>,
  refPos: WeakMap<object, NodePositions>,
  root: string,
): void {
  const work: [unknown, unknown, string][] = [[fastValue, refValue, root]];
  while (work.length > 0) {
    const [a, b, where] = work.pop() as [unknown, unknown, string];
    if (typeof a !== typeof b) throw new Error(`${where}: ${describe(a)} vs js-yaml ${describe(b)}`);
    if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
      if (!Object.is(a, b)) throw new Error(`${where}: ${describe(a)} vs js-yaml ${describe(b)}`);
      continue;
    }
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) throw new Error(`${where}: different kinds of object`);
    comparePositions(fastPos.get(a), refPos.get(b), where);
    if (a instanceof Date) {
      if (!Object.is(a.getTime(), (b as Date).getTime())) throw new Error(`${where}: ${describe(a)} vs js-yaml ${describe(b)}`);
      continue;
    }
    const ka = Reflect.ownKeys(a);
    const kb = Reflect.ownKeys(b);
    if (JSON.stringify(ka.map(String)) !== JSON.stringify(kb.map(String))) {
      throw new Error(`${where}: own keys ${JSON.stringify(ka.map(String))} vs js-yaml ${JSON.stringify(kb.map(String))}`);
    }
    for (const k of ka) {
      const da = Object.getOwnPropertyDescriptor(a, k) as PropertyDescriptor;
      const db = Object.getOwnPropertyDescriptor(b, k) as PropertyDescriptor;
      if (da.enumerable !== db.enumerable || da.writable !== db.writable || da.configurable !== db.configurable) {
        throw new Error(`${where}.${String(k)}: property attributes differ`);
      }
      work.push([da.value, db.value, `${where}.${String(k)}`]);
    }
  }
}
