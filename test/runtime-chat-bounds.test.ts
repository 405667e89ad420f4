// sendChat's bounds, from the rules: Steam's SendLobbyChatMsg carries at most 4 KB (4,096 bytes, steam-facts.md),
// counted in UTF-8; a lone surrogate cannot be carried by UTF-8; text starting with a NUL would read as one of
// lobbykit's notices (docs/capabilities.md), so it is refused. Anything else, the empty line included, goes out.
import { afterEach, describe, expect, it } from 'vitest';
import { createRuntimeWorld, hostLobby, type Player, type RuntimeWorld } from './helpers/runtime-world.js';

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

async function lobbyOfTwo(): Promise<{ w: RuntimeWorld; me: Player; other: Player }> {
  const w = createRuntimeWorld('simulated');
  world = w;
  const [me, other] = [w.player(0), w.player(1)];
  void other.runtime.joinLobby(await hostLobby(w, me, { maxMembers: 4 }));
  expect(await w.runUntil(() => me.runtime.allConnected() && other.runtime.allConnected(), 5_000)).toBe(true);
  return { w, me, other };
}

describe('sendChat bounds', () => {
  it('sends up to 4,096 UTF-8 bytes and refuses one byte more as too-large', async () => {
    const { w, me, other } = await lobbyOfTwo();
    const lines = ['a'.repeat(4096), 'é'.repeat(2048), '€'.repeat(1365) + 'a'];
    for (const line of lines) expect(me.runtime.sendChat(line)).toEqual({ ok: true });
    for (const line of ['a'.repeat(4097), 'é'.repeat(2048) + 'a', '€'.repeat(1366)]) {
      expect(me.runtime.sendChat(line)).toMatchObject({ ok: false, error: { kind: 'send-refused', command: 'sendChat', code: 'too-large' } });
    }
    await w.run(300);
    expect(other.chat.map((c) => c.text)).toEqual(lines);
  });

  it('refuses a lone surrogate as unencodable and text starting with NUL as invalid-argument; sends the empty line', async () => {
    const { w, me, other } = await lobbyOfTwo();
    const before = me.runtime.stats().sendsRefused;
    expect(me.runtime.sendChat('\ud800')).toMatchObject({ ok: false, error: { kind: 'send-refused', code: 'unencodable' } });
    expect(me.runtime.sendChat('\0kick')).toMatchObject({ ok: false, error: { kind: 'send-refused', code: 'invalid-argument' } });
    expect(me.runtime.stats().sendsRefused - before).toBe(2);
    expect(me.runtime.sendChat('')).toEqual({ ok: true });
    expect(me.runtime.sendChat('a\0b')).toEqual({ ok: true });
    await w.run(300);
    expect(other.chat.map((c) => c.text)).toEqual(['', 'a']);
  });
});
