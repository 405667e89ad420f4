// dispose() while a create or join is still in flight leaves nothing behind at Steam, as leaveLobby() at the same
// moment does not: no lobby owned by the disposed user stays listed, and the host does not keep the joiner as a
// member stuck "connecting". On the simulated Steam, the steamworks.js adapter (over the simulator's steamworks.js
// client) and a real lobbykit serve. The disposed runtime still settles its promise at once, and its actors stop
// once the abandoned request has been answered (or its request timeout passed).
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend, BackendEvent } from '../src/effects/backend.js';
import { createLobbyRuntime, type LobbyRuntime } from '../src/runtime.js';
import { actorsStopped, startLoopbackRuntimes, type LoopbackRuntimes } from './helpers/loopback-live.js';
import { createRuntimeWorld, userId, type RuntimeWorld } from './helpers/runtime-world.js';

type Ending = 'dispose' | 'leaveLobby';

function end(runtime: LobbyRuntime, how: Ending): void {
  if (how === 'dispose') runtime.dispose();
  else runtime.leaveLobby();
}

describe.each(['simulated', 'steamworks-adapter'] as const)('dispose() with a request in flight (%s)', (flavour) => {
  let world: RuntimeWorld;
  afterEach(() => world.dispose());

  it.each(['dispose', 'leaveLobby'] as const)('%s() during createLobby: no lobby is left at Steam', async (how) => {
    world = createRuntimeWorld(flavour);
    const alice = world.player(0);
    const created = alice.runtime.createLobby({ data: { name: 'ghost' } });
    end(alice.runtime, how);
    const result = await created;
    expect(result.ok).toBe(false);
    await world.run(2_000);
    expect(world.sim.steam.lobbies()).toEqual([]);
    if (how === 'dispose') expect(alice.runtime.actor.getSnapshot().status).toBe('stopped');
  });

  it.each(['dispose', 'leaveLobby'] as const)('%s() during joinLobby: the host sees the joiner leave and is all connected', async (how) => {
    world = createRuntimeWorld(flavour);
    const host = world.player(0);
    const guest = world.player(1);
    const watcher = world.player(2);
    const creating = host.runtime.createLobby();
    await world.runUntil(() => host.runtime.lobbyState().status === 'joined');
    const created = await creating;
    if (!created.ok) throw new Error('create failed');
    const watcherJoined = watcher.runtime.joinLobby(created.lobbyId);
    await world.runUntil(() => host.runtime.allConnected() && host.runtime.members().length === 2);
    expect((await watcherJoined).ok).toBe(true);

    const joined = guest.runtime.joinLobby(created.lobbyId);
    end(guest.runtime, how);
    expect((await joined).ok).toBe(false);
    await world.run(3_000);
    expect(world.sim.steam.lobby(created.lobbyId)?.members).toEqual([host.id, watcher.id]);
    expect(host.runtime.members().map((m) => m.id)).toEqual([host.id, watcher.id]);
    expect(host.runtime.allConnected()).toBe(true);
    if (how === 'dispose') expect(guest.runtime.actor.getSnapshot().status).toBe('stopped');
  });

  it('a disposed runtime whose request is never answered stops after the request timeout, and throws nothing', async () => {
    world = createRuntimeWorld(flavour);
    const host = world.player(0);
    const creating = host.runtime.createLobby();
    await world.runUntil(() => host.runtime.lobbyState().status === 'joined');
    const created = await creating;
    if (!created.ok) throw new Error('create failed');
    // A backend whose join answers are lost: the runtime can only give up after its request timeout.
    const backend = world.sim.user({ id: userId(5), name: 'lost' });
    const deaf: Backend = new Proxy(backend, {
      get(target, property) {
        if (property === 'drainEvents') return (sink: (e: BackendEvent) => void) => target.drainEvents((e) => e.type !== 'lobbyEntered' && sink(e));
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    const runtime = createLobbyRuntime({ backend: deaf, clock: world.sim.clock, timing: { lobby: { requestTimeoutMs: 1_000 } } });
    const joined = runtime.joinLobby(created.lobbyId);
    runtime.dispose();
    expect((await joined).ok).toBe(false);
    expect(() => world.sim.clock.advance(500)).not.toThrow();
    expect(runtime.actor.getSnapshot().status).toBe('active');
    expect(() => world.sim.clock.advance(1_000)).not.toThrow();
    expect(runtime.actor.getSnapshot().status).toBe('stopped');
  });
});

describe('dispose() with a request in flight (loopback service)', () => {
  let loop: LoopbackRuntimes;
  afterEach(async () => loop.close());

  it('during createLobby: once the disposed runtime stops, nobody can list its lobby', async () => {
    loop = await startLoopbackRuntimes();
    const alice = await loop.player('Alice');
    const watcher = await loop.player('Watcher');
    const created = alice.runtime.createLobby();
    alice.runtime.dispose();
    expect((await created).ok).toBe(false);
    await actorsStopped(alice.runtime);
    await watcher.backend.settle();
    expect(loop.service.stats().lobbies).toBe(0);
    let list: Awaited<ReturnType<LobbyRuntime['findLobbies']>> | undefined;
    void watcher.runtime.findLobbies().then((r) => (list = r));
    await loop.until('a lobby list', () => list !== undefined);
    expect(list?.ok && list.lobbies).toEqual([]);
  });

  it('during joinLobby: the host sees the joiner leave and is all connected again', async () => {
    loop = await startLoopbackRuntimes();
    const host = await loop.player('Host');
    const guest = await loop.player('Guest');
    const creating = host.runtime.createLobby();
    await loop.until('the host in its lobby', () => host.runtime.lobbyState().status === 'joined');
    const created = await creating;
    if (!created.ok) throw new Error('create failed');
    const joined = guest.runtime.joinLobby(created.lobbyId);
    guest.runtime.dispose();
    expect((await joined).ok).toBe(false);
    await actorsStopped(guest.runtime);
    await host.backend.settle();
    await loop.until('the host alone again', () => host.runtime.members().length === 1 && host.runtime.allConnected());
    expect(host.runtime.members().map((m) => m.id)).toEqual([host.backend.localUserId()]);
  });
});
