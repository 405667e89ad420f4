/**
 * Session-failure paths for a game's tests, generated from lobbykit's peer-session machine: each P2P error Steam
 * sends, a liveness timeout, retries running out, and a session cancelled by leaving the lobby. Each path comes
 * with a ready simulated world (a host's lobby and the player) in which the player's session with the host fails
 * exactly that way, so a game can check what its "connection trouble" screens show.
 */
import { getShortestPaths } from 'xstate/graph';
import { VirtualClock } from '../effects/clock.js';
import { createSimulatedSteam, type SimulatedSteam } from '../effects/sim/network.js';
import { NO_EFFECTS } from '../machines/effects.js';
import { peerSessionMachine, type PeerSessionEvent } from '../machines/peer-session.machine.js';
import type { SessionEmitted } from '../machines/session.machine.js';
import { toStableJson } from '../machines/serialize.js';
import { createLobbyRuntime, type LobbyRuntime, type LobbyRuntimeOptions } from '../runtime.js';
import { SENT_SESSION_ERRORS, sessionErrorInfo } from '../steam/index.js';
import { createBot, type Bot } from './bots.js';
import { advanceUntil } from './virtual-time.js';

export type SessionFailureKind = 'session-error' | 'liveness-timeout' | 'retries-exhausted' | 'cancelled-by-leave';

export interface SessionFailurePath {
  /** e.g. `session-error-4`, `liveness-timeout`, `retries-exhausted`, `cancelled-by-leave`. */
  readonly name: string;
  readonly kind: SessionFailureKind;
  /** Steam's EP2PSessionError, for `session-error` paths. */
  readonly error?: number;
  /** Whether the session closes for good on this path (otherwise it retries). */
  readonly closes: boolean;
  /** The machine path, as event types (`xstate.after.*` for timers). */
  readonly events: readonly string[];
  /** A fresh world in which the player's session with the host fails this way. */
  start(options?: { readonly seed?: number }): SessionFailureWorld;
}

export interface SessionFailureWorld {
  readonly clock: VirtualClock;
  readonly steam: SimulatedSteam;
  /** The local player's runtime (the one the game under test would use). */
  readonly player: LobbyRuntime;
  readonly host: Bot;
  /** Plays the path: hosts, joins, breaks the session; resolves with the player's session events about the host. */
  run(): Promise<readonly SessionEmitted[]>;
  dispose(): void;
}

const SELF = 76561198000000011n;
const HOST = 76561198000000012n;
/** Small enough that retries run out within seconds of virtual time. */
const RETRY = { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 400 } as const;
const TIMING = { handshakeTimeoutMs: 500, livenessTimeoutMs: 1_500 } as const;

/** One path per way a session fails, read off the peer-session machine's graph. */
export function sessionFailurePaths(): SessionFailurePath[] {
  const events: PeerSessionEvent[] = [
    { type: 'peer.handshakeAck', remoteId: HOST },
    ...SENT_SESSION_ERRORS.map((error): PeerSessionEvent => ({ type: 'peer.sessionFailed', remoteId: HOST, error })),
    { type: 'peer.silent', remoteId: HOST },
    { type: 'peer.close', remoteId: HOST, cause: 'lobby-left' },
  ];
  const timers = [peerSessionMachine.root.states.handshaking!, peerSessionMachine.root.states.retrying!].flatMap((node) =>
    node.after.map((t) => ({ type: t.eventType }) as unknown as PeerSessionEvent),
  );
  const walk = (alphabet: readonly PeerSessionEvent[]) =>
    getShortestPaths(peerSessionMachine, {
      input: { remoteId: HOST, retry: RETRY, timing: TIMING, effects: NO_EFFECTS },
      events: [...alphabet],
      serializeEvent: toStableJson,
    });
  // Everything that can happen to a session; and time alone (timers, no errors), for retries that run out.
  const paths = [...walk([...events, ...timers]), ...walk([events[0]!, ...timers])];
  const pick = (want: (types: readonly string[], last: PeerSessionEvent, closed: boolean) => boolean) =>
    paths.find((p) => {
      const last = p.steps.at(-1)!.event as PeerSessionEvent;
      return want(p.steps.map((s) => s.event.type), last, p.state.matches('closed'));
    });
  const out: SessionFailurePath[] = [];
  const add = (name: string, kind: SessionFailureKind, path: (typeof paths)[number] | undefined, error?: number) => {
    if (path === undefined) throw new Error(`lobbykit: the peer-session machine has no path for ${name}`);
    const closes = path.state.matches('closed');
    out.push({ name, kind, ...(error === undefined ? {} : { error }), closes, events: path.steps.map((s) => s.event.type), start: (o) => startWorld(kind, error, o?.seed ?? 1) });
  };
  for (const error of SENT_SESSION_ERRORS) {
    add(`session-error-${error}`, 'session-error', pick((types, last) => types.length === 2 && last.type === 'peer.sessionFailed' && last.error === error), error);
  }
  add('liveness-timeout', 'liveness-timeout', pick((_t, last) => last.type === 'peer.silent'));
  add('retries-exhausted', 'retries-exhausted', pick((types, last, closed) => closed && last.type.startsWith('xstate.after.') && !types.includes('peer.sessionFailed')));
  add('cancelled-by-leave', 'cancelled-by-leave', pick((types, last) => types.length === 2 && last.type === 'peer.close'));
  return out;
}

function startWorld(kind: SessionFailureKind, error: number | undefined, seed: number): SessionFailureWorld {
  const clock = new VirtualClock();
  const steam = createSimulatedSteam({ seed, clock });
  steam.addUser({ id: SELF, name: 'player' });
  const options: Omit<LobbyRuntimeOptions, 'backend' | 'clock'> = { retry: RETRY, timing: { peer: TIMING } };
  const host = createBot(steam, clock, { id: HOST, name: 'host', runtime: options });
  const player = createLobbyRuntime({ backend: steam.backend(SELF), clock, ...options });
  const seen: SessionEmitted[] = [];
  const subscription = player.sessions$.subscribe((e) => {
    if ('remoteId' in e && e.remoteId === HOST) seen.push(e);
  });
  const tick = { tick: [player, host] };
  const failed = (code: string) => seen.some((e) => e.type === 'peer.attemptFailed' && e.failure.code === code);
  const done: Record<SessionFailureKind, () => boolean> = {
    'session-error': () => seen.some((e) => e.type === 'peer.attemptFailed' && e.failure.code === 'session-error' && e.failure.error === error),
    'liveness-timeout': () => failed('liveness-timeout'),
    'retries-exhausted': () => seen.some((e) => e.type === 'peer.closed' && e.reason.code === 'retries-exhausted'),
    'cancelled-by-leave': () => seen.some((e) => e.type === 'peer.closed' && e.reason.code === 'closed-by-runtime'),
  };
  return {
    clock,
    steam,
    player,
    host,
    async run() {
      const hosted = host.host({ name: 'session-failure lobby' });
      await advanceUntil(clock, () => host.runtime.lobbyState().status === 'joined', tick);
      const created = await hosted;
      if (!created.ok) throw new Error(`lobbykit: the host could not create its lobby: ${created.error.reason}`);
      // Break the path before (or, for liveness, after) the session is up, the way this path's failure happens.
      if (kind === 'session-error' && error !== undefined) steam.faults.failSessions(SELF, HOST, error, sessionErrorInfo(error).retryable ? 1 : 99);
      if (kind === 'retries-exhausted' || kind === 'cancelled-by-leave') steam.faults.partition([HOST]);
      void player.joinLobby(created.lobbyId);
      if (kind === 'liveness-timeout') {
        await advanceUntil(clock, () => player.allConnected() && player.members().length === 2, tick);
        steam.faults.partition([HOST]);
      }
      if (kind === 'cancelled-by-leave') {
        await advanceUntil(clock, () => player.lobbyState().status === 'joined', tick);
        player.leaveLobby();
      }
      await advanceUntil(clock, done[kind], { ...tick, maxMs: 30_000 });
      return [...seen];
    },
    dispose() {
      subscription.unsubscribe();
      player.dispose();
      host.dispose();
    },
  };
}
