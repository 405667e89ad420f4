// A defect that stops the runtime's machines — an action that throws, here a backend whose `capabilities` getter
// throws or a clock that refuses a timer — must not leave the game with a runtime that still says yes. The promise
// (docs/reliability.md, "Nothing throws into the game loop"): the error is reported as `internal`, where
// 'root actor'; the runtime leaves Steam's lobby and closes its sessions itself, leaves the lobby a create or join
// in flight still lands in, settles what is pending, completes its streams, and answers every later command
// `wrong-state` / `disposed`; dispose() after that is a no-op.
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../src/effects/backend.js';
import type { LobbyClock } from '../src/effects/clock.js';
import { createLobbyRuntime, type LobbyRuntime, type LobbyRuntimeError } from '../src/runtime.js';
import { createRuntimeWorld, hostLobby, userId, type Player, type RuntimeWorld } from './helpers/runtime-world.js';

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

interface Watched {
  readonly backend: Backend;
  readonly calls: string[];
  breakCapabilities(): void;
  /** From now on these calls throw (after being recorded). */
  breakCalls(...names: string[]): void;
  /** Events are held back until the simulated clock reaches `at`. */
  holdEventsUntil(at: number): void;
}

/** A simulated user's backend that records the lobby-leaving calls and can be made to throw on `capabilities`. */
function watchedBackend(w: RuntimeWorld, index: number): Watched {
  const real = w.sim.user({ id: userId(index), name: `watched${index}` });
  const calls: string[] = [];
  let broken = false;
  const brokenCalls = new Set<string | symbol>();
  let heldUntil = 0;
  const backend: Backend = new Proxy(real, {
    get(target, property) {
      if (property === 'capabilities' && broken) throw new Error('capabilities unreadable');
      if (property === 'drainEvents' && w.sim.clock.now() < heldUntil) return () => 0;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (property === 'leaveLobby' || property === 'closeSession') calls.push(`${property}(${String(args[0])})`);
        if (brokenCalls.has(property)) throw new Error(`${String(property)} broke`);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    backend,
    calls,
    breakCapabilities: () => void (broken = true),
    breakCalls: (...names) => names.forEach((name) => brokenCalls.add(name)),
    holdEventsUntil: (at) => void (heldUntil = at),
  };
}

/** The runtime's clock, which refuses (throws on) the `nth` timer of `refusedMs` (the first by default). */
function clockRefusing(w: RuntimeWorld, refusedMs: number, nth = 1): LobbyClock {
  let seen = 0;
  return {
    now: () => w.sim.clock.now(),
    setTimeout: (fn, ms) => {
      if (ms === refusedMs && ++seen === nth) throw new Error('no timer for you');
      return w.sim.clock.setTimeout(fn, ms);
    },
    clearTimeout: (id) => w.sim.clock.clearTimeout(id),
  };
}

function recordErrors(runtime: LobbyRuntime): { errors: LobbyRuntimeError[]; completed: () => boolean } {
  const errors: LobbyRuntimeError[] = [];
  let done = false;
  runtime.errors$.subscribe({ next: (e) => errors.push(e), complete: () => void (done = true) });
  return { errors, completed: () => done };
}

const stoppedCommand = { ok: false, error: { kind: 'wrong-state', code: 'disposed', reason: expect.stringMatching(/internal error/) } };

async function hostWithGuest(w: RuntimeWorld, backend: Backend, clock: LobbyClock = w.sim.clock): Promise<{ runtime: LobbyRuntime; guest: Player; lobbyId: bigint }> {
  const runtime = createLobbyRuntime({ backend, clock, timing: { peer: { handshakeTimeoutMs: 777 } } });
  w.everyFrame(() => runtime.tick());
  const created = runtime.createLobby();
  expect(await w.runUntil(() => runtime.lobbyState().status === 'joined', 5_000)).toBe(true);
  const made = await created;
  if (!made.ok) throw new Error(made.error.reason);
  const guest = w.player(1);
  void guest.runtime.joinLobby(made.lobbyId);
  return { runtime, guest, lobbyId: made.lobbyId };
}

describe('an action that throws in a lobby', () => {
  it("is reported once as internal where 'root actor', and the runtime leaves Steam's lobby", async () => {
    const w = (world = createRuntimeWorld('simulated'));
    const watched = watchedBackend(w, 3);
    const { runtime, guest, lobbyId } = await hostWithGuest(w, watched.backend);
    const { errors, completed } = recordErrors(runtime);
    expect(await w.runUntil(() => runtime.members().length === 2, 5_000)).toBe(true);

    // The kick's action reads `capabilities` (machine-effects.ts), inside the root actor.
    watched.breakCapabilities();
    expect(() => runtime.kick(guest.id)).not.toThrow();
    // Leaving reads `capabilities` again, guarded: the backend's throw there is reported too, and the leave goes on.
    expect(errors.filter((e) => e.kind === 'internal')).toMatchObject([
      { where: 'root actor', reason: expect.stringContaining('capabilities unreadable') },
      { where: 'closeSession', reason: expect.stringContaining('capabilities unreadable') },
    ]);
    expect(watched.calls).toContain(`leaveLobby(${lobbyId})`);
    expect(w.sim.steam.lobby(lobbyId)?.members).toEqual([guest.id]);
    expect(completed()).toBe(true);
  });

  it('answers every later command disposed, settles later requests at once, and dispose() is a no-op', async () => {
    const w = (world = createRuntimeWorld('simulated'));
    const watched = watchedBackend(w, 3);
    const { runtime, guest } = await hostWithGuest(w, watched.backend);
    expect(await w.runUntil(() => runtime.members().length === 2, 5_000)).toBe(true);
    watched.breakCapabilities();
    runtime.kick(guest.id);

    expect(runtime.sendChat('anyone?')).toMatchObject(stoppedCommand);
    expect(runtime.send('all', { hello: 1 })).toMatchObject(stoppedCommand);
    expect(runtime.leaveLobby()).toMatchObject(stoppedCommand);
    expect(await runtime.createLobby()).toMatchObject(stoppedCommand);
    expect(await runtime.findLobbies()).toMatchObject(stoppedCommand);
    const leavesBefore = watched.calls.length;
    expect(() => runtime.dispose()).not.toThrow();
    expect(() => runtime.tick()).not.toThrow();
    await w.run(2_000);
    expect(watched.calls.length).toBe(leavesBefore);
  });

  it('a clock that refuses a peer timer stops the runtime, which closes its session with the guest and leaves', async () => {
    const w = (world = createRuntimeWorld('simulated'));
    const watched = watchedBackend(w, 3);
    // The guest's peer session asks for its handshake timeout when the guest enters (peer timing: handshakeTimeoutMs).
    const { runtime, guest, lobbyId } = await hostWithGuest(w, watched.backend, clockRefusing(w, 777));
    const { errors } = recordErrors(runtime);
    expect(await w.runUntil(() => errors.some((e) => e.kind === 'internal'), 5_000)).toBe(true);
    expect(errors.filter((e) => e.kind === 'internal')).toMatchObject([{ where: 'root actor', reason: expect.stringContaining('no timer for you') }]);
    expect(watched.calls).toEqual([`closeSession(${guest.id})`, `leaveLobby(${lobbyId})`]);
    expect(w.sim.steam.lobby(lobbyId)?.members).toEqual([guest.id]);
    // The guest sees the host go, as after any leave: Steam hands the lobby to the one who is left.
    expect(await w.runUntil(() => guest.runtime.members().length === 1, 5_000)).toBe(true);
    expect(guest.runtime.lobbyState()).toMatchObject({ status: 'joined', ownerId: guest.id });
  });
});

describe('leaving after a failure', () => {
  it('a backend that throws while the runtime leaves: each throw is reported where it happened, and the runtime ends', async () => {
    const w = (world = createRuntimeWorld('simulated'));
    const watched = watchedBackend(w, 3);
    const { runtime, guest, lobbyId } = await hostWithGuest(w, watched.backend, clockRefusing(w, 777));
    const { errors } = recordErrors(runtime);
    watched.breakCalls('closeSession', 'leaveLobby');
    expect(await w.runUntil(() => errors.some((e) => e.kind === 'internal'), 5_000)).toBe(true);
    expect(errors.filter((e) => e.kind === 'internal')).toMatchObject([
      { where: 'root actor' },
      { where: 'closeSession', reason: expect.stringContaining('closeSession broke') },
      { where: 'leaveLobby', reason: expect.stringContaining('leaveLobby broke') },
    ]);
    expect(watched.calls).toEqual([`closeSession(${guest.id})`, `leaveLobby(${lobbyId})`]);
    expect(runtime.sendChat('still there?')).toMatchObject(stoppedCommand);
  });

  it("Steam's late answer to a create in flight is left, as long as a request could still be answered", async () => {
    const w = (world = createRuntimeWorld('simulated'));
    const watched = watchedBackend(w, 3);
    const runtime = createLobbyRuntime({ backend: watched.backend, clock: clockRefusing(w, 1234), timing: { lobby: { requestTimeoutMs: 1234 } } });
    // Steam answers after a second: well within the request timeout, long after the failure.
    watched.holdEventsUntil(w.sim.clock.now() + 1_000);
    const pending = runtime.createLobby();
    expect(await pending).toMatchObject(stoppedCommand);
    await w.run(3_000);
    const self = watched.backend.localUserId();
    expect(w.sim.steam.lobbies().filter((l) => l.members.includes(self))).toEqual([]);
    expect(watched.calls.filter((c) => c.startsWith('leaveLobby'))).toHaveLength(1);
  });

  it('a join in flight that Steam refuses (the lobby is full) leaves nothing', async () => {
    const w = (world = createRuntimeWorld('simulated'));
    const host = w.player(0);
    const lobbyId = await hostLobby(w, host, { maxMembers: 1 });
    const watched = watchedBackend(w, 3);
    const runtime = createLobbyRuntime({ backend: watched.backend, clock: clockRefusing(w, 1234), timing: { lobby: { requestTimeoutMs: 1234 } } });
    expect(await runtime.joinLobby(lobbyId)).toMatchObject(stoppedCommand);
    await w.run(3_000);
    expect(watched.calls).toEqual([]);
    expect(w.sim.steam.lobby(lobbyId)?.members).toEqual([host.id]);
  });
});

describe('an action that throws with a request in flight', () => {
  it.each(['create', 'join'] as const)("a %s in flight settles as disposed, and the lobby Steam's answer puts us in is left", async (request) => {
    const w = (world = createRuntimeWorld('simulated'));
    const host = w.player(0);
    const lobbyId = await hostLobby(w, host);
    const watched = watchedBackend(w, 3);
    // The lobby machine asks for its request timeout right after the request went out: that timer is refused.
    const runtime = createLobbyRuntime({ backend: watched.backend, clock: clockRefusing(w, 1234), timing: { lobby: { requestTimeoutMs: 1234 } } });
    const { errors } = recordErrors(runtime);
    w.everyFrame(() => runtime.tick());
    const pending = request === 'create' ? runtime.createLobby() : runtime.joinLobby(lobbyId);
    expect(errors[0]).toMatchObject({ kind: 'internal', where: 'root actor' });
    expect(await pending).toMatchObject(stoppedCommand);

    await w.run(3_000);
    const self = watched.backend.localUserId();
    expect(w.sim.steam.lobbies().filter((l) => l.members.includes(self))).toEqual([]);
    if (request === 'join') expect(w.sim.steam.lobby(lobbyId)?.members).toEqual([host.id]);
  });
});

describe('an action that throws while a request is being abandoned', () => {
  // The lobby machine asks for a second request timeout when it starts abandoning a create (leaveLobby() or
  // dispose() while the create is in flight): that timer is the one refused.
  function creator(w: RuntimeWorld) {
    const watched = watchedBackend(w, 3);
    let polls = 0;
    const counted: Backend = new Proxy(watched.backend, {
      get(target, property) {
        if (property === 'poll') return () => void (polls++, target.poll());
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const runtime = createLobbyRuntime({ backend: counted, clock: clockRefusing(w, 1234, 2), timing: { lobby: { requestTimeoutMs: 1234 } } });
    return { runtime, self: watched.backend.localUserId(), polls: () => polls };
  }

  it.each(['leaveLobby', 'dispose'] as const)('%s() during a create: the lobby Steam creates anyway is left, and nothing reads on', async (how) => {
    const w = (world = createRuntimeWorld('simulated'));
    const { runtime, self, polls } = creator(w);
    const { errors } = recordErrors(runtime);
    const created = runtime.createLobby();
    expect(() => (how === 'dispose' ? runtime.dispose() : runtime.leaveLobby())).not.toThrow();
    expect(errors.filter((e) => e.kind === 'internal')).toMatchObject([{ where: 'root actor', reason: expect.stringContaining('no timer for you') }]);
    expect((await created).ok).toBe(false);
    await w.run(3_000);
    expect(w.sim.steam.lobbies().filter((l) => l.members.includes(self))).toEqual([]);
    // Once the request timeout has passed, the runtime reads the backend no more.
    const after = polls();
    await w.run(3_000);
    expect(polls()).toBe(after);
    expect(runtime.sendChat('hello')).toMatchObject(stoppedCommand);
  });
});
