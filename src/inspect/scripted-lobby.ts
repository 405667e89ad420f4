/**
 * A lobby that plays itself, for the viewer until the runtime drives a simulated network: the machines run with
 * effects that answer like a friendly Steam after `latencyMs` — we create a lobby, members enter one by one,
 * each handshake is acked (the last member's first attempt fails with a timeout, so the retry path shows), and
 * every member stays alive. With `churn`, the oldest member leaves and a new one enters every `churnEveryMs`.
 * Everything runs on the given clock: a VirtualClock replays it exactly, the system clock paces it for a person.
 */
import { createActor, type Actor, type InspectionEvent } from 'xstate';
import type { LobbyClock } from '../effects/clock.js';
import { NO_EFFECTS, type MachineEffects } from '../machines/effects.js';
import { sessionMachine } from '../machines/session.machine.js';

export interface ScriptedLobbyOptions {
  readonly clock: LobbyClock;
  readonly inspect?: (event: InspectionEvent) => void;
  /** Remote members who join (besides us, the host). Default 3. */
  readonly members?: number;
  /** Steam's simulated answer time. Default 400 ms. */
  readonly latencyMs?: number;
  /** Gap between members entering. Default 1500 ms. */
  readonly memberEveryMs?: number;
  /** Keep members coming and going once everyone is in. Default false. */
  readonly churn?: boolean;
  readonly churnEveryMs?: number;
}

export interface ScriptedLobby {
  readonly actor: Actor<typeof sessionMachine>;
  /** Remote members currently in the lobby, in order of arrival. */
  readonly memberIds: readonly bigint[];
  /** Cancels the script's pending answers and stops the actors. */
  stop(): void;
}

export const SCRIPTED_SELF_ID = 76561198000000001n;
export const SCRIPTED_LOBBY_ID = 109775241000000001n;
const FIRST_MEMBER_ID = 76561198100000001n;
/** EP2PSessionError "timeout": retryable, so the peer backs off and tries again. */
const SESSION_ERROR_TIMEOUT = 4;

export function startScriptedLobby(options: ScriptedLobbyOptions): ScriptedLobby {
  const { clock } = options;
  const latency = options.latencyMs ?? 400;
  const memberCount = Math.max(0, Math.floor(options.members ?? 3));
  const memberEvery = options.memberEveryMs ?? 1_500;
  const churnEvery = options.churnEveryMs ?? 8_000;
  const timers = new Set<unknown>();
  const members: bigint[] = [];
  const failedOnce = new Set<bigint>();
  let nextMember = FIRST_MEMBER_ID;
  let stopped = false;

  const later = (ms: number, fn: () => void): void => {
    const id = clock.setTimeout(() => {
      timers.delete(id);
      if (!stopped) fn();
    }, ms);
    timers.add(id);
  };

  const lastScriptedMember = FIRST_MEMBER_ID + BigInt(Math.max(0, memberCount - 1));

  // Every member stays alive (liveness is never failed), so heartbeats and liveness checks need no answer.
  const effects: MachineEffects = {
    ...NO_EFFECTS,
    createLobby: () =>
      later(latency, () => {
        actor.send({ type: 'lobby.created', result: 1, lobbyId: SCRIPTED_LOBBY_ID });
        for (let i = 0; i < memberCount; i++) later(memberEvery * (i + 1), enterMember);
        if (options.churn === true) later(memberEvery * (memberCount + 1) + churnEvery, churn);
      }),
    leaveLobby: () => later(0, () => actor.send({ type: 'lobby.left' })),
    sendHandshake: ({ remoteId }) =>
      later(latency, () => {
        if (remoteId === lastScriptedMember && !failedOnce.has(remoteId)) {
          failedOnce.add(remoteId);
          actor.send({ type: 'peer.sessionFailed', remoteId, error: SESSION_ERROR_TIMEOUT });
        } else {
          actor.send({ type: 'peer.handshakeAck', remoteId });
        }
      }),
  };

  const enterMember = (): void => {
    const memberId = nextMember++;
    members.push(memberId);
    actor.send({ type: 'member.changed', memberId, change: 'entered' });
  };

  const churn = (): void => {
    const leaving = members.shift();
    if (leaving !== undefined) actor.send({ type: 'member.changed', memberId: leaving, change: 'left' });
    later(churnEvery / 2, enterMember);
    later(churnEvery, churn);
  };

  const actor = createActor(sessionMachine, { clock, inspect: options.inspect, input: { selfId: SCRIPTED_SELF_ID, effects } });
  actor.start();
  actor.send({
    type: 'lobby.create',
    lobbyType: 2,
    maxMembers: 8,
    data: { name: 'lobbykit inspector demo', mode: 'coop' },
  });

  return {
    actor,
    get memberIds() {
      return [...members];
    },
    stop() {
      stopped = true;
      for (const id of timers) clock.clearTimeout(id);
      timers.clear();
      actor.stop();
    },
  };
}
