import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests and examples import 'lobbykit' by name, as a game does; tsconfig.json's paths map it to src/.
  resolve: { tsconfigPaths: true },
  test: {
    include: ['test/**/*.test.ts'],
    // Vitest's default keeps a core for its own thread, which on a 2-core box runs the files one at a time; that
    // thread only collects results, and most files wait on virtual time or on processes they start.
    maxWorkers: Math.max(2, availableParallelism()),
    // Oracle and integration tests start real processes; give them room on a 2-core box.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
