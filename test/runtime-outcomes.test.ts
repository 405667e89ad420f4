// What the game sees of the machines' outcomes, at the edges the flows do not reach: a request that times out on a
// runtime nobody ticked says so (README, "Errors"), a ticked one does not; a refusal settles only the request it
// refused; a lobby list from Steam's full search is complete (api.ts findLobbies); when the owner leaves, members
// see the new owner Steam names (steam-facts.md); a cancelled create/join fails with code `cancelled`.
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend, BackendEvent } from '../src/effects/backend.js';
import { createLobbyRuntime, type LobbyRuntime } from '../src/runtime.js';
import { connectAll, createRuntimeWorld, FRAME_MS, hostLobby, userId, type Player, type RuntimeWorld } from './helpers/runtime-world.js';

/** A backend whose answers of these types are lost: the runtime can only give up after its timeout. */
function deafTo(backend: Backend, lost: readonly BackendEvent['type'][]): Backend {
  return new Proxy(backend, {
    get(target, property) {
      if (property === 'drainEvents') return (sink: (e: BackendEvent) => void) => target.drainEvents((e) => !lost.includes(e.type) && sink(e));
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

const TIMING = { lobby: { requestTimeoutMs: 1_000, listTimeoutMs: 1_000 } };
const HINT = 'tick()';

describe('a request that times out', () => {
  let world: RuntimeWorld;
  let runtime: LobbyRuntime;
  afterEach(() => {
    runtime.dispose();
    world.dispose();
  });

  function deafRuntime(): LobbyRuntime {
    world = createRuntimeWorld('simulated');
    const backend = deafTo(world.sim.user({ id: userId(3), name: 'deaf' }), ['lobbyCreated', 'lobbyEntered', 'lobbyList']);
    runtime = createLobbyRuntime({ backend, clock: world.sim.clock, timing: TIMING });
    // Ticked before the request: "nobody ticked" means since the request, not ever.
    for (let i = 0; i < 3; i++) runtime.tick();
    return runtime;
  }

  it('on a runtime nobody ticked since createLobby says to tick', async () => {
    const created = deafRuntime().createLobby();
    world.sim.clock.advance(1_500);
    expect(await created).toMatchObject({ ok: false, error: { kind: 'create-failed', code: 'timeout', reason: expect.stringContaining(HINT) } });
  });

  it('on a runtime nobody ticked since findLobbies says to tick', async () => {
    const listed = deafRuntime().findLobbies();
    world.sim.clock.advance(1_500);
    expect(await listed).toMatchObject({ ok: false, error: { kind: 'list-failed', code: 'timeout', reason: expect.stringContaining(HINT) } });
  });

  it('on a runtime nobody ticked, blames no tick for a failure that is not a timeout (a create the backend refuses)', async () => {
    world = createRuntimeWorld('simulated');
    const backend = Object.assign(world.sim.user({ id: userId(3), name: 'refusing' }), { createLobby: () => false });
    runtime = createLobbyRuntime({ backend, clock: world.sim.clock, timing: TIMING });
    const created = await runtime.createLobby();
    expect(created).toMatchObject({ ok: false, error: { kind: 'create-failed' } });
    if (!created.ok) {
      expect(created.error.kind === 'create-failed' && created.error.code).not.toBe('timeout');
      expect(created.error.reason).not.toContain(HINT);
    }
  });

  it('on a ticked runtime does not blame the ticking, for create and list alike', async () => {
    const rt = deafRuntime();
    const created = rt.createLobby();
    const listed = rt.findLobbies();
    for (let t = 0; t < 1_500; t += FRAME_MS) {
      world.sim.clock.advance(FRAME_MS);
      rt.tick();
    }
    const [c, l] = [await created, await listed];
    expect(c).toMatchObject({ ok: false, error: { kind: 'create-failed', code: 'timeout' } });
    expect(l).toMatchObject({ ok: false, error: { kind: 'list-failed', code: 'timeout' } });
    if (!c.ok && !l.ok) {
      expect(c.error.reason).not.toContain(HINT);
      expect(l.error.reason).not.toContain(HINT);
    }
  });
});

describe('outcomes in a lobby (simulated)', () => {
  let world: RuntimeWorld;
  afterEach(() => world.dispose());

  function lobbyOf(size: number): Promise<bigint> {
    world = createRuntimeWorld('simulated');
    return connectAll(world, Array.from({ length: size }, (_, i) => world.player(i)), 8);
  }

  it('a lobby list from Steam is complete, and a refused kick meanwhile leaves the list request waiting for it', async () => {
    const lobbyId = await lobbyOf(2);
    const [host, guest] = world.players as [NonNullable<(typeof world.players)[0]>, NonNullable<(typeof world.players)[0]>];
    let listed: unknown;
    void guest.runtime.findLobbies().then((r) => (listed = r));
    // Only the owner kicks: the machines refuse the guest's kick, which is no answer to the list.
    expect(guest.runtime.kick(host.id)).toMatchObject({ ok: false, error: { kind: 'wrong-state', command: 'kick', code: 'not-owner' } });
    await world.run(100);
    expect(listed).toMatchObject({ ok: true, complete: true });
    expect(listed).toMatchObject({ lobbies: expect.arrayContaining([expect.objectContaining({ lobbyId, memberCount: 2, memberLimit: 8 })]) });
  });

  it('when the owner leaves, the others see the member Steam made owner', async () => {
    const lobbyId = await lobbyOf(3);
    const [host, ...rest] = world.players;
    // Steam picks the new owner as the old one leaves (steam-facts.md): no list the game is shown names none.
    const ownersShown = rest.map((p) => {
      const owners: bigint[][] = [];
      p.runtime.members$.subscribe((members) => owners.push(members.filter((m) => m.isOwner).map((m) => m.id)));
      return owners;
    });
    host!.runtime.leaveLobby();
    await world.run(1_000);
    const owner = world.sim.steam.lobby(lobbyId)?.owner;
    expect(rest.map((p) => p.id)).toContain(owner);
    for (const p of rest) {
      expect(p.runtime.members().filter((m) => m.isOwner).map((m) => m.id)).toEqual([owner]);
    }
    for (const owners of ownersShown) {
      expect(owners.length).toBeGreaterThan(1);
      for (const shown of owners) expect(shown).toHaveLength(1);
    }
  });

  it('an invite that is not pending is refused at once, naming acceptInvite', async () => {
    const lobbyId = await lobbyOf(2);
    const guest = world.players[1]!;
    let accepted: unknown;
    void guest.runtime.acceptInvite({ lobbyId: lobbyId + 1n, from: world.players[0]!.id }).then((r) => (accepted = r));
    await world.run(100);
    expect(accepted).toMatchObject({ ok: false, error: { kind: 'wrong-state', command: 'acceptInvite', code: 'no-such-invite' } });
    expect(guest.runtime.lobbyState().lobbyId).toBe(lobbyId);
  });

  it('joinLobby() of the lobby just left joins it again (Steam seats us anew), never answers ok from the old seat', async () => {
    const lobbyId = await lobbyOf(2);
    const guest = world.players[1]!;
    guest.runtime.leaveLobby();
    await world.run(100);
    const rejoining = guest.runtime.joinLobby(lobbyId);
    expect(guest.runtime.lobbyState().status).toBe('joining');
    await world.run(1_000);
    expect(await rejoining).toEqual({ ok: true, lobbyId });
    expect(guest.runtime.lobbyState()).toMatchObject({ status: 'joined', lobbyId });
    expect(world.sim.steam.lobby(lobbyId)?.members).toContain(guest.id);
  });

  it('joinLobby() while a cancelled create is still unwinding is refused busy, and settles (README, wrong-state)', async () => {
    const lobbyId = await lobbyOf(1);
    const player = world.player(1);
    const creating = player.runtime.createLobby();
    player.runtime.leaveLobby();
    expect(player.runtime.lobbyState().status).toBe('cancelling');
    let joined: unknown = 'pending';
    void player.runtime.joinLobby(lobbyId).then((r) => (joined = r));
    await world.run(100);
    expect(await creating).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(joined).toMatchObject({ ok: false, error: { kind: 'wrong-state', command: 'joinLobby', code: 'busy' } });
  });

  it('leaveLobby() during a create or join fails it with code cancelled', async () => {
    const lobbyId = await lobbyOf(1);
    const joiner = world.player(1);
    const joining = joiner.runtime.joinLobby(lobbyId);
    joiner.runtime.leaveLobby();
    expect(await joining).toMatchObject({ ok: false, error: { kind: 'join-failed', lobbyId, code: 'cancelled' } });
    const creator = world.player(2);
    const creating = creator.runtime.createLobby();
    creator.runtime.leaveLobby();
    const created = await creating;
    expect(created).toMatchObject({ ok: false, error: { kind: 'create-failed', code: 'cancelled' } });
    // Only a timeout blames a missing tick() (README, "Errors"): both were cancelled before any tick.
    const joinedResult = await joining;
    for (const result of [joinedResult, created]) if (!result.ok) expect(result.error.reason).not.toContain(HINT);
  });
});

describe('a backend without member data (steamworks.js 0.4, docs/capabilities.md)', () => {
  let world: RuntimeWorld;
  afterEach(() => world.dispose());

  it('is never asked for member data, neither to declare our wire nor to read a member\'s', async () => {
    world = createRuntimeWorld('steamworks-adapter');
    const host = world.player(0);
    const guest = world.player(1);
    expect(host.backend.capabilities.memberData).toBe('absent');
    const asked: string[] = [];
    for (const p of [host, guest]) {
      const backend = p.backend as { -readonly [K in 'getLobbyMemberData' | 'setLobbyMemberData']: Backend[K] };
      backend.getLobbyMemberData = (..._args) => (asked.push('get'), '');
      backend.setLobbyMemberData = (..._args) => (asked.push('set'), false);
    }
    const lobbyId = await hostLobby(world, host);
    void guest.runtime.joinLobby(lobbyId);
    expect(await world.runUntil(() => host.runtime.allConnected() && guest.runtime.allConnected() && host.runtime.members().length === 2, 10_000)).toBe(true);
    expect(asked).toEqual([]);
  });
});

describe('an invite whose sender has no name to give (simulated)', () => {
  let world: RuntimeWorld;
  afterEach(() => world.dispose());

  it('still reaches the game, with an empty fromName rather than an invented one', async () => {
    world = createRuntimeWorld('simulated');
    const host = world.player(0);
    const friend = world.player(1);
    world.sim.steam.befriend(host.id, friend.id);
    (friend.backend as { personaName: Backend['personaName'] }).personaName = () => {
      throw new Error('persona names are gone');
    };
    const lobbyId = await hostLobby(world, host);
    expect(host.runtime.invite(friend.id)).toEqual({ ok: true });
    expect(await world.runUntil(() => friend.lifecycleOf('lifecycle.inviteReceived').length > 0, 10_000)).toBe(true);
    expect(friend.lifecycleOf('lifecycle.inviteReceived')).toEqual([
      { type: 'lifecycle.inviteReceived', lobbyId, from: host.id, fromName: '' },
    ]);
    expect(friend.errorsOf('internal').length).toBeGreaterThan(0);
  });
});

describe('back in the lobby after Steam dropped us (simulated)', () => {
  let world: RuntimeWorld;
  afterEach(() => world.dispose());

  it('whoever left meanwhile is gone and whoever came meanwhile is there, as Steam lists them', async () => {
    world = createRuntimeWorld('simulated');
    const seats = { timing: { lobby: { seatReservationMs: 3_000, rejoinIntervalMs: 500, requestTimeoutMs: 2_000 } } };
    const [host, dropped, leaver, late] = [0, 1, 2, 3].map((i) => world.player(i, {}, seats)) as [Player, Player, Player, Player];
    const lobbyId = await hostLobby(world, host, { maxMembers: 8 });
    for (const p of [dropped, leaver]) void p.runtime.joinLobby(lobbyId);
    expect(await world.runUntil(() => dropped.runtime.allConnected() && dropped.runtime.members().length === 3, 10_000)).toBe(true);

    world.sim.steam.faults.disconnectServers(dropped.id);
    world.sim.steam.faults.dropFromLobbies(dropped.id);
    expect(await world.runUntil(() => dropped.runtime.lobbyState().status === 'reconnecting', 5_000)).toBe(true);
    leaver.runtime.leaveLobby();
    void late.runtime.joinLobby(lobbyId);
    expect(await world.runUntil(() => late.runtime.lobbyState().status === 'joined', 5_000)).toBe(true);
    world.sim.steam.faults.reconnectServers(dropped.id);
    expect(await world.runUntil(() => dropped.runtime.lobbyState().status === 'joined', 5_000)).toBe(true);
    const connected = await world.runUntil(() => dropped.runtime.allConnected(), 5_000);

    const steamLists = [...(world.sim.steam.lobby(lobbyId)?.members ?? [])].sort();
    expect(steamLists).toEqual([host.id, dropped.id, late.id].sort());
    expect(dropped.runtime.members().map((m) => m.id).sort()).toEqual(steamLists);
    expect(dropped.runtime.members().filter((m) => m.isSelf).map((m) => m.id)).toEqual([dropped.id]);
    expect(connected).toBe(true);
    // The one who came meanwhile is admitted once, as any member who enters is; the one who left is dismissed.
    expect(dropped.sessionsOf('member.admitted').filter((e) => e.memberId === late.id)).toHaveLength(1);
  });
});

describe('a session Steam fails (simulated)', () => {
  let world: RuntimeWorld;
  afterEach(() => world.dispose());

  it('shows the member connecting again while the runtime retries', async () => {
    world = createRuntimeWorld('simulated');
    const host = world.player(0);
    const guest = world.player(1);
    const lobbyId = await hostLobby(world, host);
    void guest.runtime.joinLobby(lobbyId);
    expect(await world.runUntil(() => host.runtime.allConnected() && host.runtime.members().length === 2, 10_000)).toBe(true);
    world.sim.steam.faults.partition([guest.id]);
    host.runtime.send(guest.id, 'across the cut');
    const retried = () => host.sessionsOf('peer.attemptFailed').some((e) => e.remoteId === guest.id && e.retryInMs !== undefined);
    expect(await world.runUntil(retried, 60_000)).toBe(true);
    expect(host.runtime.members().find((m) => m.id === guest.id)?.session).toBe('connecting');
  });
});

describe('entering a lobby of lobbykit runtimes (simulated)', () => {
  let world: RuntimeWorld;
  afterEach(() => world.dispose());

  it('opens to a member who declared lobbykit in its member data in lobbykit, never in the tutorial\'s GZIP', async () => {
    world = createRuntimeWorld('simulated');
    const host = world.player(0);
    const lobbyId = await hostLobby(world, host);
    // Our guest sends through a wrapper, so every packet goes through sendP2P (backend.ts P2PRoutes).
    const sent: Uint8Array[] = [];
    const inner = world.sim.user({ id: userId(1), name: 'guest' });
    const backend: Backend = new Proxy(inner, {
      get(target, property) {
        if (property === 'sendP2P') {
          return (to: bigint, bytes: Uint8Array, ...rest: [never, number]) => {
            if (to === host.id) sent.push(bytes.slice());
            return target.sendP2P(to, bytes, ...rest);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    const guest = createLobbyRuntime({ backend, clock: world.sim.clock });
    world.everyFrame(() => guest.tick());
    void guest.joinLobby(lobbyId);
    expect(await world.runUntil(() => guest.allConnected() && guest.members().length === 2, 10_000)).toBe(true);
    guest.dispose();
    expect(sent.length).toBeGreaterThan(0);
    // 1f 8b opens every GZIP member (RFC 1952), as the tutorial's compressed packets are.
    expect(sent.filter((b) => b[0] === 0x1f && b[1] === 0x8b)).toEqual([]);
  });
});
