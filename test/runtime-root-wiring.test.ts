// The composition root's own promises (runtime.ts, api.ts, backend.ts, errors.ts): createLobbyRuntime without a
// backend throws a TypeError that names what is missing; a wrapper around a backend is never bypassed by its routes;
// a tick whose backend throws reports an `internal` error and the game loop goes on; startAutoTick ticks at `hz`
// (60 when `hz` is not a positive number) on the runtime's clock and stops when asked, even from inside a tick;
// dispose() fails only what is pending, as `disposed`, and stops the actors once nothing is in flight.
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../src/effects/backend.js';
import { VirtualClock, type LobbyClock } from '../src/effects/clock.js';
import { WireLedger, countingBackend } from '../src/demo/traffic.js';
import { createLobbyRuntime, type ChannelMessage, type LobbyRuntimeError, type LobbyRuntimeOptions } from '../src/runtime.js';
import { createRuntimeWorld, hostLobby, userId, type RuntimeWorld } from './helpers/runtime-world.js';
import { recordingClock } from './helpers/recording-clock.js';

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

function newWorld(): RuntimeWorld {
  world = createRuntimeWorld('simulated');
  return world;
}

describe('createLobbyRuntime without a backend', () => {
  // runtime.ts: "Throws a TypeError saying what is missing when `options` has no backend" — the call and the option.
  const missing: readonly [string, unknown][] = [
    ['no options', undefined],
    ['null options', null],
    ['no backend', {}],
    ['a null backend', { backend: null }],
    ['a backend that is a string', { backend: 'steam' }],
    ['a backend with no localUserId', { backend: {} }],
  ];
  it.each(missing)('%s: a TypeError naming createLobbyRuntime and its backend option', (_, options) => {
    let thrown: unknown;
    try {
      createLobbyRuntime(options as LobbyRuntimeOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as TypeError).message).toMatch(/createLobbyRuntime/);
    expect((thrown as TypeError).message).toMatch(/\bbackend\b/);
  });
});

describe('the runtime as wired', () => {
  it('sends through a wrapper around a backend, never around it through the wrapped backend\'s routes', async () => {
    // backend.ts (P2PRoutes): a runtime uses routes only when `p2pRoutes.backend` is the very object it was given.
    const w = newWorld();
    const host = w.player(0);
    const ledger = new WireLedger();
    const wrapped = countingBackend(w.sim.user({ id: userId(5), name: 'counted' }), ledger);
    expect(wrapped.p2pRoutes?.backend).toBeDefined();
    expect(wrapped.p2pRoutes?.backend).not.toBe(wrapped);
    const guest = createLobbyRuntime({ backend: wrapped, clock: w.sim.clock });
    w.everyFrame(() => guest.tick());
    const lobbyId = await hostLobby(w, host);
    void guest.joinLobby(lobbyId);
    expect(await w.runUntil(() => host.runtime.allConnected() && guest.allConnected() && host.runtime.members().length === 2, 10_000)).toBe(true);
    const got: ChannelMessage[] = [];
    host.runtime.messages(1).subscribe((m) => got.push(m));
    for (let i = 0; i < 6; i++) expect(guest.send('all', { i }, { channel: 1, reliable: false })).toMatchObject({ ok: true, recipients: 1 });
    await w.run(500);
    expect(got.map((m) => m.value)).toEqual([0, 1, 2, 3, 4, 5].map((i) => ({ i })));
    expect(ledger.channel(1).packets).toBe(6);
    guest.dispose();
  });

  it('a backend whose poll throws: an internal error on errors$, no throw into the game loop, the next tick works', () => {
    // errors.ts: `internal` is "Something threw inside the runtime or the backend; caught so the game loop goes on".
    const w = newWorld();
    const real = w.sim.user({ id: userId(3), name: 'flaky' });
    let failPolls = 1;
    let polls = 0;
    const flaky: Backend = new Proxy(real, {
      get(target, property) {
        if (property === 'poll') {
          return () => {
            polls++;
            if (failPolls-- > 0) throw new Error('poll failed');
            target.poll();
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const runtime = createLobbyRuntime({ backend: flaky, clock: w.sim.clock });
    const errors: LobbyRuntimeError[] = [];
    runtime.errors$.subscribe((e) => errors.push(e));
    expect(() => runtime.tick()).not.toThrow();
    expect(errors).toMatchObject([{ kind: 'internal', reason: expect.stringContaining('poll failed') }]);
    runtime.tick();
    expect(polls).toBe(2);
    expect(errors).toHaveLength(1);
    expect(runtime.stats().ticks).toBe(2);
    runtime.dispose();
  });
});

describe('startAutoTick', () => {
  function runtimeOn(clock: LobbyClock) {
    const w = newWorld();
    return createLobbyRuntime({ backend: w.sim.user({ id: userId(4), name: 'ticked' }), clock });
  }

  it('ticks every 1000 / hz ms on the runtime\'s clock', () => {
    const { clock, virtual, delays } = recordingClock();
    const runtime = runtimeOn(clock);
    const before = delays.length;
    const stop = runtime.startAutoTick(10);
    expect(delays.slice(before)).toEqual([100]);
    virtual.advance(1000);
    expect(runtime.stats().ticks).toBe(10);
    stop();
    runtime.dispose();
  });

  // api.ts: `startAutoTick(hz?)` ticks at `hz`; README's loop is 60 Hz, and a rate that is no positive number has no period.
  it.each([0, -1, -30, Number.NaN, Number.POSITIVE_INFINITY])('hz %s is not a rate: it ticks at 60 Hz', (hz) => {
    const { clock, delays } = recordingClock();
    const runtime = runtimeOn(clock);
    const before = delays.length;
    const stop = runtime.startAutoTick(hz);
    expect(delays.slice(before)).toEqual([1000 / 60]);
    stop();
    runtime.dispose();
  });

  it('stopped from inside a tick, it ticks no more and leaves no timer on the clock', () => {
    const virtual = new VirtualClock();
    const w = newWorld();
    const real = w.sim.user({ id: userId(6), name: 'stopper' });
    let stop: (() => void) | undefined;
    let polls = 0;
    const backend: Backend = new Proxy(real, {
      get(target, property) {
        if (property === 'poll') {
          return () => {
            if (++polls === 3) stop?.();
            target.poll();
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const runtime = createLobbyRuntime({ backend, clock: virtual });
    stop = runtime.startAutoTick(10);
    virtual.advance(300);
    expect(runtime.stats().ticks).toBe(3);
    expect(virtual.pending).toBe(0);
    virtual.advance(700);
    expect(runtime.stats().ticks).toBe(3);
    runtime.dispose();
  });

  it('restarted, then the first stopper called: dispose still stops the running ticker', () => {
    // api.ts (dispose): once the actors stop, nothing of the runtime is left on its clock to keep a process alive.
    const virtual = new VirtualClock();
    const runtime = runtimeOn(virtual);
    const first = runtime.startAutoTick(10);
    runtime.startAutoTick(10);
    first();
    virtual.advance(500);
    expect(runtime.stats().ticks).toBe(5);
    runtime.dispose();
    expect(runtime.actor.getSnapshot().status).toBe('stopped');
    expect(virtual.pending).toBe(0);
  });
});

describe('dispose()', () => {
  it('with nothing pending: no error on errors$, which completes, and the actors stop at once', async () => {
    const w = newWorld();
    const host = w.player(0);
    await hostLobby(w, host);
    const seen: LobbyRuntimeError[] = [];
    let completed = false;
    host.runtime.errors$.subscribe({ next: (e) => seen.push(e), complete: () => void (completed = true) });
    let actorDone = false;
    host.runtime.actor.subscribe({ complete: () => void (actorDone = true) });
    host.runtime.dispose();
    expect(seen).toEqual([]);
    expect(completed).toBe(true);
    expect(actorDone).toBe(true);
    expect(host.runtime.actor.getSnapshot().status).toBe('stopped');
  });

  it('never in a lobby: the actors stop at once', () => {
    const w = newWorld();
    const idle = w.player(1);
    idle.runtime.dispose();
    expect(idle.runtime.actor.getSnapshot().status).toBe('stopped');
    expect(idle.errors).toEqual([]);
  });

  it('with a lobby list in flight: it resolves at once as wrong-state disposed, the one error published', async () => {
    // README ("Errors"): `wrong-state` … `disposed`; docs/reliability.md: dispose() settles what is in flight as `disposed`.
    const w = newWorld();
    const alice = w.player(0);
    const listing = alice.runtime.findLobbies();
    let settled: unknown;
    void listing.then((r) => (settled = r));
    alice.runtime.dispose();
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toMatchObject({ ok: false, error: { kind: 'wrong-state', code: 'disposed' } });
    expect(alice.errors).toMatchObject([{ kind: 'wrong-state', code: 'disposed' }]);
    expect(alice.errors).toHaveLength(1);
  });

  it('its actor refuses events from outside once disposed, also while a create in flight keeps the actors running', async () => {
    // api.ts: the actor's `send` goes through the runtime as if the runtime had sent the event; a disposed runtime sends none.
    const w = newWorld();
    const alice = w.player(0);
    void alice.runtime.createLobby();
    alice.runtime.dispose();
    expect(alice.runtime.actor.getSnapshot().status).toBe('active');
    let lists = 0;
    const backend = alice.backend as { requestLobbyList: (...args: unknown[]) => unknown };
    const real = backend.requestLobbyList.bind(backend);
    backend.requestLobbyList = (...args: unknown[]) => {
      lists++;
      return real(...args);
    };
    alice.runtime.actor.send({ type: 'lobby.list', filters: {} });
    await w.run(2_000);
    expect(lists).toBe(0);
  });
});

describe('seat reservation turned off, and the session counter', () => {
  // docs/capabilities.md: a dropped member's seat is held for `timing.lobby.seatReservationMs` — "0 turns it off":
  // they are removed at once, never shown `away: true`. And a P2P session between two members starts with one side
  // accepting the other's session request (steam-facts.md), counted in stats().sessionRequestsAccepted.
  it('with seatReservationMs 0 a dropped member leaves members$ at once, never away; accepted sessions are counted', async () => {
    const w = newWorld();
    const off: Partial<LobbyRuntimeOptions> = { timing: { lobby: { seatReservationMs: 0 } } };
    const host = w.player(0, {}, off);
    const guest = w.player(1, {}, off);
    const lobbyId = await hostLobby(w, host);
    const joined = guest.runtime.joinLobby(lobbyId);
    expect(await w.runUntil(() => host.runtime.allConnected() && guest.runtime.allConnected() && host.runtime.members().length === 2, 10_000)).toBe(true);
    expect((await joined).ok).toBe(true);
    expect(host.runtime.stats().sessionRequestsAccepted + guest.runtime.stats().sessionRequestsAccepted).toBeGreaterThan(0);

    let away = 0;
    w.everyFrame(() => {
      away += host.runtime.members().filter((m) => m.away).length;
    });
    w.sim.steam.faults.disconnectServers(guest.id);
    w.sim.steam.faults.dropFromLobbies(guest.id);
    expect(await w.runUntil(() => host.runtime.members().length === 1, 2_000)).toBe(true);
    expect(host.runtime.members().map((m) => m.id)).toEqual([host.id]);
    expect(away).toBe(0);
  });
});
