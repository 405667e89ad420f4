// The loopback backend in a browser page: bundled with esbuild for the browser (a Node-only API on its path would
// fail the bundle or the run), served from 127.0.0.1, and run in headless Chromium on the page's own WebSocket
// against a real `lobbykit serve` process. A page from another origin is turned away with a reason it can read.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { PageResult } from './fixtures/loopback-browser/page.js';

const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));
const available = existsSync(CHROMIUM);
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
if (!available && !inCi) {
  console.warn(`loopback-browser: SKIPPED — ${CHROMIUM} is missing (apt-get install chromium); CI fails instead of skipping.`);
}

const open: { browser?: Browser; http?: Server; serve?: ReturnType<typeof spawn> } = {};
afterAll(async () => {
  await open.browser?.close();
  await new Promise<void>((resolve) => (open.http === undefined ? resolve() : open.http.close(() => resolve())));
  open.serve?.kill('SIGKILL');
});

/** Starts `lobbykit serve --port 0` and resolves with its URL and its output so far. */
function startServe(): Promise<{ url: string; output: () => string }> {
  const child = spawn(process.execPath, ['bin/lobbykit.js', 'serve', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  open.serve = child;
  let stdout = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = stdout.match(/listening on (ws:\/\/127\.0\.0\.1:\d+)/);
      if (m !== null) resolve({ url: m[1]!, output: () => stdout });
    });
    child.on('close', (code) => reject(new Error(`lobbykit serve exited (${String(code)}) before listening: ${stdout}`)));
  });
}

/** Serves one page and its bundled script on 127.0.0.1 (any host name that resolves there reaches it too). */
async function servePage(script: string): Promise<number> {
  const html = '<!doctype html><meta charset="utf-8"><title>loopback</title><script type="module" src="/page.js"></script>';
  open.http = createServer((req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((resolve) => open.http!.listen(0, '127.0.0.1', resolve));
  return (open.http.address() as AddressInfo).port;
}

describe.skipIf(!available && !inCi)('the loopback backend in Chromium', () => {
  it('connects two backends over the page’s WebSocket, exchanges a packet and a chat line, and refuses a foreign page', async () => {
    expect(available, `${CHROMIUM} is required in CI`).toBe(true);
    const bundled = await build({
      entryPoints: [fileURLToPath(new URL('./fixtures/loopback-browser/page.ts', import.meta.url))],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const script = bundled.outputFiles[0]!.text;
    expect(script).not.toMatch(/(?<![A-Za-z])Buffer\./);

    const serve = await startServe();
    const port = await servePage(script);
    open.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        // A foreign site that happens to resolve to this machine: its pages still carry their own origin.
        '--host-resolver-rules=MAP game.evil.example 127.0.0.1',
      ],
    });
    const page = await open.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => 'runLoopback' in globalThis);
    const result = (await page.evaluate((url) => (globalThis as unknown as { runLoopback(u: string): Promise<PageResult> }).runLoopback(url), serve.url)) as PageResult;
    expect(result).toEqual({ packet: 'hello from Bob', chat: 'hi from Alice', packetFromBob: true, members: 2, nodeGlobals: [] });
    expect(errors).toEqual([]);
    expect(serve.output()).toMatch(/Alice \(\d+\) connected/);
    expect(serve.output()).toMatch(/Bob \(\d+\) joined lobby/);

    const foreign = await open.browser.newPage();
    await foreign.goto(`http://game.evil.example:${port}/`);
    await foreign.waitForFunction(() => 'runLoopback' in globalThis);
    const refused = await foreign.evaluate(
      (url) =>
        (globalThis as unknown as { runLoopback(u: string): Promise<PageResult> }).runLoopback(url).then(
          () => 'connected',
          (e: unknown) => String(e),
        ),
      serve.url,
    );
    expect(refused).toMatch(/closed the connection before welcoming this client \(code 1008, origin http:\/\/game\.evil\.example:\d+ not allowed; run lobbykit serve --allow-origin/);
    expect(serve.output()).toMatch(/refused a connection from the web page at http:\/\/game\.evil\.example/);
  });
});
