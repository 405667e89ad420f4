import { describe, expect, it } from 'vitest';
import { enterResponseReason, type Backend, type LobbyType } from '../src/effects/backend.js';
import { ALICE, BOB, CAROL, DAVE, createSimWorld, ofType, type SimWorld } from './helpers/sim-world.js';

async function createLobby(world: SimWorld, owner: Backend, type: LobbyType, max = 4): Promise<bigint> {
  owner.createLobby(type, max);
  await world.settle();
  return ofType(world.events(owner), 'lobbyCreated')[0]!.lobbyId;
}

async function joinResponse(world: SimWorld, who: Backend, lobbyId: bigint): Promise<number> {
  who.joinLobby(lobbyId);
  await world.settle();
  return ofType(world.events(who), 'lobbyEntered')[0]!.response;
}

describe('simulated Steam: every enter response the seed lists', () => {
  it('2 — the lobby does not exist (or closed when its last member left)', async () => {
    const world = createSimWorld('simulated');
    const alice = world.user({ id: ALICE, name: 'Alice' });
    const bob = world.user({ id: BOB, name: 'Bob' });
    const lobbyId = await createLobby(world, alice, 2);
    alice.leaveLobby(lobbyId);
    expect(world.steam.lobby(lobbyId)).toBeUndefined();
    expect(await joinResponse(world, bob, lobbyId)).toBe(2);
  });

  it('3 — private without an invite, friends-only without a friend inside', async () => {
    const world = createSimWorld('simulated');
    const alice = world.user({ id: ALICE, name: 'Alice', friends: [CAROL] });
    const bob = world.user({ id: BOB, name: 'Bob' });
    const carol = world.user({ id: CAROL, name: 'Carol' });
    const privateLobby = await createLobby(world, alice, 0);
    const friendsLobby = await createLobby(world, alice, 1);
    expect(await joinResponse(world, bob, privateLobby)).toBe(3);
    expect(await joinResponse(world, bob, friendsLobby)).toBe(3);
    expect(await joinResponse(world, carol, friendsLobby)).toBe(1);
    expect(await joinResponse(world, carol, privateLobby)).toBe(3);
  });

  it('4 — full', async () => {
    const world = createSimWorld('simulated');
    const alice = world.user({ id: ALICE, name: 'Alice' });
    const bob = world.user({ id: BOB, name: 'Bob' });
    const carol = world.user({ id: CAROL, name: 'Carol' });
    const lobbyId = await createLobby(world, alice, 2, 2);
    expect(await joinResponse(world, bob, lobbyId)).toBe(1);
    expect(await joinResponse(world, carol, lobbyId)).toBe(4);
  });

  it('5 — error, when the user has lost Steam (or forced)', async () => {
    const world = createSimWorld('simulated');
    const alice = world.user({ id: ALICE, name: 'Alice' });
    const bob = world.user({ id: BOB, name: 'Bob' });
    const lobbyId = await createLobby(world, alice, 2);
    world.steam.faults.disconnectServers(BOB);
    expect(await joinResponse(world, bob, lobbyId)).toBe(5);
    world.steam.faults.reconnectServers(BOB);
    expect(await joinResponse(world, bob, lobbyId)).toBe(1);
  });

  it('6 — banned', async () => {
    const world = createSimWorld('simulated');
    const alice = world.user({ id: ALICE, name: 'Alice' });
    const bob = world.user({ id: BOB, name: 'Bob' });
    const lobbyId = await createLobby(world, alice, 2);
    expect(await joinResponse(world, bob, lobbyId)).toBe(1);
    expect(alice.banLobbyMember(lobbyId, BOB)).toBe(true);
    await world.settle();
    const aliceSaw = ofType(world.events(alice), 'lobbyChatUpdate').at(-1);
    expect(aliceSaw).toMatchObject({ changed: BOB, changedBy: ALICE, state: 0x10 });
    expect(await joinResponse(world, bob, lobbyId)).toBe(6);
  });

  it('7 — limited account, 9 — community ban', async () => {
    const world = createSimWorld('simulated');
    const alice = world.user({ id: ALICE, name: 'Alice' });
    const bob = world.user({ id: BOB, name: 'Bob', limited: true });
    const carol = world.user({ id: CAROL, name: 'Carol', communityBanned: true });
    const lobbyId = await createLobby(world, alice, 2);
    expect(await joinResponse(world, bob, lobbyId)).toBe(7);
    expect(await joinResponse(world, carol, lobbyId)).toBe(9);
  });

  it('8 — locked (not joinable), even for invitees, and no longer listed', async () => {
    const world = createSimWorld('simulated');
    const alice = world.user({ id: ALICE, name: 'Alice' });
    const bob = world.user({ id: BOB, name: 'Bob' });
    const lobbyId = await createLobby(world, alice, 2);
    expect(alice.inviteUserToLobby(lobbyId, BOB)).toBe(true);
    expect(alice.setLobbyJoinable(lobbyId, false)).toBe(true);
    bob.requestLobbyList();
    await world.settle();
    expect(ofType(world.events(bob), 'lobbyList')[0]!.lobbyIds).toEqual([]);
    expect(await joinResponse(world, bob, lobbyId)).toBe(8);
  });

  it('10 — a member blocked you, 11 — you blocked a member', async () => {
    const world = createSimWorld('simulated');
    const alice = world.user({ id: ALICE, name: 'Alice', blocked: [BOB] });
    const bob = world.user({ id: BOB, name: 'Bob' });
    const carol = world.user({ id: CAROL, name: 'Carol', blocked: [ALICE] });
    const lobbyId = await createLobby(world, alice, 2);
    expect(await joinResponse(world, bob, lobbyId)).toBe(10);
    expect(await joinResponse(world, carol, lobbyId)).toBe(11);
  });

  it('12–15 can be forced, and every code has a readable reason', async () => {
    const world = createSimWorld('simulated');
    const alice = world.user({ id: ALICE, name: 'Alice' });
    const bob = world.user({ id: BOB, name: 'Bob' });
    const lobbyId = await createLobby(world, alice, 2);
    world.steam.faults.forceEnterResponse(BOB, 15);
    expect(await joinResponse(world, bob, lobbyId)).toBe(15);
    expect(await joinResponse(world, bob, lobbyId)).toBe(1);
    expect(enterResponseReason(4)).toBe('The lobby is now full.');
    expect(enterResponseReason(10)).toBe('A user in the lobby has blocked you from joining.');
    expect(enterResponseReason(99)).toMatch(/unknown response \(99\)/);
  });
});

describe('simulated Steam: lobby life', () => {
  it('kicks: the member hears lobbyKicked, the others a 0x8 chat update by the owner; only the owner may', async () => {
    const world = createSimWorld('simulated');
    const alice = world.user({ id: ALICE, name: 'Alice' });
    const bob = world.user({ id: BOB, name: 'Bob' });
    const carol = world.user({ id: CAROL, name: 'Carol' });
    const lobbyId = await createLobby(world, alice, 2);
    await joinResponse(world, bob, lobbyId);
    await joinResponse(world, carol, lobbyId);
    world.events(carol);
    expect(carol.kickLobbyMember(lobbyId, BOB)).toBe(false);
    expect(carol.lastRefusal()?.code).toBe('not-owner');
    expect(alice.kickLobbyMember(lobbyId, BOB)).toBe(true);
    await world.settle();
    expect(ofType(world.events(bob), 'lobbyKicked')).toHaveLength(1);
    expect(ofType(world.events(carol), 'lobbyChatUpdate')).toEqual([
      { type: 'lobbyChatUpdate', lobbyId, changed: BOB, changedBy: ALICE, state: 0x8 },
    ]);
    // A kick is not a ban.
    expect(await joinResponse(world, bob, lobbyId)).toBe(1);
  });

  it('a vanished member is dropped with 0x4 after Steam notices, and ownership moves on', async () => {
    const world = createSimWorld('simulated', { disconnectDetectMs: 5_000 });
    const alice = world.user({ id: ALICE, name: 'Alice' });
    const bob = world.user({ id: BOB, name: 'Bob' });
    const lobbyId = await createLobby(world, alice, 2);
    await joinResponse(world, bob, lobbyId);
    world.events(bob);
    world.steam.faults.vanish(ALICE);
    await world.settle(4_000);
    expect(world.events(bob)).toEqual([]);
    await world.settle(1_500);
    const seen = world.events(bob);
    expect(ofType(seen, 'lobbyChatUpdate')).toEqual([{ type: 'lobbyChatUpdate', lobbyId, changed: ALICE, changedBy: ALICE, state: 0x4 }]);
    expect(bob.getLobbyOwner(lobbyId)).toBe(BOB);
  });

  it('data updates reach every member; member data names the member', async () => {
    const world = createSimWorld('simulated');
    const alice = world.user({ id: ALICE, name: 'Alice' });
    const bob = world.user({ id: BOB, name: 'Bob' });
    const lobbyId = await createLobby(world, alice, 2);
    await joinResponse(world, bob, lobbyId);
    world.events(alice);
    alice.setLobbyData(lobbyId, 'mode', 'ctf');
    bob.setLobbyMemberData(lobbyId, 'ready', 'yes');
    await world.settle();
    for (const who of [alice, bob]) {
      expect(ofType(world.events(who), 'lobbyDataUpdate').map((e) => e.memberId)).toEqual([lobbyId, BOB]);
    }
    expect(bob.getLobbyData(lobbyId, 'mode')).toBe('ctf');
    expect(alice.getLobbyMemberData(lobbyId, BOB, 'ready')).toBe('yes');
    expect(alice.setLobbyData(lobbyId, 'x'.repeat(256), 'v')).toBe(false);
  });

  it('friends know each other\'s names at once; strangers only after the persona change', async () => {
    const world = createSimWorld('simulated');
    const alice = world.user({ id: ALICE, name: 'Alice', friends: [BOB] });
    const bob = world.user({ id: BOB, name: 'Bob' });
    const dave = world.user({ id: DAVE, name: 'Dave' });
    expect(alice.personaName(BOB)).toBe('Bob');
    expect(bob.personaName(ALICE)).toBe('Alice');
    expect(alice.personaName(DAVE)).toBe('[unknown]');
    const lobbyId = await createLobby(world, alice, 2);
    dave.joinLobby(lobbyId);
    await world.settle(60);
    expect(dave.personaName(ALICE)).toBe('[unknown]');
    expect(ofType(world.events(dave), 'personaChange')).toEqual([]);
    await world.settle(500);
    expect(ofType(world.events(dave), 'personaChange').map((e) => e.userId)).toEqual([ALICE]);
    expect(dave.personaName(ALICE)).toBe('Alice');
    // Bob is Alice's friend but a stranger to Dave: only what a shared lobby reveals arrives.
    expect(dave.personaName(BOB)).toBe('[unknown]');
  });

  it('distance: close lists only lobbies in the same region, worldwide lists all', async () => {
    const world = createSimWorld('simulated');
    const eu = world.user({ id: ALICE, name: 'Alice', region: 'eu' });
    const us = world.user({ id: BOB, name: 'Bob', region: 'us' });
    const seeker = world.user({ id: CAROL, name: 'Carol', region: 'eu' });
    const euLobby = await createLobby(world, eu, 2);
    const usLobby = await createLobby(world, us, 2);
    seeker.requestLobbyList({ distance: 0 });
    await world.settle();
    expect(ofType(world.events(seeker), 'lobbyList')[0]!.lobbyIds).toEqual([euLobby]);
    seeker.requestLobbyList({ distance: 3 });
    await world.settle();
    expect([...ofType(world.events(seeker), 'lobbyList')[0]!.lobbyIds].sort()).toEqual([euLobby, usLobby].sort());
  });
});
