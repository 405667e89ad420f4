import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Oracle and integration tests start real processes; give them room on a 2-core box.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
