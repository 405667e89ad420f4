// The steamworks.js adapter over the simulator's steamworks.js-shaped client, which behaves as the real package
// does (test/steamworks-sim-client.test.ts holds it to the package's sources): sharing callbacks with the game,
// one client, launch arguments, honest lobby lists, guards before native code, payloads as they arrive, and the
// @pipelab/steamworks.js fork's extras found on the client.
import { describe, expect, it } from 'vitest';
import { FrameKind, PayloadCodecId, encodeFrameHeader } from '../src/codec/frame.js';
import type { Backend, BackendEvent } from '../src/effects/backend.js';
import type { SimulatedSteam } from '../src/effects/sim/network.js';
import type { SteamworksBindingName } from '../src/effects/sim/steamworks/client.js';
import { PIPELAB_STEAMWORKS_CAPABILITIES, STEAMWORKS_CAPABILITIES, createSteamworksBackend, wrapSteamworksClient } from '../src/effects/steamworks/adapter.js';
import { steamworksCallbacks } from '../src/effects/steamworks/callbacks.js';
import { decodeChatFrame, encodeChatFrame } from '../src/effects/steamworks/chat-frame.js';
import { SteamCallbackId, type SteamworksClient } from '../src/effects/steamworks/client-types.js';
import { UNANNOUNCED_MEMBER_GRACE_POLLS } from '../src/effects/steamworks/member-watch.js';
import { ZERO_BYTE_PROBE_POLLS } from '../src/effects/steamworks/packets.js';
import { ALICE, BOB, CAROL, ofType, simulatedSteamWithAliceBobCarol } from './helpers/sim-world.js';

function setup(binding: SteamworksBindingName = 'steamworks.js') {
  const { clock, steam, settle } = simulatedSteamWithAliceBobCarol(3);
  const client = (id: bigint): SteamworksClient => steam.steamworksClient(id, binding);
  const backend = (id: bigint, argv: readonly string[] = []): Backend => wrapSteamworksClient(client(id), { argv });
  return { clock, steam, settle, client, backend };
}

function events(backend: Backend): BackendEvent[] {
  backend.poll();
  const out: BackendEvent[] = [];
  backend.drainEvents((e) => out.push(e));
  return out;
}

async function created(owner: Backend, settle: () => Promise<void>, type: 0 | 1 | 2 | 3 = 2, max = 4): Promise<bigint> {
  expect(owner.createLobby(type, max)).toBe(true);
  await settle();
  return ofType(events(owner), 'lobbyCreated')[0]!.lobbyId;
}

async function entered(who: Backend, lobbyId: bigint, settle: () => Promise<void>) {
  expect(who.joinLobby(lobbyId)).toBe(true);
  await settle();
  return ofType(events(who), 'lobbyEntered')[0]!;
}

const joinersOf = (list: readonly BackendEvent[]): bigint[] => ofType(list, 'lobbyChatUpdate').filter((e) => e.state === 1).map((e) => e.changed);

describe('sharing Steam callbacks with the game', () => {
  it('a game registering after lobbykit is one more subscriber; its disconnect leaves lobbykit hearing joiners', async () => {
    const { settle, client, backend } = setup();
    const alice = backend(ALICE);
    const gameHeard: unknown[] = [];
    const game = client(ALICE).callback.register(SteamCallbackId.LobbyChatUpdate, (v) => gameHeard.push(v));
    const lobbyId = await created(alice, settle);
    await entered(backend(BOB), lobbyId, settle);
    expect(joinersOf(events(alice))).toEqual([BOB]);
    expect(gameHeard).toHaveLength(1);
    // On the bare client this disconnect would remove lobbykit's handler too (steamworks-rs callback.rs:23-28).
    game.disconnect();
    await entered(backend(CAROL), lobbyId, settle);
    expect(joinersOf(events(alice))).toEqual([CAROL]);
    expect(gameHeard).toHaveLength(1);
  });

  it('two backends over one client both hear, and disposing either leaves the other working', async () => {
    const { settle, client, backend } = setup();
    const first = wrapSteamworksClient(client(ALICE));
    const second = wrapSteamworksClient(client(ALICE));
    const lobbyId = await created(first, settle);
    await entered(backend(BOB), lobbyId, settle);
    expect(joinersOf(events(second))).toEqual([BOB]);
    first.dispose();
    await entered(backend(CAROL), lobbyId, settle);
    expect(joinersOf(events(second))).toEqual([CAROL]);
  });

  it('a handler registered with a register kept from before lobbykit replaces lobbykit: reported as callbacks-lost', async () => {
    const { settle, client, backend } = setup();
    const aliceClient = client(ALICE);
    const bareRegister = aliceClient.callback.register;
    const alice = wrapSteamworksClient(aliceClient);
    let gameHeard = 0;
    bareRegister(SteamCallbackId.LobbyChatUpdate, () => gameHeard++);
    const lobbyId = await created(alice, settle);
    const bob = backend(BOB);
    await entered(bob, lobbyId, settle);
    // Bob opens a session, as a joiner's runtime does: Steam lists him, but lobbykit never heard him enter.
    bob.sendP2P(ALICE, encodeFrameHeader({ kind: FrameKind.application, channel: 0, codecId: PayloadCodecId.raw }), 2, 0);
    await settle(200);
    const seen: BackendEvent[] = [];
    for (let i = 0; i <= UNANNOUNCED_MEMBER_GRACE_POLLS; i++) seen.push(...events(alice));
    expect(gameHeard).toBe(1);
    expect(joinersOf(seen)).toEqual([]);
    expect(ofType(seen, 'backendProblem')).toEqual([{ type: 'backendProblem', code: 'callbacks-lost', detail: expect.stringMatching(/steamworksCallbacks\(client\)/) }]);
  });

  it('putting another function in client.callback.register is reported as callbacks-unshared', () => {
    const { client } = setup();
    const aliceClient = client(ALICE);
    const alice = wrapSteamworksClient(aliceClient);
    expect(steamworksCallbacks(aliceClient).intact).toBe(true);
    expect(ofType(events(alice), 'backendProblem')).toEqual([]);
    (aliceClient.callback as { register: unknown }).register = () => ({ disconnect() {} });
    expect(ofType(events(alice), 'backendProblem').map((e) => e.code)).toEqual(['callbacks-unshared']);
    expect(ofType(events(alice), 'backendProblem')).toEqual([]);
  });
});

describe('one client, launch arguments', () => {
  it('createSteamworksBackend({ client }) never calls init(): the game\'s registrations survive', async () => {
    const { steam, settle, client } = setup();
    const aliceClient = client(ALICE);
    const generation = steam.steamworks(ALICE).process.generation;
    const backend = await createSteamworksBackend({ client: aliceClient, argv: ['/opt/Game/game', '+connect_lobby', '42'] });
    expect(steam.steamworks(ALICE).process.generation).toBe(generation);
    expect(backend.launchArgs()).toEqual(['/opt/Game/game', '+connect_lobby', '42']);
    await settle();
    backend.dispose();
  });
});

describe('lobby lists as Steam gives them', () => {
  async function manyLobbies(steam: SimulatedSteam, settle: (ms?: number) => Promise<void>, count: number, matching: number): Promise<bigint[]> {
    const ids: bigint[] = [];
    for (let i = 0; i < count; i++) {
      const id = 76561198100000000n + BigInt(i);
      steam.addUser({ id, name: `Owner ${i}` });
      const owner = steam.backend(id);
      owner.createLobby(2, 4);
      await settle(60);
      const lobbyId = ofType(events(owner), 'lobbyCreated')[0]!.lobbyId;
      owner.setLobbyData(lobbyId, 'mode', i === matching ? 'ctf' : 'dm');
      ids.push(lobbyId);
    }
    return ids;
  }

  it('says complete: false when Steam\'s 50-lobby cap was reached, so a match past it may be missing', async () => {
    const { steam, settle, backend } = setup();
    const ids = await manyLobbies(steam, settle, 55, 52);
    const bob = backend(BOB);
    expect(bob.requestLobbyList({ strings: [{ key: 'mode', value: 'ctf' }] })).toBe(true);
    await settle();
    expect(ofType(events(bob), 'lobbyList')).toEqual([{ type: 'lobbyList', lobbyIds: [], complete: false }]);
    // The simulator's own backend, whose filters Steam applies before its cap, finds it.
    const carol = steam.backend(CAROL);
    carol.requestLobbyList({ strings: [{ key: 'mode', value: 'ctf' }] });
    await settle();
    expect(ofType(events(carol), 'lobbyList')[0]!.lobbyIds).toEqual([ids[52]]);
  });

  it('says complete: true below the cap, and refuses a distance or a count it cannot honour', async () => {
    const { steam, settle, backend } = setup();
    const ids = await manyLobbies(steam, settle, 3, 1);
    const bob = backend(BOB);
    bob.requestLobbyList({ strings: [{ key: 'mode', value: 'ctf' }] });
    await settle();
    expect(ofType(events(bob), 'lobbyList')).toEqual([{ type: 'lobbyList', lobbyIds: [ids[1]], complete: true }]);
    for (const filters of [{ distance: 3 as const }, { distance: 0 as const }, { resultCount: 51 }]) {
      expect(bob.requestLobbyList(filters)).toBe(false);
      expect(bob.lastRefusal()?.code).toBe('unsupported');
    }
    expect(bob.requestLobbyList({ strings: [null] } as never)).toBe(false);
    expect(bob.lastRefusal()?.code).toBe('invalid-argument');
    expect(bob.requestLobbyList({ distance: 1, resultCount: 50 })).toBe(true);
  });

  it('asks Steam to join a lobby the list showed full: a slot may have freed since', async () => {
    const { settle, backend } = setup();
    const alice = backend(ALICE);
    const bob = backend(BOB);
    const carol = backend(CAROL);
    const lobbyId = await created(alice, settle, 2, 2);
    expect((await entered(bob, lobbyId, settle)).response).toBe(1);
    carol.requestLobbyList();
    await settle();
    expect(ofType(events(carol), 'lobbyList')[0]!.lobbyIds).toEqual([lobbyId]);
    const refused = await entered(carol, lobbyId, settle);
    expect(refused).toMatchObject({ response: 4, note: expect.stringMatching(/full when last listed/) });
    bob.leaveLobby(lobbyId);
    await settle();
    expect((await entered(carol, lobbyId, settle)).response).toBe(1);
  });
});

describe('guards before native code, and bad input from listed lobbies', () => {
  it('refuses a NUL in lobby data before steamworks.js (which would abort the process)', async () => {
    const { settle, backend } = setup();
    const alice = backend(ALICE);
    const lobbyId = await created(alice, settle);
    expect(alice.setLobbyData(lobbyId, 'a\0b', 'v')).toBe(false);
    expect(alice.lastRefusal()?.code).toBe('invalid-argument');
    expect(alice.setLobbyData(lobbyId, 'k', 'v\0')).toBe(false);
    expect(alice.deleteLobbyData(lobbyId, 'a\0')).toBe(false);
    expect(alice.getLobbyData(lobbyId, 'a\0')).toBe('');
  });

  it("reads a stranger's lobby data that is not UTF-8 lossily, filters on it, and lists it", async () => {
    const { steam, settle, backend } = setup();
    const cxx = steam.backend(ALICE);
    const lobbyId = await created(cxx, settle);
    cxx.setLobbyData(lobbyId, 'name', 'caf\uD800');
    cxx.setLobbyData(lobbyId, 'mode', 'ctf');
    const bob = backend(BOB);
    bob.requestLobbyList({ strings: [{ key: 'mode', value: 'ctf' }] });
    await settle();
    expect(ofType(events(bob), 'lobbyList')[0]!.lobbyIds).toEqual([lobbyId]);
    expect(bob.getLobbyData(lobbyId, 'name')).toBe('caf\uFFFD');
    expect(bob.getAllLobbyData(lobbyId)).toEqual({ name: 'caf\uFFFD', mode: 'ctf' });
  });

  it('lists a lobby with the largest data Steam allows and junk where numbers belong, as a result, not a throw', async () => {
    const { steam, settle, backend } = setup();
    const hostile = steam.backend(ALICE);
    const lobbyId = await created(hostile, settle);
    const bigKey = 'k'.repeat(255);
    const bigValue = '\u{1F600}'.repeat(2048);
    expect(hostile.setLobbyData(lobbyId, bigKey, bigValue)).toBe(true);
    expect(hostile.setLobbyData(lobbyId, 'level', 'NaN')).toBe(true);
    const bob = backend(BOB);
    expect(bob.requestLobbyList({ numbers: [{ key: 'level', value: 1, comparison: '>' }], near: [{ key: bigKey, value: 0 }] })).toBe(true);
    await settle();
    expect(ofType(events(bob), 'lobbyList')).toEqual([{ type: 'lobbyList', lobbyIds: [], complete: true }]);
    bob.requestLobbyList();
    await settle();
    expect(ofType(events(bob), 'lobbyList')[0]!.lobbyIds).toEqual([lobbyId]);
    expect(bob.getLobbyData(lobbyId, bigKey)).toBe(bigValue);
  });

  it('turns a lobby that vanished between list and join into response 5 with the native text', async () => {
    const { settle, backend } = setup();
    const alice = backend(ALICE);
    const bob = backend(BOB);
    const lobbyId = await created(alice, settle);
    bob.requestLobbyList();
    await settle();
    events(bob);
    alice.leaveLobby(lobbyId);
    await settle();
    expect(await entered(bob, lobbyId, settle)).toMatchObject({ response: 5, note: expect.stringMatching(/Failed to join lobby/) });
  });

  it('a 0-byte packet cannot hold up the packets behind it', async () => {
    const { settle, client, backend } = setup();
    const alice = backend(ALICE);
    alice.acceptSession(BOB);
    const bobClient = client(BOB);
    expect(bobClient.networking.sendP2PPacket(ALICE, 2, Buffer.alloc(0))).toBe(true);
    const frame = encodeFrameHeader({ kind: FrameKind.application, channel: 0, codecId: PayloadCodecId.raw });
    expect(bobClient.networking.sendP2PPacket(ALICE, 2, Buffer.from([...frame, 42]))).toBe(true);
    await settle(200);
    let got: Uint8Array | undefined;
    for (let i = 0; i <= ZERO_BYTE_PROBE_POLLS && got === undefined; i++) {
      alice.poll();
      got = alice.readP2P(0)?.bytes;
    }
    expect(got === undefined ? undefined : [...got]).toEqual([...frame, 42]);
  });
});

describe('payloads and rejections as they arrive', () => {
  it('a rejected createLobby becomes Steam\'s EResult from the SteamError text, with the text as a note', async () => {
    const { steam, settle, backend } = setup();
    const alice = backend(ALICE);
    steam.faults.disconnectServers(ALICE, 3);
    await settle(100);
    events(alice);
    alice.createLobby(2, 4);
    await settle();
    // steamworks-rs error.rs:24-25, 395: k_EResultNoConnection (3) is "there isn't a network connection to steam…".
    expect(ofType(events(alice), 'lobbyCreated')).toEqual([
      { type: 'lobbyCreated', result: 3, lobbyId: 0n, note: "steamworks.js: there isn't a network connection to steam or it failed to connect" },
    ]);
  });

  it('a rejected getLobbies is a failed list with the native text, not an empty one', async () => {
    const { settle, client } = setup();
    const real = client(ALICE);
    const failing: SteamworksClient = {
      ...real,
      matchmaking: { ...real.matchmaking, getLobbies: () => Promise.reject(Object.assign(new Error('Panic in async function'), { code: 'GenericFailure' })) },
    };
    const alice = wrapSteamworksClient(failing);
    expect(alice.requestLobbyList()).toBe(true);
    await settle(50);
    expect(ofType(events(alice), 'lobbyList')).toEqual([
      { type: 'lobbyList', lobbyIds: [], complete: false, failure: 'steamworks.js getLobbies failed: Panic in async function' },
    ]);
  });
});

describe('the @pipelab/steamworks.js fork, found by what the client has', () => {
  it('declares capabilities per binding from the client\'s members, not a package name', () => {
    expect(setup('steamworks.js').backend(ALICE).capabilities).toEqual(STEAMWORKS_CAPABILITIES);
    expect(setup('@pipelab/steamworks.js').backend(ALICE).capabilities).toEqual(PIPELAB_STEAMWORKS_CAPABILITIES);
    const { client } = setup();
    const plain = client(ALICE);
    const namesOnly = wrapSteamworksClient({ ...plain, friends: { getFriendName: () => 'x' } });
    expect(namesOnly.capabilities).toMatchObject({ personaNames: 'native', p2pChannels: 'emulated' });
  });

  it('gives members their real names, and sends raw bytes on Steam\'s own channels', async () => {
    const { settle, backend } = setup('@pipelab/steamworks.js');
    const alice = backend(ALICE);
    const bob = backend(BOB);
    const lobbyId = await created(alice, settle);
    await entered(bob, lobbyId, settle);
    await settle(600);
    expect(alice.personaName(BOB)).toBe('Bob');
    alice.acceptSession(BOB);
    expect(bob.sendP2P(ALICE, new Uint8Array([0xff, 9]), 2, 5)).toBe(true);
    await settle(200);
    alice.poll();
    expect([...(alice.readP2P(5)?.bytes ?? [])]).toEqual([0xff, 9]);
  });
});

describe('emulated lobby chat', () => {
  it('drops chat from someone who is not in the lobby, and round-trips frames', async () => {
    const { settle, client, backend } = setup();
    const alice = backend(ALICE);
    const lobbyId = await created(alice, settle);
    alice.acceptSession(CAROL);
    client(CAROL).networking.sendP2PPacket(ALICE, 2, Buffer.from(encodeChatFrame(lobbyId, new Uint8Array([7]))));
    await settle(100);
    expect(ofType(events(alice), 'lobbyChatMessage')).toEqual([]);
    expect(alice.pendingPackets()).toBe(0);
    const frame = encodeChatFrame(109775240917782914n, new Uint8Array([1, 2, 3]));
    expect(decodeChatFrame(frame)).toEqual({ lobbyId: 109775240917782914n, message: new Uint8Array([1, 2, 3]) });
    expect(decodeChatFrame(frame.subarray(0, 5))).toBeUndefined();
    // A chat frame is the adapter's own: a game cannot forge one through sendP2P.
    expect(alice.sendP2P(BOB, frame, 2, 0)).toBe(false);
  });
});
