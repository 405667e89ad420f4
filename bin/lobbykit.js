#!/usr/bin/env node
// In a checkout (src/ is here and tsx is installed) the CLI runs from the TypeScript sources, so it can never be
// a stale build; an installed package ships only dist/ and runs the compiled code.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const sources = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

async function loadCli() {
  if (existsSync(sources)) {
    try {
      const { register } = await import('tsx/esm/api');
      register();
      return await import(pathToFileURL(sources).href);
    } catch (error) {
      if (!existsSync(compiled)) throw error;
    }
  }
  return import(pathToFileURL(compiled).href);
}

const { runCliProcess } = await loadCli();
process.exitCode = await runCliProcess(process.argv.slice(2));
