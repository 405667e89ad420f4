// StrykerJS for `npm run mutation` (test/mutation/run.ts): one scope at a time (LOBBYKIT_MUTATION_SCOPE), each in
// incremental mode with its own committed file under test/mutation/, so a rerun on an unchanged tree reuses every
// result and only mutants in changed code (or covered by changed tests) run again.
const SCOPES = {
  machines: ['src/machines/**/*.ts'],
  codec: ['src/codec/**/*.ts'],
  runtime: ['src/runtime/**/*.ts', 'src/runtime.ts'],
  // The data plane of the effects: the packet inbox and its queue, and the streams a tick reads packets through.
  effects: ['src/effects/inbox.ts', 'src/effects/fifo.ts', 'src/effects/streams.ts'],
};

const scope = process.env.LOBBYKIT_MUTATION_SCOPE ?? 'machines';
if (!(scope in SCOPES)) throw new Error(`LOBBYKIT_MUTATION_SCOPE must be one of ${Object.keys(SCOPES).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'test/mutation/vitest.config.ts', related: true },
  checkers: ['typescript'],
  // The checker compiles the product only (test/mutation/tsconfig.json): every mutant is in src/.
  tsconfigFile: 'test/mutation/tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  mutate: SCOPES[scope],
  incremental: true,
  incrementalFile: `test/mutation/incremental-${scope}.json`,
  reporters: ['json', 'html', 'progress'],
  jsonReporter: { fileName: `reports/mutation/${scope}.json` },
  htmlReporter: { fileName: `reports/mutation/${scope}.html` },
  tempDirName: `.stryker-tmp/${scope}`,
  cleanTempDir: 'always',
  // Two shared cores: one runner beside the checker keeps the machine usable for everyone else.
  concurrency: Number(process.env.LOBBYKIT_MUTATION_CONCURRENCY ?? 1),
  timeoutMS: 10_000,
  ignoreStatic: true,
  ignorePatterns: ['dist', 'reports', 'test-output', '.stryker-tmp', 'visualizations', 'examples', 'godot'],
};
