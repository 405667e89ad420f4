// "It runs where web-tech games run": the runtime, the codec and the simulated Steam bundled by esbuild for the
// browser and run in headless Chromium, where two runtimes on one virtual clock meet in a lobby and exchange game
// messages, and the codec writes the very bytes it writes under Node. Before that, every module the bundle takes
// from src/ is checked for Node-only APIs in code that runs (types and comments aside): the globals Buffer, process,
// require, global and setImmediate as the type checker resolves them, and `node:` imports.
// The one exception is the simulator's steamworks.js-shaped client, which hands out Buffers because the real
// steamworks.js does (a game's steamworks.js code runs against it unchanged); the runtime never calls it.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { createPacketCodec } from '../src/codec/index.js';
import type { PageResult } from './fixtures/runtime-browser/page.js';
import { CODEC_SAMPLES } from './fixtures/runtime-browser/samples.js';

const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));
const available = existsSync(CHROMIUM);
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
if (!available && !inCi) {
  console.warn(`runtime-browser: SKIPPED — ${CHROMIUM} is missing (apt-get install chromium); CI fails instead of skipping.`);
}

/** Node's Buffer is allowed here only: it mimics steamworks.js, whose packets are Buffers. */
const BUFFER_ALLOWED = new Set(['src/effects/sim/steamworks/client.ts']);
const NODE_GLOBALS = new Set(['Buffer', 'process', 'require', 'global', 'setImmediate', '__dirname', '__filename']);

/**
 * Each use of a Node-only global or `node:` module in code that runs, in the files at `paths` (relative to the
 * root). A name counts when the type checker resolves it to @types/node's declaration: a local `process` or a
 * property called `require` does not, and neither does a type.
 */
function nodeOnlyUses(paths: readonly string[]): string[] {
  const { options } = ts.convertCompilerOptionsFromJson(
    (JSON.parse(readFileSync(`${root}/tsconfig.json`, 'utf8')) as { compilerOptions: object }).compilerOptions,
    root,
  );
  const program = ts.createProgram({ rootNames: paths.map((p) => `${root}/${p}`), options: { ...options, noEmit: true } });
  const checker = program.getTypeChecker();
  const fromNode = (id: ts.Identifier): boolean =>
    checker.getSymbolAtLocation(id)?.declarations?.some((d) => d.getSourceFile().fileName.includes('/node_modules/@types/node/')) === true;
  const found: string[] = [];
  for (const path of paths) {
    const file = program.getSourceFile(`${root}/${path}`)!;
    const where = (node: ts.Node) => `${path}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
        const typeOnly = ts.isImportDeclaration(node) ? node.importClause?.isTypeOnly === true : node.isTypeOnly;
        if (!typeOnly && node.moduleSpecifier.text.startsWith('node:')) found.push(`${where(node)} imports ${node.moduleSpecifier.text}`);
        return;
      }
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const [specifier] = node.arguments;
        if (specifier !== undefined && ts.isStringLiteral(specifier) && specifier.text.startsWith('node:')) found.push(`${where(node)} imports ${specifier.text}`);
      }
      if (ts.isIdentifier(node) && NODE_GLOBALS.has(node.text) && fromNode(node)) found.push(`${where(node)} uses ${node.text}`);
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return found;
}

const open: { browser?: Browser } = {};
afterAll(async () => {
  await open.browser?.close();
});

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Messages recorded as `channel:from:value`, grouped by channel in their order. */
function byChannel(messages: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of messages) (out[m.slice(0, m.indexOf(':'))] ??= []).push(m);
  return out;
}

describe('the runtime, the codec and the simulated Steam in a browser', () => {
  it('bundle for the browser with no Node-only API in any module they take from src/', async () => {
    const bundled = await bundle();
    const inputs = Object.keys(bundled.metafile.inputs).filter((p) => p.startsWith('src/'));
    // The bundle takes what it says it does: the runtime, its machines, the codec and the simulator.
    for (const part of ['src/runtime.ts', 'src/runtime/packet-router.ts', 'src/codec/packet-codec.ts', 'src/codec/godot/gzip.ts', 'src/effects/sim/network.ts']) {
      expect(inputs).toContain(part);
    }
    const uses = nodeOnlyUses(inputs);
    expect(uses.filter((use) => !(use.endsWith(' uses Buffer') && BUFFER_ALLOWED.has(use.slice(0, use.indexOf(':')))))).toEqual([]);
    // The check sees what it must: the allowed client's Buffer, found in the same way.
    expect(uses.some((use) => use.startsWith('src/effects/sim/steamworks/client.ts:') && use.endsWith(' uses Buffer'))).toBe(true);
  });

  it.skipIf(!available && !inCi)('run two runtimes in headless Chromium that meet, connect and exchange messages, and encode as Node does', async () => {
    expect(available, `${CHROMIUM} is required in CI`).toBe(true);
    const script = (await bundle()).outputFiles[0]!.text;
    open.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const page = await open.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent('<!doctype html><meta charset="utf-8"><title>runtimes</title>');
    await page.addScriptTag({ content: script, type: 'module' });
    await page.waitForFunction(() => 'runRuntimes' in globalThis, undefined, { timeout: 10_000 });
    const result = (await page.evaluate(() => (globalThis as unknown as { runRuntimes(): PageResult }).runRuntimes())) as PageResult;

    expect(errors).toEqual([]);
    expect(result.nodeGlobals).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.members).toEqual(['Host:self', 'Guest:connected']);
    expect(result.connectedAtFrame).toBeLessThan(600);
    // Order holds within a channel; channels are independent (the unreliable ones may overtake the reliable one).
    expect(byChannel(result.hostReceived)).toEqual(byChannel([
      `1:Guest:${JSON.stringify({ hello: 'from the guest', id: '76561197960265730' })}`,
      ...[0, 1, 2].map((i) => `2:Guest:${JSON.stringify({ x: i, y: -i })}`),
    ]));
    expect(byChannel(result.guestReceived)).toEqual(byChannel([
      `1:Host:${JSON.stringify({ hello: 'from the host', at: [1.5, -0.25] })}`,
      `3:Host:${JSON.stringify({ map: Array.from({ length: 60 }, (_, i) => `tile ${i % 7}`) })}`,
    ]));

    // The same values encoded under Node: the browser's frames are byte for byte the same.
    const codec = createPacketCodec();
    const nodeFrames = CODEC_SAMPLES.map((sample) => {
      const encoded = codec.encode(sample.value, sample.options);
      if (!encoded.ok) throw new Error(encoded.detail);
      return hex(encoded.value);
    });
    expect(result.frames).toEqual(nodeFrames);
    expect(result.framesRoundTrip).toBe(true);
    expect(result.taggedBytes).toBe(Buffer.from(Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) & 0xff)).toString('base64'));
    expect(result.godotRoundTrip).toBe(true);
  });
});

let bundled: ReturnType<typeof bundleOnce> | undefined;
/** The page bundled once for both tests. */
function bundle(): ReturnType<typeof bundleOnce> {
  return (bundled ??= bundleOnce());
}

async function bundleOnce() {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./fixtures/runtime-browser/page.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: root,
  });
  return { ...result, metafile: { inputs: Object.fromEntries(Object.entries(result.metafile.inputs).map(([p, v]) => [relative(root, `${root}/${p}`), v])) } };
}
