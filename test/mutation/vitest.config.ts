import { defineConfig } from 'vitest/config';

// The suite as Stryker runs it for each mutant: every product test, less those that drive external programs
// (Godot, Chromium, spawned CLIs and servers) or re-run the machines' own config mutants. They are slow under a
// mutant's sandbox and kill nothing the rest does not.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [
      'test/godot-oracle.test.ts',
      'test/godot3-shim.test.ts',
      'test/inspect-browser.test.ts',
      'test/inspect-cli.test.ts',
      'test/loopback-two-processes.test.ts',
      'test/loopback-serve-cli.test.ts',
      'test/cli-*.test.ts',
      'test/demo-cli.test.ts',
      'test/visualize-*.test.ts',
      'test/steamworks-load.test.ts',
      'test/model-mutants.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
