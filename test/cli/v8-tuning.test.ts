const setFlags = jest.fn<void, [string]>();
const spaceSize = { value: 0 };
jest.mock('v8', () => ({
  setFlagsFromString: (flag: string) => setFlags(flag),
  getHeapSpaceStatistics: () => [{ space_name: 'new_space', space_size: spaceSize.value }],
}));

import { startV8Tuning } from '../../src/cli/v8-tuning';

const execArgv = process.execArgv;
const nodeOptions = process.env.NODE_OPTIONS;

beforeEach(() => {
  setFlags.mockClear();
  spaceSize.value = 0;
  process.execArgv = [];
  delete process.env.NODE_OPTIONS;
});

afterAll(() => {
  process.execArgv = execArgv;
  if (nodeOptions === undefined) delete process.env.NODE_OPTIONS;
  else process.env.NODE_OPTIONS = nodeOptions;
});

describe('V8 tuning of a conversion run', () => {
  test('a small run never touches V8 flags', () => {
    const budget = startV8Tuning();
    for (let i = 0; i < 6; i++) budget.tick(i % 2 === 0 ? 3000 : 0);
    budget.release();
    expect(setFlags).not.toHaveBeenCalled();
  });

  test('many files start the tuning, cap the young generation once it is 4 MB, and release puts the heap settings back', () => {
    const budget = startV8Tuning();
    for (let i = 0; i < 15; i++) budget.tick(100);
    expect(setFlags).not.toHaveBeenCalled();
    budget.tick(100);
    expect(setFlags.mock.calls).toEqual([['--heap-growing-percent=50'], ['--interrupt-budget=262144']]);
    spaceSize.value = 8 * 1024 * 1024;
    for (let i = 0; i < 8; i++) budget.tick();
    expect(setFlags.mock.calls.slice(2)).toEqual([['--semi-space-growth-factor=1']]);
    budget.release();
    expect(setFlags.mock.calls.slice(3)).toEqual([['--heap-growing-percent=0'], ['--semi-space-growth-factor=2']]);
  });

  test('one large file starts the tuning on its own', () => {
    const budget = startV8Tuning();
    budget.tick(44 * 1024 * 1024);
    expect(setFlags.mock.calls).toEqual([['--heap-growing-percent=50'], ['--interrupt-budget=262144']]);
    budget.release();
    expect(setFlags.mock.calls.slice(2)).toEqual([['--heap-growing-percent=0']]);
  });

  test.each([
    ['on node\'s command line', () => (process.execArgv = ['--interrupt-budget=1000'])],
    ['with V8\'s underscore spelling', () => (process.execArgv = ['--interrupt_budget=1000'])],
    ['in NODE_OPTIONS', () => (process.env.NODE_OPTIONS = '--max-old-space-size=100 --interrupt-budget=1000')],
  ])('an interrupt budget given %s is left as it is', (_where, give) => {
    give();
    const budget = startV8Tuning();
    budget.tick(44 * 1024 * 1024);
    expect(setFlags.mock.calls).toEqual([['--heap-growing-percent=50']]);
    budget.release();
  });
});
