// findLobbies with filters a JavaScript caller should not pass (issue: `strings: [null]` once hung the promise,
// threw from the simulator's timer into every clock.advance(), kept another user's join from completing, and
// killed a process on the system clock). On every backend the call resolves at once to an invalid-argument
// result, nothing reaches the backend's timers, and everyone else's lobby life goes on.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { LobbyRuntime } from '../src/runtime.js';
import { startLoopbackRuntimes, type LoopbackRuntimes } from './helpers/loopback-live.js';
import { createRuntimeWorld, type RuntimeWorld } from './helpers/runtime-world.js';

// What a careless caller passes, written from the LobbyListFilters type: each field the wrong shape.
const MALFORMED: readonly unknown[] = [
  { strings: [null] },
  { strings: 5 },
  { numbers: [undefined] },
  { numbers: [{ key: 'k', value: 1, comparison: '~' }] },
  { near: [{ key: 1, value: 2 }] },
  { slotsAvailable: 'many' },
  { resultCount: -1 },
  { distance: 4 },
  null,
  'public',
];

/** Asks with every malformed filter, each answered before any virtual time passes: an invalid-argument result. */
async function refuseAll(runtime: LobbyRuntime): Promise<void> {
  for (const filters of MALFORMED) {
    const result = await runtime.findLobbies(filters as never);
    expect(result, JSON.stringify(filters)).toMatchObject({ ok: false, error: { kind: 'invalid-argument', command: 'findLobbies' } });
  }
}

describe.each(['simulated', 'steamworks-adapter'] as const)('malformed lobby-list filters (%s)', (flavour) => {
  let world: RuntimeWorld;
  afterEach(() => world.dispose());

  it('are refused at once, and another user creates, is joined and lists lobbies meanwhile; the clock never throws', async () => {
    world = createRuntimeWorld(flavour);
    const careless = world.player(0);
    const host = world.player(1);
    const guest = world.player(2);
    await refuseAll(careless.runtime);
    const creating = host.runtime.createLobby({ data: { mode: 'ctf' } });
    let frames = 0;
    world.everyFrame(() => frames++);
    await world.runUntil(() => host.runtime.lobbyState().status === 'joined', 5_000);
    const created = await creating;
    if (!created.ok) throw new Error('create failed');
    await refuseAll(careless.runtime);
    const joining = guest.runtime.joinLobby(created.lobbyId);
    let listed: Awaited<ReturnType<LobbyRuntime['findLobbies']>> | undefined;
    void careless.runtime.findLobbies({ strings: [{ key: 'mode', value: 'ctf' }] }).then((r) => (listed = r));
    expect(await world.runUntil(() => guest.runtime.allConnected() && listed !== undefined, 10_000)).toBe(true);
    expect((await joining).ok).toBe(true);
    expect(listed?.ok && listed.lobbies.map((l) => l.lobbyId)).toEqual([created.lobbyId]);
    // world.run advances the clock itself: any throw from a timer would have failed the run above.
    expect(() => world.sim.clock.advance(6_000)).not.toThrow();
    expect(world.sim.steam.errors).toEqual([]);
    expect(careless.errorsOf('internal')).toEqual([]);
    expect(frames).toBeGreaterThan(0);
  });
});

describe('malformed lobby-list filters (loopback service)', () => {
  let loop: LoopbackRuntimes;
  afterEach(async () => loop.close());

  it('are refused at once, and another user still creates and is joined', async () => {
    loop = await startLoopbackRuntimes();
    const careless = await loop.player('Careless');
    const host = await loop.player('Host');
    const guest = await loop.player('Guest');
    await refuseAll(careless.runtime);
    const creating = host.runtime.createLobby();
    await loop.until('the host in its lobby', () => host.runtime.lobbyState().status === 'joined');
    const created = await creating;
    if (!created.ok) throw new Error('create failed');
    const joining = guest.runtime.joinLobby(created.lobbyId);
    await refuseAll(careless.runtime);
    await loop.until('the guest connected', () => guest.runtime.allConnected());
    expect((await joining).ok).toBe(true);
    expect(careless.backend.serviceErrors()).toEqual([]);
  });
});

describe('malformed lobby-list filters on the system clock', () => {
  it('crash nothing: the process ends normally with every refusal typed and the join done', () => {
    const script = fileURLToPath(new URL('./fixtures/malformed-filters-system-clock.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      refusals: ['invalid-argument', 'invalid-argument', 'invalid-argument'],
      joined: true,
      listed: true,
      simulatorErrors: 0,
    });
  });
});
