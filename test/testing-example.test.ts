/**
 * docs/testing.md's worked example: a game's "join failed" screen, tested for every enter response Steam can send,
 * with paths generated from lobbykit's lobby machine by `lobbykit/testing`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LobbyRuntimeError } from '../src/runtime.js';
import {
  VirtualClock,
  advanceUntil,
  createBot,
  createSimulatedSteam,
  joinFailurePaths,
  tickFor,
  type JoinFailureWorld,
} from '../src/testing.js';

// ── the game's code under test ────────────────────────────────────────────────────────────────────────────────
/** The game's "join failed" screen: a title and the reason, plus a retry button only where retrying can help. */
function renderJoinFailed(error: LobbyRuntimeError): string {
  if (error.kind !== 'join-failed') return 'Something went wrong.';
  const retry = error.key === 'full' || error.key === 'rate-limit-exceeded' || error.key === 'error';
  return `Could not join the lobby\n${error.reason}${retry ? '\n[Try again]' : ''}`;
}

// ── its tests ─────────────────────────────────────────────────────────────────────────────────────────────────
let world: JoinFailureWorld | undefined;
afterEach(() => world?.dispose());

describe('the "join failed" screen', () => {
  const paths = joinFailurePaths();

  it('is tested for every enter response Steam can send', () => {
    // EChatRoomEnterResponse: every code but 1 (success) that Valve's SDK defines, 2 to 15.
    expect(paths.map((p) => p.response)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(paths.every((p) => p.events.join(' ') === 'xstate.init lobby.join lobby.entered')).toBe(true);
  });

  it.each(paths.map((p) => [p.response, p.key, p] as const))('response %i (%s) shows its reason', async (response, key, path) => {
    world = path.start();
    const result = await world.join();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ kind: 'join-failed', response, key });
    const screen = renderJoinFailed(result.error);
    expect(screen.split('\n')[1]).toBe(path.reason);
    expect(screen.includes('[Try again]')).toBe(['full', 'rate-limit-exceeded', 'error'].includes(key));
    expect(world.player.lobbyState().status).toBe('idle');
  });
});

describe('scripted peers and virtual time', () => {
  it('bots join, chat and vanish on the simulated Steam; the host sees each', async () => {
    const clock = new VirtualClock();
    const steam = createSimulatedSteam({ seed: 3, clock });
    const host = createBot(steam, clock, { id: 76561198000000010n, name: 'host' });
    const bots = [11n, 12n].map((n) => createBot(steam, clock, { id: 76561198000000000n + n }));
    const everyone = [host, ...bots];
    const hosted = host.host();
    expect(await advanceUntil(clock, () => host.runtime.lobbyState().status === 'joined', { tick: everyone })).toBe(true);
    const created = await hosted;
    if (!created.ok) throw new Error(created.error.reason);
    for (const bot of bots) void bot.join(created.lobbyId);
    expect(await advanceUntil(clock, () => host.runtime.allConnected() && host.runtime.members().length === 3, { tick: everyone })).toBe(true);

    expect(bots[0]!.chat('gg').ok).toBe(true);
    await tickFor(clock, everyone, 200);
    expect(host.chatSeen.map((m) => [m.from, m.text])).toEqual([[bots[0]!.id, 'gg']]);

    bots[1]!.vanish();
    const gone = await advanceUntil(clock, () => host.runtime.members().length === 2, { tick: everyone, maxMs: 60_000 });
    expect(gone).toBe(true);
    expect(host.runtime.members().some((m) => m.id === bots[1]!.id)).toBe(false);
    for (const b of everyone) b.dispose();
  });

  it('advanceUntil gives up after maxMs of virtual time and says so', async () => {
    const clock = new VirtualClock();
    expect(await advanceUntil(clock, () => false, { maxMs: 500, stepMs: 100 })).toBe(false);
    expect(clock.now()).toBe(500);
  });
});
