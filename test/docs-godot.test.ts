/**
 * docs/godot-wire-format.md stays true: its TypeScript snippets run (against the sources, with their own asserts),
 * and every JSON shape in its table is one godotValueFromJson accepts and prints back unchanged, encodable in exactly
 * the versions the table lists.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeGodot, godotValueFromJson, godotValueToJson } from '../src/codec/godot/index.js';

const DOC = readFileSync(resolve('docs/godot-wire-format.md'), 'utf8');
const CODEC = resolve('src/codec/index.ts');

const snippets = [...DOC.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** Table rows: `| type | `json` | versions |`, where versions is "3, 4" (both), "3", "4", or "3 / 4" (a v4 example). */
const rows = DOC.split('\n')
  .map((line) => /^\| (.+?) \| `(\{.*\})` \| ([34 ,/]+) \|$/.exec(line))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => ({ type: m[1]!, json: m[2]!, versions: m[3]! }));

describe('docs/godot-wire-format.md', () => {
  it('has snippets and a table to check', () => {
    expect(snippets.length).toBeGreaterThan(0);
    expect(rows.length).toBeGreaterThanOrEqual(25);
  });

  it.each(snippets.map((code, i) => [i, code] as const))('snippet %i runs', async (i, code) => {
    const dir = resolve('test-output/docs');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `godot-wire-format-${i}.ts`);
    writeFileSync(file, code.replaceAll("from 'lobbykit/codec'", `from ${JSON.stringify(CODEC)}`));
    await import(pathToFileURL(file).href);
  });

  it.each(rows.map((r) => [r.type, r] as const))('the JSON shown for %s reads, prints back unchanged and encodes where listed', (_type, row) => {
    const parsed = godotValueFromJson(JSON.parse(row.json));
    if (!parsed.ok) throw new Error(parsed.detail);
    expect(JSON.stringify(godotValueToJson(parsed.value))).toBe(row.json);
    const versions = row.versions.includes('/') ? [4] : row.versions.split(',').map((v) => Number(v.trim()));
    for (const version of [3, 4] as const) {
      const encode = (): Uint8Array => encodeGodot(parsed.value, version);
      if (versions.includes(version)) expect(encode).not.toThrow();
      else expect(encode).toThrow(/not a Godot|Godot 3|no typed/);
    }
  });
});
