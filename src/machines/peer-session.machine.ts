import { assign, emit, setup } from 'xstate';
import { DEFAULT_RETRY_POLICY, nextRandom, retryDelayMs, seedFromSteamId, type RetryPolicy } from './backoff.js';
import { sessionErrorInfo, type SessionErrorKey } from './session-error.js';

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
 * Silence is noticed one of two ways, chosen when the session connects. By default the session keeps its own
 * liveness timer (`connected.listening`), which `peer.traffic` events re-arm. A runtime that notes traffic in a
 * plain map instead (one actor event per packet costs too much) injects `livenessWatchedByRuntime`: the session
 * then sets no timer (`connected.watched`), and the runtime sends `peer.silent` when the window passes with
 * nothing heard. That saves a timer transition per session per window, which at 2,000 runtimes was most of their
 * timers (`npm run bench -- scale`).
 */

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
 * Events the runtime sends (through the root, which routes by `remoteId`). `peer.traffic` means "something
 * arrived from this remote since the last tick" and is sent at most once per tick per peer, never per packet.
 * `peer.silent` means "nothing arrived from this remote for the whole liveness window", from a runtime that
 * watches liveness itself.
 */
export type PeerSessionEvent =
  | { readonly type: 'peer.handshake'; readonly remoteId: bigint }
  | { readonly type: 'peer.handshakeAck'; readonly remoteId: bigint }
  | { readonly type: 'peer.traffic'; readonly remoteId: bigint }
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

/** Payload of the injected `sendHandshake` action. */
export interface HandshakeParams {
  readonly remoteId: bigint;
  readonly attempt: number;
}

/** Payload of the other injected peer actions. */
export interface RemoteParams {
  readonly remoteId: bigint;
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

function initialContext(input: PeerSessionInput): PeerSessionContext {
  return {
    remoteId: input.remoteId,
    timing: { ...DEFAULT_PEER_TIMING, ...input.timing },
    retry: { ...DEFAULT_RETRY_POLICY, ...input.retry },
    attempt: 1,
    rngState: (input.jitterSeed ?? seedFromSteamId(input.remoteId)) >>> 0,
    retryDelayMs: 0,
    lastFailure: undefined,
    closeReason: undefined,
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
    /** Effect: send our handshake packet to `remoteId` (the runtime frames it; sending also opens the session). */
    sendHandshake: (_, _params: HandshakeParams) => {},
    /** Effect: answer a remote handshake so the remote's attempt succeeds too. */
    sendHandshakeAck: (_, _params: RemoteParams) => {},
    /** Effect: close the Steam P2P session with `remoteId` (the seed's closeP2PSessionWithUser). */
    closeSession: (_, _params: RemoteParams) => {},

    recordHandshakeTimeout: assign({
      lastFailure: ({ context }) => timeoutFailure('handshake-timeout', context.timing.handshakeTimeoutMs),
    }),
    recordLivenessTimeout: assign({
      lastFailure: ({ context }) => timeoutFailure('liveness-timeout', context.timing.livenessTimeoutMs),
    }),
    recordSessionError: assign({
      lastFailure: ({ event }) => (event.type === 'peer.sessionFailed' ? sessionFailure(event.error) : undefined),
    }),
    scheduleRetry: assign(({ context }) => {
      const draw = nextRandom(context.rngState);
      return { rngState: draw.state, retryDelayMs: retryDelayMs(context.retry, context.attempt, draw.unit) };
    }),
    countAttempt: assign({ attempt: ({ context }) => context.attempt + 1 }),
    startNewStreak: assign({ attempt: 1, lastFailure: undefined }),
    recordExhaustion: assign({ closeReason: ({ context }) => closeReasonAfterFailure(context) }),
    recordCloseByRuntime: assign({
      closeReason: ({ event }): PeerCloseReason => ({
        code: 'closed-by-runtime',
        cause: event.type === 'peer.close' ? event.cause : 'disposed',
      }),
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
    /**
     * Injected: the runtime watches this session's liveness and sends `peer.silent` when nothing was heard for
     * the window, so the session keeps no timer of its own. Default: no, the session times itself and only
     * `peer.traffic` events keep it alive.
     */
    livenessWatchedByRuntime: () => false,
  },
  delays: {
    handshakeTimeout: ({ context }) => context.timing.handshakeTimeoutMs,
    livenessTimeout: ({ context }) => context.timing.livenessTimeoutMs,
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
      // Heartbeats are the root's (one timer per runtime); a session only listens, or is watched.
      initial: 'choosingWatch',
      states: {
        choosingWatch: {
          always: [{ guard: 'livenessWatchedByRuntime', target: 'watched' }, { target: 'listening' }],
        },
        listening: {
          after: {
            livenessTimeout: { target: '#peerSession.failed', actions: 'recordLivenessTimeout' },
          },
          on: {
            'peer.traffic': { target: 'listening', reenter: true },
            'peer.handshakeAck': { target: 'listening', reenter: true },
            'peer.handshake': {
              target: 'listening',
              reenter: true,
              actions: { type: 'sendHandshakeAck', params: ({ context }) => ({ remoteId: context.remoteId }) },
            },
          },
        },
        // No timer: the runtime's ledger watches, and says `peer.silent` when the window passes in silence.
        watched: {},
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
