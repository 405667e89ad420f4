/**
 * A lobby to watch in the viewer, played by real lobbykit runtimes on the simulated Steam: the local player's
 * runtime (the one inspected) hosts a lobby, bot players — runtimes of their own — join one by one, and every
 * session does its real handshake over the simulated network. The last bot's first session attempt fails
 * (EP2PSessionError 4, timeout) so the retry path shows. With `churn`, the longest-standing bot leaves and a new
 * one joins every `churnEveryMs`. Everything runs on the given clock: a VirtualClock replays it exactly, the
 * system clock paces it for a person.
 */
import type { InspectionEvent } from 'xstate';
import type { LobbyClock } from '../effects/clock.js';
import { createSimulatedSteam } from '../effects/sim/network.js';
import { createLobbyRuntime, type LobbyRuntime } from '../runtime.js';

export interface SimulatedLobbyOptions {
  readonly clock: LobbyClock;
  /** Inspects the local player's actors (the viewer's `inspect`). */
  readonly inspect?: (event: InspectionEvent) => void;
  /** Bot players who join (besides us, the host). Default 3. */
  readonly members?: number;
  /** Gap between bots joining. Default 1500 ms. */
  readonly memberEveryMs?: number;
  /** Keep bots coming and going once everyone is in. Default false. */
  readonly churn?: boolean;
  readonly churnEveryMs?: number;
  /** Seed of the simulated network. Default 1. */
  readonly seed?: number;
  /** Game-loop rate of every runtime. Default 30. */
  readonly hz?: number;
}

export interface SimulatedLobby {
  /** The local player's runtime. */
  readonly runtime: LobbyRuntime;
  /** Bots currently in the lobby, in order of arrival. */
  readonly memberIds: readonly bigint[];
  /** Cancels pending arrivals, disposes every runtime. */
  stop(): void;
}

export const SIMULATED_SELF_ID = 76561198000000001n;
const FIRST_BOT_ID = 76561198100000001n;
/** EP2PSessionError "timeout": retryable, so the peer backs off and tries again. */
const SESSION_ERROR_TIMEOUT = 4;

export function startSimulatedLobby(options: SimulatedLobbyOptions): SimulatedLobby {
  const { clock } = options;
  const memberCount = Math.max(0, Math.floor(options.members ?? 3));
  const memberEvery = options.memberEveryMs ?? 1_500;
  const churnEvery = options.churnEveryMs ?? 8_000;
  const hz = options.hz ?? 30;
  const steam = createSimulatedSteam({ seed: options.seed ?? 1, clock });
  const timers = new Set<unknown>();
  const bots = new Map<bigint, { runtime: LobbyRuntime; stopTicking: () => void }>();
  const order: bigint[] = [];
  let nextBot = FIRST_BOT_ID;
  let stopped = false;

  const later = (ms: number, fn: () => void): void => {
    const id = clock.setTimeout(() => {
      timers.delete(id);
      if (!stopped) fn();
    }, ms);
    timers.add(id);
  };

  steam.addUser({ id: SIMULATED_SELF_ID, name: 'you' });
  const runtime = createLobbyRuntime({
    backend: steam.backend(SIMULATED_SELF_ID),
    clock,
    ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
  });
  const stopOwnTicks = runtime.startAutoTick(hz);

  const lastScripted = FIRST_BOT_ID + BigInt(Math.max(0, memberCount - 1));
  const joinBot = (lobbyId: bigint): void => {
    const id = nextBot++;
    steam.addUser({ id, name: `bot ${id - FIRST_BOT_ID + 1n}` });
    if (id === lastScripted) steam.faults.failSessions(SIMULATED_SELF_ID, id, SESSION_ERROR_TIMEOUT);
    const bot = createLobbyRuntime({ backend: steam.backend(id), clock });
    bots.set(id, { runtime: bot, stopTicking: bot.startAutoTick(hz) });
    order.push(id);
    void bot.joinLobby(lobbyId);
  };

  const churn = (lobbyId: bigint): void => {
    const leaving = order.shift();
    const bot = leaving === undefined ? undefined : bots.get(leaving);
    if (leaving !== undefined && bot !== undefined) {
      bot.runtime.leaveLobby();
      // Let the leave reach Steam before the bot's runtime goes away.
      later(1_000, () => {
        bot.stopTicking();
        bot.runtime.dispose();
        bots.delete(leaving);
      });
    }
    later(churnEvery / 2, () => joinBot(lobbyId));
    later(churnEvery, () => churn(lobbyId));
  };

  void runtime.createLobby({ lobbyType: 2, maxMembers: 8, data: { name: 'lobbykit inspector demo', mode: 'coop' } }).then((result) => {
    if (!result.ok || stopped) return;
    for (let i = 0; i < memberCount; i++) later(memberEvery * (i + 1), () => joinBot(result.lobbyId));
    if (options.churn === true) later(memberEvery * (memberCount + 1) + churnEvery, () => churn(result.lobbyId));
  });

  return {
    runtime,
    get memberIds() {
      return [...order];
    },
    stop() {
      if (stopped) return;
      stopped = true;
      for (const id of timers) clock.clearTimeout(id);
      timers.clear();
      for (const bot of bots.values()) {
        bot.stopTicking();
        bot.runtime.dispose();
      }
      bots.clear();
      stopOwnTicks();
      runtime.dispose();
    },
  };
}
