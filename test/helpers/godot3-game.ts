/**
 * Real processes for the Godot 3 shim tests: `lobbykit serve` (the command users type) and headless Godot 3 games
 * built from test/godot3-shim/ with the shipped godot/steam.gd autoloaded as `Steam`. Both are read line by line;
 * every wait resolves on an output line and rejects when the process exits first or a deadline passes, so no test
 * sleeps and none hangs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROJECT = join(ROOT, 'test', 'godot3-shim');
export const SHIM = join(ROOT, 'godot', 'steam.gd');

/** What a game's driver prints: `LK {"ev": ..., ...}`, Steam IDs as decimal strings. */
export type GameEvent = Readonly<Record<string, unknown>> & { readonly ev: string };

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A child process whose stdout is read as lines, with waits on them. */
export class LineProcess {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<Exit>;
  private readonly waiters = new Set<() => void>();
  private partial = '';
  private done = false;

  constructor(
    readonly label: string,
    readonly child: ChildProcess,
    deadlineMs: number,
  ) {
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop() ?? '';
      for (const line of parts) this.lines.push(line);
      for (const wake of [...this.waiters]) wake();
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (this.stderr += chunk));
    // A process that outlives its deadline is killed, so a stuck engine fails the test instead of hanging it.
    const guard = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    this.exited = new Promise((resolve) =>
      child.on('close', (code, signal) => {
        clearTimeout(guard);
        if (this.partial !== '') this.lines.push(this.partial);
        this.done = true;
        for (const wake of [...this.waiters]) wake();
        resolve({ code, signal });
      }),
    );
  }

  /** Resolves with the first line (already printed or to come) that `match` accepts. */
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
        if (this.done) {
          this.waiters.delete(check);
          reject(new Error(`${this.label} exited before ${what}\n--- stdout\n${this.lines.join('\n')}\n--- stderr\n${this.stderr}`));
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  output(): string {
    return this.lines.join('\n');
  }
}

/** `node bin/lobbykit.js serve --port 0`, resolved once it prints where it listens. */
export async function startServe(deadlineMs: number): Promise<{ process: LineProcess; url: string }> {
  const child = spawn(process.execPath, ['bin/lobbykit.js', 'serve', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const serve = new LineProcess('lobbykit serve', child, deadlineMs);
  const url = await serve.waitForLine('listening', (line) => /listening on (ws:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1]);
  return { process: serve, url };
}

/** A Godot project as files (paths relative to res://) and where in it the shipped shim goes. */
export interface GameProject {
  readonly files: Readonly<Record<string, string>>;
  readonly shimAt: string;
}

/** test/godot3-shim/: the tutorial's lobby (lobby.gd) and its driver, the impostor and the probe; the shim at res://steam.gd. */
export function tutorialProject(): GameProject {
  const files: Record<string, string> = {};
  for (const name of readdirSync(PROJECT)) files[name] = readFileSync(join(PROJECT, name), 'utf8');
  return { files, shimAt: 'steam.gd' };
}

export interface GameOptions {
  readonly bin: string;
  readonly url: string;
  /** LOBBYKIT_NAME: the persona name the shim asks the service for. */
  readonly name: string;
  readonly env?: Readonly<Record<string, string>>;
  /** After the executable, e.g. ['+connect_lobby', id] as Steam launches a game. */
  readonly args?: readonly string[];
  readonly deadlineMs: number;
  /** Default: tutorialProject(). */
  readonly project?: GameProject;
}

/** A Godot game: a project written to a fresh directory, with the shipped shim where the project expects it. */
export class Game extends LineProcess {
  constructor(label: string, options: GameOptions) {
    const dir = mkdtempSync(join(tmpdir(), 'lobbykit-godot3-shim-'));
    const project = options.project ?? tutorialProject();
    for (const [name, text] of Object.entries(project.files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    mkdirSync(dirname(join(dir, project.shimAt)), { recursive: true });
    copyFileSync(SHIM, join(dir, project.shimAt));
    // Run from the project folder with no engine flags, so the game's own arguments come first, as under Steam.
    const child = spawn(options.bin, [...(options.args ?? [])], {
      cwd: dir,
      env: { ...process.env, LANG: 'C.UTF-8', HOME: dir, LOBBYKIT_URL: options.url, LOBBYKIT_NAME: options.name, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    super(label, child, options.deadlineMs);
    void this.exited.then(() => rmSync(dir, { recursive: true, force: true }));
  }

  /** The first driver event `match` accepts (already printed or to come). */
  event(what: string, match: (e: GameEvent) => boolean): Promise<GameEvent> {
    return this.waitForLine(what, (line) => {
      const e = parseEvent(line);
      return e !== undefined && match(e) ? e : undefined;
    });
  }

  /** Every driver event of kind `ev` printed so far. */
  all(ev: string): GameEvent[] {
    return this.lines.map(parseEvent).filter((e): e is GameEvent => e?.ev === ev);
  }
}

function parseEvent(line: string): GameEvent | undefined {
  if (!line.startsWith('LK ')) return undefined;
  const value = JSON.parse(line.slice(3)) as unknown;
  return typeof value === 'object' && value !== null && typeof (value as { ev?: unknown }).ev === 'string' ? (value as GameEvent) : undefined;
}
