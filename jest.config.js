/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs', ignoreDynamic: true } }] },
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  testTimeout: 120000,
  // One worker per core: a test file's app and embedded database run in its worker, so the files
  // are CPU-bound and two cores run two at once; '50%' ran the suite in band on two cores.
  maxWorkers: '100%',
};
