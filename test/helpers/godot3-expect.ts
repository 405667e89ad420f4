/**
 * Reading what the tutorial's driver (test/godot3-shim/driver.gd) printed, for the tests that put lobbykit beside
 * real Godot 3 games: one event of a kind, a game's own id, the Dictionary it said it sent, and a clean exit.
 */
import { expect } from 'vitest';
import { decodeGodot3, godotToPlain } from '../../src/codec/godot/index.js';
import type { Game, GameEvent } from './godot3-game.js';

export function one(game: Game, ev: string, match: (e: GameEvent) => boolean = () => true): GameEvent {
  const found = game.all(ev).filter(match);
  expect(found, `${game.label}: one "${ev}" event; its output:\n${game.output()}`).toHaveLength(1);
  return found[0]!;
}

/** The Steam ID the service gave the game, as it printed it. */
export function idOf(game: Game): string {
  return one(game, 'ready').id as string;
}

/** The Dictionary a game reported sending (its own var2bytes, hex), as lobbykit reads it. */
export function sentBy(game: Game): unknown {
  const hex = one(game, 'sent').hex as string;
  const decoded = decodeGodot3(new Uint8Array(Buffer.from(hex, 'hex')));
  if (!decoded.ok) throw new Error(`${game.label} sent bytes lobbykit cannot read: ${decoded.detail}`);
  return godotToPlain(decoded.value);
}

export async function exitCleanly(...games: Game[]): Promise<void> {
  const exits = await Promise.all(games.map((g) => g.exited));
  exits.forEach((exit, i) => {
    const g = games[i]!;
    expect(exit, `${g.label} exit\n--- stdout\n${g.output()}\n--- stderr\n${g.stderr}`).toEqual({ code: 0, signal: null });
    expect(g.all('fail'), g.label).toEqual([]);
  });
}
