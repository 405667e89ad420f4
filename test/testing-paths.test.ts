// `lobbykit/testing`'s generated paths, used the way a game's tests would: every path's world plays, and what the
// player's runtime published is the outcome the path names (judged by Steam's rules and the issue's, not by the
// generator). And xstate/graph's own generators run on each exported machine with no serializer.
import { describe, expect, it } from 'vitest';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { SENT_SESSION_ERRORS } from '../src/steam/index.js';
import { MACHINE_GRAPHS, inviteFlowPaths, reconnectPaths, sessionFailurePaths, voteKickPaths } from '../src/testing.js';

describe('sessionFailurePaths()', () => {
  const paths = sessionFailurePaths();

  it('has one path per P2P error Steam sends, a liveness timeout, retries running out and a cancel by leave', () => {
    expect(paths.map((p) => p.name)).toEqual([...SENT_SESSION_ERRORS.map((e) => `session-error-${e}`), 'liveness-timeout', 'retries-exhausted', 'cancelled-by-leave']);
    // Only error 2 (we do not own the app) cannot get better by trying again (steam-facts: EP2PSessionError).
    expect(paths.filter((p) => p.kind === 'session-error' && p.closes).map((p) => p.error)).toEqual([2]);
  });

  it.each(sessionFailurePaths().map((p) => [p.name, p] as const))('%s: the player sees its session with the host fail that way', async (_name, path) => {
    const world = path.start();
    const seen = await world.run();
    world.dispose();
    const failures = seen.flatMap((e) => (e.type === 'peer.attemptFailed' ? [e.failure] : []));
    const closed = seen.flatMap((e) => (e.type === 'peer.closed' ? [e.reason.code] : []));
    switch (path.kind) {
      case 'session-error':
        expect(failures[0]).toMatchObject({ code: 'session-error', error: path.error });
        expect(closed.includes('fatal-session-error')).toBe(path.closes);
        break;
      case 'liveness-timeout':
        expect(failures.map((f) => f.code)).toContain('liveness-timeout');
        break;
      case 'retries-exhausted':
        expect(failures.every((f) => f.code === 'handshake-timeout')).toBe(true);
        expect(closed).toContain('retries-exhausted');
        break;
      case 'cancelled-by-leave':
        expect(closed).toEqual(['closed-by-runtime']);
        break;
    }
  });
});

describe('invite, reconnect and vote-kick flows', () => {
  it.each(inviteFlowPaths().map((p) => [p.outcome, p] as const))('invite %s', async (outcome, path) => {
    const world = path.start();
    const { lifecycle } = await world.run();
    const status = world.player.lobbyState().status;
    world.dispose();
    expect(lifecycle.filter((e) => e.type === 'lifecycle.inviteReceived')).toHaveLength(1);
    expect(status).toBe(outcome === 'ignored' ? 'idle' : 'joined');
    expect(lifecycle.filter((e) => e.type === 'lifecycle.left').map((e) => e.type === 'lifecycle.left' && e.reason.code)).toEqual(outcome === 'switched' ? ['switching'] : []);
    expect(path.events).toContain('lobby.invited');
    expect(path.events.includes('lobby.acceptInvite')).toBe(outcome === 'accepted' || outcome === 'switched');
  });

  it.each(reconnectPaths().map((p) => [p.outcome, p] as const))('reconnect %s', async (outcome, path) => {
    const world = path.start();
    const { lifecycle, sessions } = await world.run();
    const status = world.player.lobbyState().status;
    world.dispose();
    const types = lifecycle.map((e) => e.type);
    if (outcome === 'seat-kept') expect([types.filter((t) => t !== 'lifecycle.entered'), status]).toEqual([['lifecycle.reconnecting', 'lifecycle.reconnected'], 'joined']);
    if (outcome === 'seat-lost') expect(lifecycle.at(-1)).toMatchObject({ type: 'lifecycle.left', reason: { code: 'reconnect-failed' } });
    if (outcome === 'session-reconnected') {
      expect(sessions.map((e) => e.type)).toContain('peer.reconnectScheduled');
      expect(sessions.at(-1)?.type).toBe('peer.connected');
    }
  });

  it.each(voteKickPaths().map((p) => [p.outcome, p] as const))('vote-kick %s', async (outcome, path) => {
    const world = path.start();
    const { votes } = await world.run();
    world.dispose();
    expect(votes[0]?.type).toBe('vote.started');
    expect(votes.at(-1)).toMatchObject({ type: 'vote.ended', reason: outcome });
    expect(votes.some((e) => e.type === 'vote.passed')).toBe(outcome === 'kicked');
  });
});

describe("xstate/graph's generators on lobbykit's machines, with no serializer", () => {
  it.each(Object.entries(MACHINE_GRAPHS))('%s: shortest paths reach every state of the machine', (_name, graph) => {
    const paths = getShortestPaths(graph.machine as never, { input: graph.input as never, events: graph.events as never });
    // Every leaf state a machine can rest in (a state that always moves on at once, like peerSession.failed, cannot).
    const leaves = (node: { readonly states: Record<string, unknown>; readonly id: string; readonly always?: readonly unknown[] }): string[] => {
      const children = Object.values(node.states) as (typeof node)[];
      if (children.length > 0) return children.flatMap(leaves);
      return (node.always ?? []).length > 0 ? [] : [node.id];
    };
    const reached = new Set(paths.flatMap((p) => [...(p.state as { _nodes: { id: string }[] })._nodes].map((n) => n.id)));
    const missing = leaves(graph.machine.root as never).filter((id) => !reached.has(id));
    expect(missing).toEqual([]);
  });

  it('simple paths too, on a machine small enough to list them all', () => {
    const paths = getSimplePaths(MACHINE_GRAPHS.voteKick.machine, { input: MACHINE_GRAPHS.voteKick.input, events: MACHINE_GRAPHS.voteKick.events });
    expect(paths.length).toBeGreaterThan(10);
  });
});
