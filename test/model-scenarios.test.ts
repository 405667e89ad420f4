/**
 * Paths the generated models cannot express on their own because they need two players acting at once: a kick
 * issued before an owner change (refused as a stale epoch), the owner lost while our handshake with them is in
 * flight, and the `+connect_lobby` launch. Real runtimes on the simulated Steam; coverage recorded like the models.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connectLobbyArgs } from '../src/effects/sim/network.js';
import { createRuntimeWorld, type Player, type RuntimeWorld } from './helpers/runtime-world.js';
import { CoverageRecorder } from './model/recorder.js';

const recorder = new CoverageRecorder();
afterAll(() => recorder.save('scenarios'));
let world: RuntimeWorld | undefined;
afterEach(() => world?.dispose());

async function hosted(w: RuntimeWorld, host: Player): Promise<bigint> {
  const created = host.runtime.createLobby();
  await w.runUntil(() => host.runtime.lobbyState().status === 'joined', 5_000);
  const result = await created;
  if (!result.ok) throw new Error(result.error.reason);
  return result.lobbyId;
}

describe('scenario paths', () => {
  it('kick during migration: a kick decided before the owner changed is refused as a stale epoch', async () => {
    const w = (world = createRuntimeWorld('simulated'));
    const inspect = { inspect: recorder.inspect };
    const host = w.player(1, {}, inspect);
    const me = w.player(0, {}, inspect);
    const mate = w.player(2, {}, inspect);
    const lobbyId = await hosted(w, host);
    void me.runtime.joinLobby(lobbyId);
    await w.runUntil(() => me.runtime.lobbyState().status === 'joined', 5_000);
    void mate.runtime.joinLobby(lobbyId);
    await w.runUntil(() => me.runtime.members().length === 3, 5_000);
    const decidedUnder = me.runtime.lobbyState().epoch;

    host.runtime.leaveLobby();
    expect(await w.runUntil(() => me.runtime.lobbyState().isOwner, 5_000)).toBe(true);
    expect(me.runtime.lobbyState().epoch).toBeGreaterThan(decidedUnder);

    const stale = me.runtime.kick(mate.id, { epoch: decidedUnder });
    expect(stale).toMatchObject({ ok: false, error: { kind: 'wrong-state', code: 'stale-epoch' } });
    await w.run(200);
    expect(me.runtime.members().some((m) => m.id === mate.id)).toBe(true);

    expect(me.runtime.kick(mate.id).ok).toBe(true);
    expect(await w.runUntil(() => mate.runtime.lobbyState().status === 'idle', 5_000)).toBe(true);
  });

  it('owner lost mid-handshake: the half-open session closes as member-left and we own the lobby', async () => {
    const w = (world = createRuntimeWorld('simulated'));
    const inspect = { inspect: recorder.inspect };
    const host = w.player(1, {}, inspect);
    const me = w.player(0, {}, inspect);
    const lobbyId = await hosted(w, host);
    w.sim.steam.faults.partition([me.id]);
    void me.runtime.joinLobby(lobbyId);
    await w.runUntil(() => me.runtime.lobbyState().status === 'joined', 5_000);
    await w.run(500);
    const peer = me.runtime.actor.system.get(`peer:${host.id}`) as { getSnapshot(): { value: unknown } } | undefined;
    expect(peer?.getSnapshot().value).toBe('handshaking');

    host.runtime.leaveLobby();
    expect(await w.runUntil(() => me.sessionsOf('peer.closed').length > 0, 5_000)).toBe(true);
    expect(me.sessionsOf('peer.closed')).toEqual([
      { type: 'peer.closed', remoteId: host.id, reason: { code: 'closed-by-runtime', cause: 'member-left' } },
    ]);
    expect(me.runtime.lobbyState()).toMatchObject({ status: 'joined', isOwner: true });
    expect(me.runtime.actor.getSnapshot().matches({ inLobby: 'allConnected' })).toBe(true);
  });

  it('+connect_lobby at launch joins that lobby; launch arguments without one change nothing', async () => {
    const w = (world = createRuntimeWorld('simulated'));
    const inspect = { inspect: recorder.inspect };
    const host = w.player(1, {}, inspect);
    const lobbyId = await hosted(w, host);
    const launched = w.player(0, { launchArgs: connectLobbyArgs(lobbyId) }, inspect);
    const plain = w.player(2, { launchArgs: ['-novid'] }, inspect);
    // The launch arguments reach the lobby machine at the first tick, once the game has subscribed to the streams.
    expect(launched.runtime.lobbyState().status).toBe('idle');
    launched.runtime.tick();
    expect(launched.runtime.lobbyState().status).toBe('joining');
    expect(await w.runUntil(() => launched.runtime.lobbyState().lobbyId === lobbyId, 5_000)).toBe(true);
    expect(plain.runtime.lobbyState().status).toBe('idle');
    expect(plain.errors).toEqual([]);
  });
});
