/**
 * The peer-session machine's contract, from the seed tutorial (both sides send a handshake when they meet; a
 * session fails with one of Steam's P2P session errors) and the machine's documented behaviour: every attempt ends
 * in exactly one outcome — connected, or a failure that schedules a retry (exponential backoff, capped) or closes
 * the session for good (attempts exhausted, or error 2: retrying cannot help when we do not own the app). Nothing
 * here reads the machine. Extending it: see lobby-contract.ts (same shape: an alphabet and a table of rows).
 */
import { expect } from 'vitest';
import type { AnyActorRef, EventObject } from 'xstate';
import type { PeerCloseCause, PeerSessionEvent } from '../../src/machines/peer-session.machine.js';
import { toStableJson } from '../../src/machines/serialize.js';
import type { Contract, ModelEvent, Outcome, Subject } from './contract.js';
import { statusAndValue } from './contract.js';

export const REMOTE = 76561198000000002n;

/** Distinct delays; no jitter, so each backoff is exactly base × factor^(attempt − 1), capped. */
export const PEER_TIMING = { handshakeTimeoutMs: 50, heartbeatIntervalMs: 10, livenessTimeoutMs: 45 } as const;
export const PEER_RETRY = { maxAttempts: 3, baseDelayMs: 40, factor: 3, maxDelayMs: 100, jitter: 0 } as const;

/** The timing a contract is written for: how long a handshake waits, and the (jitter-free) retry policy. */
export interface PeerPolicy {
  readonly handshakeTimeoutMs: number;
  readonly retry: { readonly maxAttempts: number; readonly baseDelayMs: number; readonly factor: number; readonly maxDelayMs: number };
}

/** The wait after failed attempt `failedAttempt`: base × factor^(attempt − 1), capped. */
export function backoffMs(policy: PeerPolicy, failedAttempt: number): number {
  return Math.min(policy.retry.maxDelayMs, policy.retry.baseDelayMs * policy.retry.factor ** (failedAttempt - 1));
}

/** EP2PSessionError (steam-facts.md) with the seed tutorial's texts; only 2 (no rights to the app) is fatal. */
export const SESSION_ERRORS: Readonly<Record<number, { readonly key: string; readonly reason: string; readonly fatal?: true }>> = {
  0: { key: 'none', reason: 'no error given' },
  1: { key: 'not-running-app', reason: 'target user not running the same game' },
  2: { key: 'no-rights-to-app', reason: "local user doesn't own app / game", fatal: true },
  3: { key: 'destination-not-logged-in', reason: "target user isn't connected to Steam" },
  4: { key: 'timeout', reason: 'connection timed out' },
  5: { key: 'max', reason: 'unused' },
};
const UNKNOWN_ERROR = 42;

export function sessionError(error: number) {
  const known = SESSION_ERRORS[error];
  return { code: 'session-error', error, key: known?.key ?? 'unknown', reason: known?.reason ?? `unknown error ${error}` };
}

export const CLOSE_CAUSES: readonly PeerCloseCause[] = [
  'member-left',
  'member-disconnected',
  'member-kicked',
  'member-banned',
  'lobby-left',
  'disposed',
];

export type PeerState = 'handshaking' | 'connected' | 'retrying' | 'closed';

export interface PeerModel {
  readonly state: PeerState;
  /** The attempt of the current streak (1-based); connecting starts a new streak. */
  readonly attempt: number;
  /** Why the session closed (its output). */
  readonly closed?: unknown;
}

export type PeerKind = 'handshake' | 'handshakeAck' | 'silent' | 'sessionFailed' | 'close' | 'timeout';

export interface PeerModelEvent extends ModelEvent {
  readonly kind: PeerKind;
  readonly event?: PeerSessionEvent;
}

export function peerAlphabet(policy: PeerPolicy, m: PeerModel): PeerModelEvent[] {
  const out: PeerModelEvent[] = [];
  const add = (type: string, kind: PeerKind, event: PeerSessionEvent) => out.push({ type, kind, event, stimulus: { send: [event as EventObject] } });
  const remoteId = REMOTE;
  add('handshake', 'handshake', { type: 'peer.handshake', remoteId });
  add('handshakeAck', 'handshakeAck', { type: 'peer.handshakeAck', remoteId });
  add('silent', 'silent', { type: 'peer.silent', remoteId });
  for (const error of [...Object.keys(SESSION_ERRORS).map(Number), UNKNOWN_ERROR]) {
    add(`sessionFailed:${error}`, 'sessionFailed', { type: 'peer.sessionFailed', remoteId, error });
  }
  for (const cause of CLOSE_CAUSES) add(`close:${cause}`, 'close', { type: 'peer.close', remoteId, cause });
  const wait = m.state === 'handshaking' ? policy.handshakeTimeoutMs : m.state === 'retrying' ? backoffMs(policy, m.attempt) : undefined;
  if (wait !== undefined) out.push({ type: `${m.state === 'handshaking' ? 'timeout' : 'backoff'} (${wait} ms)`, kind: 'timeout', stimulus: { wait } });
  return out;
}

type Row = (m: PeerModel, e: PeerModelEvent) => Outcome<PeerModel>;

const remoteId = REMOTE;
const anyText: unknown = expect.stringMatching(/\S/);

const connected =
  (attempt: (m: PeerModel) => number, ack: boolean): Row =>
  (m) => ({
    next: { state: 'connected', attempt: 1 },
    effects: ack ? [['sendHandshakeAck', { remoteId }]] : [],
    emits: [{ type: 'peer.connected', remoteId, attempt: attempt(m) }],
  });

function closedBy(reason: object): Pick<Outcome<PeerModel>, 'effects' | 'emits'> & { next: PeerModel } {
  return {
    next: { state: 'closed', attempt: 0, closed: { remoteId, reason } },
    effects: [['closeSession', { remoteId }]],
    emits: [{ type: 'peer.closed', remoteId, reason }],
  };
}

/** An attempt failed: retry after the backoff while attempts are left and the error is not fatal, or close. */
function failed(policy: PeerPolicy, m: PeerModel, failure: { readonly code: string; readonly error?: number; readonly reason: unknown }): Outcome<PeerModel> {
  const fatal = failure.error !== undefined && SESSION_ERRORS[failure.error]?.fatal === true;
  const report = { type: 'peer.attemptFailed', remoteId, attempt: m.attempt, failure };
  if (!fatal && m.attempt < policy.retry.maxAttempts) {
    return { next: { state: 'retrying', attempt: m.attempt }, emits: [{ ...report, retryInMs: backoffMs(policy, m.attempt) }] };
  }
  const reason = fatal
    ? { code: 'fatal-session-error', failure }
    : { code: 'retries-exhausted', attempts: m.attempt, lastFailure: failure };
  const closed = closedBy(reason);
  return { ...closed, emits: [{ ...report, retryInMs: undefined }, ...closed.emits!] };
}

const sessionFailed =
  (policy: PeerPolicy): Row =>
  (m, e) =>
    failed(policy, m, sessionError((e.event as Extract<PeerSessionEvent, { type: 'peer.sessionFailed' }>).error));
const closeByRuntime: Row = (_m, e) =>
  closedBy({ code: 'closed-by-runtime', cause: (e.event as Extract<PeerSessionEvent, { type: 'peer.close' }>).cause });

/** The rows, per state, for a policy. */
export function peerTable(policy: PeerPolicy): Readonly<Record<PeerState, Partial<Record<PeerKind, Row>>>> {
  return {
  handshaking: {
    // Both sides handshake at once (the seed's way): the remote's handshake proves the path; answer it.
    handshake: connected((m) => m.attempt, true),
    handshakeAck: connected((m) => m.attempt, false),
    sessionFailed: sessionFailed(policy),
    // The reason says what was not answered.
    timeout: (m) => failed(policy, m, { code: 'handshake-timeout', reason: expect.stringMatching(/handshake/) }),
    close: closeByRuntime,
  },
  connected: {
    // The remote restarted its own attempt: ack it again, or it times out on us.
    handshake: (m) => ({ next: m, effects: [['sendHandshakeAck', { remoteId }]] }),
    // The runtime heard nothing from the remote for the liveness window.
    silent: (m) => failed(policy, m, { code: 'liveness-timeout', reason: anyText }),
    sessionFailed: sessionFailed(policy),
    close: closeByRuntime,
  },
  retrying: {
    timeout: (m) => ({
      next: { state: 'handshaking', attempt: m.attempt + 1 },
      effects: [['sendHandshake', { remoteId, attempt: m.attempt + 1 }]],
    }),
    // The remote came back on its own: no need to wait out the backoff.
    handshake: connected((m) => m.attempt + 1, true),
    handshakeAck: connected((m) => m.attempt + 1, false),
    close: closeByRuntime,
  },
  closed: {},
  };
}

export function makePeerContract(policy: PeerPolicy, name = 'peerSession'): Contract<PeerModel, PeerModelEvent> {
  const table = peerTable(policy);
  return {
    name,
    initial: { state: 'handshaking', attempt: 1 },
    start: { effects: [['sendHandshake', { remoteId: REMOTE, attempt: 1 }]] },
    alphabet: (m) => (m.state === 'closed' ? [] : peerAlphabet(policy, m)),
    step: (m, e) => table[m.state][e.kind]?.(m, e) ?? { next: m },
    key: (m) => toStableJson(m),
    view: (m) =>
      m.state === 'closed'
        ? { status: 'done', value: 'closed', output: m.closed }
        : { status: 'active', value: m.state, attempt: m.attempt },
  };
}

export const peerContract = makePeerContract({ handshakeTimeoutMs: PEER_TIMING.handshakeTimeoutMs, retry: PEER_RETRY });

/** A peer actor's state in the shape of the contract's `view`. */
export function observePeer(actor: AnyActorRef): unknown {
  const { status, value } = statusAndValue(actor);
  const snapshot = actor.getSnapshot() as { context: { attempt: number }; output?: unknown };
  return status === 'done' ? { status, value, output: snapshot.output } : { status, value, attempt: snapshot.context.attempt };
}

export function peerSubject(machine: Subject['machine']): Subject {
  return {
    machine,
    input: (effects) => ({ remoteId: REMOTE, timing: PEER_TIMING, retry: PEER_RETRY, effects }),
    effects: ['sendHandshake', 'sendHandshakeAck', 'closeSession'],
    observe: observePeer,
  };
}
