import { DerivedMemo } from '../../src/core/derived-memo';

describe('DerivedMemo', () => {
  test('derives a value once per definition and key, and keeps definitions apart', () => {
    const memo = new DerivedMemo<object, string>(10);
    const a = {};
    const b = {};
    let calls = 0;
    const derive = (v: string) => () => {
      calls++;
      return v;
    };
    expect(memo.get(a, 'k', derive('a-k'))).toBe('a-k');
    expect(memo.get(a, 'k', derive('other'))).toBe('a-k');
    expect(memo.get(b, 'k', derive('b-k'))).toBe('b-k');
    expect(calls).toBe(2);
  });

  test('an undefined value is remembered too', () => {
    const memo = new DerivedMemo<object, string | undefined>(10);
    const owner = {};
    let calls = 0;
    memo.get(owner, 'k', () => (calls++, undefined));
    memo.get(owner, 'k', () => (calls++, undefined));
    expect(calls).toBe(1);
  });

  test('is bounded per definition: when full it starts over and derives again', () => {
    const memo = new DerivedMemo<object, number>(2);
    const owner = {};
    let calls = 0;
    for (const key of ['a', 'b', 'c', 'a']) memo.get(owner, key, () => ++calls);
    // 'c' found the map full (a, b) and cleared it, so 'a' is derived again.
    expect(calls).toBe(4);
  });
});
