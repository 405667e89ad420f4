/**
 * The Godot 4 tab of the GodotSteam tutorial as a game in the real Godot 4.6 web engine (test/godot/engine4.ts):
 * test/godot4-shim/ packed with the shipped godot/steam4.gd autoloaded as `Steam`, started with the command line
 * Steam would give it, its shim pointed at a `lobbykit serve` through the page's address. The driver's `LK <json>`
 * lines are read as events; every wait ends on a printed line, the engine's exit or its deadline.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeGodot, godotToPlain } from '../../src/codec/godot/index.js';
import type { Godot4Browser, Godot4Engine } from '../godot/engine4.js';
import { ROOT, type GameEvent } from './godot3-game.js';

const PROJECT = join(ROOT, 'test', 'godot4-shim');
export const SHIM4 = join(ROOT, 'godot', 'steam4.gd');

export interface Godot4GameOptions {
  /** Where `lobbykit serve` listens (the shim's `lobbykit_url`). */
  readonly url: string;
  /** The persona name the shim asks the service for (`lobbykit_name`). */
  readonly name: string;
  /** After the executable, as Steam starts a game: e.g. ['+connect_lobby', id]. */
  readonly args: readonly string[];
  /** res://driver.json for test/godot4-shim/driver.gd. */
  readonly driver: { readonly token: string; readonly chat: string };
  readonly deadlineMs: number;
}

/** The page address's query string that points the shim in a web export at `url`, as `name`. */
export function shimQuery(url: string, name: string): string {
  return `?${new URLSearchParams({ lobbykit_url: url, lobbykit_name: name }).toString()}`;
}

export class Godot4Game {
  private constructor(
    readonly label: string,
    readonly engine: Godot4Engine,
  ) {}

  /** The game in a new page of `browser`. */
  static async start(label: string, browser: Godot4Browser, options: Godot4GameOptions): Promise<Godot4Game> {
    const files: Record<string, string> = {};
    for (const name of readdirSync(PROJECT)) files[name] = readFileSync(join(PROJECT, name), 'utf8');
    files['steam.gd'] = readFileSync(SHIM4, 'utf8');
    files['driver.json'] = JSON.stringify(options.driver);
    const search = shimQuery(options.url, options.name);
    const engine = await browser.start({ files, args: options.args, search, timeoutMs: options.deadlineMs });
    return new Godot4Game(label, engine);
  }

  /** The first driver event `match` accepts (already printed or to come). */
  event(what: string, match: (e: GameEvent) => boolean): Promise<GameEvent> {
    return this.engine.waitForLine(`${this.label}: ${what}`, (line) => {
      const e = parseEvent(line);
      return e !== undefined && match(e) ? e : undefined;
    });
  }

  /** Every driver event of kind `ev` printed so far (in `stage`, when given). */
  all(ev: string, stage?: string): GameEvent[] {
    return this.engine.lines.map(parseEvent).filter((e): e is GameEvent => e?.ev === ev && (stage === undefined || e.stage === stage));
  }

  output(): string {
    return `${this.engine.lines.join('\n')}\n--- errors\n${this.engine.errors.join('\n')}`;
  }

  /** The Dictionary the game reported sending in `stage` (its own var_to_bytes, hex), as lobbykit reads it. */
  sent(stage: string): unknown {
    const found = this.all('sent', stage);
    if (found.length !== 1) throw new Error(`${this.label}: expected one "sent" event in ${stage}\n${this.output()}`);
    const decoded = decodeGodot(new Uint8Array(Buffer.from(found[0]!.hex as string, 'hex')), 4);
    if (!decoded.ok) throw new Error(`${this.label} sent bytes lobbykit cannot read: ${decoded.detail}`);
    return godotToPlain(decoded.value);
  }
}

function parseEvent(line: string): GameEvent | undefined {
  if (!line.startsWith('LK ')) return undefined;
  const value = JSON.parse(line.slice(3)) as unknown;
  return typeof value === 'object' && value !== null && typeof (value as { ev?: unknown }).ev === 'string' ? (value as GameEvent) : undefined;
}
