/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', isolatedModules: true }] },
  testTimeout: 120000,
  // One line naming the suites skipped when ../shared (SigmaHQ corpus, sigma-spec) is not next to this clone.
  globalSetup: '<rootDir>/test/support/shared.js',
};
