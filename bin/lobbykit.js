#!/usr/bin/env node
// Runs the compiled CLI; in a fresh checkout where `dist/` has not been built yet, falls back to the
// TypeScript sources through tsx (a dev dependency), so `npx lobbykit` works either way.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (existsSync(compiled)) {
  const { main } = await import(pathToFileURL(compiled).href);
  process.exitCode = await main(process.argv.slice(2));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import(new URL('../src/cli/main.ts', import.meta.url).href);
  process.exitCode = await main(process.argv.slice(2));
}
