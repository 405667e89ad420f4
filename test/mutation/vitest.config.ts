import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant of a scope (LOBBYKIT_MUTATION_SCOPE): the ones written for that part of
 * the product, and, for the runtime and the data plane, the runtime-level suites that drive them. Two shared cores
 * cannot run the whole suite per mutant in a working day; tests of external programs (Godot, Chromium, spawned
 * CLIs) and the machines' config mutants are never in.
 */
const CODEC = ['test/codec-*.test.ts', 'test/packet-router-*.test.ts'];
const RUNTIME = [
  'test/runtime-*.test.ts',
  'test/model-lobby.test.ts',
  'test/model-peer-session.test.ts',
  'test/model-runtime-reachable.test.ts',
  'test/model-scenarios.test.ts',
  'test/reliability-*.test.ts',
  'test/packet-router-*.test.ts',
  'test/channel-stream.test.ts',
  'test/decode-budget.test.ts',
  'test/held-sends.test.ts',
  'test/game-streams.test.ts',
  'test/testing-example.test.ts',
  'test/testing-paths.test.ts',
  'test/vote-kick-paths.test.ts',
  'test/steamworks-runtime.test.ts',
];
/**
 * The control plane's mutants are judged without the data plane's long runs (a storm of heavy packets, 250 members,
 * a soak, the hostile million) and the spawned child of the filter suite: each of them takes seconds per mutant.
 */
const CONTROL_SLOW = [
  'test/decode-budget.test.ts',
  'test/runtime-large.test.ts',
  'test/reliability-soak.test.ts',
  'test/reliability-hostile.test.ts',
  'test/runtime-malformed-filters.test.ts',
];
const TESTS: Readonly<Record<string, readonly string[]>> = {
  machines: ['test/machine-*.test.ts', 'test/model-machines.test.ts'],
  'codec-wire': CODEC,
  'codec-values': CODEC,
  'codec-godot': [
    'test/godot-codec.test.ts',
    'test/godot4-codec.test.ts',
    'test/godot-plain-codec.test.ts',
    'test/godot-gzip-plain.test.ts',
    'test/codec-tagged-json.test.ts',
    // The engines' recorded bytes (test/godot/recorded*.json): the oracles' knowledge without spawning an engine.
    'test/godot-recorded.test.ts',
  ],
  'runtime-commands': RUNTIME,
  'runtime-control': RUNTIME,
  'runtime-data': RUNTIME,
  effects: ['test/data-plane-queues.test.ts', 'test/streams-pump.test.ts', 'test/runtime-large.test.ts', 'test/reliability-hostile.test.ts', 'test/backend-contract.test.ts'],
};

const scope = process.env.LOBBYKIT_MUTATION_SCOPE ?? 'machines';

export default defineConfig({
  // As in vitest.config.ts: tests and examples import 'lobbykit' by name, mapped to src/ by tsconfig.json's paths.
  resolve: { tsconfigPaths: true },
  test: {
    include: [...(TESTS[scope] ?? [])],
    // The runtime in Chromium is an external program, like Godot's.
    exclude: ['test/runtime-browser.test.ts', ...(scope === 'runtime-commands' || scope === 'runtime-control' ? CONTROL_SLOW : [])],
    // One worker keeps the product's modules loaded from one mutant's run to the next (src/ has no module state);
    // isolating each file reloads the runtime's module graph per mutant, which is most of a run's time.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
