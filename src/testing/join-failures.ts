/**
 * Join-failure paths for a game's tests, generated from lobbykit's lobby machine: every way a join can end back in
 * `idle` with an enter response, each with a ready simulated world in which joining fails exactly that way.
 */
import { getShortestPaths } from 'xstate/graph';
import { VirtualClock } from '../effects/clock.js';
import { createSimulatedSteam, type SimulatedSteam } from '../effects/sim/network.js';
import { ENTER_FAILURE_CODES, enterFailure, type EnterFailureKey } from '../steam/index.js';
import { lobbyMachine, type LobbyEvent } from '../machines/lobby.machine.js';
import { NO_EFFECTS } from '../machines/effects.js';
import { toStableJson } from '../machines/serialize.js';
import { createLobbyRuntime, type LobbyRuntime, type RuntimeResult } from '../runtime.js';
import { createBot, type Bot } from './bots.js';
import { advanceUntil } from './virtual-time.js';

export interface JoinFailurePath {
  /** Steam's EChatRoomEnterResponse for this path. */
  readonly response: number;
  readonly key: EnterFailureKey;
  /** The sentence lobbykit reports for it. */
  readonly reason: string;
  /** The machine path, as event types (e.g. `lobby.join`, `lobby.entered`). */
  readonly events: readonly string[];
  /** A fresh world — a host with a lobby, and the player — in which `join()` fails with this response. */
  start(options?: { readonly seed?: number }): JoinFailureWorld;
}

export interface JoinFailureWorld {
  readonly clock: VirtualClock;
  readonly steam: SimulatedSteam;
  /** The local player's runtime (the one the game under test would use). */
  readonly player: LobbyRuntime;
  readonly host: Bot;
  /** Hosts the lobby (runs virtual time until it exists), then joins it as the player: the join fails this way. */
  join(): Promise<RuntimeResult<{ readonly lobbyId: bigint }>>;
  dispose(): void;
}

const SELF = 76561198000000001n;
const HOST = 76561198000000002n;
const LOBBY = 109775240000000001n;

/** One path per enter response Steam can send for a join, read off the lobby machine's graph. */
export function joinFailurePaths(): JoinFailurePath[] {
  const events = (snapshot: { value: unknown }): LobbyEvent[] => {
    const membership = snapshot.value;
    if (membership === 'idle') return [{ type: 'lobby.join', lobbyId: LOBBY }];
    if (membership === 'joining') return ENTER_FAILURE_CODES.map((response) => ({ type: 'lobby.entered', lobbyId: LOBBY, response }));
    return [];
  };
  const paths = getShortestPaths(lobbyMachine, {
    input: { selfId: SELF, effects: NO_EFFECTS },
    events,
    serializeEvent: (e) => toStableJson(e),
    serializeState: (s, e) => `${toStableJson(s.value)} ${e === undefined ? '' : toStableJson(e)}`,
  });
  const out: JoinFailurePath[] = [];
  for (const path of paths) {
    const last = path.steps.at(-1)?.event as LobbyEvent | undefined;
    if (last?.type !== 'lobby.entered' || !path.state.matches('idle')) continue;
    const failure = enterFailure(last.response);
    out.push({
      response: last.response,
      key: failure.key,
      reason: failure.reason,
      events: path.steps.map((s) => s.event.type),
      start: (options) => startWorld(last.response, options?.seed ?? 1),
    });
  }
  return out.sort((a, b) => a.response - b.response);
}

function startWorld(response: number, seed: number): JoinFailureWorld {
  const clock = new VirtualClock();
  const steam = createSimulatedSteam({ seed, clock });
  steam.addUser({ id: SELF, name: 'player' });
  const host = createBot(steam, clock, { id: HOST, name: 'host' });
  const player = createPlayer(steam, clock);
  const all = [player, host];
  return {
    clock,
    steam,
    player,
    host,
    async join() {
      const hosted = host.host({ name: 'join-failure lobby' });
      await advanceUntil(clock, () => host.runtime.lobbyState().status === 'joined', { tick: all });
      const created = await hosted;
      if (!created.ok) return created;
      steam.faults.forceEnterResponse(SELF, response);
      const result = player.joinLobby(created.lobbyId);
      let settled = false;
      void result.then(() => (settled = true));
      await advanceUntil(clock, () => settled, { tick: all });
      return result;
    },
    dispose() {
      player.dispose();
      host.dispose();
    },
  };
}

function createPlayer(steam: SimulatedSteam, clock: VirtualClock): LobbyRuntime {
  return createLobbyRuntime({ backend: steam.backend(SELF), clock });
}
