import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests and examples import 'lobbykit' by name, as a game does; tsconfig.json's paths map it to src/.
  resolve: { tsconfigPaths: true },
  test: {
    include: ['test/**/*.test.ts'],
    // Oracle and integration tests start real processes; give them room on a 2-core box.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
