/**
 * One P2P session with one remote lobby member, as the seed does it (both sides send a handshake when they meet),
 * made explicit: every attempt ends in exactly one outcome — connected, or a failure that either schedules a
 * retry or closes the session for good.
 *
 *   handshaking ──ack / remote handshake──► connected ──silence / session error──► failed
 *        │ handshake timeout, session error                                          │
 *        └────────────────────────────────────────► failed ──attempts left──► retrying ──backoff──► handshaking
 *                                                           └─exhausted / fatal─► closed (final)
 *   peer.close from any state ──► closed (final)
 *
 * A connected session keeps no timer: the runtime notes traffic per member in the data plane (an actor event per
 * packet would cost too much) and, at the root's heartbeat, sends `peer.silent` for a member it has not heard from
 * for the liveness window.
 */
import { assertEvent, assign, emit, setup } from 'xstate';
import { sessionErrorInfo, type SessionErrorKey } from '../steam/index.js';
import { DEFAULT_RETRY_POLICY, nextRandom, retryDelayMs, seedFromSteamId, type RetryPolicy } from './backoff.js';
import type { HandshakeParams, PeerEffects, RemoteParams } from './effects.js';
import { contextToJson, type JsonSafeContext } from './serialize.js';

export interface PeerTiming {
  /** How long one handshake waits for the remote's ack (or its own handshake). */
  readonly handshakeTimeoutMs: number;
  /**
   * Gap between heartbeats while connected. The root machine keeps this one timer for all of a runtime's
   * sessions (session.machine.ts): one transition a second per runtime instead of one per peer.
   */
  readonly heartbeatIntervalMs: number;
  /** Silence (no traffic of any kind) after which a connected session counts as lost. */
  readonly livenessTimeoutMs: number;
}

export const DEFAULT_PEER_TIMING: PeerTiming = {
  handshakeTimeoutMs: 5_000,
  heartbeatIntervalMs: 1_000,
  livenessTimeoutMs: 5_000,
};

export interface PeerSessionInput {
  readonly remoteId: bigint;
  readonly timing?: Partial<PeerTiming>;
  readonly retry?: Partial<RetryPolicy>;
  /** Seed for backoff jitter; defaults to one derived from `remoteId`, so runs replay and peers spread out. */
  readonly jitterSeed?: number;
  readonly effects: PeerEffects;
}

/** Why one attempt failed. */
export type PeerFailure =
  | { readonly code: 'handshake-timeout'; readonly reason: string }
  | { readonly code: 'liveness-timeout'; readonly reason: string }
  | {
      readonly code: 'session-error';
      readonly error: number;
      readonly key: SessionErrorKey;
      readonly reason: string;
    };

/** Why the runtime (not the network) ended the session. */
export type PeerCloseCause =
  | 'member-left'
  | 'member-disconnected'
  | 'member-kicked'
  | 'member-banned'
  | 'lobby-left'
  | 'disposed';

/** Why a session is closed for good: the `peer.closed` payload and the actor's output. */
export type PeerCloseReason =
  | { readonly code: 'retries-exhausted'; readonly attempts: number; readonly lastFailure: PeerFailure }
  | { readonly code: 'fatal-session-error'; readonly failure: PeerFailure }
  | { readonly code: 'closed-by-runtime'; readonly cause: PeerCloseCause };

export interface PeerSessionContext {
  readonly remoteId: bigint;
  readonly effects: PeerEffects;
  readonly timing: PeerTiming;
  readonly retry: RetryPolicy;
  /** 1-based number of the current attempt in this streak; a successful connection starts a new streak. */
  readonly attempt: number;
  /** mulberry32 state for the next jitter draw. */
  readonly rngState: number;
  /** Wait before the next attempt, computed when a retry is scheduled. */
  readonly retryDelayMs: number;
  readonly lastFailure: PeerFailure | undefined;
  readonly closeReason: PeerCloseReason | undefined;
}

/**
 * Events the runtime sends (through the root, which routes by `remoteId`). `peer.silent` means "nothing arrived
 * from this remote for the whole liveness window".
 */
export type PeerSessionEvent =
  | { readonly type: 'peer.handshake'; readonly remoteId: bigint }
  | { readonly type: 'peer.handshakeAck'; readonly remoteId: bigint }
  | { readonly type: 'peer.silent'; readonly remoteId: bigint }
  | { readonly type: 'peer.sessionFailed'; readonly remoteId: bigint; readonly error: number }
  | { readonly type: 'peer.close'; readonly remoteId: bigint; readonly cause: PeerCloseCause };

/** What the machine reports (XState `emit`; listen with `actor.on(type, …)`). */
export type PeerSessionEmitted =
  | { readonly type: 'peer.connected'; readonly remoteId: bigint; readonly attempt: number }
  | {
      readonly type: 'peer.attemptFailed';
      readonly remoteId: bigint;
      readonly attempt: number;
      readonly failure: PeerFailure;
      /** The wait before the next attempt, or undefined when the session closes instead. */
      readonly retryInMs: number | undefined;
    }
  | { readonly type: 'peer.closed'; readonly remoteId: bigint; readonly reason: PeerCloseReason };

export interface PeerSessionOutput {
  readonly remoteId: bigint;
  readonly reason: PeerCloseReason;
}

// ── pure helpers ────────────────────────────────────────────────────────────────────────────────────────────

function timeoutFailure(code: 'handshake-timeout' | 'liveness-timeout', ms: number): PeerFailure {
  return code === 'handshake-timeout'
    ? { code, reason: `no handshake reply within ${ms} ms` }
    : { code, reason: `nothing heard for ${ms} ms` };
}

function sessionFailure(error: number): PeerFailure {
  const info = sessionErrorInfo(error);
  return { code: 'session-error', error, key: info.key, reason: info.reason };
}

function isFatal(failure: PeerFailure | undefined): boolean {
  return failure?.code === 'session-error' && !sessionErrorInfo(failure.error).retryable;
}

function closeReasonAfterFailure(context: PeerSessionContext): PeerCloseReason {
  const lastFailure = context.lastFailure ?? timeoutFailure('handshake-timeout', context.timing.handshakeTimeoutMs);
  return isFatal(lastFailure)
    ? { code: 'fatal-session-error', failure: lastFailure }
    : { code: 'retries-exhausted', attempts: context.attempt, lastFailure };
}

/** JSON for graph keys and inspectors: the jitter state and the wait it drew (they differ every retry) left out. */
const CONTEXT_JSON = contextToJson(['rngState', 'retryDelayMs']);

/**
 * `given` itself when it sets every field, else the defaults under it: the pool completes its options once, so a
 * lobby's peers share one timing and one retry policy instead of a copy each.
 */
export function withDefaults<T extends object>(defaults: T, given: Partial<T> | undefined): T {
  if (given !== undefined && Object.keys(defaults).every((key) => given[key as keyof T] !== undefined)) return given as T;
  return { ...defaults, ...given };
}

/** Built with its `toJSON` in place: one object per peer, as a lobby holds one per member. */
function initialContext(input: PeerSessionInput): PeerSessionContext & JsonSafeContext {
  return {
    remoteId: input.remoteId,
    effects: input.effects,
    timing: withDefaults(DEFAULT_PEER_TIMING, input.timing),
    retry: withDefaults(DEFAULT_RETRY_POLICY, input.retry),
    attempt: 1,
    rngState: (input.jitterSeed ?? seedFromSteamId(input.remoteId)) >>> 0,
    retryDelayMs: 0,
    lastFailure: undefined,
    closeReason: undefined,
    toJSON: CONTEXT_JSON,
  };
}

// ── machine ─────────────────────────────────────────────────────────────────────────────────────────────────

export const peerSessionMachine = setup({
  types: {
    context: {} as PeerSessionContext,
    events: {} as PeerSessionEvent,
    input: {} as PeerSessionInput,
    output: {} as PeerSessionOutput,
    emitted: {} as PeerSessionEmitted,
  },
  actions: {
    /** Effect: send our handshake packet (the runtime frames it; sending also opens the session). */
    sendHandshake: ({ context }, params: HandshakeParams) => context.effects.sendHandshake(params),
    /** Effect: answer a remote handshake so the remote's attempt succeeds too. */
    sendHandshakeAck: ({ context }, params: RemoteParams) => context.effects.sendHandshakeAck(params),
    /** Effect: close the Steam P2P session (the seed's closeP2PSessionWithUser). */
    closeSession: ({ context }, params: RemoteParams) => context.effects.closeSession(params),

    recordHandshakeTimeout: assign({
      lastFailure: ({ context }) => timeoutFailure('handshake-timeout', context.timing.handshakeTimeoutMs),
    }),
    recordLivenessTimeout: assign({
      lastFailure: ({ context }) => timeoutFailure('liveness-timeout', context.timing.livenessTimeoutMs),
    }),
    recordSessionError: assign({
      lastFailure: ({ event }) => {
        assertEvent(event, 'peer.sessionFailed');
        return sessionFailure(event.error);
      },
    }),
    scheduleRetry: assign(({ context }) => {
      const draw = nextRandom(context.rngState);
      return { rngState: draw.state, retryDelayMs: retryDelayMs(context.retry, context.attempt, draw.unit) };
    }),
    countAttempt: assign({ attempt: ({ context }) => context.attempt + 1 }),
    startNewStreak: assign({ attempt: 1, lastFailure: undefined }),
    recordExhaustion: assign({ closeReason: ({ context }) => closeReasonAfterFailure(context) }),
    recordCloseByRuntime: assign({
      closeReason: ({ event }): PeerCloseReason => {
        assertEvent(event, 'peer.close');
        return { code: 'closed-by-runtime', cause: event.cause };
      },
    }),

    reportConnected: emit(({ context }) => ({
      type: 'peer.connected' as const,
      remoteId: context.remoteId,
      attempt: context.attempt,
    })),
    reportRetry: emit(({ context }) => ({
      type: 'peer.attemptFailed' as const,
      remoteId: context.remoteId,
      attempt: context.attempt,
      failure: context.lastFailure ?? timeoutFailure('handshake-timeout', context.timing.handshakeTimeoutMs),
      retryInMs: context.retryDelayMs,
    })),
    reportGivingUp: emit(({ context }) => ({
      type: 'peer.attemptFailed' as const,
      remoteId: context.remoteId,
      attempt: context.attempt,
      failure: context.lastFailure ?? timeoutFailure('handshake-timeout', context.timing.handshakeTimeoutMs),
      retryInMs: undefined,
    })),
    reportClosed: emit(({ context }) => ({
      type: 'peer.closed' as const,
      remoteId: context.remoteId,
      reason: context.closeReason ?? { code: 'closed-by-runtime', cause: 'disposed' },
    })),
  },
  guards: {
    canRetry: ({ context }) => context.attempt < context.retry.maxAttempts && !isFatal(context.lastFailure),
  },
  delays: {
    handshakeTimeout: ({ context }) => context.timing.handshakeTimeoutMs,
    retryBackoff: ({ context }) => context.retryDelayMs,
  },
}).createMachine({
  id: 'peerSession',
  context: ({ input }) => initialContext(input),
  initial: 'handshaking',
  on: {
    'peer.close': { target: '.closed', actions: 'recordCloseByRuntime' },
  },
  states: {
    handshaking: {
      entry: {
        type: 'sendHandshake',
        params: ({ context }) => ({ remoteId: context.remoteId, attempt: context.attempt }),
      },
      after: {
        handshakeTimeout: { target: 'failed', actions: 'recordHandshakeTimeout' },
      },
      on: {
        'peer.handshakeAck': { target: 'connected' },
        // Both sides handshake at once (the seed's way): the remote's handshake proves the path; answer it.
        'peer.handshake': {
          target: 'connected',
          actions: { type: 'sendHandshakeAck', params: ({ context }) => ({ remoteId: context.remoteId }) },
        },
        'peer.sessionFailed': { target: 'failed', actions: 'recordSessionError' },
      },
    },
    connected: {
      entry: ['reportConnected', 'startNewStreak'],
      on: {
        'peer.sessionFailed': { target: 'failed', actions: 'recordSessionError' },
        'peer.silent': { target: 'failed', actions: 'recordLivenessTimeout' },
        // The remote restarted its own attempt: ack it again, or it will time out on us.
        'peer.handshake': {
          actions: { type: 'sendHandshakeAck', params: ({ context }) => ({ remoteId: context.remoteId }) },
        },
      },
    },
    failed: {
      always: [
        { guard: 'canRetry', target: 'retrying', actions: ['scheduleRetry', 'reportRetry'] },
        { target: 'closed', actions: ['reportGivingUp', 'recordExhaustion'] },
      ],
    },
    retrying: {
      after: {
        retryBackoff: { target: 'handshaking', actions: 'countAttempt' },
      },
      on: {
        // The remote came back on its own: no need to wait out the backoff.
        'peer.handshake': {
          target: 'connected',
          actions: [
            'countAttempt',
            { type: 'sendHandshakeAck', params: ({ context }) => ({ remoteId: context.remoteId }) },
          ],
        },
        'peer.handshakeAck': { target: 'connected', actions: 'countAttempt' },
      },
    },
    closed: {
      type: 'final',
      entry: [{ type: 'closeSession', params: ({ context }) => ({ remoteId: context.remoteId }) }, 'reportClosed'],
    },
  },
  output: ({ context }) => ({
    remoteId: context.remoteId,
    reason: context.closeReason ?? { code: 'closed-by-runtime', cause: 'disposed' },
  }),
});
