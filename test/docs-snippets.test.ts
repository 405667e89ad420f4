// Every TypeScript block in docs/*.md runs as written (imports of the package resolved to the sources), and what
// it prints is what its `// → …` comments say.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'test-output', 'docs-snippets');
const SOURCES: Readonly<Record<string, string>> = {
  lobbykit: 'src/index.ts',
  'lobbykit/testing': 'src/testing.ts',
  'lobbykit/inspect': 'src/inspect/index.ts',
  'lobbykit/machines': 'src/machines/index.ts',
};

function blocks(doc: string): string[] {
  return [...readFileSync(join(root, 'docs', doc), 'utf8').matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

// Pages whose snippets need a running service or engine have tests of their own (docs-loopback, godot3-play).
const OWN_TESTS: ReadonlySet<string> = new Set(['loopback.md', 'godot.md', 'godot-shim.md', 'godot-wire-format.md', 'steamworks.md', 'electron.md']);
const docs = readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md') && !OWN_TESTS.has(name));
const cases = docs.flatMap((doc) => blocks(doc).map((code, i) => [`${doc} block ${i + 1}`, code] as const));

afterEach(() => vi.restoreAllMocks());

describe('docs snippets', () => {
  it('finds the snippets', () => {
    expect(cases.map(([name]) => name)).toContain('visualizations.md block 1');
  });

  it.each(cases)('%s runs and prints what it says', async (name, code) => {
    const source = code
      .replace(/from '(lobbykit[^']*)'/g, (_m, spec: string) => `from '${pathToFileURL(join(root, SOURCES[spec] ?? spec)).href}'`)
      // A game reads the package's shipped files from node_modules; here the repository is the package.
      .replaceAll('node_modules/lobbykit/', '');
    mkdirSync(out, { recursive: true });
    const file = join(out, `${name.replace(/[^a-z0-9]+/gi, '-')}.ts`);
    writeFileSync(file, `${source}\nexport {};\n`);
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.map((a) => JSON.stringify(a)).join(' ')));
    // Paths in the snippets are a game's, relative to its root: this repository stands for it (npm test runs here).
    expect(process.cwd()).toBe(root.replace(/\/$/, ''));
    await import(pathToFileURL(file).href);
    const said = [...code.matchAll(/\/\/ → (.+)$/gm)].map((m) => m[1]!.trim());
    expect(printed).toEqual(said);
  });
});
