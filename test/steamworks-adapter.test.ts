import { describe, expect, it } from 'vitest';
import { FrameKind, PayloadCodecId, encodeFrameHeader } from '../src/codec/frame.js';
import { VirtualClock } from '../src/effects/clock.js';
import type { BackendEvent } from '../src/effects/backend.js';
import { createSimulatedSteam } from '../src/effects/sim/network.js';
import { SimulatedNativeAbort } from '../src/effects/sim/steamworks/client.js';
import { createSteamworksBackend, wrapSteamworksClient } from '../src/effects/steamworks/adapter.js';
import { decodeChatFrame, encodeChatFrame } from '../src/effects/steamworks/chat-frame.js';
import { ALICE, BOB, CAROL } from './helpers/sim-world.js';

const settle = async (clock: VirtualClock, ms = 300): Promise<void> => {
  for (let t = 0; t < ms; t += 10) {
    clock.advance(10);
    await new Promise((resolve) => setImmediate(resolve));
  }
};

function setup() {
  const clock = new VirtualClock();
  const steam = createSimulatedSteam({ seed: 3, clock });
  for (const [id, name] of [
    [ALICE, 'Alice'],
    [BOB, 'Bob'],
    [CAROL, 'Carol'],
  ] as const) {
    steam.addUser({ id, name });
  }
  return { clock, steam };
}

describe("the simulator's steamworks.js client keeps steamworks.js's quirks", () => {
  it('BigInt ids and counts, a throwing readP2PPacket, number ids rejected, >250 members fatal', async () => {
    const { clock, steam } = setup();
    const client = steam.steamworksClient(ALICE);
    expect(client.localplayer.getSteamId().steamId64).toBe(ALICE);
    expect(() => client.networking.readP2PPacket(10)).toThrow(/No packet/);
    expect(() => client.networking.sendP2PPacket(5 as unknown as bigint, 2, Buffer.from([1]))).toThrow(TypeError);
    expect(() => client.matchmaking.createLobby(2, 251)).toThrow(SimulatedNativeAbort);
    const lobbyPromise = client.matchmaking.createLobby(2, 4);
    await settle(clock);
    const lobby = await lobbyPromise;
    expect(lobby.getMemberCount()).toBe(1n);
    expect(lobby.getMemberLimit()).toBe(4n);
  });

  it('rejects a failed join with "Failed to join lobby" and reports chat states as strings with making_change = user_changed', async () => {
    const { clock, steam } = setup();
    const alice = steam.steamworksClient(ALICE);
    const bob = steam.steamworksClient(BOB);
    const updates: unknown[] = [];
    alice.callback.register(5, (v) => updates.push(v));
    const lobbyP = alice.matchmaking.createLobby(0, 4);
    await settle(clock);
    const lobby = await lobbyP;
    const refused = bob.matchmaking.joinLobby(lobby.id).then(
      () => 'joined',
      (error: Error) => error.message,
    );
    await settle(clock);
    expect(await refused).toBe('Failed to join lobby');
    steam.faults.forceEnterResponse(BOB, 1);
    const joined = bob.matchmaking.joinLobby(lobby.id);
    await settle(clock);
    await joined;
    expect(updates).toEqual([{ lobby: lobby.id, user_changed: BOB, making_change: BOB, member_state_change: 'Entered' }]);
  });
});

describe('the steamworks.js adapter', () => {
  it('pre-checks nothing it cannot know: a rejected join is 5 with a note; a known full lobby is 4 without asking', async () => {
    const { clock, steam } = setup();
    const alice = wrapSteamworksClient(steam.steamworksClient(ALICE));
    const bob = wrapSteamworksClient(steam.steamworksClient(BOB));
    const events = (b: typeof alice): BackendEvent[] => {
      const out: BackendEvent[] = [];
      b.poll();
      b.drainEvents((e) => out.push(e));
      return out;
    };
    alice.createLobby(2, 1);
    await settle(clock);
    const lobbyId = events(alice).find((e) => e.type === 'lobbyCreated')!;
    if (lobbyId.type !== 'lobbyCreated') throw new Error('unreachable');
    // Unknown lobby: Steam is asked and its bare rejection becomes 5.
    bob.joinLobby(lobbyId.lobbyId);
    await settle(clock);
    expect(events(bob)).toEqual([
      expect.objectContaining({ type: 'lobbyEntered', response: 5, note: expect.stringMatching(/Failed to join lobby/) }),
    ]);
    // Known through the list and full: answered 4 without a native call.
    bob.requestLobbyList();
    await settle(clock);
    events(bob);
    bob.joinLobby(lobbyId.lobbyId);
    expect(events(bob)).toEqual([expect.objectContaining({ type: 'lobbyEntered', response: 4 })]);
  });

  it('refuses sends whose bytes disagree with the channel, and raw bytes on channel 0 pass', () => {
    const { steam } = setup();
    const alice = wrapSteamworksClient(steam.steamworksClient(ALICE));
    const onTwo = encodeFrameHeader({ kind: FrameKind.application, channel: 2, codecId: PayloadCodecId.raw });
    expect(alice.sendP2P(BOB, onTwo, 2, 2)).toBe(true);
    expect(alice.sendP2P(BOB, onTwo, 2, 0)).toBe(false);
    expect(alice.lastRefusal()?.code).toBe('channel-mismatch');
    expect(alice.sendP2P(BOB, onTwo, 2, 3)).toBe(false);
    expect(alice.sendP2P(BOB, new Uint8Array([0xff, 0]), 2, 0)).toBe(true);
    // A chat frame is the adapter's own: a game cannot forge one through sendP2P.
    expect(alice.sendP2P(BOB, encodeChatFrame(1n, new Uint8Array([1])), 2, 0)).toBe(false);
  });

  it('drops emulated chat from someone who is not in the lobby', async () => {
    const { clock, steam } = setup();
    const alice = wrapSteamworksClient(steam.steamworksClient(ALICE));
    const carolClient = steam.steamworksClient(CAROL);
    alice.createLobby(2, 4);
    await settle(clock);
    let lobbyId = 0n;
    alice.drainEvents((e) => {
      if (e.type === 'lobbyCreated') lobbyId = e.lobbyId;
    });
    alice.acceptSession(CAROL);
    carolClient.networking.sendP2PPacket(ALICE, 2, Buffer.from(encodeChatFrame(lobbyId, new Uint8Array([7]))));
    await settle(clock, 100);
    alice.poll();
    const chats: BackendEvent[] = [];
    alice.drainEvents((e) => e.type === 'lobbyChatMessage' && chats.push(e));
    expect(chats).toEqual([]);
    expect(alice.pendingPackets()).toBe(0);
  });

  it('chat frames round-trip the lobby id and message', () => {
    const frame = encodeChatFrame(109775240917782914n, new Uint8Array([1, 2, 3]));
    expect(decodeChatFrame(frame)).toEqual({ lobbyId: 109775240917782914n, message: new Uint8Array([1, 2, 3]) });
    expect(decodeChatFrame(frame.subarray(0, 5))).toBeUndefined();
  });

  it('createSteamworksBackend with an injected client never loads steamworks.js', async () => {
    const { steam } = setup();
    const backend = await createSteamworksBackend({ client: steam.steamworksClient(ALICE), argv: ['+connect_lobby', '42'] });
    expect(backend.kind).toBe('steamworks');
    expect(backend.launchArgs()).toEqual(['+connect_lobby', '42']);
    backend.dispose();
  });
});
