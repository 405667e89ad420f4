/**
 * The lobby machine on its own, with the whole alphabet the runtime could ever send in every state (valid and
 * malformed commands, results for the wanted lobby and for others, every enter response, self member changes,
 * lobby gone, launch arguments, the delays), so the defensive transitions the runtime shields are paths too.
 *
 * A vertex is the state value, who owns the lobby, a pending switch, and the transitions that led there (their
 * keys, as the coverage report names them) with the event's deciding detail: so every transition of the
 * definition, in every context it can be taken from, ends some shortest path.
 *
 * The oracle below is written from the machine's contract (its header comment and types), not read off its
 * transitions: which effects each step must call and which refusals and reports it must emit.
 */
import { expect } from 'vitest';
import { getShortestPaths, type StatePath } from 'xstate/graph';
import type { EventFromLogic, SnapshotFrom } from 'xstate';
import { ENTER_FAILURE_CODES } from '../../src/steam/index.js';
import { lobbyFromLaunchArgs } from '../../src/steam/index.js';
import { createRequestProblem } from '../../src/steam/index.js';
import { lobbyMachine, type LobbyEmitted, type LobbyEvent, type RejectionCode } from '../../src/machines/lobby.machine.js';
import { toStableJson } from '../../src/machines/serialize.js';
import type { BareStep, EffectCall } from './bare-runner.js';
import { transitionKey } from './definition.js';

export type LobbySnapshot = SnapshotFrom<typeof lobbyMachine>;
export type BareLobbyPath = StatePath<LobbySnapshot, EventFromLogic<typeof lobbyMachine>>;

const SELF = 76561198000000001n;
const MATE = 76561198000000003n;
const TARGET = 109775240000000001n;
const OTHER = 109775240000000002n;

/** Distinct delays, so which timer fires is never a tie. */
export const BARE_LOBBY_INPUT = {
  selfId: SELF,
  timing: { requestTimeoutMs: 300, leaveTimeoutMs: 200, listTimeoutMs: 100 },
} as const;

export const LOBBY_EFFECTS = [
  'requestCreateLobby',
  'requestJoinLobby',
  'requestLeaveLobby',
  'setLobbyJoinable',
  'setLobbyData',
  'allowP2PRelay',
  'requestLobbyList',
  'requestKick',
  'requestBan',
  'requestStart',
] as const;

const membershipOf = (s: LobbySnapshot) => (s.value as { membership: string }).membership;
const searchOf = (s: LobbySnapshot) => (s.value as { search: string }).search;

function candidates(snapshot: LobbySnapshot): LobbyEvent[] {
  const { epoch, lobbyId } = snapshot.context;
  const after = (delay: string, state: string) => ({ type: `xstate.after.${delay}.lobby.${state}` }) as unknown as LobbyEvent;
  if (searchOf(snapshot) === 'listing') {
    // The list's timer must be the only one running, so only the search region moves while it lists.
    const searchEvents: LobbyEvent[] = [
      { type: 'lobby.list' },
      { type: 'lobby.listReceived', lobbies: [TARGET] },
      { type: 'steam.serversDisconnected' },
      after('listTimeout', 'search.listing'),
    ];
    return searchEvents.filter((e) => e.type !== 'steam.serversDisconnected' || membershipOf(snapshot) === 'idle');
  }
  const out: LobbyEvent[] = [
    { type: 'lobby.create', lobbyType: 2, maxMembers: 10 },
    { type: 'lobby.create', lobbyType: 1, maxMembers: 4, data: { name: 'bare' } },
    { type: 'lobby.create', lobbyType: 2, maxMembers: 0 },
    { type: 'lobby.join', lobbyId: TARGET },
    { type: 'lobby.join', lobbyId: 0n },
    { type: 'lobby.invited', lobbyId: TARGET, from: MATE },
    { type: 'lobby.invited', lobbyId: -1n, from: MATE },
    { type: 'lobby.joinRequested', lobbyId: OTHER, friendId: MATE },
    { type: 'lobby.joinRequested', lobbyId: 0n, friendId: MATE },
    { type: 'lobby.launchArgs', argv: ['+connect_lobby', String(OTHER)] },
    { type: 'lobby.launchArgs', argv: ['-novid'] },
    { type: 'lobby.launchArgs', argv: ['+connect_lobby', 'nonsense'] },
    { type: 'lobby.leave' },
    { type: 'lobby.kick', memberId: MATE, epoch },
    { type: 'lobby.kick', memberId: MATE, epoch: epoch - 1 },
    { type: 'lobby.ban', memberId: MATE, epoch },
    { type: 'lobby.ban', memberId: MATE, epoch: epoch - 1 },
    { type: 'lobby.start', epoch },
    { type: 'lobby.start', epoch: epoch - 1 },
    { type: 'lobby.created', result: 1, lobbyId: OTHER },
    { type: 'lobby.created', result: 3, lobbyId: 0n },
    { type: 'lobby.entered', lobbyId: TARGET, response: 1, ownerId: MATE, members: [MATE] },
    ...ENTER_FAILURE_CODES.map((response) => ({ type: 'lobby.entered' as const, lobbyId: TARGET, response })),
    { type: 'lobby.entered', lobbyId: OTHER, response: 1 },
    { type: 'lobby.left' },
    { type: 'steam.serversDisconnected' },
  ];
  if (lobbyId !== undefined) {
    out.push({ type: 'lobby.entered', lobbyId, response: 1 });
    out.push({ type: 'lobby.ownerChanged', lobbyId, ownerId: MATE });
    out.push({ type: 'lobby.ownerChanged', lobbyId, ownerId: SELF });
    out.push({ type: 'lobby.gone', lobbyId });
    out.push({ type: 'lobby.gone', lobbyId: lobbyId + 7n });
  }
  for (const change of ['kicked', 'banned', 'left', 'disconnected'] as const) {
    out.push({ type: 'member.changed', memberId: SELF, change, changedBy: MATE });
  }
  out.push({ type: 'member.changed', memberId: MATE, change: 'left' });
  // Lists start only from idle, so a list's timer never races a create's or a join's.
  if (membershipOf(snapshot) === 'idle') out.push({ type: 'lobby.list', filters: { resultCount: 5 } });
  for (const node of snapshot._nodes) {
    for (const type of node.transitions.keys()) {
      if (type.startsWith('xstate.after.')) out.push({ type } as unknown as LobbyEvent);
    }
  }
  return out.filter((event) => snapshot.machine.getTransitionData(snapshot, event).length > 0);
}

export function bareLobbyLabel(event: LobbyEvent): string {
  switch (event.type) {
    case 'lobby.entered':
      return `${event.type}:${event.lobbyId === TARGET ? 'target' : 'other'}:${event.response}`;
    case 'lobby.created':
      return `${event.type}:${event.result}`;
    case 'lobby.kick':
    case 'lobby.ban':
    case 'lobby.start':
      return `${event.type}@${event.epoch}`;
    case 'lobby.create':
      return `${event.type}:${createRequestProblem(event) === undefined ? (event.data ? 'data' : 'plain') : 'invalid'}`;
    case 'lobby.launchArgs':
      return `${event.type}:${lobbyFromLaunchArgs(event.argv).kind}`;
    case 'member.changed':
      return `${event.type}:${event.memberId === SELF ? 'self' : 'mate'}:${event.change}`;
    case 'lobby.ownerChanged':
      return `${event.type}:${event.ownerId === SELF ? 'self' : 'mate'}`;
    case 'lobby.join':
    case 'lobby.invited':
    case 'lobby.joinRequested':
    case 'lobby.gone':
      return `${event.type}:${event.lobbyId}`;
    default: {
      const delay = /^xstate\.after\.(\w+)\./.exec(event.type);
      return delay === null ? event.type : `after:${delay[1]}`;
    }
  }
}

const MAX_EPOCH = 2;

/**
 * One shortest path per (state reached, transitions taken, deciding detail of the event): the full graph keeps a
 * vertex per context too (thousands), which repeats the same transitions with other epochs and ids.
 */
export function bareLobbyPaths(): BareLobbyPath[] {
  return shortestPerEnding(allBareLobbyPaths());
}

export function shortestPerEnding<P extends { readonly steps: readonly unknown[] }>(
  paths: readonly P[],
  endingOf: (path: P) => string = (path) => VERTEX_ENDINGS.get(path) ?? '',
): P[] {
  const best = new Map<string, P>();
  for (const path of paths) {
    const ending = endingOf(path);
    const known = best.get(ending);
    if (known === undefined || path.steps.length < known.steps.length) best.set(ending, path);
  }
  return [...best.values()];
}

const VERTEX_ENDINGS = new WeakMap<object, string>();

function allBareLobbyPaths(): BareLobbyPath[] {
  const paths = getShortestPaths(lobbyMachine, {
    input: BARE_LOBBY_INPUT,
    events: candidates,
    serializeEvent: (event) => toStableJson(event),
    serializeState: (snapshot, event, before) => {
      const via = viaOf(event as LobbyEvent | undefined, before);
      // The whole context (epoch included), so a vertex fixes which transition every candidate event takes.
      return `${toStableJson(snapshot.value)} ${toStableJson(snapshot.context)} via:${via}`;
    },
    // Each entry and owner change grows the epoch; two of them are enough to reach every transition.
    stopWhen: (snapshot) => snapshot.context.epoch > MAX_EPOCH,
  }) as BareLobbyPath[];
  for (const path of paths) {
    const last = path.steps[path.steps.length - 1]!;
    const before = path.steps[path.steps.length - 2]?.state;
    VERTEX_ENDINGS.set(path, `${toStableJson(last.state.value)} ${viaOf(last.event as LobbyEvent, before)}`);
  }
  return paths;
}

function viaOf(event: LobbyEvent | undefined, before: LobbySnapshot | undefined): string {
  if (before === undefined || event === undefined) return 'start';
  const keys = before.machine.getTransitionData(before, event).map((t) => transitionKey(t));
  return `${keys.join('+')}/${bareLobbyLabel(event)}`;
}

// ── oracle ──────────────────────────────────────────────────────────────────────────────────────────────────

const JOIN_LIKE = ['lobby.join', 'lobby.invited', 'lobby.joinRequested', 'lobby.launchArgs'];
const OWNER_ONLY = ['lobby.kick', 'lobby.ban', 'lobby.start'];
const IN_FLIGHT = ['creating', 'joining', 'abandoningCreate', 'abandoningJoin', 'leaving'];

function isSuccess(event: LobbyEvent): event is Extract<LobbyEvent, { type: 'lobby.created' | 'lobby.entered' }> {
  return (event.type === 'lobby.created' && event.result === 1) || (event.type === 'lobby.entered' && event.response === 1);
}

function namesValidLobby(event: LobbyEvent): boolean {
  if (event.type === 'lobby.launchArgs') return lobbyFromLaunchArgs(event.argv).kind === 'lobby';
  return 'lobbyId' in event && event.lobbyId > 0n;
}

/** The refusal the contract demands for `event` in `before`, or undefined when the command is not refused. */
export function expectedRejection(before: LobbySnapshot, event: LobbyEvent): RejectionCode | undefined {
  const membership = membershipOf(before);
  const { epoch, ownerId, selfId } = before.context;
  if (event.type === 'lobby.list') return searchOf(before) === 'listing' ? 'list-in-flight' : undefined;
  if (membership === 'idle') {
    if (event.type === 'lobby.create') return createRequestProblem(event) === undefined ? undefined : 'invalid-request';
    if (event.type === 'lobby.launchArgs' && lobbyFromLaunchArgs(event.argv).kind === 'none') return undefined;
    if (JOIN_LIKE.includes(event.type)) return namesValidLobby(event) ? undefined : 'invalid-lobby-id';
    if (event.type === 'lobby.leave' || OWNER_ONLY.includes(event.type)) return 'not-in-lobby';
    return undefined;
  }
  if (IN_FLIGHT.includes(membership)) {
    if (event.type === 'lobby.create' || JOIN_LIKE.includes(event.type)) return 'busy';
    if (OWNER_ONLY.includes(event.type)) return 'not-in-lobby';
    return undefined;
  }
  // joined
  if (event.type === 'lobby.create' || event.type === 'lobby.join') return 'already-in-lobby';
  if (event.type === 'lobby.kick' || event.type === 'lobby.ban' || event.type === 'lobby.start') {
    if (event.epoch !== epoch) return 'stale-epoch';
    return ownerId === selfId ? undefined : 'not-owner';
  }
  return undefined;
}

/** The lobby a step into `joining` must ask Steam for: the switch remembered while leaving, or the event's. */
function wantedLobby(before: LobbySnapshot, event: LobbyEvent): bigint | undefined {
  if (membershipOf(before) === 'leaving') return before.context.nextJoin?.lobbyId;
  if (event.type === 'lobby.launchArgs') {
    const launch = lobbyFromLaunchArgs(event.argv);
    return launch.kind === 'lobby' ? launch.lobbyId : undefined;
  }
  return 'lobbyId' in event ? event.lobbyId : undefined;
}

function expectedEffects(before: LobbySnapshot, event: LobbyEvent, after: LobbySnapshot): EffectCall[] {
  const m0 = membershipOf(before);
  const m1 = membershipOf(after);
  const out: EffectCall[] = [];
  const entered = m1 === 'joined' && m0 !== 'joined';
  if (m1 === 'creating' && m0 !== 'creating' && event.type === 'lobby.create') {
    out.push({ type: 'requestCreateLobby', params: { lobbyType: event.lobbyType, maxMembers: event.maxMembers } });
  }
  if (m1 === 'joining' && m0 !== 'joining') {
    out.push({ type: 'requestJoinLobby', params: { lobbyId: wantedLobby(before, event) } });
  }
  if (m1 === 'leaving' && m0 !== 'leaving') out.push({ type: 'requestLeaveLobby', params: { lobbyId: before.context.lobbyId } });
  // Thrown out of a lobby (kicked, banned, gone, Steam lost): leave it on Steam's side too.
  if (m0 === 'joined' && m1 === 'idle') out.push({ type: 'requestLeaveLobby', params: { lobbyId: before.context.lobbyId } });
  // A success nobody is waiting for is left at once; the creator's second LobbyEnter for its lobby is not one.
  const sameLobbyAgain = event.type === 'lobby.entered' && event.lobbyId === before.context.lobbyId;
  if (isSuccess(event) && !entered && !sameLobbyAgain) out.push({ type: 'requestLeaveLobby', params: { lobbyId: event.lobbyId } });
  if (entered && m0 === 'creating') {
    const lobbyId = after.context.lobbyId;
    out.push({ type: 'setLobbyJoinable', params: { lobbyId } }, { type: 'allowP2PRelay', params: undefined });
    const data = before.context.createRequest?.data ?? {};
    if (Object.keys(data).length > 0) out.push({ type: 'setLobbyData', params: { lobbyId, data } });
  }
  if (searchOf(before) === 'ready' && searchOf(after) === 'listing' && event.type === 'lobby.list') {
    out.push({ type: 'requestLobbyList', params: { filters: event.filters ?? {} } });
  }
  const mayCommand = m0 === 'joined' && before.context.ownerId === before.context.selfId;
  if (mayCommand && (event.type === 'lobby.kick' || event.type === 'lobby.ban') && event.epoch === before.context.epoch) {
    const type = event.type === 'lobby.kick' ? 'requestKick' : 'requestBan';
    out.push({ type, params: { lobbyId: before.context.lobbyId, memberId: event.memberId } });
  }
  if (mayCommand && event.type === 'lobby.start' && event.epoch === before.context.epoch) {
    out.push({ type: 'requestStart', params: { lobbyId: before.context.lobbyId } });
  }
  return out;
}

const LEAVE_CODE: Readonly<Record<string, string>> = {
  kicked: 'kicked',
  banned: 'banned',
  left: 'disconnected',
  disconnected: 'disconnected',
};

function expectedLeaveCode(before: LobbySnapshot, event: LobbyEvent): string | undefined {
  const m0 = membershipOf(before);
  if (m0 === 'leaving') return before.context.leaveReason?.code;
  if (m0 !== 'joined') return undefined;
  if (event.type === 'member.changed') return LEAVE_CODE[event.change];
  if (event.type === 'lobby.gone') return 'lobby-gone';
  if (event.type === 'steam.serversDisconnected') return 'servers-lost';
  return undefined;
}

const sorted = (calls: readonly EffectCall[]) => calls.map((c) => toStableJson(c)).sort();

export function checkLobbyStep(step: BareStep<LobbySnapshot, LobbyEvent>): void {
  const { before, event, after, calls, where } = step;
  const emitted = step.emitted as readonly LobbyEmitted[];
  expect(sorted(calls), `${where}: effects`).toEqual(sorted(expectedEffects(before, event, after)));
  const rejections = emitted.filter((e) => e.type === 'lifecycle.rejected');
  const rejection = expectedRejection(before, event);
  expect(rejections.map((r) => `${r.command}:${r.code}`), `${where}: refusals`).toEqual(
    rejection === undefined ? [] : [`${event.type}:${rejection}`],
  );
  if (rejection !== undefined) expect(after.value, `${where}: a refusal changes nothing`).toEqual(before.value);
  const m0 = membershipOf(before);
  const m1 = membershipOf(after);
  const left = emitted.filter((e) => e.type === 'lifecycle.left');
  const leftWhen = (m0 === 'joined' && m1 === 'idle') || (m0 === 'leaving' && m1 !== 'leaving');
  expect(left.map((e) => e.reason.code), `${where}: left`).toEqual(leftWhen ? [expectedLeaveCode(before, event)] : []);
  const enteredReports = emitted.filter((e) => e.type === 'lifecycle.entered');
  if (m1 === 'joined' && m0 !== 'joined') {
    expect(enteredReports, `${where}: entered`).toEqual([
      expect.objectContaining({ role: m0 === 'creating' ? 'owner' : 'member', lobbyId: after.context.lobbyId }),
    ]);
  } else {
    expect(enteredReports, `${where}: entered`).toEqual([]);
  }
}
