/**
 * The session root's contract, from the seed tutorial (on entering a lobby, handshake every member; accept P2P
 * sessions; on leaving, close every session), Steam's rules (session requests only from members; a member's
 * departure is a lobby chat update) and docs/capabilities.md (a member Steam drops keeps their seat for the window:
 * `member.away`, then one `member.reconnected` or `member.dismissed`; a session closed for good comes back in
 * reconnect rounds; our own seat held while we get back in; vote frames and member changes go to the vote), with
 * the root's documented behaviour: where we are (outside, in a lobby with every member connected or not), per
 * remote member how its peer session stands, whose seat is held and which reconnect round they are in, and the
 * lobby, lobby list and vote-kick children. Its invoked children run for real (lobby, lobby list, vote-kick, the
 * peer pool and its peers), so a step is judged on the root's state and tables, each child, the effects of the root
 * and its peers, and what the root emits. Nothing here reads the machine.
 *
 * Time is part of the model: every timer that is running (the heartbeat, a peer's backoff, a held seat, a reconnect
 * round, our own seat window in the lobby) has a due time, and waiting runs to the next one. A timer the root
 * raised for a member who has since come back or gone still falls due in the machine, but its token no longer
 * matches and it must do nothing: the model drops it, so a wait that runs past it expects nothing then. To keep
 * the model finite and small, the world causes at most one trouble at a time (one held seat, backoff, reconnect
 * round or our own seat window running): an event that would start a second is left out of the alphabet.
 * Extending it: see lobby-contract.ts (same shape: an alphabet and a table).
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
/** S is a stranger: in no lobby of ours. */
type Who = Remote | 'S';
/** Who the vote counts: ourselves and the remote members. */
type Voter = Remote | 'self';

/**
 * Every timer in a lobby is a multiple of the heartbeat, so they stay in phase with it and the model stays small;
 * the pause outside is not, so a later visit's timers start out of phase with an earlier visit's.
 */
export const HEARTBEAT_MS = 500;
export const LIVENESS_MS = 3_000;
const PAUSE_MS = 250;
/** A peer's one backoff (two attempts per streak, no jitter). */
const BACKOFF_MS = 500;
/** How long a seat is held, a member's and our own. */
const SEAT_MS = 1_500;
/** Reconnect rounds: 2.5 s, then 5 s for every later one (no jitter). */
const RECONNECT = { baseDelayMs: 2_500, factor: 2, maxDelayMs: 5_000, jitter: 0 } as const;
/** Timers far beyond any path: only those above fall due. */
const FAR = 1_000_000_000;
export const SESSION_INPUT_TIMING = {
  lobby: { timing: { requestTimeoutMs: FAR, leaveTimeoutMs: FAR, listTimeoutMs: FAR, seatReservationMs: SEAT_MS, rejoinIntervalMs: FAR } },
  peer: {
    timing: { handshakeTimeoutMs: FAR, heartbeatIntervalMs: HEARTBEAT_MS, livenessTimeoutMs: LIVENESS_MS },
    retry: { maxAttempts: 2, baseDelayMs: BACKOFF_MS, factor: 2, maxDelayMs: BACKOFF_MS, jitter: 0 },
  },
  reconnect: RECONNECT,
  vote: { timing: { voteTimeoutMs: FAR, executeTimeoutMs: FAR } },
} as const;
const MAX_ATTEMPTS = SESSION_INPUT_TIMING.peer.retry.maxAttempts;
const reconnectInMs = (round: number) => Math.min(RECONNECT.maxDelayMs, RECONNECT.baseDelayMs * RECONNECT.factor ** (round - 1));

/** A member's peer session as the model tracks it. */
type PeerState = 'handshaking' | 'retrying' | 'connected' | 'closed';

interface Member {
  readonly state: PeerState;
  readonly attempt: number;
  /** Steam dropped them: their seat is held. */
  readonly away?: true;
  /** Reconnect rounds since their session last connected. */
  readonly round?: number;
}

type TimerKind = 'heartbeat' | 'backoff' | 'seat' | 'reconnect' | 'lobbySeat';

/** A running timer: what it does, for whom, when, and (for timers due together) which was set first. */
interface Timer {
  readonly kind: TimerKind;
  readonly who?: Remote;
  readonly due: number;
  readonly seq: number;
}

/** Our own membership, as the lobby child has it: present, or dropped by Steam with our seat held. */
type LobbyState = 'idle' | 'present' | 'waitingForSteam' | 'rejoining';

export interface SessionModel {
  readonly where: 'outside' | 'inLobby';
  readonly lobby: LobbyState;
  readonly list: 'ready' | 'listing';
  /** Remote members of the lobby, in the order their sessions started. */
  readonly peers: Readonly<Partial<Record<Remote, Member>>>;
  /** The lobby's owner as the vote-kick child was last told. */
  readonly owner?: Voter;
  /** The vote-kick child: a vote of A's against B open (its electorate), and how many A started (its vote ids). */
  readonly vote?: readonly Voter[];
  readonly votes: number;
  readonly now: number;
  readonly timers: readonly Timer[];
  readonly seq: number;
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
  | 'reconnect'
  | 'wait'
  | 'list'
  | 'listAnswered'
  | 'serversLost'
  | 'serversBack'
  | 'rejoined'
  | 'vote'
  | 'lobbyOnly'
  | 'pause';

export interface SessionModelEvent extends ModelEvent {
  readonly kind: SessionKind;
  readonly who?: Who;
  readonly events: readonly SessionEvent[];
}

const CAUSE = { left: 'member-left', disconnected: 'member-disconnected', kicked: 'member-kicked', banned: 'member-banned' } as const;

// ── timers ──────────────────────────────────────────────────────────────────────────────────────────────────

function schedule(m: SessionModel, kind: TimerKind, delay: number, who?: Remote): SessionModel {
  return { ...m, timers: [...m.timers, { kind, who, due: m.now + delay, seq: m.seq }], seq: m.seq + 1 };
}

/** Timers of `kinds` (for `who`, when given) are cancelled: they will not fire. */
function cancel(m: SessionModel, kinds: readonly TimerKind[], who?: Remote): SessionModel {
  return { ...m, timers: m.timers.filter((t) => !(kinds.includes(t.kind) && (who === undefined || t.who === who))) };
}

/**
 * The root's own timers for `who`: still set in the machine, but their token is no longer the current one, so
 * they must do nothing when they fall due; the model forgets them (a wait past their due time expects nothing).
 */
const staled = (m: SessionModel, kinds: readonly ('seat' | 'reconnect')[], who?: Remote): SessionModel => cancel(m, kinds, who);

const byDue = (a: Timer, b: Timer) => a.due - b.due || a.seq - b.seq;

function nextDue(m: SessionModel): number | undefined {
  return m.timers.length === 0 ? undefined : Math.min(...m.timers.map((t) => t.due)) - m.now;
}

// ── the alphabet ────────────────────────────────────────────────────────────────────────────────────────────

const TROUBLE: readonly TimerKind[] = ['backoff', 'seat', 'reconnect', 'lobbySeat'];
const troubles = (m: SessionModel) => m.timers.filter((t) => TROUBLE.includes(t.kind)).length;

/** What the world may send in `m`: every event, but one that would start a second trouble while one runs. */
export function sessionAlphabet(m: SessionModel): SessionModelEvent[] {
  return worldEvents(m).filter((e) => troubles(sessionStep(m, e).next) <= 1);
}

function worldEvents(m: SessionModel): SessionModelEvent[] {
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
    add(`reconnect(${who})`, 'reconnect', [{ type: 'peer.reconnect', remoteId: id(who) }], who);
  };
  const lists = () => {
    add('list', 'list', [{ type: 'lobby.list' }]);
    add('listReceived', 'listAnswered', [{ type: 'lobby.listReceived', lobbies: [LOBBY] }]);
    add('listRefused', 'listAnswered', [{ type: 'lobby.listRefused', reason: 'refused by the model backend' }]);
  };
  const wait = nextDue(m);
  if (wait !== undefined && m.where === 'inLobby') out.push({ type: `wait (${wait} ms)`, kind: 'wait', events: [], stimulus: { wait } });
  // Nothing wrong with any member's session: no trouble running, nobody away, closed or in reconnect rounds.
  const settled = troubles(m) === 0 && Object.values(m.peers).every((p) => p.away !== true && p.round === undefined && p.state !== 'closed');
  // Steam's servers go away (and our own seat is held) only while every member is connected, or outside.
  if (m.lobby !== 'present' || (settled && Object.values(m.peers).every((p) => p.state === 'connected'))) {
    add('serversLost', 'serversLost', [{ type: 'steam.serversDisconnected' }]);
  }
  add('selfKicked', 'selfKicked', [{ type: 'member.changed', memberId: SELF, change: 'kicked', changedBy: IDS.A }]);
  // Lists are nobody's business but the list child's: asked for only with no member about, so they do not multiply.
  if (m.where === 'outside' || Object.keys(m.peers).length === 0) lists();
  // A's vote against B (its start frame, as lobby chat delivers it; a new vote id each time), when both are here
  // and connected and nothing else is going on; while it is open, only what a vote hears happens.
  const calm = m.where === 'inLobby' && m.lobby === 'present' && m.list === 'ready' && troubles(m) === 0;
  if (calm && m.vote === undefined && m.peers.A?.state === 'connected' && m.peers.B?.state === 'connected') {
    add('vote(A→B)', 'vote', [{ type: 'vote.startReceived', starter: IDS.A, voteId: m.votes + 1, target: IDS.B }]);
  }
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
    // Time passing outside a lobby, so a later visit's timers start out of phase with earlier ones.
    out.push({ type: `pause (${PAUSE_MS} ms)`, kind: 'pause', events: [], stimulus: { wait: PAUSE_MS } });
    return out;
  }
  if (m.lobby !== 'present') {
    // Steam dropped us: its servers come back, it lets us back in; members and knocks wait for that.
    add('serversBack', 'serversBack', [{ type: 'steam.serversConnected' }]);
    add('rejoined', 'rejoined', [{ type: 'lobby.entered', lobbyId: LOBBY, response: 1, ownerId: SELF, members: [SELF] }]);
    add('leave', 'leave', [{ type: 'lobby.leave' }, { type: 'lobby.left' }]);
    return out;
  }
  // A list runs beside the lobby; while it waits, member events are left out so the two do not multiply.
  if (m.list === 'listing') return out;
  add('leave', 'leave', [{ type: 'lobby.leave' }, { type: 'lobby.left' }]);
  if (m.vote !== undefined) {
    // What an open vote hears: a voter leaving or dropping (the majority moves), the target leaving.
    add('memberleft(A)', 'memberGone', [{ type: 'member.changed', memberId: IDS.A, change: 'left' }], 'A');
    add('memberdisconnected(A)', 'memberGone', [{ type: 'member.changed', memberId: IDS.A, change: 'disconnected' }], 'A');
    add('memberleft(B)', 'memberGone', [{ type: 'member.changed', memberId: IDS.B, change: 'left' }], 'B');
    return out;
  }
  // What does the same wherever we are in the lobby is offered only while all is well and B is not here: lobby
  // events that leave us in the lobby, a member change about ourselves the lobby has no use for, a stranger's knocks.
  const quiet = settled && m.peers.B === undefined;
  if (quiet) {
    add('invited', 'lobbyOnly', [{ type: 'lobby.invited', lobbyId: LOBBY + 1n, from: IDS.B }]);
    add('self:entered', 'lobbyOnly', [{ type: 'member.changed', memberId: SELF, change: 'entered' }]);
    knocks('S', true);
  }
  // B (the second member) comes in only while nothing is wrong with A's session.
  for (const who of settled ? (['A', 'B'] as const) : (['A'] as const)) {
    add(`memberEntered(${who})`, 'memberEntered', [{ type: 'member.changed', memberId: id(who), change: 'entered' }], who);
  }
  for (const change of ['left', 'disconnected', 'kicked', 'banned'] as const) {
    add(`member${change}(A)`, 'memberGone', [{ type: 'member.changed', memberId: IDS.A, change, changedBy: SELF }], 'A');
  }
  add('memberleft(B)', 'memberGone', [{ type: 'member.changed', memberId: IDS.B, change: 'left' }], 'B');
  knocks('A', true);
  // B is the second member: it only needs to connect, to knock and to leave.
  knocks('B', false);
  return out;
}

// ── rows ────────────────────────────────────────────────────────────────────────────────────────────────────

type Row = (m: SessionModel, e: SessionModelEvent) => Outcome<SessionModel>;

const anyText = expect.stringMatching(/\S/) as unknown as string;
const isLive = (p: Member | undefined) => p !== undefined && p.state !== 'closed';

function withPeer(m: SessionModel, who: Remote, peer: Member | undefined, restarted = false): SessionModel {
  const peers = { ...m.peers };
  // A restarted session is a new actor: it comes last among the pool's sessions.
  if (peer === undefined || restarted) delete peers[who];
  if (peer !== undefined) peers[who] = peer;
  return { ...m, peers };
}

const remote = (e: SessionModelEvent): Remote => e.who as Remote;
const idOf = (e: SessionModelEvent): bigint => IDS[e.who!];

/** Combine two outcomes that happen in one step. */
function then(first: Outcome<SessionModel>, second: (m: SessionModel) => Outcome<SessionModel>): Outcome<SessionModel> {
  const rest = second(first.next);
  return { next: rest.next, effects: [...(first.effects ?? []), ...(rest.effects ?? [])], emits: [...(first.emits ?? []), ...(rest.emits ?? [])] };
}

/** The members the vote may count on: ourselves and every member whose seat is not merely held. */
const present = (m: SessionModel): Voter[] => ['self', ...(Object.entries(m.peers) as [Remote, Member][]).filter(([, p]) => p.away !== true).map(([w]) => w)];

/** A member change reaches the vote: a voter who goes drops out of it; its target going ends it. */
function voteHears(m: SessionModel, who: Remote): SessionModel {
  if (m.vote === undefined) return m;
  if (who === 'B') return { ...m, vote: undefined };
  return { ...m, vote: m.vote.filter((w) => w !== who) };
}

/** Leaving the lobby ends any vote. */
const voteReset = (m: SessionModel): SessionModel => (m.vote === undefined ? m : { ...m, vote: undefined });

/**
 * Every live session closes (the seed closes all P2P sessions on leave); we are outside, in no lobby, so nobody
 * owns one for us. No timer of the lobby runs on (the root's own are stale now, and do nothing when they fire).
 */
const leaveLobby: Row = (m) => {
  const closing = (Object.entries(m.peers) as [Remote, Member][]).filter(([, p]) => isLive(p));
  const reason = { code: 'closed-by-runtime', cause: 'lobby-left' };
  return {
    next: voteReset({ ...m, where: 'outside', lobby: 'idle', peers: {}, owner: undefined, timers: [] }),
    effects: closing.map(([who]): Effect => ['closeSession', { remoteId: IDS[who] }]),
    emits: closing.map(([who]) => ({ type: 'peer.closed', remoteId: IDS[who], reason })),
  };
};

const ignored =
  (code: string): Row =>
  (m, e) => ({ next: m, emits: [{ type: 'peer.ignored', remoteId: idOf(e), event: e.events[0]!.type, code }] });

const refused =
  (code: string): Row =>
  (m, e) => ({ next: m, emits: [{ type: 'session.refused', remoteId: idOf(e), code, reason: anyText }] });

/** The member's session closed: for good by the network (retries exhausted), another round follows after the backoff. */
function closed(m: SessionModel, who: Remote, reason: { readonly code: string }): Outcome<SessionModel> {
  const peer = m.peers[who]!;
  const remoteId = IDS[who];
  const closedPeer = { ...withPeer(cancel(m, ['backoff'], who), who, { ...peer, state: 'closed', attempt: peer.attempt }) };
  const report = { type: 'peer.closed', remoteId, reason };
  if (reason.code !== 'retries-exhausted') return { next: closedPeer, effects: [['closeSession', { remoteId }]], emits: [report] };
  const round = (peer.round ?? 0) + 1;
  const inMs = reconnectInMs(round);
  const scheduled = schedule(staled(closedPeer, ['reconnect'], who), 'reconnect', inMs, who);
  return {
    next: withPeer(scheduled, who, { ...scheduled.peers[who]!, round }),
    effects: [['closeSession', { remoteId }]],
    emits: [report, { type: 'peer.reconnectScheduled', remoteId, round, inMs }],
  };
}

/** The member's session attempt failed: a retry after the backoff while attempts are left and the error allows it. */
function attemptFailed(m: SessionModel, who: Remote, failure: { code: string; error?: number }): Outcome<SessionModel> {
  const peer = m.peers[who]!;
  const remoteId = IDS[who];
  const fatal = failure.error !== undefined && SESSION_ERRORS[failure.error]?.fatal === true;
  const report = { type: 'peer.attemptFailed', remoteId, attempt: peer.attempt, failure };
  if (!fatal && peer.attempt < MAX_ATTEMPTS) {
    const retrying = schedule(m, 'backoff', BACKOFF_MS, who);
    return { next: withPeer(retrying, who, { ...peer, state: 'retrying' }), emits: [{ ...report, retryInMs: BACKOFF_MS }] };
  }
  const reason = fatal ? { code: 'fatal-session-error', failure } : { code: 'retries-exhausted', attempts: peer.attempt, lastFailure: failure };
  const out = closed(m, who, reason);
  return { ...out, emits: [{ ...report, retryInMs: undefined }, ...out.emits!] };
}

/** A member's session connects (from handshaking, or from retrying, which counts the attempt): reconnect rounds end. */
function connects(m: SessionModel, who: Remote, ack: boolean): Outcome<SessionModel> {
  const peer = m.peers[who]!;
  const attempt = peer.state === 'retrying' ? peer.attempt + 1 : peer.attempt;
  const { round: _round, ...rest } = peer;
  const next = staled(cancel(m, ['backoff'], who), ['reconnect'], who);
  return {
    next: withPeer(next, who, { ...rest, state: 'connected', attempt: 1 }),
    effects: ack ? [['sendHandshakeAck', { remoteId: IDS[who] }]] : [],
    emits: [{ type: 'peer.connected', remoteId: IDS[who], attempt }],
  };
}

/** A fresh session for a member: its first handshake goes out at once. */
function started(m: SessionModel, who: Remote, restarted: boolean): Outcome<SessionModel> {
  const before = m.peers[who];
  return {
    next: withPeer(m, who, { ...before, state: 'handshaking', attempt: 1 }, restarted),
    effects: [['sendHandshake', { remoteId: IDS[who], attempt: 1 }]],
  };
}

/** A closed session started again by the game or the member: the reconnect rounds are forgotten. */
function restarted(m: SessionModel, who: Remote): Outcome<SessionModel> {
  const { round: _round, ...rest } = m.peers[who]!;
  return started(withPeer(staled(m, ['reconnect'], who), who, rest), who, true);
}

/** The member is gone for good: their session closes, their seat and reconnect rounds are forgotten. */
function dismissed(m: SessionModel, who: Remote, change: keyof typeof CAUSE, by?: bigint): Outcome<SessionModel> {
  const peer = m.peers[who]!;
  const gone = withPeer(staled(cancel(m, ['backoff'], who), ['seat', 'reconnect'], who), who, undefined);
  const report = { type: 'member.dismissed', memberId: IDS[who], change, by };
  if (!isLive(peer)) return { next: gone, emits: [report] };
  return {
    next: gone,
    effects: [['closeSession', { remoteId: IDS[who] }]],
    emits: [report, { type: 'peer.closed', remoteId: IDS[who], reason: { code: 'closed-by-runtime', cause: CAUSE[change] } }],
  };
}

/** A knock (session request or peer event) from a member with a live session, a closed one, or nobody of ours. */
function fromMember(row: (m: SessionModel, who: Remote, peer: Member, e: SessionModelEvent) => Outcome<SessionModel>, closedRow: Row): Row {
  return (m, e) => {
    const peer = e.who === 'S' ? undefined : m.peers[remote(e)];
    if (peer === undefined) return (e.kind === 'request' ? refused('not-a-member') : ignored('not-a-member'))(m, e);
    if (peer.state === 'closed') return closedRow(m, e);
    return row(m, remote(e), peer, e);
  };
}

/** The lobby told the vote its owner (whenever the lobby's owner or epoch moved). */
const ownedBy = (m: SessionModel, owner: SessionModel['owner']): SessionModel => ({ ...m, owner });

/** In the lobby: the heartbeat starts; the members it entered with are admitted, each with a first handshake. */
function entered(m: SessionModel, owner: SessionModel['owner'], members: readonly Remote[]): Outcome<SessionModel> {
  let out: Outcome<SessionModel> = { next: schedule(ownedBy({ ...m, where: 'inLobby', lobby: 'present', peers: {} }, owner), 'heartbeat', HEARTBEAT_MS) };
  for (const who of members) out = then(out, (n) => started(n, who, false));
  return out;
}

/** What a timer does when it falls due. */
function fire(m: SessionModel, timer: Timer): Outcome<SessionModel> {
  const n = { ...m, timers: m.timers.filter((t) => t !== timer) };
  const who = timer.who!;
  switch (timer.kind) {
    case 'heartbeat': {
      const remoteIds = (Object.entries(n.peers) as [Remote, Member][]).filter(([, p]) => p.state === 'connected').map(([w]) => IDS[w]);
      return {
        next: schedule(n, 'heartbeat', HEARTBEAT_MS),
        effects: [
          ['sendHeartbeats', { remoteIds, intervalMs: HEARTBEAT_MS }],
          ['checkLiveness', { remoteIds, windowMs: LIVENESS_MS }],
        ],
      };
    }
    case 'backoff': {
      const peer = n.peers[who]!;
      return {
        next: withPeer(n, who, { ...peer, state: 'handshaking', attempt: peer.attempt + 1 }),
        effects: [['sendHandshake', { remoteId: IDS[who], attempt: peer.attempt + 1 }]],
      };
    }
    case 'seat':
      // The window ran out before they came back: they are gone, as disconnected.
      return dismissed(n, who, 'disconnected');
    case 'reconnect':
      // Another round, if the session is still closed (a return may have started one already).
      return n.peers[who]?.state === 'closed' ? started(n, who, true) : { next: n };
    case 'lobbySeat':
      // Our own window ran out: the lobby gives up on getting back in, and we are out.
      return leaveLobby(n, { type: 'seat window', kind: 'wait', events: [], stimulus: { wait: 0 } });
  }
}

/** Time passes to the next due timer; every timer due then fires, in the order they were set. */
const waited: Row = (m, e) => {
  const wait = (e.stimulus as { wait: number }).wait;
  const now = m.now + wait;
  const due = m.timers.filter((t) => t.due <= now).sort(byDue);
  let out: Outcome<SessionModel> = { next: { ...m, now } };
  for (const timer of due) out = then(out, (n) => (n.timers.includes(timer) ? fire(n, timer) : { next: n }));
  return out;
};

const list: Row = (m) => (m.list === 'ready' ? { next: { ...m, list: 'listing' }, effects: [['requestLobbyList', { filters: {} }]] } : { next: m });
const listAnswered: Row = (m) => ({ next: { ...m, list: 'ready' } });

/** A's vote against B opens when both are present members and B does not own the lobby; A's start is a yes. */
const voteFrame: Row = (m) => {
  const members = present(m);
  if (m.where !== 'inLobby' || !members.includes('A') || !members.includes('B')) return { next: m };
  return { next: { ...m, vote: members.filter((w) => w !== 'B'), votes: m.votes + 1 } };
};

export const SESSION_TABLE: Readonly<Record<SessionModel['where'], Partial<Record<SessionKind, Row>>>> = {
  outside: {
    // We created the lobby: we own it, nobody else is in it yet.
    create: (m) => entered(m, 'self', []),
    // We enter with A in the lobby (A owns it): its session starts with our handshake.
    enter: (m) => entered(m, 'A', ['A']),
    request: refused('not-in-lobby'),
    handshake: ignored('not-in-lobby'),
    ack: ignored('not-in-lobby'),
    silent: ignored('not-in-lobby'),
    failed: ignored('not-in-lobby'),
    reconnect: (m, e) => ({ next: m, emits: [{ type: 'peer.reconnectRefused', remoteId: idOf(e), code: 'not-in-lobby', reason: anyText }] }),
    list,
    listAnswered,
    serversLost: (m) => ({ next: { ...m, list: 'ready' } }),
    // No timer of ours runs outside.
    pause: (m, e) => ({ next: { ...m, now: m.now + (e.stimulus as { wait: number }).wait } }),
  },
  inLobby: {
    leave: leaveLobby,
    selfKicked: leaveLobby,
    // Steam's servers went away: our seat is held (we stay in the lobby, P2P goes on) and we own nothing meanwhile.
    serversLost: (m) => {
      const list = { ...m, list: 'ready' as const };
      if (m.lobby !== 'present') return { next: { ...list, lobby: 'waitingForSteam' } };
      return { next: schedule(ownedBy({ ...list, lobby: 'waitingForSteam' }, undefined), 'lobbySeat', SEAT_MS) };
    },
    serversBack: (m) => ({ next: m.lobby === 'waitingForSteam' ? { ...m, lobby: 'rejoining' } : m }),
    // Back in: Steam names the owner (here, us).
    rejoined: (m) => ({ next: ownedBy(cancel({ ...m, lobby: 'present' }, ['lobbySeat']), 'self') }),
    wait: waited,
    list,
    listAnswered,
    vote: voteFrame,
    memberEntered: (m, e) => {
      const who = remote(e);
      const peer = m.peers[who];
      // A member whose seat we held is back: one event, and a fresh session if theirs had closed.
      if (peer?.away === true) {
        const { away: _away, ...back } = peer;
        const welcomed = withPeer(staled(m, ['seat'], who), who, back);
        const reconnected = { type: 'member.reconnected', memberId: IDS[who] };
        if (peer.state !== 'closed') return { next: welcomed, emits: [reconnected] };
        return { ...started(welcomed, who, true), emits: [reconnected] };
      }
      if (peer !== undefined) return { next: m };
      return { ...started(m, who, false), emits: [{ type: 'member.admitted', memberId: IDS[who] }] };
    },
    memberGone: (m, e) => {
      const who = remote(e);
      const peer = m.peers[who];
      if (peer === undefined) return { next: m };
      const { change, changedBy } = e.events[0] as Extract<SessionEvent, { type: 'member.changed' }>;
      // Steam dropped them: their seat and their session are kept for the window.
      if (change === 'disconnected' && peer.away !== true) {
        const held = voteHears(schedule(m, 'seat', SEAT_MS, who), who);
        return { next: withPeer(held, who, { ...peer, away: true }), emits: [{ type: 'member.away', memberId: IDS[who] }] };
      }
      const by = change === 'kicked' || change === 'banned' ? changedBy : undefined;
      const out = dismissed(m, who, change as keyof typeof CAUSE, by);
      return { ...out, next: voteHears(out.next, who) };
    },
    request: fromMember(
      (m, who) => ({ next: m, effects: [['acceptSession', { remoteId: IDS[who] }]], emits: [{ type: 'session.accepted', remoteId: IDS[who] }] }),
      // A member whose session closed knocks again: accepted, with a fresh session.
      (m, e) => {
        const out = restarted(m, remote(e));
        return { ...out, effects: [['acceptSession', { remoteId: idOf(e) }], ...out.effects!], emits: [{ type: 'session.accepted', remoteId: idOf(e) }] };
      },
    ),
    handshake: fromMember(
      (m, who, peer) => (peer.state === 'connected' ? { next: m, effects: [['sendHandshakeAck', { remoteId: IDS[who] }]] } : connects(m, who, true)),
      // The member came back after we gave up on them: a fresh session, which this handshake completes.
      (m, e) => then(restarted(m, remote(e)), (n) => connects(n, remote(e), true)),
    ),
    ack: fromMember((m, who, peer) => (peer.state === 'connected' ? { next: m } : connects(m, who, false)), ignored('session-closed')),
    silent: fromMember(
      (m, who, peer) => (peer.state === 'connected' ? attemptFailed(m, who, { code: 'liveness-timeout', reason: anyText } as never) : { next: m }),
      ignored('session-closed'),
    ),
    failed: fromMember((m, who, peer, e) => {
      if (peer.state === 'retrying') return { next: m };
      const { error } = e.events[0] as Extract<SessionEvent, { type: 'peer.sessionFailed' }>;
      return attemptFailed(m, who, sessionError(error));
    }, ignored('session-closed')),
    // The game asks for another round at once: for a closed session; a live one is already at it.
    reconnect: (m, e) => {
      const peer = e.who === 'S' ? undefined : m.peers[remote(e)];
      if (peer === undefined) return { next: m, emits: [{ type: 'peer.reconnectRefused', remoteId: idOf(e), code: 'not-a-member', reason: anyText }] };
      return peer.state === 'closed' ? restarted(m, remote(e)) : { next: m };
    },
  },
};

function sessionStep(m: SessionModel, e: SessionModelEvent): Outcome<SessionModel> {
  return SESSION_TABLE[m.where][e.kind]?.(m, e) ?? { next: m };
}

const TABLE_STATUS: Readonly<Record<PeerState, string>> = {
  handshaking: 'connecting',
  retrying: 'connecting',
  connected: 'connected',
  closed: 'closed',
};

const LOBBY_VALUE: Readonly<Record<LobbyState, unknown>> = {
  idle: 'idle',
  present: { joined: 'present' },
  waitingForSteam: { joined: { reconnecting: 'waitingForSteam' } },
  rejoining: { joined: { reconnecting: 'rejoining' } },
};

/**
 * What decides the future: everything but the clock itself, timers by how far off they are. The owner the vote
 * was told and the vote ids only show (no row of this table reads them): the view checks them on every path.
 */
function sessionKey(m: SessionModel): string {
  const peers = Object.fromEntries(
    (Object.entries(m.peers) as [Remote, Member][]).map(([w, p]) => [w, { ...p, round: p.round === undefined ? undefined : Math.min(p.round, 2) }]),
  );
  const timers = [...m.timers].sort(byDue).map((t) => [t.kind, t.who, t.due - m.now]);
  return toStableJson({ ...m, peers, now: undefined, seq: undefined, votes: undefined, owner: undefined, timers });
}

/** `n` heartbeat intervals of waiting, as labels. */
const waits = (n: number): string[] => Array.from({ length: n }, () => `wait (${HEARTBEAT_MS} ms)`);

export const sessionContract: Contract<SessionModel, SessionModelEvent> = {
  name: 'session',
  initial: { where: 'outside', lobby: 'idle', list: 'ready', peers: {}, votes: 0, now: 0, timers: [], seq: 0 },
  alphabet: sessionAlphabet,
  step: sessionStep,
  key: sessionKey,
  scenarios: [
    // The heartbeat timer re-arms itself: a second interval brings a second heartbeat.
    ['create', `wait (${HEARTBEAT_MS} ms)`, `wait (${HEARTBEAT_MS} ms)`],
    // Leaving stops the heartbeat timer: a visit started out of phase sees only its own heartbeats.
    ['create', 'leave', `pause (${PAUSE_MS} ms)`, 'create', `wait (${HEARTBEAT_MS} ms)`],
    // A member back within their seat window: the window's timer still falls due, and must do nothing.
    ['enter', 'ack(A)', 'memberdisconnected(A)', 'memberEntered(A)', ...waits(3)],
    // A reconnect round the game overtook (reconnect(A), then connected): its timer falls due, and must do nothing.
    ['enter', 'failed(A:4)', `wait (${HEARTBEAT_MS} ms)`, 'failed(A:4)', 'reconnect(A)', 'ack(A)', ...waits(5)],
  ],
  view: (m) => {
    const peers = Object.entries(m.peers) as [Remote, Member][];
    const allConnected = peers.every(([, p]) => p.state === 'connected');
    return {
      status: 'active',
      value: m.where === 'outside' ? 'outside' : { inLobby: allConnected ? 'allConnected' : 'connecting' },
      lobby: LOBBY_VALUE[m.lobby],
      list: m.list,
      members: Object.fromEntries(peers.map(([who, p]) => [who, TABLE_STATUS[p.state]])),
      sessions: Object.fromEntries(peers.filter(([, p]) => p.state !== 'closed').map(([who, p]) => [who, { value: p.state, attempt: p.attempt }])),
      away: peers.filter(([, p]) => p.away === true).map(([who]) => who).sort(),
      rounds: Object.fromEntries(peers.filter(([, p]) => p.round !== undefined).map(([who, p]) => [who, p.round])),
      vote: m.vote === undefined ? { value: 'idle' } : { value: 'open', electorate: [...m.vote].sort() },
      voteOwner: m.owner,
    };
  },
};

const WHO_OF = new Map<bigint, Who | Voter>([...Object.entries(IDS).map(([who, id]) => [id, who as Who] as const), [SELF, 'self']]);

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
      const snapshot = actor.getSnapshot() as {
        status: string;
        value: unknown;
        context: { members: Iterable<[bigint, string]>; away: Iterable<[bigint, number]>; reconnects: Iterable<[bigint, { round: number }]> };
      };
      const child = (id: string) => (actor.system.get(id) as AnyActorRef | undefined)?.getSnapshot() as
        | { status: string; value: unknown; context: Record<string, unknown> }
        | undefined;
      const who = (id: bigint) => WHO_OF.get(id) ?? String(id);
      const members: Record<string, string> = {};
      const sessions: Record<string, unknown> = {};
      for (const [id, status] of snapshot.context.members) {
        members[who(id)] = status;
        const peer = child(`peer:${id}`);
        if (peer !== undefined && peer.status === 'active') sessions[who(id)] = { value: peer.value, attempt: peer.context.attempt };
      }
      const vote = child('voteKick');
      const open = vote?.context.vote as { electorate: readonly bigint[] } | undefined;
      const owner = vote?.context.ownerId as bigint | undefined;
      return {
        status: snapshot.status,
        value: snapshot.value,
        lobby: child('lobby')?.value,
        list: child('lobbyList')?.value,
        members,
        sessions,
        away: [...snapshot.context.away].map(([id]) => who(id)).sort(),
        rounds: Object.fromEntries([...snapshot.context.reconnects].map(([id, r]) => [who(id), r.round])),
        vote: open === undefined ? { value: vote?.value } : { value: vote?.value, electorate: open.electorate.map(who).sort() },
        voteOwner: owner === undefined ? undefined : who(owner),
      };
    },
  };
}
