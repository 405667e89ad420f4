/**
 * Runs a generated peer-session path against real runtimes on the simulated Steam: we own a lobby and the remote
 * joins it; the subject is our runtime's peer actor for the remote. Before each attempt the world is armed for
 * what the path says happens next — `faults.failSessions` for a session error, `faults.partition` for a handshake
 * timeout, nothing for a handshake that gets through — and the runtime's own actor must reach each step's state,
 * with `sessions$`, `errors$` and the member list agreeing.
 */
import { expect } from 'vitest';
import type { InspectionEvent } from 'xstate';
import type { PeerSessionEvent } from '../../src/machines/peer-session.machine.js';
import { toStableJson } from '../../src/machines/serialize.js';
import { createRuntimeWorld, type Player, type RuntimeWorld } from '../helpers/runtime-world.js';
import { MODEL_RETRY, peerEventLabel, type PeerPath, type PeerSnapshot } from './peer-model.js';
import type { CoverageRecorder } from './recorder.js';

function keyOf(snapshot: Pick<PeerSnapshot, 'value' | 'context'>): string {
  return `${toStableJson(snapshot.value)} attempt:${snapshot.context.attempt}`;
}

interface PeerCast {
  readonly world: RuntimeWorld;
  readonly me: Player;
  readonly remote: Player;
  readonly lobbyId: bigint;
  /** Keys of every state our peer actor for the remote passed through (microsteps included). */
  readonly seen: string[];
}

async function peerCast(recorder: CoverageRecorder): Promise<PeerCast> {
  const world = createRuntimeWorld('simulated');
  const seen: string[] = [];
  const remoteId = 76561198000000002n;
  const inspect = (event: InspectionEvent): void => {
    recorder.inspect(event);
    if ((event.type === '@xstate.snapshot' || event.type === '@xstate.microstep') && (event.actorRef as { id?: string }).id === `peer:${remoteId}`) {
      seen.push(keyOf(event.snapshot as PeerSnapshot));
    }
  };
  const me = world.player(0, {}, { inspect, retry: MODEL_RETRY });
  // The remote never retries on its own within a test (its backoff is long): it only answers our attempts, so
  // which attempt connects is ours to decide.
  const remote = world.player(1, {}, { inspect: recorder.inspect, retry: { maxAttempts: 2, baseDelayMs: 300_000, maxDelayMs: 300_000 } });
  expect(remote.id).toBe(remoteId);
  const created = me.runtime.createLobby();
  await world.runUntil(() => me.runtime.lobbyState().status === 'joined', 5_000);
  const result = await created;
  if (!result.ok) throw new Error(result.error.reason);
  return { world, me, remote, lobbyId: result.lobbyId, seen };
}

/** Sets the world up for the attempt that is about to start, from what the path says comes of it. */
function arm(cast: PeerCast, next: PeerSessionEvent | undefined, initial: boolean): void {
  const faults = cast.world.sim.steam.faults;
  const label = peerEventLabel(next);
  faults.heal();
  if (label.startsWith('peer.sessionFailed:') && next?.type === 'peer.sessionFailed') {
    faults.failSessions(cast.me.id, cast.remote.id, next.error);
    // The remote's own first handshake would connect us; it fails the same way.
    if (initial) faults.failSessions(cast.remote.id, cast.me.id, next.error);
  } else if (label === 'after:handshakeTimeout') {
    faults.partition([cast.me.id]);
  }
}

export async function runPeerPath(path: PeerPath, recorder: CoverageRecorder): Promise<void> {
  const cast = await peerCast(recorder);
  const { world, me, remote, seen } = cast;
  try {
    const steps = path.steps;
    arm(cast, steps[1]?.event, true);
    void remote.runtime.joinLobby(cast.lobbyId);
    const started = await world.runUntil(() => seen.includes(keyOf(steps[0]!.state)), 5_000);
    expect(started, 'our peer actor for the remote starts handshaking').toBe(true);

    for (let i = 1; i < steps.length; i++) {
      const step = steps[i]!;
      const event = step.event as PeerSessionEvent;
      const label = peerEventLabel(event);
      const where = `step ${i} (${label}) of ${steps.length - 1}`;
      const expected = keyOf(step.state);
      const mark = seen.length;
      const errorsBefore = me.errors.length;
      const sessionsBefore = me.sessions.length;
      await cause(cast, event, steps[i + 1]?.event as PeerSessionEvent | undefined);
      const ok = await world.runUntil(() => seen.slice(mark).includes(expected), 60_000);
      expect(ok, `${where}: expected ${expected}; passed through ${seen.slice(mark).join(', ')}`).toBe(true);

      const newErrors = me.errors.slice(errorsBefore);
      const newSessions = me.sessions.slice(sessionsBefore);
      if (event.type === 'peer.sessionFailed') {
        expect(newErrors, where).toContainEqual(
          expect.objectContaining({ kind: 'session-failed', remoteId: remote.id, failure: expect.objectContaining({ error: event.error }) }),
        );
      }
      if (event.type === 'peer.close') {
        expect(newSessions, where).toContainEqual({
          type: 'peer.closed',
          remoteId: remote.id,
          reason: { code: 'closed-by-runtime', cause: event.cause },
        });
      }
      if (step.state.matches('connected')) {
        expect(me.runtime.members().find((m) => m.id === remote.id)?.session, where).toBe('connected');
        expect(me.runtime.allConnected(), where).toBe(true);
      }
      if (step.state.value === 'closed' && event.type !== 'peer.close') {
        const closed = newSessions.find((e) => e.type === 'peer.closed');
        expect(closed, `${where}: the session closes for good`).toMatchObject({
          reason: { code: event.type === 'peer.sessionFailed' && event.error === 2 ? 'fatal-session-error' : 'retries-exhausted' },
        });
      }
    }
  } finally {
    world.dispose();
  }
}

async function cause(cast: PeerCast, event: PeerSessionEvent, next: PeerSessionEvent | undefined): Promise<void> {
  const { world, me, remote } = cast;
  const faults = world.sim.steam.faults;
  const label = peerEventLabel(event);
  switch (label) {
    case 'after:retryBackoff':
      arm(cast, next, false);
      return;
    case 'peer.silent':
      faults.partition([me.id]);
      return;
    case 'peer.close:member-left':
      remote.runtime.leaveLobby();
      return;
    case 'peer.close:member-kicked':
      me.runtime.kick(remote.id);
      return;
    case 'peer.close:member-banned':
      me.runtime.ban(remote.id);
      return;
    case 'peer.close:lobby-left':
      me.runtime.leaveLobby();
      return;
    default:
      // Handshakes, session errors and handshake timeouts: armed before the attempt began; time does the rest.
      return;
  }
}
