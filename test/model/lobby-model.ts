/**
 * Test paths generated from the lobby machine with `xstate/graph`. Each abstract event is one the world driver
 * (lobby-driver.ts) knows how to cause on the simulated Steam; the alphabet per state is filtered to events the
 * machine has a transition for. A vertex is the state value, whether we own the lobby, a pending lobby switch,
 * and the transition that led there (the state it left and the event, with its code): so every failure that lands back in `idle` — each enter response,
 * a timeout, a cancel — is its own vertex, and the shortest paths keep every one of those back-edges.
 */
import { getShortestPaths, type StatePath } from 'xstate/graph';
import type { EventFromLogic, SnapshotFrom } from 'xstate';
import { ENTER_FAILURE_CODES } from '../../src/steam/index.js';
import { lobbyMachine, type LobbyEvent } from '../../src/machines/lobby.machine.js';
import { toStableJson } from '../../src/machines/serialize.js';

export type LobbySnapshot = SnapshotFrom<typeof lobbyMachine>;
export type LobbyPath = StatePath<LobbySnapshot, EventFromLogic<typeof lobbyMachine>>;

/** Abstract ids: the driver maps them to the world's real users and lobbies. */
export const MODEL_SELF = 76561198000000001n;
export const MODEL_MATE = 76561198000000003n;
/** "The lobby we are asked to join"; "some other lobby" (for switching). */
export const MODEL_TARGET = 109775240000000001n;
export const MODEL_OTHER = 109775240000000002n;

/** Timeouts short enough that Steam's answer (40 ms in the simulator) always comes after them. */
export const SHORT_LOBBY_TIMING = { requestTimeoutMs: 20, leaveTimeoutMs: 2_000, listTimeoutMs: 20 } as const;

type Mode = 'normal' | 'late-answers';

/** The event each explored snapshot was reached by: a late answer can only follow the timeout of its request. */
const arrivedBy = new WeakMap<LobbySnapshot, string>();

function membershipOf(snapshot: LobbySnapshot): string {
  return (snapshot.value as { membership: string }).membership;
}

function searchOf(snapshot: LobbySnapshot): string {
  return (snapshot.value as { search: string }).search;
}

/** The events the driver can cause in this state of the world. */
function candidates(mode: Mode) {
  return (snapshot: LobbySnapshot): LobbyEvent[] => {
    const membership = membershipOf(snapshot);
    const { epoch, lobbyId, ownerId, selfId } = snapshot.context;
    const isOwner = ownerId !== undefined && ownerId === selfId;
    const out: LobbyEvent[] = [];
    const commands = (): void => {
      out.push({ type: 'lobby.leave' });
      for (const e of [epoch, epoch - 1]) {
        out.push({ type: 'lobby.kick', memberId: MODEL_MATE, epoch: e });
        out.push({ type: 'lobby.ban', memberId: MODEL_MATE, epoch: e });
        out.push({ type: 'lobby.start', epoch: e });
      }
    };
    const shortLived = mode === 'late-answers' && membership !== 'idle' && membership !== 'joined';
    // Steam answers a create, join and list 40 ms after each request, so the driver cannot order two answers, nor
    // slip an invite (also 40 ms) in before one: while a request is pending, only synchronous commands, the answer
    // itself and losing Steam (delivered on the next tick) are generated.
    const awaitingAnswer = membership !== 'idle' && membership !== 'joined';
    const listing = searchOf(snapshot) === 'listing';
    switch (membership) {
      case 'idle':
        out.push({ type: 'lobby.create', lobbyType: 2, maxMembers: 10 });
        out.push({ type: 'lobby.create', lobbyType: 2, maxMembers: 10, data: { name: 'model' } });
        out.push({ type: 'lobby.join', lobbyId: MODEL_TARGET });
        out.push({ type: 'lobby.invited', lobbyId: MODEL_TARGET, from: MODEL_MATE });
        out.push({ type: 'lobby.joinRequested', lobbyId: MODEL_TARGET, friendId: MODEL_MATE });
        commands();
        // A late answer to a request that timed out (only the short-timeout world produces these).
        if (mode === 'late-answers') {
          const via = arrivedBy.get(snapshot) ?? '';
          if (/requestTimeout\.lobby\.membership\.(creating|abandoningCreate)$/.test(via)) {
            out.push({ type: 'lobby.created', result: 1, lobbyId: MODEL_OTHER });
          }
          if (/requestTimeout\.lobby\.membership\.(joining|abandoningJoin)$/.test(via)) {
            out.push({ type: 'lobby.entered', lobbyId: MODEL_TARGET, response: 1 });
          }
        }
        break;
      case 'creating':
        if (mode === 'normal') out.push({ type: 'lobby.created', result: 1, lobbyId: MODEL_OTHER });
        if (mode === 'normal') out.push({ type: 'lobby.created', result: 3, lobbyId: 0n });
        out.push({ type: 'steam.serversDisconnected' });
        commands();
        break;
      case 'joining':
        if (mode === 'normal') {
          out.push({ type: 'lobby.entered', lobbyId: MODEL_TARGET, response: 1 });
          for (const response of ENTER_FAILURE_CODES) out.push({ type: 'lobby.entered', lobbyId: MODEL_TARGET, response });
        }
        out.push({ type: 'steam.serversDisconnected' });
        commands();
        break;
      case 'abandoningCreate':
        if (mode === 'normal') out.push({ type: 'lobby.created', result: 1, lobbyId: MODEL_OTHER });
        out.push({ type: 'steam.serversDisconnected' });
        commands();
        break;
      case 'abandoningJoin':
        if (mode === 'normal') {
          out.push({ type: 'lobby.entered', lobbyId: MODEL_TARGET, response: 1 });
          out.push({ type: 'lobby.entered', lobbyId: MODEL_TARGET, response: 4 });
        }
        out.push({ type: 'steam.serversDisconnected' });
        commands();
        break;
      case 'joined':
        commands();
        out.push({ type: 'lobby.create', lobbyType: 2, maxMembers: 10 });
        out.push({ type: 'lobby.join', lobbyId: MODEL_OTHER });
        out.push({ type: 'lobby.invited', lobbyId: MODEL_OTHER, from: MODEL_MATE });
        out.push({ type: 'lobby.joinRequested', lobbyId: MODEL_OTHER, friendId: MODEL_MATE });
        out.push({ type: 'steam.serversDisconnected' });
        // Ownership moves only when the owner leaves, so only a member sees it move.
        if (!isOwner && lobbyId !== undefined) out.push({ type: 'lobby.ownerChanged', lobbyId, ownerId: MODEL_MATE });
        if (!isOwner) out.push({ type: 'member.changed', memberId: selfId, change: 'kicked', changedBy: MODEL_MATE });
        break;
      case 'leaving':
        // The runtime's leave is synchronous: `lobby.left` follows at once, so nothing else can happen here.
        return [{ type: 'lobby.left' }];
    }
    if (listing && mode === 'normal') {
      const allowed = ['lobby.leave', 'lobby.start', 'steam.serversDisconnected'];
      for (let i = out.length - 1; i >= 0; i--) if (!allowed.includes(out[i]!.type)) out.splice(i, 1);
    }
    if (mode === 'late-answers') {
      // A request that lives 20 ms sees nothing asynchronous before its timer: only commands and the timers.
      if (shortLived || searchOf(snapshot) === 'listing') {
        const synchronous = ['lobby.leave', 'lobby.kick', 'lobby.ban', 'lobby.start'];
        for (let i = out.length - 1; i >= 0; i--) if (!synchronous.includes(out[i]!.type)) out.splice(i, 1);
      }
      if (membership === 'idle' && searchOf(snapshot) === 'ready') out.push({ type: 'lobby.list' });
    } else if (!listing && !awaitingAnswer) out.push({ type: 'lobby.list' });
    else {
      if (mode === 'normal') out.push({ type: 'lobby.listReceived', lobbies: [] });
      if (membership === 'idle' || membership === 'joined') out.push({ type: 'steam.serversDisconnected' });
    }
    if (mode === 'late-answers') {
      for (const node of snapshot._nodes) {
        for (const type of node.transitions.keys()) {
          if (type.startsWith('xstate.after.') && !type.includes('leaveTimeout')) out.push({ type } as unknown as LobbyEvent);
        }
      }
    }
    return dedupe(out).filter((event) => snapshot.machine.getTransitionData(snapshot, event).length > 0);
  };
}

function dedupe(events: LobbyEvent[]): LobbyEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const key = toStableJson(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The event's label in a vertex: its type plus the code or variant that decides which transition it takes. */
export function eventLabel(event: LobbyEvent | undefined, before: LobbySnapshot | undefined): string {
  if (event === undefined) return 'start';
  switch (event.type) {
    case 'lobby.entered':
      return `${event.type}:${event.response}`;
    case 'lobby.created':
      return `${event.type}:${event.result}`;
    case 'lobby.kick':
    case 'lobby.ban':
    case 'lobby.start':
      return `${event.type}:${event.epoch === before?.context.epoch ? 'current' : 'stale'}`;
    case 'lobby.create':
      return `${event.type}:${event.data === undefined ? 'plain' : 'data'}`;
    default:
      return event.type;
  }
}

export function serializeLobbyState(snapshot: LobbySnapshot, event: LobbyEvent | undefined, before?: LobbySnapshot): string {
  const { ownerId, selfId, nextJoin } = snapshot.context;
  // The state the event came from is part of the vertex too, so "idle after losing Steam while joining" and
  // "idle after losing Steam while creating" stay two vertices — two back-edges, two paths.
  const from = before === undefined ? '-' : toStableJson(before.value);
  return `${toStableJson(snapshot.value)} owner:${ownerId === selfId} next:${nextJoin !== undefined} via:${from}/${eventLabel(event, before)}`;
}

export function lobbyPaths(mode: Mode): LobbyPath[] {
  const timing = mode === 'late-answers' ? SHORT_LOBBY_TIMING : undefined;
  return getShortestPaths(lobbyMachine, {
    input: { selfId: MODEL_SELF, timing },
    events: candidates(mode),
    serializeEvent: (event) => toStableJson(event),
    serializeState: (snapshot, event, before) => {
      if (event !== undefined) arrivedBy.set(snapshot, event.type);
      return serializeLobbyState(snapshot, event as LobbyEvent | undefined, before);
    },
  }) as LobbyPath[];
}

export function describePath(path: LobbyPath): string {
  return path.steps.map((step, i) => eventLabel(step.event, path.steps[i - 1]?.state)).join(' → ');
}
