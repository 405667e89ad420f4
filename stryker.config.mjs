// StrykerJS for `npm run mutation` (test/mutation/run.ts): one scope at a time (LOBBYKIT_MUTATION_SCOPE), each in
// incremental mode with its own committed file under test/mutation/, so a rerun on an unchanged tree reuses every
// result and only mutants in changed code (or covered by changed tests) run again. New files in src/codec or
// src/runtime must be added to a scope here (test/mutation/run.ts says which are missing).
/**
 * Scopes small enough to finish in one sitting on two shared cores, so each one's incremental file keeps what was
 * learned; the summary adds them up per folder (test/mutation/run.ts).
 */
const SCOPES = {
  machines: ['src/machines/**/*.ts'],
  'codec-wire': [
    'src/codec/frame.ts',
    'src/codec/control.ts',
    'src/codec/varint.ts',
    'src/codec/packet-codec.ts',
    'src/codec/result.ts',
    'src/codec/bounded-inflate.ts',
    'src/codec/byte-writer.ts',
    'src/codec/seed-*.ts',
    'src/codec/tagged-json.ts',
    'src/codec/json-depth.ts',
    'src/codec/chat-notice.ts',
    'src/codec/index.ts',
  ],
  'codec-values': ['src/codec/value-*.ts', 'src/codec/compile.ts'],
  'codec-godot': ['src/codec/godot/**/*.ts'],
  // The commands and their outcomes, apart from the runtime's wiring, so each finishes in one sitting.
  'runtime-commands': [
    'src/runtime/commands.ts',
    'src/runtime/command-base.ts',
    'src/runtime/outcomes.ts',
    'src/runtime/request-slot.ts',
    'src/runtime/reporter.ts',
    'src/runtime/errors.ts',
    'src/runtime/expulsions.ts',
    'src/runtime/after-dispose.ts',
    'src/runtime/failure.ts',
    'src/runtime/options.ts',
  ],
  'runtime-control': [
    'src/runtime/machine-effects.ts',
    'src/runtime/event-translator.ts',
    'src/runtime/lobby-state.ts',
    'src/runtime/member-directory.ts',
    'src/runtime/outside-view.ts',
    'src/runtime/auto-ticker.ts',
    'src/runtime/runtime.ts',
    'src/runtime/translator-wiring.ts',
    'src/runtime/core.ts',
    'src/runtime/api.ts',
    'src/runtime.ts',
  ],
  'runtime-data': [
    'src/runtime/packet-router.ts',
    'src/runtime/peer-protocol.ts',
    'src/runtime/channel-stream.ts',
    'src/runtime/game-streams.ts',
    'src/runtime/decode-budget.ts',
    'src/runtime/peer-wire.ts',
    'src/runtime/tutorial-codec.ts',
    'src/runtime/sends.ts',
    'src/runtime/send-wires.ts',
    'src/runtime/held-sends.ts',
    'src/runtime/liveness.ts',
    'src/runtime/stats.ts',
  ],
  // The data plane of the effects: the packet inbox and its queue (the runtime's router reads packets through them).
  effects: ['src/effects/inbox.ts', 'src/effects/fifo.ts'],
};

const scope = process.env.LOBBYKIT_MUTATION_SCOPE ?? 'machines';

export { SCOPES };
if (!(scope in SCOPES)) throw new Error(`LOBBYKIT_MUTATION_SCOPE must be one of ${Object.keys(SCOPES).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // Not `related`: vitest's import tracing found 6 of the runtime's tests; each scope's vitest config names its suites.
  vitest: { configFile: 'test/mutation/vitest.config.ts', related: false },
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
  // Anchored at the root: an unanchored 'godot' also dropped src/codec/godot from the sandbox, and every suite that
  // imports it failed to load (which Stryker's dry run does not count as a failure).
  ignorePatterns: ['/dist', '/reports', '/test-output', '/.stryker-tmp', '/visualizations', '/godot'],
};
