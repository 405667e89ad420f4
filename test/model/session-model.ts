/**
 * The session root on its own (no runtime: its invoked lobby actor and peer pool run for real, its one effect,
 * `acceptSession`, is recorded). The root's behaviour depends on its children, which `xstate/graph` cannot run,
 * so the paths come from an independent model of the root's contract, written as transition logic: where we are
 * (outside / in a lobby), and per remote member how its peer session stands. `xstate/graph` generates the
 * shortest path to every (event, standing of whom it names, outcome) the model allows; each path then drives
 * the real root, and after every step the root's state, its member table, each peer actor's state, the effect
 * calls and the root's reports must match what the model says.
 */
import { expect } from 'vitest';
import { createActor, fromTransition, type AnyActorRef, type InspectionEvent } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { VirtualClock } from '../../src/effects/clock.js';
import { toStableJson } from '../../src/machines/serialize.js';
import { sessionMachine, type SessionEmitted, type SessionEvent } from '../../src/machines/session.machine.js';
import type { CoverageRecorder } from './recorder.js';

const SELF = 76561198000000001n;
const LOBBY = 109775240000000001n;
const IDS = { A: 76561198000000002n, B: 76561198000000003n, S: 76561198000000009n } as const;

type Remote = 'A' | 'B';
type Who = Remote | 'S';
/** A member's peer session as the model tracks it (the root's table says connecting for handshaking and retrying). */
type PeerState = 'handshaking' | 'retrying' | 'connected' | 'closed';

export interface SessionModelState {
  readonly where: 'outside' | 'inLobby';
  readonly peers: Readonly<Partial<Record<Remote, PeerState>>>;
}

export type SessionModelEvent =
  | { readonly type: 'create' }
  | { readonly type: 'enter' }
  | { readonly type: 'leave' }
  | { readonly type: 'selfKicked' }
  | { readonly type: 'memberEntered'; readonly who: Remote }
  | { readonly type: 'memberLeft'; readonly who: Remote }
  | { readonly type: 'request'; readonly who: Who }
  | { readonly type: 'handshake'; readonly who: Who }
  | { readonly type: 'ack'; readonly who: Who }
  | { readonly type: 'traffic'; readonly who: Who }
  | { readonly type: 'silent'; readonly who: Who }
  | { readonly type: 'failed'; readonly who: Who; readonly error: 2 | 4 };

/** A generated path with the model's states unwrapped from their snapshots. */
export interface SessionModelPath {
  readonly steps: readonly { readonly state: SessionModelState; readonly event: SessionModelEvent }[];
}

const OUTSIDE: SessionModelState = { where: 'outside', peers: {} };

/** A member knocking again after its session closed for good gets a fresh one. */
function withPeer(state: SessionModelState, who: Who, peer: PeerState | undefined): SessionModelState {
  if (who === 'S') return state;
  const peers = { ...state.peers };
  if (peer === undefined) delete peers[who];
  else peers[who] = peer;
  return { ...state, peers };
}

function standing(state: SessionModelState, who: Who): PeerState | 'absent' {
  return who === 'S' ? 'absent' : (state.peers[who] ?? 'absent');
}

const isLive = (peer: PeerState | 'absent') => peer === 'handshaking' || peer === 'retrying' || peer === 'connected';

/** The contract, step by step. */
export function nextModelState(state: SessionModelState, event: SessionModelEvent): SessionModelState {
  const inLobby = state.where === 'inLobby';
  switch (event.type) {
    case 'create':
      return inLobby ? state : { where: 'inLobby', peers: {} };
    case 'enter':
      return inLobby ? state : { where: 'inLobby', peers: { A: 'handshaking' } };
    case 'leave':
    case 'selfKicked':
      return OUTSIDE;
    case 'memberEntered':
      return inLobby && state.peers[event.who] === undefined ? withPeer(state, event.who, 'handshaking') : state;
    case 'memberLeft':
      return inLobby ? withPeer(state, event.who, undefined) : state;
    default:
      break;
  }
  if (!inLobby) return state;
  const peer = standing(state, event.who);
  if (peer === 'absent') return state;
  switch (event.type) {
    case 'request':
      return peer === 'closed' ? withPeer(state, event.who, 'handshaking') : state;
    case 'handshake':
      return withPeer(state, event.who, 'connected');
    case 'ack':
      return isLive(peer) ? withPeer(state, event.who, 'connected') : state;
    case 'traffic':
      return state;
    case 'silent':
      // The runtime found nothing heard for the window: that attempt fails and a retry is scheduled.
      return peer === 'connected' ? withPeer(state, event.who, 'retrying') : state;
    case 'failed':
      if (peer === 'retrying' || peer === 'closed') return state;
      return withPeer(state, event.who, event.error === 2 ? 'closed' : 'retrying');
  }
}

function candidates(state: SessionModelState): SessionModelEvent[] {
  if (state.where === 'outside') {
    return [
      { type: 'create' },
      { type: 'enter' },
      { type: 'selfKicked' },
      { type: 'request', who: 'A' },
      { type: 'handshake', who: 'A' },
      { type: 'ack', who: 'A' },
      { type: 'traffic', who: 'A' },
      { type: 'silent', who: 'A' },
      { type: 'failed', who: 'A', error: 4 },
    ];
  }
  const out: SessionModelEvent[] = [{ type: 'leave' }, { type: 'selfKicked' }];
  for (const who of ['A', 'B'] as const) {
    out.push(state.peers[who] === undefined ? { type: 'memberEntered', who } : { type: 'memberLeft', who });
  }
  for (const who of ['A', 'B', 'S'] as const) {
    out.push({ type: 'request', who }, { type: 'handshake', who }, { type: 'ack', who }, { type: 'traffic', who });
    out.push({ type: 'silent', who });
    out.push({ type: 'failed', who, error: 4 }, { type: 'failed', who, error: 2 });
  }
  return out;
}

export function sessionEventLabel(event: SessionModelEvent): string {
  if (!('who' in event)) return event.type;
  return `${event.type}(${event.who}${event.type === 'failed' ? `:${event.error}` : ''})`;
}

const modelLogic = fromTransition(nextModelState, OUTSIDE);

/** One shortest path per (where we were, the event, the standing of whom it names, where we end up). */
export function sessionModelPaths(): SessionModelPath[] {
  const paths = getShortestPaths(modelLogic, {
    events: (snapshot) => candidates(snapshot.context),
    serializeEvent: (event) => toStableJson(event),
    // The event and the standing of whom it names are part of the vertex, so knocks that change nothing but
    // the root's reports (a stranger's handshake, a request from a live member) are paths of their own.
    serializeState: (snapshot, event, before) => {
      const knock = event as SessionModelEvent | undefined;
      const who = knock !== undefined && 'who' in knock ? standing(before?.context ?? OUTSIDE, knock.who) : '-';
      return `${toStableJson(snapshot.context)} via:${knock === undefined ? 'start' : toStableJson(knock)}:${who}`;
    },
  });
  const best = new Map<string, SessionModelPath>();
  for (const raw of paths) {
    const path: SessionModelPath = {
      steps: raw.steps.map((s) => ({ state: s.state.context, event: s.event as SessionModelEvent })),
    };
    const last = path.steps[path.steps.length - 1]!;
    const before = path.steps[path.steps.length - 2]?.state;
    const who = 'who' in last.event ? standing(before ?? OUTSIDE, last.event.who) : '-';
    const ending = `${before?.where ?? 'start'} ${toStableJson(last.event)} ${who} → ${toStableJson(last.state)}`;
    const known = best.get(ending);
    if (known === undefined || path.steps.length < known.steps.length) best.set(ending, path);
  }
  return [...best.values()];
}

// ── driver ──────────────────────────────────────────────────────────────────────────────────────────────────

function concreteEvents(event: SessionModelEvent): SessionEvent[] {
  switch (event.type) {
    case 'create':
      return [
        { type: 'lobby.create', lobbyType: 2, maxMembers: 4 },
        { type: 'lobby.created', result: 1, lobbyId: LOBBY },
      ];
    case 'enter':
      return [
        { type: 'lobby.join', lobbyId: LOBBY },
        { type: 'lobby.entered', lobbyId: LOBBY, response: 1, ownerId: IDS.A, members: [IDS.A, SELF] },
      ];
    case 'leave':
      return [{ type: 'lobby.leave' }, { type: 'lobby.left' }];
    case 'selfKicked':
      return [{ type: 'member.changed', memberId: SELF, change: 'kicked', changedBy: IDS.A }];
    case 'memberEntered':
      return [{ type: 'member.changed', memberId: IDS[event.who], change: 'entered' }];
    case 'memberLeft':
      return [{ type: 'member.changed', memberId: IDS[event.who], change: 'left' }];
    case 'request':
      return [{ type: 'session.request', remoteId: IDS[event.who] }];
    case 'handshake':
      return [{ type: 'peer.handshake', remoteId: IDS[event.who] }];
    case 'ack':
      return [{ type: 'peer.handshakeAck', remoteId: IDS[event.who] }];
    case 'traffic':
      return [{ type: 'peer.traffic', remoteId: IDS[event.who] }];
    case 'silent':
      return [{ type: 'peer.silent', remoteId: IDS[event.who] }];
    case 'failed':
      return [{ type: 'peer.sessionFailed', remoteId: IDS[event.who], error: event.error }];
  }
}

type RootReport = Extract<SessionEmitted, { type: 'session.accepted' | 'session.refused' | 'peer.ignored' }>;

/** What the root must report for a knock (request or peer event) from `who`, per the contract. */
function expectedReports(before: SessionModelState, event: SessionModelEvent): unknown[] {
  if (!('who' in event) || event.type === 'memberEntered' || event.type === 'memberLeft') return [];
  const remoteId = IDS[event.who];
  const peer = standing(before, event.who);
  const inLobby = before.where === 'inLobby';
  if (event.type === 'request') {
    if (inLobby && peer !== 'absent') return [{ type: 'session.accepted', remoteId }];
    return [expect.objectContaining({ type: 'session.refused', remoteId, code: inLobby ? 'not-a-member' : 'not-in-lobby' })];
  }
  const type = {
    handshake: 'peer.handshake',
    ack: 'peer.handshakeAck',
    traffic: 'peer.traffic',
    silent: 'peer.silent',
    failed: 'peer.sessionFailed',
  }[event.type];
  const ignored = (code: string) => [{ type: 'peer.ignored', remoteId, event: type, code }];
  if (!inLobby) return ignored('not-in-lobby');
  if (peer === 'absent') return ignored('not-a-member');
  if (peer === 'closed' && event.type !== 'handshake') return ignored('session-closed');
  return [];
}

const ROOT_TABLE: Readonly<Record<PeerState, string>> = {
  handshaking: 'connecting',
  retrying: 'connecting',
  connected: 'connected',
  closed: 'closed',
};

export function runSessionPath(path: SessionModelPath, recorder: CoverageRecorder): void {
  const clock = new VirtualClock();
  const accepted: bigint[] = [];
  const reports: RootReport[] = [];
  const machine = sessionMachine.provide({
    actions: { acceptSession: (_: unknown, params: { remoteId: bigint }) => void accepted.push(params.remoteId) },
  });
  const root = createActor(machine, {
    clock,
    input: { selfId: SELF, peer: { retry: { maxAttempts: 5 } } },
    inspect: (event: InspectionEvent) => recorder.inspect(event),
  });
  root.on('*', (event: SessionEmitted) => {
    if (event.type === 'session.accepted' || event.type === 'session.refused' || event.type === 'peer.ignored') {
      reports.push(event);
    }
  });
  root.start();

  for (let i = 1; i < path.steps.length; i++) {
    const { event, state: expected } = path.steps[i]!;
    const before = path.steps[i - 1]!.state;
    const where = `step ${i} (${sessionEventLabel(event)})`;
    accepted.length = 0;
    reports.length = 0;
    for (const concrete of concreteEvents(event)) root.send(concrete);
    // The model's own step must agree with the path (the generator and the contract are the same function).
    expect(nextModelState(before, event), `${where}: model`).toEqual(expected);

    const snapshot = root.getSnapshot();
    const members = Object.entries(expected.peers) as [Remote, PeerState][];
    const allConnected = members.every(([, peer]) => peer === 'connected');
    const value = expected.where === 'outside' ? 'outside' : { inLobby: allConnected ? 'allConnected' : 'connecting' };
    expect(snapshot.value, `${where}: root state`).toEqual(value);
    const table = Object.fromEntries([...snapshot.context.members].map(([id, status]) => [String(id), status]));
    expect(table, `${where}: member table`).toEqual(
      Object.fromEntries(members.map(([who, peer]) => [String(IDS[who]), ROOT_TABLE[peer]])),
    );
    for (const [who, peer] of members) {
      if (peer === 'closed') continue;
      const actor = root.system.get(`peer:${IDS[who]}`) as AnyActorRef | undefined;
      expect(actor?.getSnapshot().matches(peer), `${where}: peer ${who} ${peer}`).toBe(true);
    }
    expect(reports, `${where}: reports`).toEqual(expectedReports(before, event));
    const wantAccept = event.type === 'request' && before.where === 'inLobby' && standing(before, event.who) !== 'absent';
    expect(accepted, `${where}: accepted`).toEqual(wantAccept ? [IDS[event.who]] : []);
  }
  root.stop();
}
