/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup-env.js'],
  transform: {
    // Type checking is done once by `tsc --noEmit` in `npm test`; jest only transpiles.
    '^.+\\.[tj]s$': [
      'ts-jest',
      {
        tsconfig: {
          isolatedModules: true,
          allowJs: true,
          module: 'commonjs',
          moduleResolution: 'node10',
          verbatimModuleSyntax: false,
        },
      },
    ],
  },
  // ESM-only dependencies (middy, stream-json, stream-chain) are transpiled to CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!(@middy|stream-json|stream-chain)/)'],
  // @middy/core 7 is ESM-only; jest resolves it to its file and transpiles it (see transform above).
  moduleNameMapper: { '^@middy/(core|util)$': '<rootDir>/node_modules/@middy/$1/index.js' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
};
