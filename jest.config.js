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
  // A worker keeps growing from file to file (each file loads the app and its embedded database
  // afresh), and its files slow down as it grows, about twice as slow by the end of a run; a
  // worker past this size after a file (most are, after a file on the embedded database) is
  // replaced by a fresh one.
  workerIdleMemoryLimit: '700MB',
  // Code in a test file runs in a vm context, where reading a global such as Object goes through
  // the context's interceptor: about ten times slower than outside, and the app's query builder
  // does it for every piece of every statement. These globals are handed to each module as local
  // parameters instead. None of them is replaced by a test (fake timers fake Date, so it is not
  // here), and no module loaded here declares one of these names at its top level.
  sandboxInjectedGlobals: ['Object', 'Array', 'String', 'Number', 'Math', 'JSON', 'Reflect', 'Error', 'Map', 'WeakMap', 'Set', 'ArrayBuffer', 'DataView', 'parseInt', 'encodeURIComponent', 'decodeURIComponent'],
};
