/**
 * The peer-session machine on its own, with everything the runtime could send in every state (handshakes and
 * acks at any time, traffic, silence, every session error code — retryable, fatal, retired and unknown — each
 * close cause) and its delays, in two worlds: one where the session times itself and only `peer.traffic` proves
 * the remote alive (the machine's default), one where the runtime's injected `livenessWatchedByRuntime` says the
 * runtime watches and will send `peer.silent`.
 *
 * A vertex is the state value, the whole context and the transitions that led there with the event's deciding
 * detail. The oracle is written from the machine's contract (its header and emitted types).
 */
import { expect } from 'vitest';
import { getShortestPaths, type StatePath } from 'xstate/graph';
import type { EventFromLogic, SnapshotFrom } from 'xstate';
import { nextRandom } from '../../src/machines/backoff.js';
import { peerSessionMachine, type PeerSessionEmitted, type PeerSessionEvent } from '../../src/machines/peer-session.machine.js';
import { toStableJson } from '../../src/machines/serialize.js';
import { sessionErrorInfo } from '../../src/steam/index.js';
import type { BareStep, EffectCall } from './bare-runner.js';
import { transitionKey } from './definition.js';

export type PeerSnapshot = SnapshotFrom<typeof peerSessionMachine>;
export type BarePeerPath = StatePath<PeerSnapshot, EventFromLogic<typeof peerSessionMachine>>;

const REMOTE = 76561198000000002n;
const JITTER_SEED = 7;

/** Distinct delays. The heartbeat interval is the root's timer, not the peer's: a bare peer must never send one. */
export const BARE_PEER_INPUT = {
  remoteId: REMOTE,
  timing: { handshakeTimeoutMs: 50, heartbeatIntervalMs: 10, livenessTimeoutMs: 45 },
  retry: { maxAttempts: 2, baseDelayMs: 30, factor: 2, maxDelayMs: 100, jitter: 0.2 },
  jitterSeed: JITTER_SEED,
} as const;

export const PEER_EFFECTS = ['sendHandshake', 'sendHandshakeAck', 'closeSession'] as const;

export type PeerWorld = 'session times itself' | 'liveness watched by the runtime';

/** The machine each world runs: the second provides the guard the runtime injects. */
export function peerMachineOf(world: PeerWorld) {
  return world === 'session times itself'
    ? peerSessionMachine
    : peerSessionMachine.provide({ guards: { livenessWatchedByRuntime: () => true } });
}

/** Session errors: retryable, fatal (2), retired from the SDK (1, 3) and unknown. */
const ERRORS = [0, 1, 2, 3, 4, 5, 42];
const CAUSES = ['member-left', 'member-disconnected', 'member-kicked', 'member-banned', 'lobby-left', 'disposed'] as const;

/** Jitter draws are the only unbounded part of the context: a few retries are enough for every transition. */
const MAX_DRAWS = 3;
const BOUNDED_RNG_STATES = (() => {
  const states = [JITTER_SEED >>> 0];
  for (let i = 0; i < MAX_DRAWS; i++) states.push(nextRandom(states[i]!).state);
  return new Set(states);
})();

function candidates(snapshot: PeerSnapshot): PeerSessionEvent[] {
  const remoteId = REMOTE;
  const out: PeerSessionEvent[] = [
    { type: 'peer.handshake', remoteId },
    { type: 'peer.handshakeAck', remoteId },
    { type: 'peer.traffic', remoteId },
    { type: 'peer.silent', remoteId },
    ...ERRORS.map((error) => ({ type: 'peer.sessionFailed' as const, remoteId, error })),
    ...CAUSES.map((cause) => ({ type: 'peer.close' as const, remoteId, cause })),
  ];
  for (const node of snapshot._nodes) {
    for (const type of node.transitions.keys()) {
      if (type.startsWith('xstate.after.')) out.push({ type } as unknown as PeerSessionEvent);
    }
  }
  return out.filter((event) => snapshot.machine.getTransitionData(snapshot, event).length > 0);
}

export function barePeerLabel(event: PeerSessionEvent): string {
  if (event.type === 'peer.sessionFailed') return `${event.type}:${event.error}`;
  if (event.type === 'peer.close') return `${event.type}:${event.cause}`;
  const delay = /^xstate\.after\.(\w+)\./.exec(event.type);
  return delay === null ? event.type : `after:${delay[1]}`;
}

function viaOf(event: PeerSessionEvent | undefined, before: PeerSnapshot | undefined): string {
  if (before === undefined || event === undefined) return 'start';
  const keys = before.machine.getTransitionData(before, event).map((t) => transitionKey(t));
  return `${keys.join('+')}/${barePeerLabel(event)}`;
}

/** One shortest path per (state reached, transitions taken, deciding detail of the event). */
export function barePeerPaths(world: PeerWorld): BarePeerPath[] {
  const paths = getShortestPaths(peerMachineOf(world), {
    input: BARE_PEER_INPUT,
    events: candidates,
    serializeEvent: (event) => toStableJson(event),
    serializeState: (snapshot, event, before) =>
      `${toStableJson(snapshot.value)} ${snapshot.status} ${toStableJson(snapshot.context)} via:${viaOf(event as PeerSessionEvent | undefined, before)}`,
    stopWhen: (snapshot) => !BOUNDED_RNG_STATES.has(snapshot.context.rngState),
  }) as BarePeerPath[];
  const best = new Map<string, BarePeerPath>();
  for (const path of paths) {
    const last = path.steps[path.steps.length - 1]!;
    const ending = `${toStableJson(last.state.value)} ${viaOf(last.event as PeerSessionEvent, path.steps[path.steps.length - 2]?.state)}`;
    const known = best.get(ending);
    if (known === undefined || path.steps.length < known.steps.length) best.set(ending, path);
  }
  return [...best.values()];
}

// ── oracle ──────────────────────────────────────────────────────────────────────────────────────────────────

const isAfter = (event: PeerSessionEvent, delay: string) => event.type.startsWith(`xstate.after.${delay}.`);

/** The failure this step ends the attempt with, per the contract, or undefined when it is not a failure. */
function failureOf(before: PeerSnapshot, event: PeerSessionEvent): string | undefined {
  if (before.status !== 'active') return undefined;
  if (before.matches('handshaking') && isAfter(event, 'handshakeTimeout')) return 'handshake-timeout';
  if (before.matches('connected') && (isAfter(event, 'livenessTimeout') || event.type === 'peer.silent')) {
    return 'liveness-timeout';
  }
  if ((before.matches('handshaking') || before.matches('connected')) && event.type === 'peer.sessionFailed') {
    return 'session-error';
  }
  return undefined;
}

export function checkPeerStep(world: PeerWorld) {
  return (step: BareStep<PeerSnapshot, PeerSessionEvent>): void => {
    const { before, event, after, calls, where } = step;
    const emitted = step.emitted as readonly PeerSessionEmitted[];
    const { maxAttempts } = BARE_PEER_INPUT.retry;
    const failure = failureOf(before, event);
    const fatal = event.type === 'peer.sessionFailed' && !sessionErrorInfo(event.error).retryable;

    // Where the step must lead.
    if (event.type === 'peer.close') expect(after.value, `${where}: closed`).toBe('closed');
    if (failure !== undefined) {
      const retries = before.context.attempt < maxAttempts && !fatal;
      expect(after.value, `${where}: after a failure`).toBe(retries ? 'retrying' : 'closed');
    }
    if (event.type === 'peer.handshake' || event.type === 'peer.handshakeAck') {
      if (!before.matches('closed')) expect(after.matches('connected'), `${where}: a handshake connects`).toBe(true);
    }
    // Connected means listening (its own liveness timer) or watched (none: the runtime checks), per the world.
    if (after.matches('connected')) {
      const how = world === 'session times itself' ? 'listening' : 'watched';
      expect(after.matches({ connected: how }), `${where}: connected and ${how}`).toBe(true);
    }

    // Effects.
    const expected: EffectCall[] = [];
    if (after.matches('handshaking') && !before.matches('handshaking')) {
      expected.push({ type: 'sendHandshake', params: { remoteId: REMOTE, attempt: after.context.attempt } });
    }
    if (event.type === 'peer.handshake') expected.push({ type: 'sendHandshakeAck', params: { remoteId: REMOTE } });
    if (after.matches('closed') && !before.matches('closed')) expected.push({ type: 'closeSession', params: { remoteId: REMOTE } });
    expect(calls.map((c) => toStableJson(c)), `${where}: effects`).toEqual(expected.map((c) => toStableJson(c)));

    // Reports.
    const connected = emitted.filter((e) => e.type === 'peer.connected');
    if (after.matches('connected') && !before.matches('connected')) {
      const attempt = before.context.attempt + (before.matches('retrying') ? 1 : 0);
      expect(connected, `${where}: connected`).toEqual([{ type: 'peer.connected', remoteId: REMOTE, attempt }]);
    } else {
      expect(connected, `${where}: connected`).toEqual([]);
    }
    const failed = emitted.filter((e) => e.type === 'peer.attemptFailed');
    expect(failed.map((e) => e.failure.code), `${where}: attempt failed`).toEqual(failure === undefined ? [] : [failure]);
    for (const e of failed) {
      expect(e.attempt).toBe(before.context.attempt);
      expect(e.retryInMs === undefined, `${where}: retry only when retrying`).toBe(!after.matches('retrying'));
    }
    const closed = emitted.filter((e) => e.type === 'peer.closed');
    if (after.matches('closed') && !before.matches('closed')) {
      const reason =
        event.type === 'peer.close'
          ? { code: 'closed-by-runtime', cause: event.cause }
          : fatal
            ? { code: 'fatal-session-error' }
            : { code: 'retries-exhausted', attempts: before.context.attempt };
      expect(closed, `${where}: closed`).toEqual([expect.objectContaining({ reason: expect.objectContaining(reason) })]);
    } else {
      expect(closed, `${where}: closed`).toEqual([]);
    }
  };
}
