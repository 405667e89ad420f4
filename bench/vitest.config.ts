import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run bench:check`: the tests of the bench tooling itself (its CPU profile, memory chase, scale targets and a
// short scale run), kept out of `npm test`, which tests the product.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['bench/check/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
