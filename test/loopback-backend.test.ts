// The Backend port over the loopback service: Steam's rules as the contract suite states them, on real sockets.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatMemberStateChange, MAX_LOBBY_CHAT_BYTES, MAX_RELIABLE_BYTES, MAX_UNRELIABLE_BYTES, type Support } from '../src/effects/backend.js';
import { DOCUMENTED_CAPABILITIES } from './helpers/documented-capabilities.js';
import { createLoopbackBackend } from '../src/effects/loopback/connect.js';
import { startLoopbackService } from '../src/loopback-server/service.js';
import { createWorld, type Player, type World } from './loopback-world.js';

let world: World;
beforeEach(async () => {
  world = await createWorld();
});
afterEach(async () => {
  await world.close();
});

async function lobbyOf(owner: Player, type: 0 | 1 | 2 | 3 = 2, max = 4): Promise<bigint> {
  expect(owner.backend.createLobby(type, max)).toBe(true);
  const created = await owner.waitFor('lobbyCreated');
  expect(created.result).toBe(1);
  return created.lobbyId;
}

async function enter(who: Player, lobbyId: bigint): Promise<number> {
  const before = who.seen.length;
  expect(who.backend.joinLobby(lobbyId)).toBe(true);
  await who.until('lobbyEntered', () => who.seen.slice(before).some((e) => e.type === 'lobbyEntered'));
  return (who.seen.slice(before).find((e) => e.type === 'lobbyEntered') as { response: number }).response;
}

describe('loopback backend: connecting', () => {
  it('says to run `npx lobbykit serve` when no service listens', async () => {
    const service = await startLoopbackService({ port: 0 });
    const url = service.url;
    await service.close();
    await expect(createLoopbackBackend({ url, name: 'Nobody' })).rejects.toThrow(/no lobbykit loopback service is listening at .*npx lobbykit serve/);
  });

  it('rejects bad options with a sentence instead of throwing a TypeError', async () => {
    await expect(createLoopbackBackend(null as never)).rejects.toThrow(/^createLoopbackBackend: pass \{ url, name \}/);
    await expect(createLoopbackBackend({ url: 27015, name: 'A' } as never)).rejects.toThrow(/url must be the service's ws:\/\/ address/);
    await expect(createLoopbackBackend({ url: world.service.url, name: null } as never)).rejects.toThrow(/name must be a string/);
    await expect(createLoopbackBackend({ url: world.service.url, name: 'A', connectTimeoutMs: -1 })).rejects.toThrow(/connectTimeoutMs/);
    expect(world.service.stats().connections).toBe(0);
  });

  it('declares every capability honestly, and gets its id from the service', async () => {
    const alice = await world.player('Alice');
    const bob = await world.player('Bob');
    expect(alice.backend.kind).toBe('loopback');
    const levels: readonly Support[] = ['native', 'emulated', 'absent'];
    for (const value of Object.values(alice.backend.capabilities)) expect(levels).toContain(value);
    expect(alice.backend.capabilities).toEqual(DOCUMENTED_CAPABILITIES.loopback);
    expect(alice.backend.capabilities.p2p).toBe('emulated');
    expect(alice.id).not.toBe(bob.id);
    expect(alice.backend.localUserName()).toBe('Alice');
    expect(alice.backend.personaName(alice.id)).toBe('Alice');
  });
});

describe('loopback backend: lobbies', () => {
  it('creates a lobby owned by its creator and answers local questions synchronously', async () => {
    const alice = await world.player('Alice');
    const lobbyId = await lobbyOf(alice);
    expect(alice.fresh().map((e) => e.type)).toEqual(['lobbyCreated', 'lobbyEntered']);
    expect(alice.backend.getLobbyOwner(lobbyId)).toBe(alice.id);
    expect(alice.backend.getLobbyMembers(lobbyId)).toEqual([alice.id]);
    expect(alice.backend.getLobbyMemberLimit(lobbyId)).toBe(4);
    expect(alice.backend.setLobbyData(lobbyId, 'name', "Gramps' Lobby")).toBe(true);
    expect(alice.backend.getLobbyData(lobbyId, 'name')).toBe("Gramps' Lobby");
    expect(alice.backend.getLobbyData(lobbyId, 'missing')).toBe('');
    expect(alice.backend.createLobby(2, 251)).toBe(false);
    expect(alice.backend.lastRefusal()?.code).toBe('invalid-argument');
    // Steam counts a value's UTF-8 bytes (8,192), not its characters: 4,097 'é' are 8,194 bytes.
    expect(alice.backend.setLobbyData(lobbyId, 'big', 'é'.repeat(4097))).toBe(false);
    expect(alice.backend.lastRefusal()).toMatchObject({ code: 'invalid-argument', detail: expect.stringMatching(/8192 bytes/) });
    expect(alice.backend.setLobbyMemberData(lobbyId, 'big', 'é'.repeat(4097))).toBe(false);
    expect(alice.backend.setLobbyData(lobbyId, 'big', 'é'.repeat(4096))).toBe(true);
  });

  it('lists public and invisible lobbies only, with their data readable by the lister', async () => {
    const owners = await Promise.all([0, 1, 2, 3].map((i) => world.player(`Owner ${i}`)));
    const ids: bigint[] = [];
    for (const [type, owner] of owners.entries()) ids.push(await lobbyOf(owner, type as 0 | 1 | 2 | 3));
    owners[2]!.backend.setLobbyData(ids[2]!, 'mode', 'ctf');
    await owners[2]!.waitFor('lobbyDataUpdate');
    const bob = await world.player('Bob');
    expect(bob.backend.requestLobbyList()).toBe(true);
    const listed = await bob.waitFor('lobbyList');
    expect([...listed.lobbyIds].sort()).toEqual([ids[2]!, ids[3]!].sort());
    expect(bob.backend.getLobbyData(ids[2]!, 'mode')).toBe('ctf');
    expect(bob.backend.getLobbyMembers(ids[2]!)).toEqual([]);
    expect(bob.backend.requestLobbyList({ numbers: [{ key: 'k', value: 1, comparison: '~' as never }] })).toBe(false);
    expect(bob.backend.lastRefusal()?.code).toBe('invalid-argument');
  });

  it('answers full, not allowed and banned, and lets an invitee into a private lobby', async () => {
    const alice = await world.player('Alice');
    const bob = await world.player('Bob');
    const carol = await world.player('Carol');
    const tiny = await lobbyOf(alice, 2, 1);
    expect(await enter(bob, tiny)).toBe(4);
    // One regular lobby at a time, as on Steam: Alice leaves each before making the next.
    expect(alice.backend.leaveLobby(tiny)).toBe(true);
    const priv = await lobbyOf(alice, 0);
    expect(await enter(bob, priv)).toBe(3);
    expect(bob.backend.getLobbyMembers(priv)).toEqual([]);
    expect(alice.backend.inviteUserToLobby(priv, bob.id)).toBe(true);
    const invite = await bob.waitFor('lobbyInvite');
    expect(invite).toEqual({ type: 'lobbyInvite', lobbyId: priv, from: alice.id });
    expect(bob.backend.personaName(alice.id)).toBe('Alice');
    expect(await enter(bob, priv)).toBe(1);
    expect(await enter(carol, priv)).toBe(3);

    expect(alice.backend.leaveLobby(priv)).toBe(true);
    const open = await lobbyOf(alice);
    expect(await enter(carol, open)).toBe(1);
    await alice.waitFor('lobbyChatUpdate', (e) => e.lobbyId === open && e.changed === carol.id);
    expect(alice.backend.banLobbyMember(open, carol.id)).toBe(true);
    expect(await carol.waitFor('lobbyKicked')).toEqual({ type: 'lobbyKicked', lobbyId: open, by: alice.id, dueToDisconnect: false });
    expect(carol.backend.getLobbyMembers(open)).toEqual([]);
    expect(await enter(carol, open)).toBe(6);
  });

  it('tells members who entered and left, and hands ownership over when the owner leaves', async () => {
    const alice = await world.player('Alice');
    const bob = await world.player('Bob');
    const carol = await world.player('Carol');
    const lobbyId = await lobbyOf(alice);
    expect(await enter(bob, lobbyId)).toBe(1);
    expect(await enter(carol, lobbyId)).toBe(1);
    await alice.until('two entries', () => alice.seen.filter((e) => e.type === 'lobbyChatUpdate').length === 2);
    expect(alice.seen.flatMap((e) => (e.type === 'lobbyChatUpdate' ? [[e.changed, e.state]] : []))).toEqual([
      [bob.id, ChatMemberStateChange.entered],
      [carol.id, ChatMemberStateChange.entered],
    ]);
    await bob.waitFor('lobbyChatUpdate', (e) => e.changed === carol.id);
    expect(bob.backend.personaName(carol.id)).toBe('Carol');
    bob.fresh();
    expect(alice.backend.leaveLobby(lobbyId)).toBe(true);
    expect(alice.backend.getLobbyMembers(lobbyId)).toEqual([]);
    await bob.waitFor('lobbyDataUpdate', (e) => e.memberId === lobbyId);
    const bobSaw = bob.fresh();
    expect(bobSaw.flatMap((e) => (e.type === 'lobbyChatUpdate' ? [[e.changed, e.state]] : []))).toEqual([[alice.id, ChatMemberStateChange.left]]);
    expect(bob.backend.getLobbyOwner(lobbyId)).toBe(bob.id);
    expect(bob.backend.getLobbyMembers(lobbyId)).toEqual([bob.id, carol.id]);
    await carol.waitFor('lobbyDataUpdate', (e) => e.memberId === lobbyId);
    expect(bob.backend.setLobbyData(lobbyId, 'k', 'v')).toBe(true);
    expect(carol.backend.setLobbyData(lobbyId, 'k', 'w')).toBe(false);
    expect(carol.backend.lastRefusal()?.code).toBe('not-owner');
  });

  it('carries member data, chat up to 4 KB to every member (sender included), and kicks', async () => {
    const alice = await world.player('Alice');
    const bob = await world.player('Bob');
    const lobbyId = await lobbyOf(alice);
    await enter(bob, lobbyId);
    expect(bob.backend.setLobbyMemberData(lobbyId, 'ready', '1')).toBe(true);
    await alice.waitFor('lobbyDataUpdate', (e) => e.memberId === bob.id);
    expect(alice.backend.getLobbyMemberData(lobbyId, bob.id, 'ready')).toBe('1');

    const message = new Uint8Array(MAX_LOBBY_CHAT_BYTES).map((_, i) => i % 251);
    expect(alice.backend.sendLobbyChat(lobbyId, message)).toBe(true);
    expect(alice.backend.sendLobbyChat(lobbyId, new Uint8Array(MAX_LOBBY_CHAT_BYTES + 1))).toBe(false);
    expect(alice.backend.lastRefusal()?.code).toBe('too-large');
    for (const who of [alice, bob]) {
      const chat = await who.waitFor('lobbyChatMessage');
      expect(chat.from).toBe(alice.id);
      expect([...chat.bytes]).toEqual([...message]);
    }

    expect(alice.backend.kickLobbyMember(lobbyId, alice.id)).toBe(false);
    expect(alice.backend.kickLobbyMember(lobbyId, bob.id)).toBe(true);
    expect(await bob.waitFor('lobbyKicked')).toMatchObject({ lobbyId, by: alice.id, dueToDisconnect: false });
    await alice.waitFor('lobbyChatUpdate', (e) => e.state === ChatMemberStateChange.kicked);
    expect(alice.backend.getLobbyMembers(lobbyId)).toEqual([alice.id]);
    expect(await enter(bob, lobbyId)).toBe(1);
  });
});

describe('loopback backend: P2P', () => {
  it('enforces 1200 B unreliable and 1 MiB reliable, and refuses bad arguments, saying why', async () => {
    const alice = await world.player('Alice');
    const bob = await world.player('Bob');
    const send = (bytes: number, type: 0 | 1 | 2 | 3) => alice.backend.sendP2P(bob.id, new Uint8Array(bytes), type, 0);
    expect(send(MAX_UNRELIABLE_BYTES, 0)).toBe(true);
    expect(send(MAX_UNRELIABLE_BYTES + 1, 0)).toBe(false);
    expect(alice.backend.lastRefusal()?.code).toBe('too-large');
    expect(send(MAX_UNRELIABLE_BYTES + 1, 1)).toBe(false);
    expect(send(MAX_RELIABLE_BYTES, 2)).toBe(true);
    expect(send(MAX_RELIABLE_BYTES + 1, 2)).toBe(false);
    expect(alice.backend.lastRefusal()?.detail).toMatch(/1048576/);
    expect(alice.backend.sendP2P(bob.id, new Uint8Array(4), 7 as never, 0)).toBe(false);
    expect(alice.backend.sendP2P(5 as never, new Uint8Array(4), 2, 0)).toBe(false);
    expect(alice.backend.sendP2P(alice.id, new Uint8Array(4), 2, 0)).toBe(false);
    expect(alice.backend.lastRefusal()?.code).toBe('invalid-argument');
    // The 1 MiB packet arrives whole.
    bob.backend.acceptSession(alice.id);
    await bob.until('two packets', () => bob.backend.pendingPackets() === 2);
    expect(bob.backend.readP2P(0)?.bytes.length).toBe(MAX_UNRELIABLE_BYTES);
    expect(bob.backend.readP2P(0)?.bytes.length).toBe(MAX_RELIABLE_BYTES);
  });

  it('raises one session request on the first packet, holds packets until accepted, and routes by channel in order', async () => {
    const alice = await world.player('Alice');
    const bob = await world.player('Bob');
    for (let i = 0; i < 50; i++) expect(bob.backend.sendP2P(alice.id, new Uint8Array([i]), i % 2 === 0 ? 2 : 0, i % 3)).toBe(true);
    await alice.waitFor('p2pSessionRequest');
    await bob.backend.settle();
    await alice.backend.settle();
    alice.backend.poll();
    expect(alice.backend.pendingPackets()).toBe(0);
    expect(alice.backend.acceptSession(bob.id)).toBe(true);
    expect(alice.backend.pendingPackets()).toBe(50);
    for (const channel of [0, 1, 2]) {
      const got: number[] = [];
      for (let p = alice.backend.readP2P(channel); p !== undefined; p = alice.backend.readP2P(channel)) {
        expect(p.from).toBe(bob.id);
        got.push(p.bytes[0]!);
      }
      expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i).filter((i) => i % 3 === channel));
    }
    bob.backend.sendP2P(alice.id, new Uint8Array([99]), 2, 0);
    await alice.until('the next packet', () => alice.backend.availableP2P(0) === 1);
    expect(alice.seen.filter((e) => e.type === 'p2pSessionRequest')).toHaveLength(1);
    // Closing drops what is unread and makes the next packet ask again.
    expect(alice.backend.closeSession(bob.id)).toBe(true);
    expect(alice.backend.pendingPackets()).toBe(0);
    bob.backend.sendP2P(alice.id, new Uint8Array([100]), 2, 0);
    await alice.until('a second request', () => alice.seen.filter((e) => e.type === 'p2pSessionRequest').length === 2);
  });

  it('reports a connect failure (4, timeout) for a user who is not, or no longer, on the service', async () => {
    const alice = await world.player('Alice');
    const bob = await world.player('Bob');
    expect(alice.backend.sendP2P(76561197960265729n, new Uint8Array([1]), 2, 0)).toBe(true);
    expect(await alice.waitFor('p2pConnectFail')).toEqual({ type: 'p2pConnectFail', remote: 76561197960265729n, error: 4 });
    alice.backend.sendP2P(bob.id, new Uint8Array([1]), 2, 0);
    await bob.waitFor('p2pSessionRequest');
    await bob.backend.close();
    expect(await alice.waitFor('p2pConnectFail', (e) => e.remote === bob.id)).toMatchObject({ error: 4 });
  });
});

describe('loopback backend: losing the service', () => {
  it('reports servers disconnected and being out of its lobbies, then refuses commands with a reason', async () => {
    const alice = await world.player('Alice');
    const lobbyId = await lobbyOf(alice);
    await world.service.close();
    await alice.waitFor('serversDisconnected');
    expect(alice.fresh().slice(-2)).toEqual([
      { type: 'serversDisconnected', reason: 3 },
      { type: 'lobbyKicked', lobbyId, by: 0n, dueToDisconnect: true },
    ]);
    expect(alice.backend.getLobbyMembers(lobbyId)).toEqual([]);
    expect(alice.backend.isConnected()).toBe(false);
    expect(alice.backend.createLobby(2, 4)).toBe(false);
    expect(alice.backend.lastRefusal()).toMatchObject({ code: 'no-connection', detail: expect.stringMatching(/npx lobbykit serve/) });
  });
});
