// Sending to a member who has not shown its wire yet (docs/godot.md, "Members who have not shown their wire yet";
// docs/reliability.md's limits table): reliable messages are held, in order, up to 256 per member, and sent in the
// member's wire once it shows it; unreliable ones are refused `not-connected`. And what a lobbykit member may not
// send in the tutorial's wire, and what a send does when the backend throws.
import { afterEach, describe, expect, it } from 'vitest';
import { encodeGodot3, godotCompress, godotFromPlain } from '../src/codec/godot/index.js';
import { P2PSendType } from '../src/effects/backend.js';
import { createRuntimeWorld, hostLobby, userId, type Player, type RuntimeWorld } from './helpers/runtime-world.js';
import { TutorialPeer } from './helpers/tutorial-peer.js';
import { WIRE_MEMBER_DATA_KEY, WIRE_MEMBER_DATA_VALUE } from '../src/runtime/peer-wire.js';

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

/** The docs' per-member bound on held messages (docs/godot.md, docs/reliability.md). */
const HELD_MESSAGES = 256;

/** We host; a tutorial game joins and stays silent (no handshake), so its wire stays unknown until it sends. */
async function hostWithSilentGame(godot: 3 | 4, gzip: boolean): Promise<{ w: RuntimeWorld; me: Player; game: TutorialPeer }> {
  const w = createRuntimeWorld('simulated');
  world = w;
  const me = w.player(0);
  const lobbyId = await hostLobby(w, me, { maxMembers: 4 });
  const game = new TutorialPeer(w.sim.user({ id: userId(10), name: 'godot' }), { handshakes: false, godot, gzip });
  w.everyFrame(() => game.tick([0, 1, 2]));
  game.joinLobby(lobbyId);
  expect(await w.runUntil(() => me.runtime.members().some((m) => m.id === game.id), 2_000)).toBe(true);
  await w.run(300);
  return { w, me, game };
}

describe('sending to a member who has not shown its wire yet', () => {
  it('refuses unreliable sends, holds reliable ones, and sends them in order in its wire once it shows it', async () => {
    const { w, me, game } = await hostWithSilentGame(4, false);
    const before = me.runtime.stats();

    const unreliable = me.runtime.send(game.id, { message: 'stale' }, { reliable: false });
    expect(unreliable.ok).toBe(false);
    if (!unreliable.ok) expect(unreliable.error).toMatchObject({ kind: 'send-refused', command: 'send', code: 'not-connected' });
    expect(me.runtime.send(game.id, { message: 'stale too' }, { sendType: P2PSendType.unreliableNoDelay })).toMatchObject({ ok: false });
    // To everyone, an unreliable message reaches nobody who has not shown a wire.
    expect(me.runtime.send('all', { message: 'stale for all' }, { reliable: false })).toEqual({ ok: true, recipients: 0 });

    expect(me.runtime.send(game.id, { message: 'one' })).toEqual({ ok: true, recipients: 1 });
    expect(me.runtime.send(game.id, { message: 'two' }, { sendType: P2PSendType.reliableWithBuffering })).toEqual({ ok: true, recipients: 1 });
    expect(me.runtime.send('all', { message: 'three' }, { channel: 2 })).toEqual({ ok: true, recipients: 1 });
    await w.run(500);
    expect(game.received).toEqual([]);
    const held = me.runtime.stats();
    expect(held.sendsRefused - before.sendsRefused).toBe(2);
    // Only the two refused sends were errors: a held message is no refusal.
    expect(me.errorsOf('send-refused').map((e) => e.code)).toEqual(['not-connected', 'not-connected']);
    expect(held.packetsSent).toBe(before.packetsSent);

    // Its first Dictionary shows its wire (Godot 4, not GZIP'd): what was held goes out in that wire, in order.
    game.send(me.id, { message: 'hello' }, 0);
    await w.run(500);
    expect(game.unreadable).toBe(0);
    expect(game.messagesFrom(me.id).map((p) => p.value)).toEqual([{ message: 'one' }, { message: 'two' }, { message: 'three' }]);
    expect(me.runtime.stats().packetsSent - held.packetsSent).toBe(3);
    // A game reads the Steam channel itself, and the simulated Steam has real channels: each message on its own.
    expect(game.messagesFrom(me.id).map((p) => p.channel)).toEqual([0, 0, 2]);
    expect(me.runtime.send(game.id, { message: 'four' }, { channel: 1 })).toEqual({ ok: true, recipients: 1 });
    await w.run(300);
    expect(game.messagesFrom(me.id).map((p) => [p.channel, p.value.message])).toContainEqual([1, 'four']);
    // Its next Dictionaries are messages, not handshakes: its session is up, and nothing answers them.
    game.send(me.id, { message: 'again' }, 0);
    game.send(me.id, { message: 'and again' }, 0);
    await w.run(300);
    // Our answer to a game whose wire we know is the tutorial's own handshake: the lobbykit mark is for opening only.
    expect(game.received.filter((p) => p.from === me.id && p.value.message === 'handshake').map((p) => p.value)).toEqual([
      { message: 'handshake', from: me.id },
    ]);
  });

  it(`holds at most ${HELD_MESSAGES} messages for a member; past that its sends are refused not-connected`, async () => {
    const { w, me, game } = await hostWithSilentGame(3, true);
    for (let i = 0; i < HELD_MESSAGES; i++) expect(me.runtime.send(game.id, { message: 'n', i })).toEqual({ ok: true, recipients: 1 });
    const before = me.runtime.stats();
    const reported = me.errors.length;
    const refused = me.runtime.send(game.id, { message: 'n', i: HELD_MESSAGES });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toMatchObject({ kind: 'send-refused', code: 'not-connected' });
    // One refused send, one error.
    expect(me.errors.slice(reported)).toMatchObject([{ kind: 'send-refused', command: 'send', code: 'not-connected' }]);
    expect(me.runtime.stats().sendsRefused - before.sendsRefused).toBe(1);
    // To everyone, the full member is not a recipient, and the game hears why.
    const errors = me.errors.length;
    expect(me.runtime.send('all', { message: 'n', i: -1 })).toEqual({ ok: true, recipients: 0 });
    expect(me.errors.slice(errors)).toMatchObject([{ kind: 'send-refused', command: 'send', code: 'not-connected' }]);

    game.send(me.id, { message: 'hello' }, 0);
    await w.runUntil(() => game.messagesFrom(me.id).length >= HELD_MESSAGES, 2_000);
    await w.run(200);
    expect(game.unreadable).toBe(0);
    expect(game.messagesFrom(me.id).map((p) => p.value.i)).toEqual(Array.from({ length: HELD_MESSAGES }, (_, i) => i));
    expect(me.runtime.stats().packetsSent - before.packetsSent).toBe(HELD_MESSAGES);
  });

  it('turns a backend that throws while sending into an internal error, and one that refuses into backend-refused', async () => {
    const { w, me, game } = await hostWithSilentGame(3, true);
    const send = me.backend.sendP2P.bind(me.backend);
    // Held, then the backend throws when it goes out: the tick goes on and the game hears where it broke.
    expect(me.runtime.send(game.id, { message: 'held' })).toEqual({ ok: true, recipients: 1 });
    me.backend.sendP2P = () => {
      throw new Error('native crash');
    };
    game.send(me.id, { message: 'hello' }, 0);
    await w.run(300);
    expect(me.errorsOf('internal').map((e) => e.where)).toContain('send');
    expect(me.runtime.send(game.id, { message: 'x' })).toMatchObject({ ok: false, error: { kind: 'internal', where: 'send' } });
    me.backend.sendP2P = () => false;
    expect(me.runtime.send(game.id, { message: 'x' })).toMatchObject({ ok: false, error: { kind: 'backend-refused', command: 'send' } });
    me.backend.sendP2P = send;
    expect(me.runtime.send(game.id, { message: 'x' })).toEqual({ ok: true, recipients: 1 });
  });
});

describe('messages held for a member whose wire is not known yet, when it goes', () => {
  // Held messages are for the member in the lobby now (docs/godot.md); one who leaves is a new member when it comes
  // back, and messages of a lobby we left are for that lobby: neither gets what was held before.
  it('are dropped when the member leaves: back in the lobby, it gets only what was sent after', async () => {
    const { w, me, game } = await hostWithSilentGame(3, false);
    const lobbyId = me.runtime.lobbyState().lobbyId!;
    expect(me.runtime.send(game.id, { message: 'before it left' })).toEqual({ ok: true, recipients: 1 });
    game.leave();
    expect(await w.runUntil(() => !me.runtime.members().some((m) => m.id === game.id), 2_000)).toBe(true);
    game.joinLobby(lobbyId);
    expect(await w.runUntil(() => me.runtime.members().some((m) => m.id === game.id), 2_000)).toBe(true);
    expect(me.runtime.send(game.id, { message: 'after it came back' })).toEqual({ ok: true, recipients: 1 });
    game.send(me.id, { message: 'hello' }, 0);
    await w.run(500);
    expect(game.messagesFrom(me.id).map((p) => p.value.message)).toEqual(['after it came back']);
  });

  it('are dropped when we leave the lobby: the same game in our next lobby gets none of them', async () => {
    const { w, me, game } = await hostWithSilentGame(3, false);
    expect(me.runtime.send(game.id, { message: 'for the old lobby' })).toEqual({ ok: true, recipients: 1 });
    me.runtime.leaveLobby();
    game.leave();
    await w.run(300);
    const next = await hostLobby(w, me, { maxMembers: 4 });
    game.joinLobby(next);
    expect(await w.runUntil(() => me.runtime.members().some((m) => m.id === game.id), 2_000)).toBe(true);
    expect(me.runtime.send(game.id, { message: 'for the new lobby' })).toEqual({ ok: true, recipients: 1 });
    game.send(me.id, { message: 'hello' }, 0);
    await w.run(500);
    expect(game.messagesFrom(me.id).map((p) => p.value.message)).toEqual(['for the new lobby']);
  });
});

describe('reopening a session with a game whose wire is known', () => {
  it("retries with the tutorial's own handshake: the lobbykit mark is only for members whose wire is unknown", async () => {
    const w = createRuntimeWorld('simulated');
    world = w;
    const me = w.player(0, {}, { retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 200 }, timing: { peer: { handshakeTimeoutMs: 300 } } });
    const lobbyId = await hostLobby(w, me, { maxMembers: 4 });
    const game = new TutorialPeer(w.sim.user({ id: userId(10), name: 'godot' }));
    w.everyFrame(() => game.tick([0]));
    game.joinLobby(lobbyId);
    expect(await w.runUntil(() => me.runtime.allConnected() && me.runtime.members().length === 2, 5_000)).toBe(true);
    // Steam fails the session (a reliable message times out across a cut), and the runtime tries again: the
    // tutorial's reader never answers those (it answers session requests only), so they go on while we look.
    w.sim.steam.faults.partition([game.id]);
    me.runtime.send(game.id, { message: 'across the cut' });
    expect(await w.runUntil(() => me.sessionsOf('peer.attemptFailed').length > 0, 60_000)).toBe(true);
    w.sim.steam.faults.heal();
    expect(await w.runUntil(() => game.handshakesFrom(me.id) >= 2, 30_000)).toBe(true);
    const handshakes = game.received.filter((p) => p.from === me.id && p.value.message === 'handshake').map((p) => p.value);
    expect(handshakes.length).toBeGreaterThanOrEqual(2);
    expect(handshakes.every((h) => Object.keys(h).length === 2 && h.from === me.id)).toBe(true);
  });
});

describe('a lobbykit member sending in the tutorial wire', () => {
  it("reports a tutorial Dictionary from a member that declared lobbykit's wire as decode-failed unknown-version, counted", async () => {
    const w = createRuntimeWorld('simulated');
    world = w;
    const me = w.player(0);
    const lobbyId = await hostLobby(w, me, { maxMembers: 4 });
    // A bare backend that declares lobbykit's wire in member data, as a runtime does on entering, and sends nothing.
    const member = w.sim.user({ id: userId(20), name: 'declared' });
    let entered = false;
    w.everyFrame(() => {
      member.poll();
      member.drainEvents((event) => {
        if (event.type !== 'lobbyEntered' || event.response !== 1) return;
        member.setLobbyMemberData(event.lobbyId, WIRE_MEMBER_DATA_KEY, WIRE_MEMBER_DATA_VALUE);
        entered = true;
      });
    });
    member.joinLobby(lobbyId);
    expect(await w.runUntil(() => entered && me.runtime.members().some((m) => m.id === member.localUserId()), 2_000)).toBe(true);
    await w.run(300);
    const before = me.runtime.stats().decodeErrors;
    const inbox = me.listen(0);
    // Its first packet is a tutorial Dictionary: only a runtime's marked opening handshake may come in that wire.
    member.sendP2P(me.id, godotCompress(encodeGodot3(godotFromPlain({ message: 'move', x: 1 })), 'gzip'), P2PSendType.reliable, 0);
    await w.run(300);
    expect(me.errorsOf('decode-failed').map((e) => [e.from, e.code])).toEqual([[member.localUserId(), 'unknown-version']]);
    expect(me.runtime.stats().decodeErrors - before).toBe(1);
    expect(inbox).toEqual([]);
  });

  it('reports a tutorial packet that does not decode from a game as decode-failed with the codec code, counted', async () => {
    const { w, me, game } = await hostWithSilentGame(3, true);
    game.send(me.id, { message: 'hello' }, 0);
    await w.run(300);
    const before = me.runtime.stats().decodeErrors;
    // GZIP's magic, then nothing GZIP: the game's packets are GZIP'd var2bytes, and this one does not inflate.
    game.backend.sendP2P(me.id, Uint8Array.of(0x1f, 0x8b, 0xff, 0xff, 0xff), P2PSendType.reliable, 0);
    await w.run(300);
    const failed = me.errorsOf('decode-failed');
    expect(failed.map((e) => e.from)).toEqual([game.id]);
    expect(me.runtime.stats().decodeErrors - before).toBe(1);
  });
});
