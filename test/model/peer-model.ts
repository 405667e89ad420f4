/**
 * Test paths generated from the peer-session machine with `xstate/graph`, for the driver in peer-driver.ts. Two
 * attempts per streak (the runtime under test gets the same policy), so retry exhaustion is a short path. A vertex
 * is the state, the attempt number and the transition that led there, so each session error and each timeout that
 * sends the session back to `retrying` (or on to `closed`) is its own path.
 */
import { getShortestPaths, type StatePath } from 'xstate/graph';
import type { EventFromLogic, SnapshotFrom } from 'xstate';
import { SENT_SESSION_ERRORS } from '../../src/steam/index.js';
import { peerSessionMachine, type PeerCloseCause, type PeerSessionEvent } from '../../src/machines/peer-session.machine.js';
import { toStableJson } from '../../src/machines/serialize.js';

export type PeerSnapshot = SnapshotFrom<typeof peerSessionMachine>;
export type PeerPath = StatePath<PeerSnapshot, EventFromLogic<typeof peerSessionMachine>>;

export const MODEL_REMOTE = 76561198000000002n;
export const MODEL_RETRY = { maxAttempts: 2 } as const;

/**
 * Why the runtime closes a session, each caused by a different thing in the world. Not 'member-disconnected':
 * Steam notices a vanished member after 30 s, long after the session itself has given up (5 s of silence, then
 * the retries), so in the world that close always finds the session closed already; 'disposed' is the pool
 * stopping its actors, which sends no event.
 */
export const CLOSE_CAUSES: readonly PeerCloseCause[] = ['member-left', 'member-kicked', 'member-banned', 'lobby-left'];

const after = (delay: string, state: string) => ({ type: `xstate.after.${delay}.peerSession.${state}` }) as unknown as PeerSessionEvent;

function candidates(snapshot: PeerSnapshot): PeerSessionEvent[] {
  const remoteId = MODEL_REMOTE;
  const out: PeerSessionEvent[] = [];
  if (snapshot.matches('handshaking')) {
    out.push({ type: 'peer.handshakeAck', remoteId });
    for (const error of SENT_SESSION_ERRORS) out.push({ type: 'peer.sessionFailed', remoteId, error });
    out.push(after('handshakeTimeout', 'handshaking'));
  }
  if (snapshot.matches('connected')) out.push({ type: 'peer.silent', remoteId });
  if (snapshot.matches('retrying')) out.push(after('retryBackoff', 'retrying'));
  if (snapshot.status === 'active') for (const cause of CLOSE_CAUSES) out.push({ type: 'peer.close', remoteId, cause });
  return out;
}

export function peerEventLabel(event: PeerSessionEvent | undefined): string {
  if (event === undefined) return 'start';
  if (event.type === 'peer.sessionFailed') return `${event.type}:${event.error}`;
  if (event.type === 'peer.close') return `${event.type}:${event.cause}`;
  const after = /^xstate\.after\.(\w+)\./.exec(event.type);
  return after === null ? event.type : `after:${after[1]}`;
}

/** The peer machine as the runtime (liveness from its ledger, the default) runs it: watched, with no timer of its own. */
const runtimePeerMachine = peerSessionMachine.provide({ guards: { livenessWatchedByRuntime: () => true } });

export function peerPaths(): PeerPath[] {
  return getShortestPaths(runtimePeerMachine, {
    input: { remoteId: MODEL_REMOTE, retry: MODEL_RETRY },
    events: candidates,
    serializeEvent: (event) => toStableJson(event),
    serializeState: (snapshot, event, before) =>
      `${toStableJson(snapshot.value)} attempt:${snapshot.context.attempt} via:${before === undefined ? '-' : toStableJson(before.value)}/${peerEventLabel(event as PeerSessionEvent | undefined)}`,
  }) as PeerPath[];
}

export function describePeerPath(path: PeerPath): string {
  return path.steps.slice(1).map((s) => peerEventLabel(s.event as PeerSessionEvent)).join(' → ');
}
