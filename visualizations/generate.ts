// `npm run visualize`: redraws every machine from its definition into this folder (SVG, Mermaid, machine JSON).
// The files are committed; test/visualize-stale.test.ts fails when they no longer match the machines.
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { writeVisualizations } from '../src/inspect/visualize.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const started = performance.now();
const written = await writeVisualizations(here);
const ms = performance.now() - started;
for (const path of written) process.stdout.write(`wrote ${relative(process.cwd(), path)}\n`);
process.stdout.write(`${written.length} files in ${ms.toFixed(0)} ms\n`);
