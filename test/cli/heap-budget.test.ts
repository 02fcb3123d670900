const setFlags = jest.fn<void, [string]>();
const spaceSize = { value: 0 };
jest.mock('v8', () => ({
  setFlagsFromString: (flag: string) => setFlags(flag),
  getHeapSpaceStatistics: () => [{ space_name: 'new_space', space_size: spaceSize.value }],
}));

import { startHeapBudget } from '../../src/cli/heap-budget';

beforeEach(() => {
  setFlags.mockClear();
  spaceSize.value = 0;
});

describe('heap budget of a conversion run', () => {
  test('a small run never touches V8 flags', () => {
    const budget = startHeapBudget();
    for (let i = 0; i < 6; i++) budget.tick(i % 2 === 0 ? 3000 : 0);
    budget.release();
    expect(setFlags).not.toHaveBeenCalled();
  });

  test('many files start the budget, cap the young generation once it is 4 MB, and release puts both back', () => {
    const budget = startHeapBudget();
    for (let i = 0; i < 15; i++) budget.tick(100);
    expect(setFlags).not.toHaveBeenCalled();
    budget.tick(100);
    expect(setFlags.mock.calls).toEqual([['--heap-growing-percent=50']]);
    spaceSize.value = 8 * 1024 * 1024;
    for (let i = 0; i < 8; i++) budget.tick();
    expect(setFlags.mock.calls.slice(1)).toEqual([['--semi-space-growth-factor=1']]);
    budget.release();
    expect(setFlags.mock.calls.slice(2)).toEqual([['--heap-growing-percent=0'], ['--semi-space-growth-factor=2']]);
  });

  test('one large file starts the budget on its own', () => {
    const budget = startHeapBudget();
    budget.tick(44 * 1024 * 1024);
    expect(setFlags.mock.calls).toEqual([['--heap-growing-percent=50']]);
    budget.release();
    expect(setFlags.mock.calls.slice(1)).toEqual([['--heap-growing-percent=0']]);
  });
});
