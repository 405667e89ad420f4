/**
 * The Backend contract: Steam's rules as every backend must show them. Capability-aware — a feature a backend
 * declares 'absent' is asserted to be refused with a typed reason, never skipped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameKind, PayloadCodecId, encodeFrameHeader } from '../../src/codec/frame.js';
import {
  MAX_LOBBY_CHAT_BYTES,
  MAX_RELIABLE_BYTES,
  MAX_UNRELIABLE_BYTES,
  UNKNOWN_PERSONA_NAME,
  type Backend,
  type BackendCapabilities,
  type LobbyType,
  type Support,
} from '../../src/effects/backend.js';
import { connectLobbyArgs } from '../../src/effects/sim/network.js';
import { ALICE, BOB, CAROL, createSimWorld, ofType, readAll, type BackendFlavour, type SimWorld } from './sim-world.js';

const SUPPORT: readonly Support[] = ['native', 'emulated', 'absent'];

async function createLobby(world: SimWorld, owner: Backend, type: LobbyType, max: number): Promise<bigint> {
  expect(owner.createLobby(type, max)).toBe(true);
  await world.settle();
  const created = ofType(world.events(owner), 'lobbyCreated');
  expect(created).toHaveLength(1);
  expect(created[0]!.result).toBe(1);
  return created[0]!.lobbyId;
}

async function list(world: SimWorld, who: Backend): Promise<readonly bigint[]> {
  expect(who.requestLobbyList()).toBe(true);
  await world.settle();
  const lists = ofType(world.events(who), 'lobbyList');
  expect(lists).toHaveLength(1);
  return lists[0]!.lobbyIds;
}

async function join(world: SimWorld, who: Backend, lobbyId: bigint) {
  expect(who.joinLobby(lobbyId)).toBe(true);
  await world.settle();
  const entered = ofType(world.events(who), 'lobbyEntered');
  expect(entered).toHaveLength(1);
  return entered[0]!;
}

/** A lobbykit application frame for `channel`, so every backend (channels native or emulated) can carry it. */
function frame(channel: number, payload: readonly number[]): Uint8Array {
  const header = encodeFrameHeader({ kind: FrameKind.application, channel, codecId: PayloadCodecId.raw });
  const out = new Uint8Array(header.length + payload.length);
  out.set(header);
  out.set(payload, header.length);
  return out;
}

function payloadOf(bytes: Uint8Array): number[] {
  return [...bytes.subarray(2)];
}

export function registerBackendContract(flavour: BackendFlavour, expected: BackendCapabilities): void {
  describe(`Backend contract: ${flavour}`, () => {
    it('declares a support level for every capability, as documented', () => {
      const world = createSimWorld(flavour);
      const alice = world.user({ id: ALICE, name: 'Alice' });
      for (const value of Object.values(alice.capabilities)) expect(SUPPORT).toContain(value);
      expect(alice.capabilities).toEqual(expected);
    });

    it('creates a lobby owned by its creator, and answers local questions synchronously', async () => {
      const world = createSimWorld(flavour);
      const alice = world.user({ id: ALICE, name: 'Alice' });
      const lobbyId = await createLobby(world, alice, 2, 4);
      expect(alice.getLobbyOwner(lobbyId)).toBe(ALICE);
      expect(alice.getLobbyMembers(lobbyId)).toEqual([ALICE]);
      expect(alice.getLobbyMemberLimit(lobbyId)).toBe(4);
      expect(alice.setLobbyData(lobbyId, 'name', "Gramps' Lobby")).toBe(true);
      expect(alice.getLobbyData(lobbyId, 'name')).toBe("Gramps' Lobby");
      expect(alice.getLobbyData(lobbyId, 'missing')).toBe('');
      expect(alice.localUserId()).toBe(ALICE);
      expect(alice.localUserName()).toBe('Alice');
    });

    it('refuses more than 250 members before anything native runs', () => {
      const world = createSimWorld(flavour);
      const alice = world.user({ id: ALICE, name: 'Alice' });
      expect(alice.createLobby(2, 251)).toBe(false);
      expect(alice.lastRefusal()?.code).toBe('invalid-argument');
      expect(alice.createLobby(2, 250)).toBe(true);
    });

    it('lists public and invisible lobbies, never private or friends-only ones', async () => {
      const world = createSimWorld(flavour);
      const owners = [0, 1, 2, 3].map((i) => world.user({ id: ALICE + BigInt(10 + i), name: `Owner ${i}` }));
      const ids: bigint[] = [];
      for (const [type, owner] of owners.entries()) ids.push(await createLobby(world, owner, type as LobbyType, 4));
      const bob = world.user({ id: BOB, name: 'Bob' });
      const listed = await list(world, bob);
      expect([...listed].sort()).toEqual([ids[2]!, ids[3]!].sort());
    });

    it('applies string, numerical, slots and result-count filters to the list', async () => {
      const world = createSimWorld(flavour);
      const owners = [0, 1, 2].map((i) => world.user({ id: ALICE + BigInt(10 + i), name: `Owner ${i}` }));
      const ids: bigint[] = [];
      for (const [i, owner] of owners.entries()) {
        const id = await createLobby(world, owner, 2, 2 + i);
        owner.setLobbyData(id, 'mode', i === 1 ? 'ctf' : 'dm');
        owner.setLobbyData(id, 'level', String(i * 10));
        ids.push(id);
      }
      const bob = world.user({ id: BOB, name: 'Bob' });
      expect(bob.requestLobbyList({ strings: [{ key: 'mode', value: 'dm' }], numbers: [{ key: 'level', value: 5, comparison: '>' }] })).toBe(true);
      await world.settle();
      expect(ofType(world.events(bob), 'lobbyList')[0]?.lobbyIds).toEqual([ids[2]]);
      expect(bob.requestLobbyList({ slotsAvailable: 2 })).toBe(true);
      await world.settle();
      expect([...(ofType(world.events(bob), 'lobbyList')[0]?.lobbyIds ?? [])].sort()).toEqual([ids[1]!, ids[2]!].sort());
      expect(bob.requestLobbyList({ resultCount: 1 })).toBe(true);
      await world.settle();
      expect(ofType(world.events(bob), 'lobbyList')[0]?.lobbyIds).toHaveLength(1);
    });

    it('answers 4 (full) for a join into a full lobby', async () => {
      const world = createSimWorld(flavour);
      const alice = world.user({ id: ALICE, name: 'Alice' });
      const lobbyId = await createLobby(world, alice, 2, 1);
      const bob = world.user({ id: BOB, name: 'Bob' });
      expect(await list(world, bob)).toContain(lobbyId);
      const entered = await join(world, bob, lobbyId);
      expect(entered.response).toBe(4);
      expect(alice.getLobbyMembers(lobbyId)).toEqual([ALICE]);
    });

    it('refuses a private lobby to a user without an invite, with a code or an honest note', async () => {
      const world = createSimWorld(flavour);
      const alice = world.user({ id: ALICE, name: 'Alice' });
      const lobbyId = await createLobby(world, alice, 0, 4);
      const bob = world.user({ id: BOB, name: 'Bob' });
      const entered = await join(world, bob, lobbyId);
      if (alice.capabilities.enterResponseCodes === 'absent') {
        expect(entered.response).toBe(5);
        expect(entered.note).toMatch(/steamworks\.js/);
      } else {
        expect(entered.response).toBe(3);
      }
      expect(bob.getLobbyMembers(lobbyId)).toEqual([]);
    });

    it('tells members who entered, and hands ownership over when the owner leaves', async () => {
      const world = createSimWorld(flavour);
      const alice = world.user({ id: ALICE, name: 'Alice' });
      const bob = world.user({ id: BOB, name: 'Bob' });
      const carol = world.user({ id: CAROL, name: 'Carol' });
      const lobbyId = await createLobby(world, alice, 2, 4);
      expect((await join(world, bob, lobbyId)).response).toBe(1);
      expect((await join(world, carol, lobbyId)).response).toBe(1);
      const aliceSaw = ofType(world.events(alice), 'lobbyChatUpdate');
      expect(aliceSaw.map((e) => [e.changed, e.state])).toEqual([
        [BOB, 1],
        [CAROL, 1],
      ]);
      world.events(bob);
      expect(alice.leaveLobby(lobbyId)).toBe(true);
      await world.settle();
      const bobSaw = world.events(bob);
      expect(ofType(bobSaw, 'lobbyChatUpdate').map((e) => [e.changed, e.state])).toEqual([[ALICE, 2]]);
      expect(ofType(bobSaw, 'lobbyDataUpdate').some((e) => e.lobbyId === lobbyId)).toBe(true);
      expect(bob.getLobbyOwner(lobbyId)).toBe(BOB);
      expect(bob.getLobbyMembers(lobbyId)).toEqual([BOB, CAROL]);
      expect(bob.setLobbyData(lobbyId, 'k', 'v')).toBe(true);
      expect(carol.setLobbyData(lobbyId, 'k', 'w')).toBe(false);
    });

    it('carries lobby chat up to 4 KB to every member (sender included) and refuses more', async () => {
      const world = createSimWorld(flavour);
      const alice = world.user({ id: ALICE, name: 'Alice' });
      const bob = world.user({ id: BOB, name: 'Bob' });
      const lobbyId = await createLobby(world, alice, 2, 4);
      await join(world, bob, lobbyId);
      // Emulated chat rides on P2P sessions, which lobbykit's runtime accepts for lobby members.
      alice.acceptSession(BOB);
      bob.acceptSession(ALICE);
      const message = new Uint8Array(MAX_LOBBY_CHAT_BYTES).map((_, i) => i % 251);
      expect(alice.sendLobbyChat(lobbyId, message)).toBe(true);
      expect(alice.sendLobbyChat(lobbyId, new Uint8Array(MAX_LOBBY_CHAT_BYTES + 1))).toBe(false);
      expect(alice.lastRefusal()?.code).toBe('too-large');
      await world.settle();
      for (const who of [alice, bob]) {
        const chats = ofType(world.events(who), 'lobbyChatMessage');
        expect(chats).toHaveLength(1);
        expect(chats[0]!.from).toBe(ALICE);
        expect(chats[0]!.bytes).toEqual(message);
      }
    });

    it('enforces 1200 B unreliable and 1 MiB reliable, saying why', () => {
      const world = createSimWorld(flavour);
      const alice = world.user({ id: ALICE, name: 'Alice' });
      world.user({ id: BOB, name: 'Bob' });
      expect(alice.sendP2P(BOB, new Uint8Array(MAX_UNRELIABLE_BYTES), 0, 0)).toBe(true);
      expect(alice.sendP2P(BOB, new Uint8Array(MAX_UNRELIABLE_BYTES + 1), 0, 0)).toBe(false);
      expect(alice.lastRefusal()).toMatchObject({ code: 'too-large' });
      expect(alice.sendP2P(BOB, new Uint8Array(MAX_UNRELIABLE_BYTES + 1), 1, 0)).toBe(false);
      expect(alice.sendP2P(BOB, new Uint8Array(MAX_RELIABLE_BYTES), 2, 0)).toBe(true);
      expect(alice.sendP2P(BOB, new Uint8Array(MAX_RELIABLE_BYTES + 1), 2, 0)).toBe(false);
      expect(alice.lastRefusal()?.detail).toMatch(/1048576/);
      expect(alice.sendP2P(BOB, new Uint8Array(4), 7 as never, 0)).toBe(false);
      expect(alice.sendP2P(5 as never, new Uint8Array(4), 2, 0)).toBe(false);
      expect(alice.lastRefusal()?.code).toBe('invalid-argument');
    });

    it('raises a session request on the first packet and holds packets until accepted', async () => {
      const world = createSimWorld(flavour);
      const alice = world.user({ id: ALICE, name: 'Alice' });
      const bob = world.user({ id: BOB, name: 'Bob' });
      expect(bob.sendP2P(ALICE, frame(0, [1]), 2, 0)).toBe(true);
      expect(bob.sendP2P(ALICE, frame(0, [2]), 2, 0)).toBe(true);
      await world.settle(200);
      expect(ofType(world.events(alice), 'p2pSessionRequest').map((e) => e.remote)).toEqual([BOB]);
      expect(readAll(alice, 0)).toEqual([]);
      expect(alice.acceptSession(BOB)).toBe(true);
      expect(readAll(alice, 0).map((p) => [p.from, payloadOf(p.bytes)])).toEqual([
        [BOB, [1]],
        [BOB, [2]],
      ]);
      // Bob is accepted now: no second request.
      bob.sendP2P(ALICE, frame(0, [3]), 2, 0);
      await world.settle(200);
      expect(ofType(world.events(alice), 'p2pSessionRequest')).toEqual([]);
      expect(readAll(alice, 0).map((p) => payloadOf(p.bytes))).toEqual([[3]]);
    });

    it('routes packets by channel', async () => {
      const world = createSimWorld(flavour);
      const alice = world.user({ id: ALICE, name: 'Alice' });
      const bob = world.user({ id: BOB, name: 'Bob' });
      alice.acceptSession(BOB);
      expect(bob.sendP2P(ALICE, frame(3, [30]), 2, 3)).toBe(true);
      expect(bob.sendP2P(ALICE, frame(0, [0]), 2, 0)).toBe(true);
      const raw = new Uint8Array([0xff, 1, 2]);
      const rawOnThree = bob.sendP2P(ALICE, raw, 2, 3);
      if (alice.capabilities.p2pChannels === 'native') expect(rawOnThree).toBe(true);
      else {
        expect(rawOnThree).toBe(false);
        expect(bob.lastRefusal()?.code).toBe('channel-mismatch');
      }
      await world.settle(200);
      expect(readAll(alice, 3).map((p) => p.bytes[p.bytes.length - 1])).toEqual(rawOnThree ? [30, 2] : [30]);
      expect(readAll(alice, 0).map((p) => payloadOf(p.bytes))).toEqual([[0]]);
    });

    it('delivers reliable data exactly once and in order under 30% loss and reordering (seeded)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 20, max: 120 }), async (seed, count) => {
          const world = createSimWorld(flavour, { seed });
          const alice = world.user({ id: ALICE, name: 'Alice' });
          const bob = world.user({ id: BOB, name: 'Bob' });
          alice.acceptSession(BOB);
          world.steam.faults.setLink(ALICE, BOB, { loss: 0.3, reorder: 0.5, duplication: 0.2, jitterMs: 40 });
          for (let i = 0; i < count; i++) expect(bob.sendP2P(ALICE, frame(1, [i & 0xff, i >> 8]), i % 2 === 0 ? 2 : 3, 1)).toBe(true);
          await world.settle(3000);
          const got = readAll(alice, 1).map((p) => p.bytes[2]! | (p.bytes[3]! << 8));
          expect(got).toEqual(Array.from({ length: count }, (_, i) => i));
        }),
        { seed: 1234, numRuns: 12 },
      );
    });

    for (const error of [0, 2, 4, 5]) {
      it(`reports a P2P connect failure with error ${error}`, async () => {
        const world = createSimWorld(flavour);
        const alice = world.user({ id: ALICE, name: 'Alice' });
        world.user({ id: BOB, name: 'Bob' });
        world.steam.faults.failSessions(ALICE, BOB, error);
        expect(alice.sendP2P(BOB, frame(0, [1]), 2, 0)).toBe(true);
        await world.settle(200);
        expect(ofType(world.events(alice), 'p2pConnectFail')).toEqual([{ type: 'p2pConnectFail', remote: BOB, error }]);
      });
    }

    it('passes on a friend\'s join request while the game runs', async () => {
      const world = createSimWorld(flavour);
      const alice = world.user({ id: ALICE, name: 'Alice', friends: [BOB] });
      const bob = world.user({ id: BOB, name: 'Bob' });
      const lobbyId = await createLobby(world, alice, 1, 4);
      world.steam.requestJoin(BOB, lobbyId, ALICE);
      await world.settle();
      expect(ofType(world.events(bob), 'joinRequested')).toEqual([{ type: 'joinRequested', lobbyId, friendId: ALICE }]);
      expect((await join(world, bob, lobbyId)).response).toBe(1);
    });

    it('exposes +connect_lobby launch arguments', () => {
      const world = createSimWorld(flavour);
      const bob = world.user({ id: BOB, name: 'Bob', launchArgs: connectLobbyArgs(109775240917782914n) });
      expect(bob.launchArgs()).toEqual(['+connect_lobby', '109775240917782914']);
    });

    it('learns strangers\' persona names late, through a persona change', async () => {
      const world = createSimWorld(flavour);
      const alice = world.user({ id: ALICE, name: 'Alice' });
      const bob = world.user({ id: BOB, name: 'Bob' });
      const lobbyId = await createLobby(world, alice, 2, 4);
      bob.joinLobby(lobbyId);
      await world.settle(60);
      expect(alice.personaName(BOB)).toBe(UNKNOWN_PERSONA_NAME);
      await world.settle(500);
      expect(ofType(world.events(alice), 'personaChange').map((e) => e.userId)).toEqual([BOB]);
      expect(alice.personaName(BOB)).toBe(alice.capabilities.personaNames === 'absent' ? UNKNOWN_PERSONA_NAME : 'Bob');
      expect(alice.personaName(ALICE)).toBe('Alice');
    });

    it('invites where it can, and says so where it cannot', async () => {
      const world = createSimWorld(flavour);
      const alice = world.user({ id: ALICE, name: 'Alice' });
      const bob = world.user({ id: BOB, name: 'Bob' });
      const lobbyId = await createLobby(world, alice, 0, 4);
      const sent = alice.inviteUserToLobby(lobbyId, BOB);
      if (alice.capabilities.invites === 'absent') {
        expect(sent).toBe(false);
        expect(alice.lastRefusal()?.code).toBe('unsupported');
        return;
      }
      expect(sent).toBe(true);
      await world.settle();
      expect(ofType(world.events(bob), 'lobbyInvite')).toEqual([{ type: 'lobbyInvite', lobbyId, from: ALICE }]);
      expect((await join(world, bob, lobbyId)).response).toBe(1);
    });

    it('offers member data, kick/ban, session close and relay control only as declared', async () => {
      const world = createSimWorld(flavour);
      const alice = world.user({ id: ALICE, name: 'Alice' });
      const bob = world.user({ id: BOB, name: 'Bob' });
      const lobbyId = await createLobby(world, alice, 2, 4);
      await join(world, bob, lobbyId);
      const checks: [keyof BackendCapabilities, () => boolean][] = [
        ['memberData', () => bob.setLobbyMemberData(lobbyId, 'ready', '1')],
        ['closeSession', () => alice.closeSession(BOB)],
        ['relayControl', () => alice.allowRelay(true)],
        ['kickAndBan', () => alice.kickLobbyMember(lobbyId, BOB)],
      ];
      for (const [capability, attempt] of checks) {
        const who = capability === 'memberData' ? bob : alice;
        const ok = attempt();
        if (alice.capabilities[capability] === 'absent') {
          expect(ok, capability).toBe(false);
          expect(who.lastRefusal()?.code, capability).toBe('unsupported');
        } else {
          expect(ok, capability).toBe(true);
          if (capability === 'memberData') expect(alice.getLobbyMemberData(lobbyId, BOB, 'ready')).toBe('1');
        }
      }
      if (alice.capabilities.kickAndBan !== 'absent') {
        await world.settle();
        expect(ofType(world.events(bob), 'lobbyKicked')).toEqual([{ type: 'lobbyKicked', lobbyId, by: ALICE, dueToDisconnect: false }]);
        expect(alice.getLobbyMembers(lobbyId)).toEqual([ALICE]);
      }
    });

    it('reports Steam servers going away and coming back', async () => {
      const world = createSimWorld(flavour);
      const alice = world.user({ id: ALICE, name: 'Alice' });
      world.steam.faults.disconnectServers(ALICE, 3);
      await world.settle(100);
      expect(ofType(world.events(alice), 'serversDisconnected')).toEqual([{ type: 'serversDisconnected', reason: 3 }]);
      expect(alice.createLobby(2, 4)).toBe(true);
      await world.settle();
      expect(ofType(world.events(alice), 'lobbyCreated')[0]?.result).not.toBe(1);
      world.steam.faults.reconnectServers(ALICE);
      await world.settle(100);
      expect(ofType(world.events(alice), 'serversConnected')).toHaveLength(1);
    });
  });
}
