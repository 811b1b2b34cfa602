/** Jest 30 in native ESM mode (see ../shared/CONVENTIONS.md, "Toolchain recipe"). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleNameMapper: {
    '^@orderwire/contracts/protocol$': '<rootDir>/libs/contracts/src/protocol.ts',
    '^@orderwire/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: [
    '<rootDir>/src/**/*.spec.ts',
    '<rootDir>/libs/*/src/**/*.spec.ts',
    '<rootDir>/apps/*/src/**/*.spec.ts',
    '<rootDir>/apps/*/test/**/*.e2e-spec.ts',
    '<rootDir>/test/**/*.e2e-spec.ts',
    '<rootDir>/test/**/*.spec.ts',
  ],
  testTimeout: 30000,
  // Under CI=true: the projects outside the repository, made before any suite runs (outside.mjs).
  globalSetup: '<rootDir>/test/support/outside.mjs',
  globalTeardown: '<rootDir>/test/support/outside-teardown.mjs',
  maxWorkers: 2,
};
