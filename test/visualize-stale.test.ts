import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderVisualizations } from '../src/inspect/visualize.js';

const folder = fileURLToPath(new URL('../visualizations/', import.meta.url));
const GENERATED = /\.(svg|mmd|json)$/;

describe('committed visualizations', () => {
  it('match what the machines draw today', async () => {
    const fresh = await renderVisualizations();
    const committed = readdirSync(folder).filter((name) => GENERATED.test(name)).sort();
    expect(committed, 'files in visualizations/ differ from the machines: run `npm run visualize`').toEqual(
      fresh.map((file) => file.name).sort(),
    );
    const stale = fresh
      .filter((file) => readFileSync(`${folder}${file.name}`, 'utf8') !== file.contents)
      .map((file) => file.name);
    expect(stale, `stale: ${stale.join(', ')} — run \`npm run visualize\` and commit the result`).toEqual([]);
  });
});
