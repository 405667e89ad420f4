#!/usr/bin/env node
// In a checkout (src/ is here and tsx is installed) the CLI runs from the TypeScript sources, so it can never be
// a stale build; an installed package ships only dist/ and runs the compiled code.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const sources = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

async function loadMain() {
  if (existsSync(sources)) {
    try {
      const { register } = await import('tsx/esm/api');
      register();
      return (await import(pathToFileURL(sources).href)).main;
    } catch (error) {
      if (!existsSync(compiled)) throw error;
    }
  }
  return (await import(pathToFileURL(compiled).href)).main;
}

const main = await loadMain();
process.exitCode = await main(process.argv.slice(2));
