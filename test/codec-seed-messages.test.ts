// The seed tutorial's messages that the demo, the codec benchmark and these tests share. What they must be comes
// from the tutorial's GDScript (a handshake `{message, from}`, LOBBY_MEMBERS entries `{steam_id, steam_name}`),
// from Steam's id layout (individual accounts from 76561197960265728), and from docs/benchmarks.md, whose JSON
// sizes (248 B and 14,196 B) pin every generated number and name: a change in the generator changes them.
import { describe, expect, it } from 'vitest';
import { SEED_LOBBY_ID, SEED_LOCAL_STEAM_ID, jsonSafe, seedHandshake, seedLobbySnapshot, seedStateUpdate } from '../src/codec/seed-messages.js';

const INDIVIDUAL_BASE = 76561197960265728n;
const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(jsonSafe(value))).length;

describe('the seed tutorial messages', () => {
  it('the handshake is the tutorial dictionary from the local account', () => {
    expect(seedHandshake()).toEqual({ message: 'handshake', from: SEED_LOCAL_STEAM_ID });
    expect(SEED_LOCAL_STEAM_ID - INDIVIDUAL_BASE).toBe(62_191_061n);
  });

  it('a state update is 8 players on quarter units with health 0 to 100, the same on every call', () => {
    const update = seedStateUpdate();
    expect(update.players).toHaveLength(8);
    for (const p of update.players) {
      for (const c of [p.x, p.y]) {
        expect(Number.isInteger(c * 4)).toBe(true);
        expect(c).toBeGreaterThanOrEqual(0);
        expect(c).toBeLessThan(50);
      }
      expect(Number.isInteger(p.hp) && p.hp >= 0 && p.hp <= 100).toBe(true);
    }
    expect(new Set(update.players.map((p) => `${p.x},${p.y}`)).size).toBeGreaterThan(4);
    expect(seedStateUpdate()).toEqual(update);
    expect(jsonBytes(update)).toBe(248);
  });

  it('a lobby snapshot is 250 members of individual accounts with syllable names, the same on every call', () => {
    const snapshot = seedLobbySnapshot();
    expect(snapshot.lobby_id).toBe(SEED_LOBBY_ID);
    expect(snapshot.members).toHaveLength(250);
    for (const m of snapshot.members) {
      expect(m.steam_id >= INDIVIDUAL_BASE && m.steam_id < INDIVIDUAL_BASE + 1_200_000_000n).toBe(true);
      expect(m.steam_name).toMatch(/^[A-Z][a-z]{3,9}\d{0,3}$/);
    }
    expect(new Set(snapshot.members.map((m) => m.steam_id)).size).toBeGreaterThan(240);
    expect(snapshot.members.some((m) => /\d$/.test(m.steam_name))).toBe(true);
    expect(snapshot.members.some((m) => !/\d$/.test(m.steam_name))).toBe(true);
    expect(seedLobbySnapshot()).toEqual(snapshot);
    expect(jsonBytes(snapshot)).toBe(14_196);
  });

  it('jsonSafe writes bigints as decimal strings at any depth and leaves everything else', () => {
    expect(jsonSafe({ a: [1n, { b: 2n, c: 'x', d: null, e: true }], f: 3.5 })).toEqual({ a: ['1', { b: '2', c: 'x', d: null, e: true }], f: 3.5 });
    expect(jsonSafe(-76561197960265728n)).toBe('-76561197960265728');
  });
});
