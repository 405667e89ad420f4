// A lobbykit runtime over the steamworks.js adapter (and the simulator's steamworks.js-shaped client): what a game
// sees of launch arguments in packaged Electron, of honest lobby lists, and of a callback wiring problem.
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/effects/clock.js';
import { createSimulatedSteam } from '../src/effects/sim/network.js';
import { wrapSteamworksClient } from '../src/effects/steamworks/adapter.js';
import { createLobbyRuntime, type LobbyRuntimeError } from '../src/runtime.js';
import { createRuntimeWorld, type RuntimeWorld } from './helpers/runtime-world.js';
import { ALICE } from './helpers/sim-world.js';

let world: RuntimeWorld | undefined;
afterEach(() => world?.dispose());

describe('a runtime over steamworks.js', () => {
  it('joins from +connect_lobby in packaged Electron, whose argv is [exe, ...args] with no script path', async () => {
    const w = (world = createRuntimeWorld('steamworks-adapter'));
    const host = w.player(0);
    const created = host.runtime.createLobby({ lobbyType: 2, maxMembers: 4 });
    await w.runUntil(() => host.runtime.lobbyState().status === 'joined', 5_000);
    const result = await created;
    if (!result.ok) throw new Error(result.error.reason);
    const guest = w.player(1, { launchArgs: ['C:\\Games\\Spacewar\\Spacewar.exe', '+connect_lobby', String(result.lobbyId)] });
    expect(await w.runUntil(() => guest.runtime.lobbyState().lobbyId === result.lobbyId, 10_000)).toBe(true);
  });

  it('reports an invalid +connect_lobby id on errors$ at the first tick, after the game has subscribed', async () => {
    const clock = new VirtualClock();
    const steam = createSimulatedSteam({ seed: 5, clock });
    steam.addUser({ id: ALICE, name: 'Alice' });
    const backend = wrapSteamworksClient(steam.steamworksClient(ALICE), { argv: ['/opt/game/game', '+connect_lobby', 'lobby-please'] });
    const runtime = createLobbyRuntime({ backend, clock });
    const errors: LobbyRuntimeError[] = [];
    const subscription = runtime.errors$.subscribe((e) => errors.push(e));
    expect(errors).toEqual([]);
    runtime.tick();
    expect(errors).toEqual([expect.objectContaining({ kind: 'wrong-state', command: 'joinLobby', code: 'invalid-lobby-id' })]);
    runtime.tick();
    expect(errors).toHaveLength(1);
    subscription.unsubscribe();
    runtime.dispose();
  });

  it('findLobbies says complete: false past Steam\'s 50-lobby cap', async () => {
    const w = (world = createRuntimeWorld('steamworks-adapter'));
    const owners = Array.from({ length: 51 }, (_, i) => w.player(i + 1));
    for (const owner of owners) void owner.runtime.createLobby({ lobbyType: 2, maxMembers: 4 });
    await w.runUntil(() => owners.every((o) => o.runtime.lobbyState().status === 'joined'), 10_000);
    const seeker = w.player(0);
    const found = seeker.runtime.findLobbies({ slotsAvailable: 1 });
    await w.run(1_000);
    const result = await found;
    expect(result).toMatchObject({ ok: true, complete: false });
    expect(result.ok ? result.lobbies.length : 0).toBe(50);
  });

  it('publishes a callback wiring problem on errors$ with the fix', async () => {
    const w = (world = createRuntimeWorld('steamworks-adapter'));
    const player = w.player(0);
    const client = w.sim.steam.steamworksClient(player.id);
    (client.callback as { register: unknown }).register = () => ({ disconnect() {} });
    await w.run(50);
    expect(player.errorsOf('backend-problem')).toEqual([
      { kind: 'backend-problem', code: 'callbacks-unshared', reason: expect.stringMatching(/steamworksCallbacks\(client\)\.register/) },
    ]);
  });
});
