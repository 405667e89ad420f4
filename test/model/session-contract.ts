/**
 * The session root's contract, from the seed tutorial (on entering a lobby, handshake every member; accept P2P
 * sessions; on leaving, close every session) and Steam's rules (session requests only from members; a member's
 * departure is a lobby chat update), with the root's documented behaviour: where we are (outside, in a lobby
 * with every member connected or not), per remote member how its peer session stands, and the lobby list child.
 * Its invoked children run for real (lobby, lobby list, the peer pool and its peers), so a step is judged on the
 * root's state, its member table, each peer actor, the effects of the root and its peers, and what the root emits.
 * Nothing here reads the machine. Extending it: see lobby-contract.ts (same shape: an alphabet and a table).
 */
import { expect } from 'vitest';
import type { AnyActorRef, EventObject } from 'xstate';
import { toStableJson } from '../../src/machines/serialize.js';
import type { SessionEvent } from '../../src/machines/session.machine.js';
import type { Contract, Effect, ModelEvent, Outcome, Subject } from './contract.js';
import { SESSION_ERRORS, sessionError } from './peer-contract.js';

export const SELF = 76561198000000001n;
export const LOBBY = 109775240000000001n;
export const IDS = { A: 76561198000000002n, B: 76561198000000003n, S: 76561198000000009n } as const;

type Remote = 'A' | 'B';
type Who = Remote | 'S';

export const HEARTBEAT_MS = 1_000;
export const LIVENESS_MS = 3_000;
const PAUSE_MS = 400;
/** Peer timers far beyond any path, so only the root's heartbeat runs; two attempts per streak. */
const FAR = 1_000_000_000;
export const SESSION_INPUT_TIMING = {
  lobby: { timing: { requestTimeoutMs: FAR, leaveTimeoutMs: FAR, listTimeoutMs: FAR } },
  peer: {
    timing: { handshakeTimeoutMs: FAR, heartbeatIntervalMs: HEARTBEAT_MS, livenessTimeoutMs: LIVENESS_MS },
    retry: { maxAttempts: 2, baseDelayMs: FAR / 10, factor: 2, maxDelayMs: FAR, jitter: 0 },
  },
} as const;
const retryInMs = (attempt: number) => Math.min(FAR, (FAR / 10) * 2 ** (attempt - 1));

/** A member's peer session as the model tracks it. */
type PeerState = 'handshaking' | 'retrying' | 'connected' | 'closed';
interface Peer {
  readonly state: PeerState;
  readonly attempt: number;
}

export interface SessionModel {
  readonly where: 'outside' | 'inLobby';
  readonly list: 'ready' | 'listing';
  /** Remote members of the lobby, in the order their sessions started. */
  readonly peers: Readonly<Partial<Record<Remote, Peer>>>;
}

export type SessionKind =
  | 'create'
  | 'enter'
  | 'leave'
  | 'selfKicked'
  | 'memberEntered'
  | 'memberGone'
  | 'request'
  | 'handshake'
  | 'ack'
  | 'silent'
  | 'failed'
  | 'heartbeat'
  | 'list'
  | 'listAnswered'
  | 'serversLost'
  | 'lobbyOnly'
  | 'pause';

export interface SessionModelEvent extends ModelEvent {
  readonly kind: SessionKind;
  readonly who?: Who;
  readonly events: readonly SessionEvent[];
}

const CAUSE = { left: 'member-left', disconnected: 'member-disconnected', kicked: 'member-kicked', banned: 'member-banned' } as const;

export function sessionAlphabet(m: SessionModel): SessionModelEvent[] {
  const out: SessionModelEvent[] = [];
  const add = (type: string, kind: SessionKind, events: SessionEvent[], who?: Who) =>
    out.push({ type, kind, who, events, stimulus: { send: events as EventObject[] } });
  const id = (who: Who) => IDS[who];
  const knocks = (who: Who, all: boolean) => {
    add(`request(${who})`, 'request', [{ type: 'session.request', remoteId: id(who) }], who);
    add(`handshake(${who})`, 'handshake', [{ type: 'peer.handshake', remoteId: id(who) }], who);
    if (!all) return;
    add(`ack(${who})`, 'ack', [{ type: 'peer.handshakeAck', remoteId: id(who) }], who);
    add(`silent(${who})`, 'silent', [{ type: 'peer.silent', remoteId: id(who) }], who);
    add(`failed(${who}:4)`, 'failed', [{ type: 'peer.sessionFailed', remoteId: id(who), error: 4 }], who);
    add(`failed(${who}:2)`, 'failed', [{ type: 'peer.sessionFailed', remoteId: id(who), error: 2 }], who);
  };
  const lists = () => {
    add('list', 'list', [{ type: 'lobby.list' }]);
    add('listReceived', 'listAnswered', [{ type: 'lobby.listReceived', lobbies: [LOBBY] }]);
    add('listRefused', 'listAnswered', [{ type: 'lobby.listRefused', reason: 'refused by the model backend' }]);
  };
  add('serversLost', 'serversLost', [{ type: 'steam.serversDisconnected' }]);
  out.push({ type: `heartbeat (${HEARTBEAT_MS} ms)`, kind: 'heartbeat', events: [], stimulus: { wait: HEARTBEAT_MS } });
  add('selfKicked', 'selfKicked', [{ type: 'member.changed', memberId: SELF, change: 'kicked', changedBy: IDS.A }]);
  lists();
  if (m.where === 'outside') {
    add('create', 'create', [
      { type: 'lobby.create', lobbyType: 2, maxMembers: 4 },
      { type: 'lobby.created', result: 1, lobbyId: LOBBY },
    ]);
    add('enter', 'enter', [
      { type: 'lobby.join', lobbyId: LOBBY },
      { type: 'lobby.entered', lobbyId: LOBBY, response: 1, ownerId: IDS.A, members: [IDS.A, SELF] },
    ]);
    add('memberEntered(A)', 'memberEntered', [{ type: 'member.changed', memberId: IDS.A, change: 'entered' }], 'A');
    knocks('A', true);
    // Time passing outside a lobby (with no timer due), so a later visit's timers start out of phase with earlier ones.
    out.push({ type: `pause (${PAUSE_MS} ms)`, kind: 'pause', events: [], stimulus: { wait: PAUSE_MS } });
    return out;
  }
  // A list runs beside the lobby; while it waits, member events are left out so the two do not multiply.
  if (m.list === 'listing') return out;
  add('leave', 'leave', [{ type: 'lobby.leave' }, { type: 'lobby.left' }]);
  // Lobby events that leave us in the lobby, and a member change about ourselves the lobby has no use for.
  add('invited', 'lobbyOnly', [{ type: 'lobby.invited', lobbyId: LOBBY + 1n, from: IDS.B }]);
  add('self:entered', 'lobbyOnly', [{ type: 'member.changed', memberId: SELF, change: 'entered' }]);
  for (const who of ['A', 'B'] as const) {
    add(`memberEntered(${who})`, 'memberEntered', [{ type: 'member.changed', memberId: id(who), change: 'entered' }], who);
  }
  for (const change of ['left', 'disconnected', 'kicked', 'banned'] as const) {
    add(`member${change}(A)`, 'memberGone', [{ type: 'member.changed', memberId: IDS.A, change, changedBy: SELF }], 'A');
  }
  add('memberleft(B)', 'memberGone', [{ type: 'member.changed', memberId: IDS.B, change: 'left' }], 'B');
  knocks('A', true);
  // B is the second member: it only needs to connect, to knock and to leave.
  knocks('B', false);
  knocks('S', true);
  return out;
}

// ── rows ────────────────────────────────────────────────────────────────────────────────────────────────────

type Row = (m: SessionModel, e: SessionModelEvent) => Outcome<SessionModel>;

const isLive = (p: Peer | undefined) => p !== undefined && p.state !== 'closed';

function withPeer(m: SessionModel, who: Remote, peer: Peer | undefined, restarted = false): SessionModel {
  const peers = { ...m.peers };
  // A restarted session is a new actor: it comes last among the pool's sessions.
  if (peer === undefined || restarted) delete peers[who];
  if (peer !== undefined) peers[who] = peer;
  return { ...m, peers };
}

const remote = (e: SessionModelEvent): Remote => e.who as Remote;
const idOf = (e: SessionModelEvent): bigint => IDS[e.who!];

/** Every live session closes (the seed closes all P2P sessions on leave); we are outside. */
const leaveLobby: Row = (m) => {
  const closing = (Object.entries(m.peers) as [Remote, Peer][]).filter(([, p]) => isLive(p));
  const reason = { code: 'closed-by-runtime', cause: 'lobby-left' };
  return {
    next: { ...m, where: 'outside', peers: {} },
    effects: closing.map(([who]): Effect => ['closeSession', { remoteId: IDS[who] }]),
    emits: closing.map(([who]) => ({ type: 'peer.closed', remoteId: IDS[who], reason })),
  };
};

const ignored =
  (code: string): Row =>
  (m, e) => ({ next: m, emits: [{ type: 'peer.ignored', remoteId: idOf(e), event: e.events[0]!.type, code }] });

const refused =
  (code: string): Row =>
  (m, e) => ({ next: m, emits: [{ type: 'session.refused', remoteId: idOf(e), code, reason: expect.stringMatching(/\S/) }] });

/** The member's session attempt failed: a retry is scheduled while attempts are left and the error allows it. */
function attemptFailed(m: SessionModel, who: Remote, failure: { code: string; error?: number }): Outcome<SessionModel> {
  const peer = m.peers[who]!;
  const remoteId = IDS[who];
  const fatal = failure.error !== undefined && SESSION_ERRORS[failure.error]?.fatal === true;
  const report = { type: 'peer.attemptFailed', remoteId, attempt: peer.attempt, failure };
  if (!fatal && peer.attempt < SESSION_INPUT_TIMING.peer.retry.maxAttempts) {
    return { next: withPeer(m, who, { state: 'retrying', attempt: peer.attempt }), emits: [{ ...report, retryInMs: retryInMs(peer.attempt) }] };
  }
  const reason = fatal ? { code: 'fatal-session-error', failure } : { code: 'retries-exhausted', attempts: peer.attempt, lastFailure: failure };
  return {
    next: withPeer(m, who, { state: 'closed', attempt: peer.attempt }),
    effects: [['closeSession', { remoteId }]],
    emits: [{ ...report, retryInMs: undefined }, { type: 'peer.closed', remoteId, reason }],
  };
}

/** A member's session connects (from handshaking, or from retrying, which counts the attempt). */
function connects(m: SessionModel, who: Remote, ack: boolean): Outcome<SessionModel> {
  const peer = m.peers[who]!;
  const attempt = peer.state === 'retrying' ? peer.attempt + 1 : peer.attempt;
  return {
    next: withPeer(m, who, { state: 'connected', attempt: 1 }),
    effects: ack ? [['sendHandshakeAck', { remoteId: IDS[who] }]] : [],
    emits: [{ type: 'peer.connected', remoteId: IDS[who], attempt }],
  };
}

/** A fresh session for a member: its first handshake goes out at once. */
function started(m: SessionModel, who: Remote, restarted: boolean): Outcome<SessionModel> {
  return {
    next: withPeer(m, who, { state: 'handshaking', attempt: 1 }, restarted),
    effects: [['sendHandshake', { remoteId: IDS[who], attempt: 1 }]],
  };
}

/** Combine two outcomes that happen in one step. */
function then(first: Outcome<SessionModel>, second: (m: SessionModel) => Outcome<SessionModel>): Outcome<SessionModel> {
  const rest = second(first.next);
  return { next: rest.next, effects: [...(first.effects ?? []), ...(rest.effects ?? [])], emits: [...(first.emits ?? []), ...(rest.emits ?? [])] };
}

/** A knock (session request or peer event) from someone who is not a member of our lobby. */
function fromMember(row: (m: SessionModel, who: Remote, peer: Peer, e: SessionModelEvent) => Outcome<SessionModel>, closed: Row): Row {
  return (m, e) => {
    const peer = e.who === 'S' ? undefined : m.peers[remote(e)];
    if (peer === undefined) return (e.kind === 'request' ? refused('not-a-member') : ignored('not-a-member'))(m, e);
    if (peer.state === 'closed') return closed(m, e);
    return row(m, remote(e), peer, e);
  };
}

const list: Row = (m) => (m.list === 'ready' ? { next: { ...m, list: 'listing' }, effects: [['requestLobbyList', { filters: {} }]] } : { next: m });
const listAnswered: Row = (m) => ({ next: { ...m, list: 'ready' } });

export const SESSION_TABLE: Readonly<Record<SessionModel['where'], Partial<Record<SessionKind, Row>>>> = {
  outside: {
    create: (m) => ({ next: { ...m, where: 'inLobby', peers: {} } }),
    // We enter with A in the lobby: its session starts with our handshake.
    enter: (m) => started({ ...m, where: 'inLobby' }, 'A', false),
    request: refused('not-in-lobby'),
    handshake: ignored('not-in-lobby'),
    ack: ignored('not-in-lobby'),
    silent: ignored('not-in-lobby'),
    failed: ignored('not-in-lobby'),
    list,
    listAnswered,
    serversLost: (m) => ({ next: { ...m, list: 'ready' } }),
  },
  inLobby: {
    leave: leaveLobby,
    selfKicked: leaveLobby,
    serversLost: (m, e) => {
      const out = leaveLobby(m, e);
      return { ...out, next: { ...out.next, list: 'ready' } };
    },
    heartbeat: (m) => {
      const remoteIds = (Object.entries(m.peers) as [Remote, Peer][]).filter(([, p]) => p.state === 'connected').map(([who]) => IDS[who]);
      return {
        next: m,
        effects: [
          ['sendHeartbeats', { remoteIds, intervalMs: HEARTBEAT_MS }],
          ['checkLiveness', { remoteIds, windowMs: LIVENESS_MS }],
        ],
      };
    },
    list,
    listAnswered,
    memberEntered: (m, e) => {
      if (m.peers[remote(e)] !== undefined) return { next: m };
      const out = started(m, remote(e), false);
      return { ...out, emits: [{ type: 'member.admitted', memberId: idOf(e) }] };
    },
    memberGone: (m, e) => {
      const who = remote(e);
      const peer = m.peers[who];
      if (peer === undefined) return { next: m };
      const change = (e.events[0] as Extract<SessionEvent, { type: 'member.changed' }>).change as keyof typeof CAUSE;
      const dismissed = { type: 'member.dismissed', memberId: IDS[who], change };
      if (!isLive(peer)) return { next: withPeer(m, who, undefined), emits: [dismissed] };
      return {
        next: withPeer(m, who, undefined),
        effects: [['closeSession', { remoteId: IDS[who] }]],
        emits: [dismissed, { type: 'peer.closed', remoteId: IDS[who], reason: { code: 'closed-by-runtime', cause: CAUSE[change] } }],
      };
    },
    request: fromMember(
      (m, who) => ({ next: m, effects: [['acceptSession', { remoteId: IDS[who] }]], emits: [{ type: 'session.accepted', remoteId: IDS[who] }] }),
      // A member whose session closed for good knocks again: accepted, with a fresh session.
      (m, e) => {
        const out = started(m, remote(e), true);
        return {
          ...out,
          effects: [['acceptSession', { remoteId: idOf(e) }], ...out.effects!],
          emits: [{ type: 'session.accepted', remoteId: idOf(e) }],
        };
      },
    ),
    handshake: fromMember(
      (m, who, peer) => (peer.state === 'connected' ? { next: m, effects: [['sendHandshakeAck', { remoteId: IDS[who] }]] } : connects(m, who, true)),
      // The member came back after we gave up on them: a fresh session, which this handshake completes.
      (m, e) => then(started(m, remote(e), true), (n) => connects(n, remote(e), true)),
    ),
    ack: fromMember((m, who, peer) => (peer.state === 'connected' ? { next: m } : connects(m, who, false)), ignored('session-closed')),
    silent: fromMember(
      (m, who, peer) => (peer.state === 'connected' ? attemptFailed(m, who, { code: 'liveness-timeout', reason: expect.stringMatching(/\S/) } as never) : { next: m }),
      ignored('session-closed'),
    ),
    failed: fromMember((m, who, peer, e) => {
      if (peer.state === 'retrying') return { next: m };
      const { error } = e.events[0] as Extract<SessionEvent, { type: 'peer.sessionFailed' }>;
      return attemptFailed(m, who, sessionError(error));
    }, ignored('session-closed')),
  },
};

const TABLE_STATUS: Readonly<Record<PeerState, string>> = {
  handshaking: 'connecting',
  retrying: 'connecting',
  connected: 'connected',
  closed: 'closed',
};

export const sessionContract: Contract<SessionModel, SessionModelEvent> = {
  name: 'session',
  initial: { where: 'outside', list: 'ready', peers: {} },
  alphabet: sessionAlphabet,
  step: (m, e) => SESSION_TABLE[m.where][e.kind]?.(m, e) ?? { next: m },
  key: (m) => toStableJson(m),
  scenarios: [
    // The heartbeat timer re-arms itself: a second interval brings a second heartbeat.
    ['create', `heartbeat (${HEARTBEAT_MS} ms)`, `heartbeat (${HEARTBEAT_MS} ms)`],
    // Leaving stops the heartbeat timer: a visit started out of phase sees only its own heartbeats.
    ['create', 'leave', `pause (${PAUSE_MS} ms)`, 'create', `heartbeat (${HEARTBEAT_MS} ms)`],
  ],
  view: (m) => {
    const peers = Object.entries(m.peers) as [Remote, Peer][];
    const allConnected = peers.every(([, p]) => p.state === 'connected');
    return {
      status: 'active',
      value: m.where === 'outside' ? 'outside' : { inLobby: allConnected ? 'allConnected' : 'connecting' },
      lobby: m.where === 'outside' ? 'idle' : 'joined',
      list: m.list,
      members: Object.fromEntries(peers.map(([who, p]) => [who, TABLE_STATUS[p.state]])),
      sessions: Object.fromEntries(peers.filter(([, p]) => p.state !== 'closed').map(([who, p]) => [who, { value: p.state, attempt: p.attempt }])),
    };
  },
};

const WHO_OF = new Map<bigint, Who>(Object.entries(IDS).map(([who, id]) => [id, who as Who]));

export function sessionSubject(machine: Subject['machine']): Subject {
  return {
    machine,
    input: (effects) => ({ selfId: SELF, ...SESSION_INPUT_TIMING, effects }),
    effects: ['acceptSession', 'sendHeartbeats', 'checkLiveness', 'sendHandshake', 'sendHandshakeAck', 'closeSession', 'requestLobbyList'],
    unorderedEmits: true,
    // Heartbeats and liveness checks name a set of members: compare them in id order.
    normalise: ([name, params]) => {
      const remoteIds = (params as { remoteIds?: readonly bigint[] } | undefined)?.remoteIds;
      if (remoteIds === undefined) return [name, params];
      return [name, { ...(params as object), remoteIds: [...remoteIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) }];
    },
    observe: (actor: AnyActorRef) => {
      const snapshot = actor.getSnapshot() as { status: string; value: unknown; context: { members: Iterable<[bigint, string]> } };
      const child = (id: string) => (actor.system.get(id) as AnyActorRef | undefined)?.getSnapshot() as
        | { status: string; value: unknown; context: { attempt: number } }
        | undefined;
      const members: Record<string, string> = {};
      const sessions: Record<string, unknown> = {};
      for (const [id, status] of snapshot.context.members) {
        const who = WHO_OF.get(id) ?? String(id);
        members[who] = status;
        const peer = child(`peer:${id}`);
        if (peer !== undefined && peer.status === 'active') sessions[who] = { value: peer.value, attempt: peer.context.attempt };
      }
      return {
        status: snapshot.status,
        value: snapshot.value,
        lobby: child('lobby')?.value,
        list: child('lobbyList')?.value,
        members,
        sessions,
      };
    },
  };
}
