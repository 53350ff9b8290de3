// Mutation testing (npm run mutate -- <area>): one area per run so that each fits in minutes.
// Not part of `npm test`. Scores per area are written in the README's testing section.
// Areas: which source files are mutated and which test files are allowed to kill the mutants.
export const AREAS = {
  engine: {
    mutate: ['lambdas/core/policy/**/*.ts'],
    tests: ['<rootDir>/test/core/policy/**/*.test.ts'],
  },
  checkers: {
    mutate: ['lambdas/core/checkers/**/*.ts', 'lambdas/core/analyze.ts'],
    tests: [
      '<rootDir>/test/core/checkers/**/*.test.ts',
      '<rootDir>/test/core/analyze*.test.ts',
      '<rootDir>/test/scenarios/**/*.test.ts',
    ],
    // reads the checkers' source text (structure, not behaviour): Stryker's instrumented copies fail it
    ignore: ['<rootDir>/test/scenarios/meta.test.ts'],
  },
  fixes: {
    mutate: ['lambdas/core/fix/**/*.ts'],
    tests: [
      '<rootDir>/test/core/checkers/**/*.test.ts',
      '<rootDir>/test/core/fix/**/*.test.ts',
      '<rootDir>/test/security/**/*.test.ts',
    ],
  },
  render: {
    mutate: ['lambdas/core/render/**/*.ts'],
    tests: ['<rootDir>/test/core/render/**/*.test.ts', '<rootDir>/test/security/render.test.ts'],
  },
  delivery: {
    mutate: ['lambdas/delivery/**/*.ts', 'lambdas/core/problem-key.ts'],
    // the handler suites drive the whole Lambda (minutes per mutant): the delivery suites state the contract
    tests: ['<rootDir>/test/delivery/**/*.test.ts', '<rootDir>/test/security/dedup*.test.ts'],
  },
};

const name = process.env.MUTATE_AREA ?? 'engine';
const area = AREAS[name];
if (!area) throw new Error(`unknown mutation area "${name}" (one of: ${Object.keys(AREAS).join(', ')})`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  // The TypeScript checker rejects mutants that do not compile (more exact scores) but type-checks the whole project
  // per mutant: on a 2-core machine it, not the tests, bounds the run. MUTATE_TYPECHECK=0 skips it; a mutant that
  // would not compile then counts as survived unless a test kills it (the score can only be lower).
  checkers: process.env.MUTATE_TYPECHECK === '0' ? [] : ['typescript'],
  // Static mutants (module-level constants) need every test file re-run each: they are left out of the score.
  ignoreStatic: true,
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: area.mutate,
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    config: { testMatch: area.tests, testPathIgnorePatterns: ['/node_modules/', ...(area.ignore ?? [])] },
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 2),
  timeoutMS: 20000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  tempDirName: `.stryker-tmp/${name}`,
  cleanTempDir: 'always',
  ignorePatterns: ['dist', 'cdk.out', 'reports', 'test/artifacts', '.stryker-tmp'],
  thresholds: { high: 90, low: 80, break: null },
};
