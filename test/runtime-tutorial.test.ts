import { afterEach, describe, expect, it } from 'vitest';
import { decodeGodot3, encodeGodot3, godotCompress, godotDecompress, godotFromPlain } from '../src/codec/godot/index.js';
import { P2PSendType } from '../src/effects/backend.js';
import { createRuntimeWorld, hostLobby, userId, type Player, type RuntimeWorld } from './helpers/runtime-world.js';
import type { BackendFlavour } from './helpers/sim-world.js';
import { TutorialPeer } from './helpers/tutorial-peer.js';

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

/** A tutorial peer that runs every frame of the world, as a Godot game's `_process` would. */
function tutorialPeer(w: RuntimeWorld, index: number, gzip = true): TutorialPeer {
  const peer = new TutorialPeer(w.sim.user({ id: userId(index), name: `godot ${index}` }), { gzip });
  w.everyFrame(() => peer.tick([0, 1, 2]));
  return peer;
}

function sessionOf(player: Player, id: bigint): string | undefined {
  return player.runtime.members().find((m) => m.id === id)?.session;
}

describe.each<BackendFlavour>(['simulated', 'steamworks-adapter'])('a runtime with GodotSteam tutorial peers (%s)', (flavour) => {
  it('joins a tutorial host found through a filtered list: handshakes both ways, Dictionaries and chat both ways', async () => {
    const w = createRuntimeWorld(flavour);
    world = w;
    const host = tutorialPeer(w, 10);
    host.createLobby(4);
    await w.runUntil(() => host.lobbyId !== 0n, 2_000);
    const me = w.player(0);
    const found = me.runtime.findLobbies({ strings: [{ key: 'mode', value: 'GodotSteam test' }] });
    await w.run(500);
    const list = await found;
    expect(list.ok && list.lobbies.map((l) => l.lobbyId)).toEqual([host.lobbyId]);
    void me.runtime.joinLobby(host.lobbyId);
    expect(await w.runUntil(() => me.runtime.allConnected(), 5_000)).toBe(true);
    expect(sessionOf(me, host.id)).toBe('connected');
    // The tutorial host got our handshake as its own kind of packet (and answered with its own).
    expect(host.handshakesFrom(me.id)).toBeGreaterThanOrEqual(1);

    const inbox = me.listen(0);
    host.send(0n, { message: 'move', x: 1.5, who: host.id }, 0);
    expect(me.runtime.send(host.id, { message: 'hello', n: 7, big: 76561198000000099n }, { channel: 0 })).toEqual({ ok: true, recipients: 1 });
    me.runtime.sendChat('hi Godot');
    host.sendChat('hi lobbykit');
    await w.run(500);
    expect(inbox).toEqual([{ from: host.id, channel: 0, value: { message: 'move', x: 1.5, who: host.id } }]);
    expect(host.messagesFrom(me.id).map((p) => p.value)).toEqual([{ message: 'hello', n: 7, big: 76561198000000099n }]);
    expect(host.chat.map((c) => [c.from, c.text])).toContainEqual([me.id, 'hi Godot']);
    expect(me.chat.map((c) => [c.from, c.text])).toContainEqual([host.id, 'hi lobbykit']);
    // Nothing lobbykit sent was unreadable to the tutorial's reader: no control frames, no heartbeats.
    expect(host.unreadable).toBe(0);

    // A tutorial peer never heartbeats; its session is never failed for silence.
    await w.run(20_000);
    expect(me.errorsOf('session-failed')).toEqual([]);
    expect(host.unreadable).toBe(0);

    me.runtime.leaveLobby();
    await w.run(500);
    expect(me.sessionsOf('peer.closed').map((e) => e.remoteId)).toEqual([host.id]);
    expect(host.members).not.toContain(me.id);
  });

  it('hosts a tutorial joiner, and answers an uncompressed one uncompressed', async () => {
    const w = createRuntimeWorld(flavour);
    world = w;
    const me = w.player(0);
    const lobbyId = await hostLobby(w, me, { maxMembers: 4 });
    const zipped = tutorialPeer(w, 10, true);
    const plain = tutorialPeer(w, 11, false);
    zipped.joinLobby(lobbyId);
    plain.joinLobby(lobbyId);
    expect(await w.runUntil(() => me.runtime.allConnected() && me.runtime.members().length === 3, 5_000)).toBe(true);

    // steamworks.js 0.4 reads one P2P channel, 0: a tutorial peer must send there for it to hear.
    const channel = flavour === 'simulated' ? 1 : 0;
    const inbox = me.listen(channel);
    zipped.send(me.id, { from: 'zipped' }, channel);
    plain.send(me.id, { from: 'plain' }, channel);
    expect(me.runtime.send('all', { to: 'all' }, { channel: 1 })).toEqual({ ok: true, recipients: 2 });
    await w.run(500);
    expect(inbox.map((m) => [m.from, m.channel, m.value])).toEqual(
      expect.arrayContaining([
        [zipped.id, channel, { from: 'zipped' }],
        [plain.id, channel, { from: 'plain' }],
      ]),
    );
    expect(zipped.messagesFrom(me.id).map((p) => p.value)).toEqual([{ to: 'all' }]);
    expect(plain.messagesFrom(me.id).map((p) => p.value)).toEqual([{ to: 'all' }]);
    expect(zipped.handshakesFrom(me.id)).toBeGreaterThanOrEqual(1);
    expect(plain.handshakesFrom(me.id)).toBeGreaterThanOrEqual(1);
    // (The two tutorial games cannot read each other, one GZIPs and one does not: the tutorial's own rule.)
    expect(zipped.unreadableFrom(me.id) + plain.unreadableFrom(me.id)).toBe(0);
  });

  it('keeps lobbykit among lobbykit peers and the tutorial with tutorial peers, in one lobby', async () => {
    const w = createRuntimeWorld(flavour);
    world = w;
    const [me, other] = [w.player(0), w.player(1)];
    const godot = [tutorialPeer(w, 10), tutorialPeer(w, 11)];
    godot[0]!.createLobby(8);
    await w.runUntil(() => godot[0]!.lobbyId !== 0n, 2_000);
    const lobbyId = godot[0]!.lobbyId;
    void me.runtime.joinLobby(lobbyId);
    await w.run(300);
    godot[1]!.joinLobby(lobbyId);
    await w.run(300);
    void other.runtime.joinLobby(lobbyId);
    const all = () => [me, other].every((p) => p.runtime.allConnected() && p.runtime.members().length === 4);
    expect(await w.runUntil(all, 10_000)).toBe(true);

    const inboxes = [me.listen(2), other.listen(2)];
    // An object every wire can carry, sent to everyone: one frame for the runtime, Dictionaries for Godot.
    expect(me.runtime.send('all', { hp: 3 }, { channel: 2 })).toEqual({ ok: true, recipients: 3 });
    // An array is no Dictionary: fine between lobbykit peers.
    expect(other.runtime.send(me.id, [1, 2, 3], { channel: 2 })).toEqual({ ok: true, recipients: 1 });
    await w.run(500);
    expect(inboxes[1]!).toEqual([{ from: me.id, channel: 2, value: { hp: 3 } }]);
    expect(inboxes[0]!).toEqual([{ from: other.id, channel: 2, value: [1, 2, 3] }]);
    for (const peer of godot) {
      expect(peer.messagesFrom(me.id).map((p) => p.value)).toEqual([{ hp: 3 }]);
      expect(peer.unreadable).toBe(0);
    }
    // A message a tutorial peer cannot read as a Dictionary is refused before anything is sent to anyone.
    const refused = me.runtime.send('all', [1, 2], { channel: 2 });
    expect(refused).toMatchObject({ ok: false, error: { kind: 'send-refused', code: 'unencodable' } });
  });

  it("takes a tutorial host's first Dictionary as its session up when its handshake never reached us", async () => {
    const w = createRuntimeWorld(flavour);
    world = w;
    const host = new TutorialPeer(w.sim.user({ id: userId(10), name: 'godot' }), { handshakes: false });
    w.everyFrame(() => host.tick([0]));
    host.createLobby(4);
    await w.runUntil(() => host.lobbyId !== 0n, 2_000);
    const me = w.player(0);
    void me.runtime.joinLobby(host.lobbyId);
    await w.run(1_000);
    expect(sessionOf(me, host.id)).toBe('connecting');
    const inbox = me.listen(0);
    host.send(0n, { message: 'state', turn: 1 }, 0);
    expect(await w.runUntil(() => me.runtime.allConnected(), 2_000)).toBe(true);
    expect(inbox.map((m) => m.value)).toEqual([{ message: 'state', turn: 1 }]);
    expect(me.errorsOf('session-failed')).toEqual([]);
  });

  it("never lets a packet change a member's wire once shown: a lobbykit peer stays lobbykit", async () => {
    const w = createRuntimeWorld(flavour);
    world = w;
    const [me, other] = [w.player(0), w.player(1)];
    const lobbyId = await hostLobby(w, me, { maxMembers: 4 });
    void other.runtime.joinLobby(lobbyId);
    expect(await w.runUntil(() => me.runtime.allConnected() && other.runtime.allConnected(), 5_000)).toBe(true);

    // The other runtime's transport sends a tutorial handshake and a Dictionary; a stranger sends one too.
    const stranger = w.sim.user({ id: userId(50), name: 'stranger' });
    const handshake = godotCompress(encodeGodot3(godotFromPlain({ message: 'handshake', from: other.id })), 'gzip');
    other.backend.sendP2P(me.id, handshake, P2PSendType.reliable, 0);
    stranger.sendP2P(me.id, handshake, P2PSendType.reliable, 0);
    const inbox = me.listen(3);
    await w.run(300);
    expect(me.errorsOf('decode-failed').map((e) => [e.from, e.code])).toEqual([[other.id, 'unknown-version']]);
    // The stranger's session is refused; nothing of theirs is read.
    expect(me.errorsOf('session-refused').map((e) => [e.remoteId, e.code])).toEqual([[stranger.localUserId(), 'not-a-member']]);
    // Its frames still decode, in lobbykit's wire.
    other.runtime.send(me.id, { still: 'lobbykit' }, { channel: 3 });
    await w.run(300);
    expect(inbox).toEqual([{ from: other.id, channel: 3, value: { still: 'lobbykit' } }]);
    expect(sessionOf(me, other.id)).toBe('connected');
  });
});

describe.each<BackendFlavour>(['simulated', 'steamworks-adapter'])('a runtime with Godot 4 tutorial peers (%s)', (flavour) => {
  it('joins a Godot 4 host (told the version), hosts a Godot 4 joiner (read from its first packet), both ways', async () => {
    const w = createRuntimeWorld(flavour);
    world = w;
    const godot4 = (index: number) => {
      const peer = new TutorialPeer(w.sim.user({ id: userId(index), name: `godot4 ${index}` }), { godot: 4 });
      w.everyFrame(() => peer.tick([0]));
      return peer;
    };
    const host = godot4(10);
    host.createLobby(4);
    await w.runUntil(() => host.lobbyId !== 0n, 2_000);
    const joiner = w.player(0, {}, { tutorial: { godotVersion: 4 } });
    void joiner.runtime.joinLobby(host.lobbyId);
    expect(await w.runUntil(() => joiner.runtime.allConnected(), 5_000)).toBe(true);

    const owner = w.player(1);
    const lobbyId = await hostLobby(w, owner, { maxMembers: 4 });
    const guest = godot4(11);
    guest.joinLobby(lobbyId);
    expect(await w.runUntil(() => owner.runtime.allConnected() && owner.runtime.members().length === 2, 5_000)).toBe(true);

    const [atJoiner, atOwner] = [joiner.listen(0), owner.listen(0)];
    host.send(joiner.id, { message: 'move', v: [1.5, 2] }, 0);
    guest.send(owner.id, { message: 'move', big: 76561198000000123n }, 0);
    joiner.runtime.send(host.id, { reply: 'from lobbykit', hp: 3 }, { channel: 0 });
    owner.runtime.send(guest.id, { reply: 'from lobbykit', ok: true }, { channel: 0 });
    await w.run(500);
    expect(atJoiner.map((m) => m.value)).toEqual([{ message: 'move', v: [1.5, 2] }]);
    expect(atOwner.map((m) => m.value)).toEqual([{ message: 'move', big: 76561198000000123n }]);
    expect(host.messagesFrom(joiner.id).map((p) => p.value)).toEqual([{ reply: 'from lobbykit', hp: 3 }]);
    expect(guest.messagesFrom(owner.id).map((p) => p.value)).toEqual([{ reply: 'from lobbykit', ok: true }]);
    expect(host.unreadableFrom(joiner.id) + guest.unreadableFrom(owner.id)).toBe(0);
  });
});

describe('the bytes a runtime sends a tutorial peer', () => {
  it("are exactly what the tutorial's reader turns into a Dictionary (GZIP'd var2bytes)", async () => {
    const w = createRuntimeWorld('simulated');
    world = w;
    const host = tutorialPeer(w, 10);
    host.createLobby(4);
    await w.runUntil(() => host.lobbyId !== 0n, 2_000);
    const me = w.player(0);
    void me.runtime.joinLobby(host.lobbyId);
    await w.runUntil(() => me.runtime.allConnected(), 5_000);
    // Catch the raw bytes at the tutorial peer's transport.
    const raw: Uint8Array[] = [];
    const read = host.backend.readP2P.bind(host.backend);
    host.backend.readP2P = (channel) => {
      const packet = read(channel);
      if (packet !== undefined && packet.from === me.id) raw.push(packet.bytes);
      return packet;
    };
    me.runtime.send(host.id, { message: 'state', hp: 5 }, { channel: 0 });
    await w.run(300);
    // Every packet is GZIP'd var2bytes of a Dictionary; besides handshakes, exactly our message, byte for byte once
    // inflated (GZIP streams may differ between compressors; what the reader inflates may not).
    const dictionaries = raw.map((bytes) => {
      const inflated = godotDecompress(bytes, 'gzip');
      if (!inflated.ok) throw new Error(`not GZIP: ${inflated.detail}`);
      const decoded = decodeGodot3(inflated.value);
      if (!decoded.ok || decoded.value.type !== 'Dictionary') throw new Error('not a Dictionary');
      return { bytes: inflated.value, handshake: decoded.value.value.some(([, v]) => v.type === 'String' && v.value === 'handshake') };
    });
    const messages = dictionaries.filter((d) => !d.handshake).map((d) => d.bytes);
    expect(messages).toEqual([encodeGodot3(godotFromPlain({ message: 'state', hp: 5 }))]);
  });
});
