// A member who enters a lobby after a kick knows about it: when the kicked user comes back, nobody lists them or
// reads their packets, not for a single frame, whether they come back after the newcomer entered or at the same
// moment (so that Steam's member list at the newcomer's entry still has them). Before, a newcomer listed the
// returning user and delivered their packets until the owner had kicked them again.
// A member already in the lobby when the owner publishes an expulsion drops whoever it names that it had admitted.
// A backend that throws while the list is read is an `internal` error, never a throw into tick(); one that refuses
// to publish it is a `backend-refused` error of the kick (README, errors). A user kicked again is the newest in the
// list, so a full list drops older ids first, and one who keeps coming back is kicked each time without the list
// being written again (expulsions.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { createPacketCodec } from '../src/codec/packet-codec.js';
import { P2PSendType } from '../src/effects/backend.js';
import { EXPELLED_LOBBY_DATA_KEY, formatExpelled, parseExpelled } from '../src/runtime/expulsions.js';
import { createLobbyRuntime } from '../src/runtime.js';
import { createRuntimeWorld, userId, type Player, type RuntimeWorld } from './helpers/runtime-world.js';
import { ThinMember } from './helpers/thin-member.js';

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

interface Stage {
  readonly w: RuntimeWorld;
  readonly host: Player;
  readonly early: Player;
  readonly late: Player;
  readonly kicked: ThinMember;
  readonly lobbyId: bigint;
  /** Every frame on which someone listed the kicked user or got a message from them. */
  readonly sightings: string[];
}

async function stage(): Promise<Stage> {
  const w = createRuntimeWorld('simulated', 17);
  world = w;
  // The newcomer ticks first in every frame, so it hears of a returning user before the owner can kick them again.
  const late = w.player(2);
  const host = w.player(0);
  const early = w.player(1);
  const kicked = new ThinMember(w.sim.user({ id: userId(7), name: 'kicked' }));
  const created = host.runtime.createLobby({ maxMembers: 8 });
  await w.runUntil(() => host.runtime.lobbyState().status === 'joined', 5_000);
  const lobby = await created;
  if (!lobby.ok) throw new Error(lobby.error.reason);
  void early.runtime.joinLobby(lobby.lobbyId);
  kicked.backend.joinLobby(lobby.lobbyId);
  w.everyFrame(() => kicked.tick());
  expect(await w.runUntil(() => host.runtime.allConnected() && early.runtime.allConnected() && host.runtime.members().length === 3, 10_000)).toBe(true);
  expect(host.runtime.kick(kicked.id)).toEqual({ ok: true });
  await w.run(1_000);
  expect(w.sim.steam.lobby(lobby.lobbyId)?.members).not.toContain(kicked.id);

  const sightings: string[] = [];
  const inboxes = new Map([host, early, late].map((p) => [p, p.listen(1)] as const));
  const codec = createPacketCodec();
  const message = codec.encode({ from: 'kicked' }, { channel: 1 });
  if (!message.ok) throw new Error(message.detail);
  let frame = 0;
  w.everyFrame(() => {
    frame++;
    // The kicked user sends to everyone it can, every frame.
    for (const p of [host, early, late]) kicked.backend.sendP2P(p.id, message.value, P2PSendType.reliable, 1);
    for (const [p, inbox] of inboxes) {
      const name = p.backend.localUserName();
      if (p.runtime.members().some((m) => m.id === kicked.id)) sightings.push(`frame ${frame}: ${name} lists them`);
      for (const m of inbox.splice(0)) if (m.from === kicked.id) sightings.push(`frame ${frame}: ${name} got their message`);
    }
  });
  return { w, host, early, late, kicked, lobbyId: lobby.lobbyId, sightings };
}

describe('expulsions are known to members who come after them', () => {
  it('the kicked user comes back after a newcomer entered: nobody lists them or reads them', async () => {
    const { w, host, early, late, kicked, lobbyId, sightings } = await stage();
    const joined = late.runtime.joinLobby(lobbyId);
    expect(await w.runUntil(() => late.runtime.allConnected() && host.runtime.members().length === 3, 10_000)).toBe(true);
    expect((await joined).ok).toBe(true);
    for (let attempt = 0; attempt < 3; attempt++) {
      kicked.backend.joinLobby(lobbyId);
      await w.run(2_000);
    }
    expect(sightings).toEqual([]);
    expect(late.runtime.stats().expelledRejoins).toBe(3);
    expect(w.sim.steam.lobby(lobbyId)?.members).toEqual([host.id, early.id, late.id]);
    for (const p of [host, early, late]) expect(p.runtime.allConnected()).toBe(true);
  });

  it('the kicked user comes back in the same instant a newcomer enters: the newcomer never admits them', async () => {
    const { w, host, late, kicked, lobbyId, sightings } = await stage();
    kicked.backend.joinLobby(lobbyId);
    const joined = late.runtime.joinLobby(lobbyId);
    expect(await w.runUntil(() => late.runtime.allConnected() && host.runtime.members().length === 3, 10_000)).toBe(true);
    expect((await joined).ok).toBe(true);
    await w.run(2_000);
    expect(sightings).toEqual([]);
    expect(late.sessionsOf('peer.connected').map((e) => e.remoteId)).not.toContain(kicked.id);
    expect(late.runtime.allConnected()).toBe(true);
  });
});

describe('the published list of expulsions', () => {
  it('keeps the newest ids that fit in one lobby data value (8,192 bytes), and reads back exactly those', () => {
    const ids = Array.from({ length: 1_000 }, (_, i) => 76561198000000000n + BigInt(i));
    const text = formatExpelled(ids);
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(8192);
    // 17 digits and a comma per id: 8,192 bytes hold 455 of them.
    const kept = Math.floor((8192 + 1) / 18);
    expect(parseExpelled(text)).toEqual(ids.slice(-kept));
  });

  it('skips whatever is not a Steam id in decimal', () => {
    const text = ['76561198000000001', '', ' 76561198000000002', '-5', '0', '18446744073709551616', '0x10', '7e3', '42'].join(',');
    expect(parseExpelled(text)).toEqual([76561198000000001n, 42n]);
    expect(parseExpelled('')).toEqual([]);
  });
});

describe('formatting the published list', () => {
  it('writes decimal ids joined by commas, newest last, nothing around them', () => {
    expect(formatExpelled([76561198000000001n, 42n, 76561198000000003n])).toBe('76561198000000001,42,76561198000000003');
    expect(formatExpelled([42n])).toBe('42');
    expect(formatExpelled([])).toBe('');
  });

  it('keeps every id when the list is exactly one full value (8,192 bytes)', () => {
    // "42," is 3 bytes and 455 ids of 17 digits joined by commas are 455 * 18 - 1: 8,192 in all.
    const ids = [42n, ...Array.from({ length: 455 }, (_, i) => 76561198000000000n + BigInt(i))];
    const text = formatExpelled(ids);
    expect(Buffer.byteLength(text, 'utf8')).toBe(8192);
    expect(parseExpelled(text)).toEqual(ids);
  });
});

describe('an expulsion the owner publishes while we are in the lobby', () => {
  /** Host, a member with a runtime, and a thin member `x` every one of them has admitted and is connected with. */
  async function inLobby() {
    const w = createRuntimeWorld('simulated', 23);
    world = w;
    const host = w.player(0);
    const member = w.player(1);
    const x = new ThinMember(w.sim.user({ id: userId(7), name: 'x' }));
    const created = host.runtime.createLobby({ maxMembers: 8 });
    await w.runUntil(() => host.runtime.lobbyState().status === 'joined', 5_000);
    const lobby = await created;
    if (!lobby.ok) throw new Error(lobby.error.reason);
    void member.runtime.joinLobby(lobby.lobbyId);
    x.backend.joinLobby(lobby.lobbyId);
    w.everyFrame(() => x.tick());
    expect(await w.runUntil(() => member.runtime.allConnected() && member.runtime.members().length === 3, 10_000)).toBe(true);
    const inbox = member.listen(1);
    const codec = createPacketCodec();
    const message = codec.encode({ from: 'x' }, { channel: 1 });
    if (!message.ok) throw new Error(message.detail);
    const fromX = () => inbox.filter((m) => m.from === x.id).length;
    x.backend.sendP2P(member.id, message.value, P2PSendType.reliable, 1);
    expect(await w.runUntil(() => fromX() === 1, 2_000)).toBe(true);
    // x keeps sending to the member every frame from now on.
    w.everyFrame(() => void x.backend.sendP2P(member.id, message.value, P2PSendType.reliable, 1));
    return { w, host, member, x, lobbyId: lobby.lobbyId, fromX };
  }

  it('drops a member we had admitted: out of the list, told to the game as kicked by the owner, no more packets', async () => {
    const { w, host, member, x, lobbyId, fromX } = await inLobby();
    const absent = userId(9);
    // The owner's word, as its backend writes it (only the owner can write lobby data); `absent` never entered.
    host.backend.setLobbyData(lobbyId, EXPELLED_LOBBY_DATA_KEY, `${absent},${x.id}`);
    await w.run(500);
    expect(new Set(member.runtime.members().map((m) => m.id))).toEqual(new Set([member.id, host.id]));
    const dismissed = member.sessionsOf('member.dismissed');
    expect(dismissed).toEqual([{ type: 'member.dismissed', memberId: x.id, change: 'kicked', by: host.id }]);
    const heard = fromX();
    await w.run(1_000);
    expect(fromX()).toBe(heard);
    // x's sends open a new session request, which is refused as theirs.
    expect(member.errorsOf('session-refused').map((e) => [e.remoteId, e.code])).toContainEqual([x.id, 'expelled']);
  });

  it("refuses the game lobbykit's own lobby data keys, so no game call can let a kicked user back in", async () => {
    const { w, host, member, x, lobbyId } = await inLobby();
    expect(host.runtime.kick(x.id).ok).toBe(true);
    await w.run(500);
    const published = host.backend.getLobbyData(lobbyId, EXPELLED_LOBBY_DATA_KEY);
    expect(published).toBe(String(x.id));
    for (const key of [EXPELLED_LOBBY_DATA_KEY, 'lobbykit:started', 'lobbykit:anything']) {
      const wiped = host.runtime.setLobbyData(key, '');
      expect(wiped).toMatchObject({ ok: false, error: { kind: 'invalid-argument', command: 'setLobbyData' } });
    }
    expect(host.backend.getLobbyData(lobbyId, EXPELLED_LOBBY_DATA_KEY)).toBe(published);
    expect(host.runtime.setLobbyData('lobbykit', 'a key of the game')).toEqual({ ok: true });
    const made = await member.runtime.createLobby({ data: { 'lobbykit:expelled': '' } });
    expect(made).toMatchObject({ ok: false, error: { kind: 'invalid-argument', command: 'createLobby' } });
  });

  it('never takes the owner for expelled, even when the owner names itself', async () => {
    const { w, host, member, x, lobbyId } = await inLobby();
    host.backend.setLobbyData(lobbyId, EXPELLED_LOBBY_DATA_KEY, `${host.id},${x.id}`);
    await w.run(500);
    expect(member.runtime.members().map((m) => m.id)).toContain(host.id);
    expect(member.sessionsOf('member.dismissed').map((e) => e.memberId)).toEqual([x.id]);
    expect(member.runtime.allConnected()).toBe(true);
  });
});

describe('the list, against a backend that throws or refuses', () => {
  /** A host in its lobby. */
  async function hosted(seed: number) {
    const w = createRuntimeWorld('simulated', seed);
    world = w;
    const host = w.player(0);
    const created = host.runtime.createLobby({ maxMembers: 8 });
    await w.runUntil(() => host.runtime.lobbyState().status === 'joined', 5_000);
    const lobby = await created;
    if (!lobby.ok) throw new Error(lobby.error.reason);
    return { w, host, lobbyId: lobby.lobbyId };
  }

  it('a newcomer whose backend throws on reading lobby data still enters: an internal error, and the game loop goes on', async () => {
    const { w, host, lobbyId } = await hosted(29);
    const late = w.player(1);
    // README, errors: a throw is caught and reported as `internal`, never thrown into the game's tick().
    Object.assign(late.backend, {
      getLobbyData: () => {
        throw new Error('lobby data unreadable');
      },
    });
    const joined = late.runtime.joinLobby(lobbyId);
    expect(await w.runUntil(() => late.runtime.allConnected() && host.runtime.allConnected(), 10_000)).toBe(true);
    expect(await joined).toEqual({ ok: true, lobbyId });
    expect(late.errorsOf('internal').map((e) => e.reason)).toContain('lobby data unreadable');
    expect(new Set(late.runtime.members().map((m) => m.id))).toEqual(new Set([host.id, late.id]));
  });

  it('a list the backend refuses to publish (ownership moved mid-kick) is a backend-refused error of the kick', async () => {
    const { w, host, lobbyId } = await hosted(31);
    const member = w.player(1);
    void member.runtime.joinLobby(lobbyId);
    expect(await w.runUntil(() => host.runtime.allConnected() && host.runtime.members().length === 2, 10_000)).toBe(true);
    const refusal = { code: 'not-owner', detail: 'Only the lobby owner can set its data.' } as const;
    const setLobbyData = host.backend.setLobbyData.bind(host.backend);
    Object.assign(host.backend, {
      setLobbyData: (id: bigint, key: string, value: string) => (key === EXPELLED_LOBBY_DATA_KEY ? false : setLobbyData(id, key, value)),
      lastRefusal: () => refusal,
    });
    const kicked = host.runtime.kick(member.id);
    // README, errors: `backend-refused` is the backend saying no, on errors$ and as the command's result.
    const error = { kind: 'backend-refused', command: 'kick', code: refusal.code, reason: refusal.detail };
    expect(host.errorsOf('backend-refused')).toEqual([error]);
    expect(kicked).toEqual({ ok: false, error });
    expect(host.backend.getLobbyData(lobbyId, EXPELLED_LOBBY_DATA_KEY)).toBe('');
  });
});

describe('a user kicked again', () => {
  it('moves to the newest place in a full list, so the next kick leaves out someone older', async () => {
    const w = createRuntimeWorld('simulated', 37);
    world = w;
    const host = w.player(0);
    const member = w.player(1);
    const x = new ThinMember(w.sim.user({ id: userId(7), name: 'x' }));
    w.everyFrame(() => x.tick());
    const created = host.runtime.createLobby({ maxMembers: 8 });
    await w.runUntil(() => host.runtime.lobbyState().status === 'joined', 5_000);
    const lobby = await created;
    if (!lobby.ok) throw new Error(lobby.error.reason);
    void member.runtime.joinLobby(lobby.lobbyId);
    expect(await w.runUntil(() => host.runtime.allConnected() && host.runtime.members().length === 2, 10_000)).toBe(true);
    // A full list, x its oldest id: 455 ids of 17 digits and their commas fill 8,189 of the value's 8,192 bytes.
    const others = Array.from({ length: 454 }, (_, i) => userId(1_000 + i));
    const full = [x.id, ...others].join(',');
    host.backend.setLobbyData(lobby.lobbyId, EXPELLED_LOBBY_DATA_KEY, full);
    await w.run(500);
    const published = () => parseExpelled(host.backend.getLobbyData(lobby.lobbyId, EXPELLED_LOBBY_DATA_KEY));
    // x comes back and the owner kicks them again: newest last (expulsions.ts, formatExpelled).
    x.backend.joinLobby(lobby.lobbyId);
    expect(await w.runUntil(() => host.runtime.stats().expelledRejoins === 1, 5_000)).toBe(true);
    await w.run(500);
    expect(w.sim.steam.lobby(lobby.lobbyId)?.members).not.toContain(x.id);
    expect(published()).toEqual([...others, x.id]);
    // One more kick overflows the list: the oldest goes, which is no longer x.
    expect(host.runtime.kick(member.id)).toEqual({ ok: true });
    expect(published()).toEqual([...others.slice(1), x.id, member.id]);
  });
});

describe('a kicked user who keeps coming back', () => {
  it('is kicked again each time, while the list, naming them newest already, is written no more (expulsions.ts)', async () => {
    const w = createRuntimeWorld('simulated', 41);
    world = w;
    const real = w.sim.user({ id: userId(0), name: 'host' });
    let writes = 0;
    const backend = new Proxy(real, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (property === 'setLobbyData' && args[1] === EXPELLED_LOBBY_DATA_KEY) writes++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const host = createLobbyRuntime({ backend, clock: w.sim.clock });
    w.everyFrame(() => host.tick());
    const x = new ThinMember(w.sim.user({ id: userId(7), name: 'x' }));
    w.everyFrame(() => x.tick());
    const created = host.createLobby({ maxMembers: 8 });
    await w.runUntil(() => host.lobbyState().status === 'joined', 5_000);
    const lobby = await created;
    if (!lobby.ok) throw new Error(lobby.error.reason);
    x.backend.joinLobby(lobby.lobbyId);
    expect(await w.runUntil(() => host.members().length === 2, 5_000)).toBe(true);
    expect(host.kick(x.id)).toEqual({ ok: true });
    expect(writes).toBe(1);
    for (const rejoins of [1, 2, 3]) {
      x.backend.joinLobby(lobby.lobbyId);
      expect(await w.runUntil(() => host.stats().expelledRejoins === rejoins, 5_000)).toBe(true);
      await w.run(200);
      expect(w.sim.steam.lobby(lobby.lobbyId)?.members).not.toContain(x.id);
    }
    // One write for the kick; each return is only a kick at Steam, no lobby data update to every member.
    expect(writes).toBe(1);
    expect(parseExpelled(backend.getLobbyData(lobby.lobbyId, EXPELLED_LOBBY_DATA_KEY))).toEqual([x.id]);
    host.dispose();
  });
});
