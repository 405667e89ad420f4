// The simulator's steamworks.js-shaped client against what steamworks.js 0.4 really does. Every expected value here
// comes from the package's sources (ceifa/steamworks.js fa6c6af, Noxime/steamworks-rs fbb7963, napi-rs 2.16.8;
// the file:line is beside each), or from running the real package (test/steamworks-real.test.ts), never from the
// simulator's code.
import { describe, expect, it } from 'vitest';
import { SimulatedNativeAbort } from '../src/effects/sim/steamworks/client.js';
import { RUN_CALLBACKS_MS } from '../src/effects/sim/steamworks/process.js';
import { SteamCallbackId, type SteamworksLobby } from '../src/effects/steamworks/client-types.js';
import { ALICE, BOB, CAROL, simulatedSteamWithAliceBobCarol } from './helpers/sim-world.js';

const setup = () => simulatedSteamWithAliceBobCarol(11);

async function lobbyOf(promise: Promise<SteamworksLobby>, settle: () => Promise<void>): Promise<SteamworksLobby> {
  await settle();
  return promise;
}

describe("the simulator's steamworks.js client behaves as steamworks.js 0.4 does", () => {
  it('keeps one handler per callback id for the process: a later register replaces, any disconnect removes the id', async () => {
    const { steam, settle } = setup();
    const alice = steam.steamworksClient(ALICE);
    const bob = steam.steamworksClient(BOB);
    const heard: string[] = [];
    const first = alice.callback.register(SteamCallbackId.LobbyChatUpdate, () => heard.push('first'));
    alice.callback.register(SteamCallbackId.LobbyChatUpdate, () => heard.push('second'));
    const lobby = await lobbyOf(alice.matchmaking.createLobby(2, 4), settle);
    await lobbyOf(bob.matchmaking.joinLobby(lobby.id), settle);
    // steamworks-rs callback.rs:45-53: HashMap::insert by callback id.
    expect(heard).toEqual(['second']);
    // callback.rs:23-28: remove(&self.id), whoever registered it.
    first.disconnect();
    await lobbyOf(steam.steamworksClient(CAROL).matchmaking.joinLobby(lobby.id), settle);
    expect(heard).toEqual(['second']);
  });

  it('delivers callbacks only at runCallbacks, every 1000/30 ms after init (steamworks.js index.js:33-34)', async () => {
    const { clock, steam } = setup();
    const alice = steam.steamworksClient(ALICE);
    const at: number[] = [];
    alice.callback.register(SteamCallbackId.SteamServersConnected, () => at.push(clock.now()));
    steam.faults.disconnectServers(ALICE, 3);
    clock.advance(5);
    steam.faults.reconnectServers(ALICE);
    for (let i = 0; i < 200 && at.length === 0; i++) clock.advance(1);
    expect(at).toHaveLength(1);
    // A multiple of the timer's period from init (at time 0), whatever the happening's own time was.
    const ticks = at[0]! / RUN_CALLBACKS_MS;
    expect(Math.abs(ticks - Math.round(ticks))).toBeLessThan(1e-9);
  });

  it('hands payloads over as serde makes them: reason names, null, states as names, making_change = user_changed', async () => {
    const { steam, settle } = setup();
    const alice = steam.steamworksClient(ALICE);
    const bob = steam.steamworksClient(BOB);
    const payloads: unknown[] = [];
    alice.callback.register(SteamCallbackId.SteamServersDisconnected, (v) => payloads.push(v));
    alice.callback.register(SteamCallbackId.SteamServersConnected, (v) => payloads.push(v));
    alice.callback.register(SteamCallbackId.LobbyChatUpdate, (v) => payloads.push(v));
    steam.faults.disconnectServers(ALICE, 3);
    await settle(100);
    steam.faults.reconnectServers(ALICE);
    await settle(100);
    const lobby = await lobbyOf(alice.matchmaking.createLobby(2, 4), settle);
    await lobbyOf(bob.matchmaking.joinLobby(lobby.id), settle);
    expect(payloads).toEqual([
      // EResult 3 is SteamError::NoConnection (steamworks-rs error.rs:395), serialised by name (user.rs:397-411).
      { reason: 'NoConnection' },
      // SteamServersConnected is a unit struct (user.rs:383): serde's null.
      null,
      // matchmaking.rs:925-948: making_change is m_ulSteamIDUserChanged; the state enum by its variant name.
      { lobby: lobby.id, user_changed: BOB, making_change: BOB, member_state_change: 'Entered' },
    ]);
  });

  it('a second init() drops the first client: its callbacks are gone and its pending calls never settle (lib.rs:14-16)', async () => {
    const { steam, settle } = setup();
    const module = steam.steamworks(ALICE);
    const first = module.init();
    let heard = 0;
    first.callback.register(SteamCallbackId.LobbyDataUpdate, () => heard++);
    let settled = false;
    void first.matchmaking.createLobby(2, 4).then(
      () => (settled = true),
      () => (settled = true),
    );
    const second = module.init();
    await settle();
    expect(settled).toBe(false);
    const lobby = await lobbyOf(second.matchmaking.createLobby(2, 4), settle);
    expect(lobby.setData('k', 'v')).toBe(true);
    await settle();
    expect(heard).toBe(0);
  });

  it('a failed init() throws GenericFailure, leaves no client (a native call then aborts), and can be retried', () => {
    const { steam } = setup();
    const module = steam.steamworks(ALICE);
    const client = module.init();
    module.steamRunning = false;
    // The text and code of the real 0.4.0 on a machine without Steam (test/steamworks-real.test.ts).
    expect(() => module.init()).toThrow(expect.objectContaining({ code: 'GenericFailure', message: expect.stringMatching(/^Failed to load module/) }));
    // client.rs:13-16: get_client() unwraps None.
    expect(() => client.localplayer.getSteamId()).toThrow(SimulatedNativeAbort);
    module.steamRunning = true;
    expect(module.init().localplayer.getSteamId().steamId64).toBe(ALICE);
  });

  it('rejects async panics, throws napi errors for bad arguments, and aborts on synchronous panics', async () => {
    const { steam, settle } = setup();
    const alice = steam.steamworksClient(ALICE);
    // matchmaking.rs:90 asserts inside the async fn: napi rejects with the panic's &str (tokio_runtime.rs:181-183).
    await expect(alice.matchmaking.createLobby(2, 251)).rejects.toThrow('assertion failed: max_members <= 250');
    // napi's enum conversion (backend/src/codegen/enum.rs:72-79), before anything runs.
    expect(() => alice.matchmaking.createLobby(7 as never, 4)).toThrow('value `7` does not match any variant of enum `LobbyType`');
    expect(() => alice.networking.sendP2PPacket(BOB, 9 as never, Buffer.from([1]))).toThrow(/enum `SendType`/);
    // napi_get_value_bigint_words fails: empty message, code BigintExpected (js_values/bigint.rs:45-50).
    expect(() => alice.matchmaking.joinLobby(5 as never)).toThrow(expect.objectContaining({ message: '', code: 'BigintExpected' }));
    const lobby = await lobbyOf(alice.matchmaking.createLobby(2, 4), settle);
    // CString::new(..).unwrap() on a NUL (steamworks-rs matchmaking.rs:147, 191-192).
    expect(() => lobby.setData('a\0b', 'v')).toThrow(SimulatedNativeAbort);
    expect(() => lobby.setData('k', 'v\0')).toThrow(SimulatedNativeAbort);
    expect(() => lobby.getData('a\0')).toThrow(SimulatedNativeAbort);
  });

  it("reads data that is not UTF-8: getData aborts (to_str().unwrap(), matchmaking.rs:155), getFullData is lossy (:179-182)", async () => {
    const { steam, settle } = setup();
    const cxx = steam.backend(ALICE);
    cxx.createLobby(2, 4);
    await settle();
    const lobbyId = steam.lobbies()[0]!.id;
    // A lone surrogate is the simulator's stand-in for bytes a C++ client on app 480 may write.
    expect(cxx.setLobbyData(lobbyId, 'name', 'caf\uD800')).toBe(true);
    const bob = steam.steamworksClient(BOB);
    const listed = bob.matchmaking.getLobbies();
    await settle();
    const [lobby] = await listed;
    expect(() => lobby!.getData('name')).toThrow(SimulatedNativeAbort);
    expect(lobby!.getFullData()).toEqual({ name: 'caf\uFFFD' });
  });

  it('lists at most 50 lobbies, in creation order, and shows unjoined ones as a snapshot with nil members', async () => {
    const { steam, settle } = setup();
    const ids: bigint[] = [];
    for (let i = 0; i < 55; i++) {
      const id = 76561198100000000n + BigInt(i);
      steam.addUser({ id, name: `Owner ${i}` });
      ids.push((await lobbyOf(steam.steamworksClient(id).matchmaking.createLobby(2, 3), settle)).id);
    }
    const bob = steam.steamworksClient(BOB);
    const listing = bob.matchmaking.getLobbies();
    await settle();
    const lobbies = await listing;
    // Steam's default result count (https://partner.steamgames.com/doc/api/ISteamMatchmaking#AddRequestLobbyListResultCountFilter).
    expect(lobbies.map((l) => l.id)).toEqual(ids.slice(0, 50));
    const first = lobbies[0]!;
    await lobbyOf(steam.steamworksClient(CAROL).matchmaking.joinLobby(first.id), settle);
    // A snapshot of list time: only RequestLobbyData refreshes it (isteammatchmaking.h:208-216): one member, though Carol has joined since.
    expect(first.getMemberCount()).toBe(1n);
    expect(first.getMemberLimit()).toBe(3n);
    // isteammatchmaking.h:166-169: nil ids for a lobby you are not in; its owner too (:238-242).
    expect(first.getMembers().map((m) => m.steamId64)).toEqual([0n]);
    expect(first.getOwner().steamId64).toBe(0n);
    // A lobby Steam never showed: no limit (0 → None: steamworks-rs matchmaking.rs:219-227), no members.
    const unknown = await lobbyOf(bob.matchmaking.createLobby(0, 2), settle);
    unknown.leave();
    expect(unknown.getMemberLimit()).toBeNull();
    expect(unknown.getMembers()).toEqual([]);
  });

  it('zero-pads a read to the size asked and says how much was the packet (networking.rs:68-87)', async () => {
    const { steam, settle } = setup();
    const alice = steam.steamworksClient(ALICE);
    const bob = steam.steamworksClient(BOB);
    alice.networking.acceptP2PSession(BOB);
    expect(bob.networking.sendP2PPacket(ALICE, 2, Buffer.from([7, 8, 9]))).toBe(true);
    await settle(200);
    expect(alice.networking.isP2PPacketAvailable()).toBe(3);
    const packet = alice.networking.readP2PPacket(8);
    expect([...packet.data]).toEqual([7, 8, 9, 0, 0, 0, 0, 0]);
    expect(packet.size).toBe(3);
    expect(packet.steamId.steamId64).toBe(BOB);
    expect(() => alice.networking.readP2PPacket(8)).toThrow('No packet available');
  });

  it('has the fork\'s channels and friend names only as @pipelab/steamworks.js (its networking.rs:48-108, friends.rs:8-15)', async () => {
    const { steam, settle } = setup();
    const plain = steam.steamworksClient(CAROL);
    expect(plain.networking.sendP2PPacketOnChannel).toBeUndefined();
    expect(plain.friends).toBeUndefined();
    const alice = steam.steamworksClient(ALICE, '@pipelab/steamworks.js');
    const bob = steam.steamworksClient(BOB, '@pipelab/steamworks.js');
    alice.networking.acceptP2PSession(BOB);
    expect(bob.networking.sendP2PPacketOnChannel!(ALICE, 2, Buffer.from([5]), 4)).toBe(true);
    await settle(200);
    expect(alice.networking.isP2PPacketAvailable()).toBe(0);
    expect(alice.networking.isP2PPacketAvailableOnChannel!(4)).toBe(1);
    expect([...alice.networking.readP2PPacketFromChannel!(1, 4).data]).toEqual([5]);
    // A stranger's name is "[unknown]" until Steam has sent it (sdk isteamfriends.h:236-240).
    expect(alice.friends!.getFriendName(BOB)).toBe('[unknown]');
    steam.befriend(ALICE, BOB);
    expect(alice.friends!.getFriendName(BOB)).toBe('Bob');
  });
});
