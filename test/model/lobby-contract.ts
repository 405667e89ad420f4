/**
 * The lobby machine's contract, written from Steam's rules (steam-facts.md), the seed tutorial's flow (create →
 * joinable + data + relay; join → enter response; leave), the README and docs/capabilities.md (invites are
 * notifications; one rule for every deliberate join; our seat held when Steam drops us, then one
 * `lifecycle.reconnected`; Steam sends a lobby's creator LobbyEnter after LobbyCreated, so a stray create's lobby
 * is left and reported once), and the machine's documented behaviour (its header and lobby.types.ts): per state, what
 * every event the runtime can send does — the next state, the effects, the events emitted. Nothing here reads the
 * machine.
 *
 * Two sets of rules are judged: the defaults (seats held, invites wait for `acceptInvite`) and the other choice of
 * each (`seatReservationMs` 0: losing Steam leaves at once; `autoAcceptInvites`: an invite joins from idle).
 *
 * Extending it: a new event goes in `lobbyAlphabet` with a kind; a new behaviour is a row in `lobbyTable` under
 * its state and kind (a missing row means "ignored: nothing changes, nothing is called or emitted"); a new state is
 * a `LobbyState` and a block of rows. test/model-machines.test.ts fails, naming the transition, while the machine
 * has one that no row of the table exercises.
 */
import { expect } from 'vitest';
import type { AnyActorRef, EventObject } from 'xstate';
import type { LobbyContext, LobbyEvent } from '../../src/machines/lobby.machine.js';
import { toStableJson } from '../../src/machines/serialize.js';
import type { Contract, Effect, ModelEvent, Outcome, Subject } from './contract.js';
import { statusAndValue } from './contract.js';

export const SELF = 76561198000000001n;
export const MATE = 76561198000000003n;
/** A friend whose invite never arrived. */
export const STRANGER = 76561198000000007n;
/** Lobbies: one we are asked to join, another to switch to, the one Steam creates for us, a stray create's. */
export const TARGET = 109775240000000001n;
export const OTHER = 109775240000000002n;
export const NEW = 109775240000000003n;
export const LATE = 109775240000000004n;
/** A lobby we never asked for and are not in. */
export const FOREIGN = 109775240000000009n;

/**
 * Distinct delays, so which timer is due is never in doubt. In the seat window (400 ms) a rejoin that times out
 * (300 ms) pauses (150 ms) once before the window ends: every timer of `reconnecting` falls due on some path.
 */
export const LOBBY_TIMING = { requestTimeoutMs: 300, leaveTimeoutMs: 200, listTimeoutMs: 100, seatReservationMs: 400, rejoinIntervalMs: 150 } as const;

/** Which of the machine's two configurable rules apply (its input's `autoAcceptInvites`, and seats on or off). */
export interface LobbyRules {
  readonly autoAcceptInvites: boolean;
  readonly holdsSeats: boolean;
}

export const DEFAULT_RULES: LobbyRules = { autoAcceptInvites: false, holdsSeats: true };
export const OTHER_RULES: LobbyRules = { autoAcceptInvites: true, holdsSeats: false };

/** Out of Steam's lobby with our seat held: waiting for Steam's servers, asking to get back in, or between tries. */
export type ReconnectingState = 'waitingForSteam' | 'rejoining' | 'pausing';

export type LobbyState = 'idle' | 'creating' | 'joining' | 'abandoningCreate' | 'abandoningJoin' | 'present' | ReconnectingState | 'leaving';

const RECONNECTING: readonly LobbyState[] = ['waitingForSteam', 'rejoining', 'pausing'];
export const isReconnecting = (s: LobbyState): s is ReconnectingState => RECONNECTING.includes(s);
/** In the lobby: present in Steam's, or dropped with our seat held. */
export const isInLobby = (s: LobbyState): boolean => s === 'present' || isReconnecting(s);

interface CreateRequest {
  readonly lobbyType: number;
  readonly maxMembers: number;
  readonly data?: Readonly<Record<string, string>>;
}

export interface Invite {
  readonly lobbyId: bigint;
  readonly from: bigint;
}

export interface LobbyModel {
  readonly state: LobbyState;
  /** What creating (or abandoningCreate) waits for. */
  readonly request?: CreateRequest;
  /** The lobby joining (or abandoningJoin) waits for. */
  readonly target?: bigint;
  /** The lobby we are in (present, reconnecting, leaving) and its owner (none while Steam has dropped us). */
  readonly lobby?: bigint;
  readonly owner?: bigint;
  /** The lobby to join once leaving is done (switching lobbies). */
  readonly next?: bigint;
  /** Members (ourselves included) when we entered. */
  readonly roster?: readonly bigint[];
  /** Grows on every entry, owner change and drop; owner commands must carry the current one. */
  readonly epoch: number;
  /** Invites that arrived and were not used up, oldest first. */
  readonly invites: readonly Invite[];
  /** While reconnecting: why Steam dropped us, and how much of the seat window has gone. */
  readonly away?: 'servers-lost' | 'disconnected';
  readonly elapsed?: number;
  /**
   * The lobby a create we no longer waited for made, left and reported already, until Steam's one LobbyEnter to
   * its creator arrives: whatever state we are in meanwhile, that enter is no second stray.
   */
  readonly stray?: bigint;
}

/** What decides which row applies: the event's type and the detail that matters. */
export type LobbyKind =
  | 'create'
  | 'create:invalid'
  | 'join'
  | 'join:current'
  | 'join:invalid'
  | 'invited'
  | 'invited:invalid'
  | 'acceptInvite'
  | 'acceptInvite:unknown'
  | 'joinRequested'
  | 'joinRequested:current'
  | 'joinRequested:invalid'
  | 'launchArgs'
  | 'launchArgs:current'
  | 'launchArgs:none'
  | 'launchArgs:invalid'
  | 'leave'
  | 'ownerCommand'
  | 'ownerCommand:stale'
  | 'created'
  | 'created:failed'
  | 'createRefused'
  | 'entered:awaited'
  | 'entered:awaited:failed'
  | 'entered:current'
  | 'entered:current:gone'
  | 'entered:current:failed'
  | 'entered:elsewhere'
  | 'entered:elsewhere:failed'
  | 'entered:stray'
  | 'entered:stray:failed'
  | 'joinRefused:awaited'
  | 'joinRefused:current'
  | 'joinRefused:elsewhere'
  | 'ownerChanged'
  | 'ownerChanged:same'
  | 'ownerChanged:elsewhere'
  | 'gone'
  | 'gone:elsewhere'
  | 'left'
  | 'self:kicked'
  | 'self:banned'
  | 'self:departed'
  | 'self:entered'
  | 'member:left'
  | 'serversLost'
  | 'serversBack'
  | 'timeout';

export interface LobbyModelEvent extends ModelEvent {
  readonly kind: LobbyKind;
  /** The one event sent (undefined for the wait of a timeout). */
  readonly event?: LobbyEvent;
}

// ── timers ──────────────────────────────────────────────────────────────────────────────────────────────────

const REQUEST_TIMED: readonly LobbyState[] = ['creating', 'joining', 'abandoningCreate', 'abandoningJoin'];

/** The timer due next in `m`: its wait, and whether it is the seat window's end. */
export function dueTimer(rules: LobbyRules, m: LobbyModel): { readonly wait: number; readonly seat: boolean } | undefined {
  if (REQUEST_TIMED.includes(m.state)) return { wait: LOBBY_TIMING.requestTimeoutMs, seat: false };
  if (m.state === 'leaving') return { wait: LOBBY_TIMING.leaveTimeoutMs, seat: false };
  if (!isReconnecting(m.state) || !rules.holdsSeats) return undefined;
  const seatLeft = LOBBY_TIMING.seatReservationMs - (m.elapsed ?? 0);
  const own = m.state === 'rejoining' ? LOBBY_TIMING.requestTimeoutMs : m.state === 'pausing' ? LOBBY_TIMING.rejoinIntervalMs : Infinity;
  return own < seatLeft ? { wait: own, seat: false } : { wait: seatLeft, seat: true };
}

// ── the alphabet ────────────────────────────────────────────────────────────────────────────────────────────

/** A lobby we could switch to from `m`: the target unless we are in it. */
function switchTo(m: LobbyModel): bigint {
  return m.lobby === TARGET ? OTHER : TARGET;
}

const ROLE_LABEL = new Map<bigint, string>([
  [TARGET, 'target'],
  [OTHER, 'other'],
  [NEW, 'new'],
]);

/** EChatRoomEnterResponse failures: every code Valve defines (2..15) and one it does not. */
export const ENTER_FAILURES = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 99] as const;

export function lobbyAlphabet(rules: LobbyRules, m: LobbyModel): LobbyModelEvent[] {
  const out: LobbyModelEvent[] = [];
  const add = (type: string, kind: LobbyKind, event: LobbyEvent) => out.push({ type, kind, event, stimulus: { send: [event as EventObject] } });
  const other = switchTo(m);
  add('create', 'create', { type: 'lobby.create', lobbyType: 2, maxMembers: 10 });
  add('create:data', 'create', { type: 'lobby.create', lobbyType: 1, maxMembers: 4, data: { name: 'model', mode: 'contract' } });
  // Steam's rules: lobby types 0..3, 1..250 members, data keys of 1..255 characters without NUL.
  add('create:type 4', 'create:invalid', { type: 'lobby.create', lobbyType: 4 as 2, maxMembers: 4 });
  add('create:251 members', 'create:invalid', { type: 'lobby.create', lobbyType: 2, maxMembers: 251 });
  add('create:NUL key', 'create:invalid', { type: 'lobby.create', lobbyType: 2, maxMembers: 4, data: { 'na\0me': 'x' } });
  add('join', 'join', { type: 'lobby.join', lobbyId: other });
  add('join:0', 'join:invalid', { type: 'lobby.join', lobbyId: 0n });
  // One invite pending at a time is enough to see what invites do; more would multiply the states, not the rows.
  if (m.invites.length === 0) add('invited', 'invited', { type: 'lobby.invited', lobbyId: other, from: MATE });
  add('invited:-1', 'invited:invalid', { type: 'lobby.invited', lobbyId: -1n, from: MATE });
  for (const invite of m.invites) {
    add(`accept:${ROLE_LABEL.get(invite.lobbyId)}`, 'acceptInvite', { type: 'lobby.acceptInvite', lobbyId: invite.lobbyId, from: invite.from });
  }
  // An invite to a lobby that did arrive, but from someone else: not the invite that arrived.
  add('accept:not invited', 'acceptInvite:unknown', { type: 'lobby.acceptInvite', lobbyId: other, from: STRANGER });
  add('joinRequested', 'joinRequested', { type: 'lobby.joinRequested', lobbyId: other, friendId: MATE });
  add('joinRequested:0', 'joinRequested:invalid', { type: 'lobby.joinRequested', lobbyId: 0n, friendId: MATE });
  add('launchArgs', 'launchArgs', { type: 'lobby.launchArgs', argv: ['-novid', '+connect_lobby', String(other)] });
  add('launchArgs:none', 'launchArgs:none', { type: 'lobby.launchArgs', argv: ['-novid'] });
  add('launchArgs:garbage', 'launchArgs:invalid', { type: 'lobby.launchArgs', argv: ['+connect_lobby', 'nonsense'] });
  if (m.lobby !== undefined) {
    add('join:current', 'join:current', { type: 'lobby.join', lobbyId: m.lobby });
    add('joinRequested:current', 'joinRequested:current', { type: 'lobby.joinRequested', lobbyId: m.lobby, friendId: MATE });
    add('launchArgs:current', 'launchArgs:current', { type: 'lobby.launchArgs', argv: ['+connect_lobby', String(m.lobby)] });
  }
  add('leave', 'leave', { type: 'lobby.leave' });
  for (const [epoch, kind] of [[m.epoch, 'ownerCommand'], [m.epoch - 1, 'ownerCommand:stale']] as const) {
    const when = kind === 'ownerCommand' ? 'current' : 'stale';
    add(`kick@${when}`, kind, { type: 'lobby.kick', memberId: MATE, epoch });
    add(`ban@${when}`, kind, { type: 'lobby.ban', memberId: MATE, epoch });
    add(`start@${when}`, kind, { type: 'lobby.start', epoch });
  }
  // Steam answers a create with the lobby it made: NEW for the create we wait for; in any other state (the create
  // cancelled, or answered after its timeout) LATE, a stray. Steam never makes a lobby twice: the two stay apart.
  const created = m.state === 'creating' ? NEW : LATE;
  add('created:ok', 'created', { type: 'lobby.created', result: 1, lobbyId: created });
  add('created:fail', 'created:failed', { type: 'lobby.created', result: 2, lobbyId: 0n });
  add('created:ok but lobby 0', 'created:failed', { type: 'lobby.created', result: 1, lobbyId: 0n });
  // A failure is a failure whatever lobby id comes with it.
  add('created:timeout with an id', 'created:failed', { type: 'lobby.created', result: 16, lobbyId: LATE });
  add('createRefused', 'createRefused', { type: 'lobby.createRefused', reason: 'refused by the model backend' });
  if (m.target !== undefined) {
    add('entered:awaited', 'entered:awaited', {
      type: 'lobby.entered',
      lobbyId: m.target,
      response: 1,
      ownerId: MATE,
      // The members Steam listed; the runtime may read them before we appear among them.
      members: [MATE],
    });
    for (const response of ENTER_FAILURES) {
      add(`entered:awaited:${response}`, 'entered:awaited:failed', { type: 'lobby.entered', lobbyId: m.target, response });
    }
    add('joinRefused:awaited', 'joinRefused:awaited', { type: 'lobby.joinRefused', lobbyId: m.target, reason: 'refused by the model backend' });
  }
  if (m.lobby !== undefined) {
    // Steam lets us (back) into the lobby we are in: it names the owner and the members now.
    add('entered:current', 'entered:current', { type: 'lobby.entered', lobbyId: m.lobby, response: 1, ownerId: MATE, members: [MATE, SELF] });
    add('entered:current:2', 'entered:current:gone', { type: 'lobby.entered', lobbyId: m.lobby, response: 2 });
    add('entered:current:4', 'entered:current:failed', { type: 'lobby.entered', lobbyId: m.lobby, response: 4 });
    add('joinRefused:current', 'joinRefused:current', { type: 'lobby.joinRefused', lobbyId: m.lobby, reason: 'refused by the model backend' });
  }
  add('entered:elsewhere', 'entered:elsewhere', { type: 'lobby.entered', lobbyId: FOREIGN, response: 1 });
  if (m.stray !== undefined) {
    // The LobbyEnter Steam sends the creator of the stray lobby we left (it follows LobbyCreated), and a refusal.
    add('entered:stray', 'entered:stray', { type: 'lobby.entered', lobbyId: m.stray, response: 1 });
    add('entered:stray:4', 'entered:stray:failed', { type: 'lobby.entered', lobbyId: m.stray, response: 4 });
  }
  add('entered:elsewhere:4', 'entered:elsewhere:failed', { type: 'lobby.entered', lobbyId: FOREIGN, response: 4 });
  add('joinRefused:elsewhere', 'joinRefused:elsewhere', { type: 'lobby.joinRefused', lobbyId: FOREIGN, reason: 'x' });
  if (m.lobby !== undefined) {
    const current = m.lobby;
    const newOwner = m.owner === MATE ? SELF : MATE;
    add(`ownerChanged:${newOwner === SELF ? 'self' : 'mate'}`, 'ownerChanged', { type: 'lobby.ownerChanged', lobbyId: current, ownerId: newOwner });
    if (m.owner !== undefined) add('ownerChanged:same', 'ownerChanged:same', { type: 'lobby.ownerChanged', lobbyId: current, ownerId: m.owner });
    add('gone', 'gone', { type: 'lobby.gone', lobbyId: current });
  }
  add('ownerChanged:elsewhere', 'ownerChanged:elsewhere', { type: 'lobby.ownerChanged', lobbyId: FOREIGN, ownerId: MATE });
  add('gone:elsewhere', 'gone:elsewhere', { type: 'lobby.gone', lobbyId: FOREIGN });
  add('left', 'left', { type: 'lobby.left' });
  add('self:kicked', 'self:kicked', { type: 'member.changed', memberId: SELF, change: 'kicked', changedBy: MATE });
  add('self:banned', 'self:banned', { type: 'member.changed', memberId: SELF, change: 'banned', changedBy: MATE });
  add('self:left', 'self:departed', { type: 'member.changed', memberId: SELF, change: 'left' });
  add('self:disconnected', 'self:departed', { type: 'member.changed', memberId: SELF, change: 'disconnected' });
  add('self:entered', 'self:entered', { type: 'member.changed', memberId: SELF, change: 'entered' });
  add('mate:left', 'member:left', { type: 'member.changed', memberId: MATE, change: 'left' });
  add('serversLost', 'serversLost', { type: 'steam.serversDisconnected' });
  add('serversBack', 'serversBack', { type: 'steam.serversConnected' });
  const due = dueTimer(rules, m);
  if (due !== undefined) out.push({ type: `timeout (${due.wait} ms)`, kind: 'timeout', stimulus: { wait: due.wait } });
  return out;
}

// ── what the machine reports ────────────────────────────────────────────────────────────────────────────────

const anyText = expect.stringMatching(/\S/) as unknown as string;

/** Steam's EChatRoomEnterResponse names, and the seed tutorial's text for 2..11. */
export const ENTER_FAILURE: Readonly<Record<number, { readonly key: string; readonly text?: string }>> = {
  2: { key: 'doesnt-exist', text: 'This lobby no longer exists.' },
  3: { key: 'not-allowed', text: "You don't have permission to join this lobby." },
  4: { key: 'full', text: 'The lobby is now full.' },
  5: { key: 'error', text: 'Uh... something unexpected happened!' },
  6: { key: 'banned', text: 'You are banned from this lobby.' },
  7: { key: 'limited', text: 'You cannot join due to having a limited account.' },
  8: { key: 'clan-disabled', text: 'This lobby is locked or disabled.' },
  9: { key: 'community-ban', text: 'This lobby is community locked.' },
  10: { key: 'member-blocked-you', text: 'A user in the lobby has blocked you from joining.' },
  11: { key: 'you-blocked-member', text: 'A user you have blocked is in the lobby.' },
  12: { key: 'no-ranking-data-lobby' },
  13: { key: 'no-ranking-data-user' },
  14: { key: 'rank-out-of-range' },
  15: { key: 'rate-limit-exceeded' },
};

function enterFailed(lobbyId: bigint, response: number) {
  const known = ENTER_FAILURE[response];
  const text = known?.text ?? anyText;
  return {
    type: 'lifecycle.joinFailed',
    failure: { code: 'enter-response', lobbyId, failure: { response, key: known?.key ?? 'unknown', reason: text }, reason: text },
  };
}

const sent = (e: LobbyModelEvent): LobbyEvent => {
  if (e.event === undefined) throw new Error(`${e.type} sends no event`);
  return e.event;
};

function rejected(e: LobbyModelEvent, code: string) {
  return { type: 'lifecycle.rejected', command: sent(e).type, code, reason: anyText };
}

// ── rows ────────────────────────────────────────────────────────────────────────────────────────────────────

type Row = (m: LobbyModel, e: LobbyModelEvent) => Outcome<LobbyModel>;

const idle = (m: LobbyModel): LobbyModel => ({ state: 'idle', epoch: m.epoch, invites: m.invites, stray: m.stray });

/** Joining a lobby uses up every invite to it, whoever sent it. */
const withoutInvitesTo = (invites: readonly Invite[], lobbyId: bigint): readonly Invite[] => invites.filter((i) => i.lobbyId !== lobbyId);

const refuse =
  (code: string): Row =>
  (m, e) => ({ next: m, emits: [rejected(e, code)] });

/** The lobby a request event names. */
function named(e: LobbyModelEvent): bigint {
  const event = sent(e);
  if (event.type === 'lobby.launchArgs') return BigInt(event.argv[event.argv.indexOf('+connect_lobby') + 1]!);
  if ('lobbyId' in event) return event.lobbyId;
  throw new Error(`${e.type} names no lobby`);
}

/** A successful result we no longer want (or never asked for): left at once, and said so. */
const leaveStray: Row = (m, e) => {
  const lobbyId = named(e);
  return { next: m, effects: [['leaveStrayLobby', { lobbyId }]], emits: [{ type: 'lifecycle.strayLeft', lobbyId }] };
};

/** A lobby a create we no longer wait for made: left and reported as any stray, and remembered as this one. */
const leaveStrayCreated: Row = (m, e) => {
  const left = leaveStray(m, e);
  return { ...left, next: { ...left.next, stray: named(e) } };
};

/** Steam's LobbyEnter to the creator of the stray lobby we left: said and done already; only the memory goes. */
const strayEntered: Row = (m) => ({ next: { ...m, stray: undefined } });

/** An invite is a notification: recorded (a repeat moves to the end) and shown to the game. */
const noteInvite: Row = (m, e) => {
  const { lobbyId, from } = sent(e) as Extract<LobbyEvent, { type: 'lobby.invited' }>;
  const invites = [...m.invites.filter((i) => i.lobbyId !== lobbyId || i.from !== from), { lobbyId, from }];
  return { next: { ...m, invites }, emits: [{ type: 'lifecycle.inviteReceived', lobbyId, from }] };
};

const startJoining: Row = (m, e) => {
  const target = named(e);
  return {
    next: { state: 'joining', target, epoch: m.epoch, invites: withoutInvitesTo(m.invites, target), stray: m.stray },
    effects: [['joinLobby', { lobbyId: target }]],
  };
};

const createFailed =
  (failure: (e: LobbyModelEvent) => object): Row =>
  (m, e) => ({ next: idle(m), emits: [{ type: 'lifecycle.createFailed', failure: failure(e) }] });

const joinFailed =
  (failure: (m: LobbyModel, e: LobbyModelEvent) => object): Row =>
  (m, e) => ({ next: idle(m), emits: [{ type: 'lifecycle.joinFailed', failure: failure(m, e) }] });

const toIdle: Row = (m) => ({ next: idle(m) });

/** Out of the lobby we are in: leave it on Steam's side too (Steam may still count us in), and say why. */
const thrownOut =
  (reason: (e: LobbyModelEvent) => object): Row =>
  (m, e) => ({
    next: idle(m),
    effects: [['leaveLobby', { lobbyId: m.lobby }]],
    emits: [{ type: 'lifecycle.left', lobbyId: m.lobby, reason: reason(e) }],
  });

/** Leaving is done: report it, then join the lobby we switch to, if any. */
const leftLobby: Row = (m) => {
  const reason = m.next === undefined ? { code: 'user', reason: anyText } : { code: 'switching', reason: anyText, nextLobbyId: m.next };
  const emits = [{ type: 'lifecycle.left', lobbyId: m.lobby, reason }];
  if (m.next === undefined) return { next: idle(m), emits };
  const next: LobbyModel = { state: 'joining', target: m.next, epoch: m.epoch, invites: m.invites, stray: m.stray };
  return { next, effects: [['joinLobby', { lobbyId: m.next }]], emits };
};

/** Leave the lobby we are in (for the user, or to join `next` after it: the one join rule). */
const startLeaving =
  (next: (e: LobbyModelEvent) => bigint | undefined): Row =>
  (m, e) => {
    const then = next(e);
    return {
      next: {
        state: 'leaving',
        lobby: m.lobby,
        owner: m.owner,
        next: then,
        epoch: m.epoch,
        roster: m.roster,
        invites: then === undefined ? m.invites : withoutInvitesTo(m.invites, then),
        stray: m.stray,
      },
      effects: [['leaveLobby', { lobbyId: m.lobby }]],
    };
  };

/** A deliberate join while in a lobby: another lobby is switched to; the one we are in changes nothing. */
const switchLobby: Row = (m, e) => (named(e) === m.lobby ? { next: m } : startLeaving(named)(m, e));

/** Kick, ban or start from the owner, under the current epoch. */
const ownerCommand: Row = (m, e) => {
  const event = sent(e);
  if (m.owner !== SELF) return refuse('not-owner')(m, e);
  const effect: Effect =
    event.type === 'lobby.start'
      ? ['start', { lobbyId: m.lobby }]
      : [event.type === 'lobby.kick' ? 'kick' : 'ban', { lobbyId: m.lobby, memberId: MATE }];
  return { next: m, effects: [effect] };
};

/** The members a LobbyEnter named (read by the runtime, possibly before we appear in it), ourselves always among them. */
const listedMembers = (e: LobbyModelEvent): readonly bigint[] => {
  const { members } = sent(e) as Extract<LobbyEvent, { type: 'lobby.entered' }>;
  return members === undefined ? [SELF] : members.includes(SELF) ? members : [SELF, ...members];
};

/** In Steam's lobby again: a new epoch, the owner and members Steam named, and one `lifecycle.reconnected`. */
const reconnected: Row = (m, e) => {
  const { ownerId } = sent(e) as Extract<LobbyEvent, { type: 'lobby.entered' }>;
  const epoch = m.epoch + 1;
  const roster = listedMembers(e);
  return {
    next: { state: 'present', lobby: m.lobby, owner: ownerId, epoch, roster, invites: m.invites, stray: m.stray },
    emits: [{ type: 'lifecycle.reconnected', lobbyId: m.lobby, role: ownerId === SELF ? 'owner' : 'member', ownerId, epoch, members: roster }],
  };
};

/** Back to `state` of reconnecting with `elapsed` of the seat window gone; a rejoin asks Steam again. */
const reconnectingIn = (m: LobbyModel, state: ReconnectingState, elapsed: number): Outcome<LobbyModel> => ({
  next: { ...m, state, elapsed },
  effects: state === 'rejoining' ? [['joinLobby', { lobbyId: m.lobby }]] : [],
});

/**
 * Steam dropped us (`cause`): with seats held we own nothing while out (a new epoch), say we are reconnecting,
 * and wait for Steam's servers or ask to get back in; without them it is a leave.
 */
const droppedOut =
  (rules: LobbyRules, cause: 'servers-lost' | 'disconnected'): Row =>
  (m, e) => {
    if (!rules.holdsSeats) return thrownOut(() => ({ code: cause, reason: anyText }))(m, e);
    const epoch = m.epoch + 1;
    const away: LobbyModel = { ...m, owner: undefined, epoch, away: cause };
    const out = reconnectingIn(away, cause === 'servers-lost' ? 'waitingForSteam' : 'rejoining', 0);
    return { ...out, emits: [{ type: 'lifecycle.reconnecting', lobbyId: m.lobby, cause, epoch }] };
  };

/** While a create, join or leave is in flight, new lobby requests are refused, not doubled; invites are noted. */
const BUSY: Partial<Record<LobbyKind, Row>> = {
  create: refuse('busy'),
  'create:invalid': refuse('busy'),
  join: refuse('busy'),
  'join:invalid': refuse('busy'),
  invited: noteInvite,
  acceptInvite: refuse('busy'),
  'acceptInvite:unknown': refuse('busy'),
  joinRequested: refuse('busy'),
  'joinRequested:current': refuse('busy'),
  'joinRequested:invalid': refuse('busy'),
  launchArgs: refuse('busy'),
  'launchArgs:current': refuse('busy'),
  'launchArgs:none': refuse('busy'),
  'launchArgs:invalid': refuse('busy'),
  'join:current': refuse('busy'),
  ownerCommand: refuse('not-in-lobby'),
  'ownerCommand:stale': refuse('not-in-lobby'),
};

/** In the lobby, present or not: the one join rule, invites, leaving, and being thrown out. */
const IN_LOBBY: Partial<Record<LobbyKind, Row>> = {
  leave: startLeaving(() => undefined),
  // The player picked another lobby (here, in Steam's UI, or the launcher did): leave this one, then join it.
  join: switchLobby,
  'join:current': switchLobby,
  joinRequested: switchLobby,
  'joinRequested:current': switchLobby,
  launchArgs: switchLobby,
  'launchArgs:current': switchLobby,
  // A join that names no lobby is refused as in idle; launch arguments without `+connect_lobby` ask for none.
  'join:invalid': refuse('invalid-lobby-id'),
  'joinRequested:invalid': refuse('invalid-lobby-id'),
  'launchArgs:invalid': refuse('invalid-lobby-id'),
  invited: noteInvite,
  // An accepted invite is a deliberate join; to the lobby we are in, it is only used up.
  acceptInvite: (m, e) => (named(e) === m.lobby ? { next: { ...m, invites: withoutInvitesTo(m.invites, m.lobby) } } : switchLobby(m, e)),
  'acceptInvite:unknown': refuse('no-such-invite'),
  create: refuse('already-in-lobby'),
  'create:invalid': refuse('already-in-lobby'),
  // The reason says which it was: a game shows it as is.
  'self:banned': thrownOut(() => ({ code: 'banned', reason: expect.stringMatching(/banned/), by: MATE })),
  'self:kicked': thrownOut(() => ({ code: 'kicked', reason: expect.stringMatching(/kicked/), by: MATE })),
  gone: thrownOut(() => ({ code: 'lobby-gone', reason: anyText })),
  // A lobby we did not ask for, or a create answered late: left at once (and a stray create's own enter absorbed).
  'entered:elsewhere': leaveStray,
  created: leaveStrayCreated,
  'entered:stray': strayEntered,
};

/** Rows per state, for a set of rules; a kind without a row is ignored in that state. */
export function lobbyTable(rules: LobbyRules): Readonly<Record<LobbyState, Partial<Record<LobbyKind, Row>>>> {
  const reconnecting = (state: ReconnectingState): Partial<Record<LobbyKind, Row>> => ({
    ...IN_LOBBY,
    // Nobody owns the lobby for us while we are out of it: owner commands wait.
    ownerCommand: refuse('reconnecting'),
    'ownerCommand:stale': refuse('reconnecting'),
    // Steam let us back in (whatever we were doing): one event instead of a leave and a join.
    'entered:current': reconnected,
    // Steam's servers went away again: wait for them; the seat window runs on.
    serversLost: (m) => reconnectingIn(m, 'waitingForSteam', m.elapsed ?? 0),
    timeout: (m) => {
      const due = dueTimer(rules, m)!;
      if (due.seat) return thrownOut(() => ({ code: 'reconnect-failed', reason: anyText }))(m, { type: 'timeout', kind: 'timeout', stimulus: { wait: 0 } });
      return reconnectingIn(m, m.state === 'rejoining' ? 'pausing' : 'rejoining', (m.elapsed ?? 0) + due.wait);
    },
    ...(state === 'waitingForSteam' ? { serversBack: (m: LobbyModel) => reconnectingIn(m, 'rejoining', m.elapsed ?? 0) } : {}),
    ...(state === 'rejoining'
      ? {
          // The lobby is gone: there is nothing to get back into.
          'entered:current:gone': thrownOut(() => ({ code: 'lobby-gone', reason: anyText })),
          // Refused this time (full, say): try again after the pause.
          'entered:current:failed': (m: LobbyModel) => reconnectingIn(m, 'pausing', m.elapsed ?? 0),
          'joinRefused:current': (m: LobbyModel) => reconnectingIn(m, 'pausing', m.elapsed ?? 0),
        }
      : {}),
  });
  return {
    idle: {
      create: (m, e) => {
        const { lobbyType, maxMembers, data } = sent(e) as Extract<LobbyEvent, { type: 'lobby.create' }>;
        const request: CreateRequest = data === undefined ? { lobbyType, maxMembers } : { lobbyType, maxMembers, data };
        const next: LobbyModel = { state: 'creating', request, epoch: m.epoch, invites: m.invites, stray: m.stray };
        return { next, effects: [['createLobby', { lobbyType, maxMembers }]] };
      },
      'create:invalid': refuse('invalid-request'),
      join: startJoining,
      'join:invalid': refuse('invalid-lobby-id'),
      // An invite is shown; it is joined when accepted, or at once from idle when the game auto-accepts invites.
      invited: (m, e) => {
        const noted = noteInvite(m, e);
        return rules.autoAcceptInvites ? { ...startJoining(noted.next, e), emits: noted.emits } : noted;
      },
      acceptInvite: startJoining,
      'acceptInvite:unknown': refuse('no-such-invite'),
      joinRequested: startJoining,
      'joinRequested:invalid': refuse('invalid-lobby-id'),
      launchArgs: startJoining,
      'launchArgs:invalid': refuse('invalid-lobby-id'),
      leave: refuse('not-in-lobby'),
      ownerCommand: refuse('not-in-lobby'),
      'ownerCommand:stale': refuse('not-in-lobby'),
      // A result nobody waits for any more (its request timed out): never keep a lobby we did not ask for.
      created: leaveStrayCreated,
      'entered:elsewhere': leaveStray,
      'entered:stray': strayEntered,
    },
    creating: {
      ...BUSY,
      created: (m, e) => {
        const lobbyId = named(e);
        const data = m.request?.data;
        const effects: Effect[] = [['setLobbyJoinable', { lobbyId }], ['allowRelay', undefined]];
        if (data !== undefined && Object.keys(data).length > 0) effects.push(['setLobbyData', { lobbyId, data }]);
        const epoch = m.epoch + 1;
        return {
          next: { state: 'present', lobby: lobbyId, owner: SELF, epoch, roster: [SELF], invites: m.invites, stray: m.stray },
          effects,
          // A lobby Steam just made for us has us alone in it: the game is told the members the peers start from.
          emits: [{ type: 'lifecycle.entered', lobbyId, role: 'owner', ownerId: SELF, epoch, members: [SELF] }],
        };
      },
      'created:failed': createFailed((e) => {
        const event = sent(e) as Extract<LobbyEvent, { type: 'lobby.created' }>;
        return { code: 'create-failed', result: event.result, reason: anyText };
      }),
      createRefused: createFailed(() => ({ code: 'backend-refused', reason: 'refused by the model backend' })),
      'entered:elsewhere': leaveStray,
      'entered:stray': strayEntered,
      leave: (m) => ({ next: { ...m, state: 'abandoningCreate' }, emits: [{ type: 'lifecycle.cancelled', what: 'create' }] }),
      serversLost: createFailed(() => ({ code: 'servers-lost', reason: anyText })),
      timeout: createFailed(() => ({ code: 'timeout', reason: anyText })),
    },
    joining: {
      ...BUSY,
      // The members Steam listed are the roster the peers start from and the list the game is told: one list.
      'entered:awaited': (m, e) => {
        const epoch = m.epoch + 1;
        const roster = listedMembers(e);
        return {
          next: { state: 'present', lobby: m.target, owner: MATE, epoch, roster, invites: m.invites, stray: m.stray },
          emits: [{ type: 'lifecycle.entered', lobbyId: m.target, role: 'member', ownerId: MATE, epoch, members: roster }],
        };
      },
      'entered:awaited:failed': (m, e) => {
        const event = sent(e) as Extract<LobbyEvent, { type: 'lobby.entered' }>;
        return { next: idle(m), emits: [enterFailed(m.target!, event.response)] };
      },
      'entered:elsewhere': leaveStray,
      'entered:stray': strayEntered,
      'joinRefused:awaited': joinFailed((m) => ({ code: 'backend-refused', lobbyId: m.target, reason: 'refused by the model backend' })),
      created: leaveStrayCreated,
      leave: (m) => ({ next: { ...m, state: 'abandoningJoin' }, emits: [{ type: 'lifecycle.cancelled', what: 'join', lobbyId: m.target }] }),
      serversLost: joinFailed((m) => ({ code: 'servers-lost', lobbyId: m.target, reason: anyText })),
      timeout: joinFailed((m) => ({ code: 'timeout', lobbyId: m.target, reason: anyText })),
    },
    abandoningCreate: {
      ...BUSY,
      // The answer to the create we cancelled: leave what it made, and we are done.
      created: (m, e) => ({ ...leaveStrayCreated(m, e), next: { ...idle(m), stray: named(e) } }),
      'created:failed': toIdle,
      createRefused: toIdle,
      'entered:elsewhere': leaveStray,
      'entered:stray': strayEntered,
      serversLost: toIdle,
      timeout: toIdle,
    },
    abandoningJoin: {
      ...BUSY,
      'entered:awaited': (m, e) => ({ ...leaveStray(m, e), next: idle(m) }),
      'entered:awaited:failed': toIdle,
      'entered:elsewhere': leaveStray,
      'entered:stray': strayEntered,
      'joinRefused:awaited': toIdle,
      created: leaveStrayCreated,
      serversLost: toIdle,
      timeout: toIdle,
    },
    present: {
      ...IN_LOBBY,
      ownerCommand,
      'ownerCommand:stale': refuse('stale-epoch'),
      ownerChanged: (m, e) => {
        const { ownerId } = sent(e) as Extract<LobbyEvent, { type: 'lobby.ownerChanged' }>;
        const epoch = m.epoch + 1;
        return {
          next: { ...m, owner: ownerId, epoch },
          emits: [{ type: 'lifecycle.ownerChanged', lobbyId: m.lobby, ownerId, epoch, isSelf: ownerId === SELF }],
        };
      },
      // Steam dropped us from its lobby, or its servers went away.
      'self:departed': droppedOut(rules, 'disconnected'),
      serversLost: droppedOut(rules, 'servers-lost'),
    },
    waitingForSteam: reconnecting('waitingForSteam'),
    rejoining: reconnecting('rejoining'),
    pausing: reconnecting('pausing'),
    leaving: {
      ...BUSY,
      left: leftLobby,
      timeout: leftLobby,
      // Steam is gone: so is the lobby, and with it any switch we meant to make (the leave is reported as asked).
      serversLost: (m, e) => ({ ...leftLobby(m, e), next: idle(m), effects: [] }),
      'entered:elsewhere': leaveStray,
      'entered:stray': strayEntered,
      created: leaveStrayCreated,
    },
  };
}

/** The machine's state value for a model state. */
export function lobbyValue(state: LobbyState): unknown {
  if (state === 'present') return { joined: 'present' };
  if (isReconnecting(state)) return { joined: { reconnecting: state } };
  return state;
}

/**
 * What decides a state's future: lobbies by the part they play (every lobby behaves alike; which one is named is
 * the view's business), the owner as us or someone else, invites by the lobby they name, and the seat window's
 * clock. The roster, the epoch and why we are reconnecting only show: the view checks them on every path.
 */
function lobbyKey(m: LobbyModel): string {
  const part = (id: bigint | undefined) =>
    id === undefined ? undefined : id === m.lobby ? 'current' : id === m.target ? 'target' : id === m.next ? 'next' : 'other';
  return toStableJson({
    state: m.state,
    request: m.request,
    target: part(m.target),
    lobby: part(m.lobby),
    next: part(m.next),
    owner: m.state === 'present' ? (m.owner === SELF ? 'self' : 'mate') : undefined,
    invites: m.invites.map((i) => part(i.lobbyId)),
    elapsed: m.elapsed,
    // Which lobby it is never matters (Steam makes none twice), only that its creator's enter is still to come.
    stray: m.stray !== undefined,
  });
}

export function makeLobbyContract(rules: LobbyRules): Contract<LobbyModel, LobbyModelEvent> {
  const table = lobbyTable(rules);
  const name = rules === DEFAULT_RULES ? 'lobby' : `lobby (${rules.autoAcceptInvites ? 'invites auto-accepted' : 'invites wait'}, ${rules.holdsSeats ? 'seats held' : 'no seats'})`;
  return {
    name,
    initial: { state: 'idle', epoch: 0, invites: [] },
    alphabet: (m) => lobbyAlphabet(rules, m),
    step: (m, e) => table[m.state][e.kind]?.(m, e) ?? { next: m },
    key: lobbyKey,
    // The documented context: the lobby we are in, the one a join waits for, the owner, the epoch, the pending
    // invites, while reconnecting why, and the stray create's lobby whose LobbyEnter is still to come.
    view: (m) => ({
      status: 'active',
      value: lobbyValue(m.state),
      lobbyId: m.lobby,
      targetLobbyId: m.state === 'joining' || m.state === 'abandoningJoin' ? m.target : 'n/a',
      ownerId: m.owner,
      epoch: m.epoch,
      roster: m.roster ?? [],
      invites: m.invites,
      awayCause: isReconnecting(m.state) ? m.away : 'n/a',
      strayLobbyId: m.stray,
      ...(m.state === 'leaving' ? { nextLobbyId: m.next, leaving: m.next === undefined ? 'user' : 'switching' } : {}),
    }),
    scenarios: rules.holdsSeats
      ? [
          // The seat window of an earlier drop does not outlive it: a second drop gets a whole window.
          ['create', 'created:ok', 'serversLost', 'serversBack', 'timeout (300 ms)', 'entered:current', 'serversLost', 'timeout (400 ms)'],
        ]
      : [],
  };
}

export const lobbyContract = makeLobbyContract(DEFAULT_RULES);

export function lobbySubject(machine: Subject['machine'], rules: LobbyRules = DEFAULT_RULES): Subject {
  return {
    machine,
    input: (effects) => ({
      selfId: SELF,
      timing: { ...LOBBY_TIMING, seatReservationMs: rules.holdsSeats ? LOBBY_TIMING.seatReservationMs : 0 },
      autoAcceptInvites: rules.autoAcceptInvites,
      effects,
    }),
    effects: [
      'createLobby',
      'joinLobby',
      'leaveLobby',
      'leaveStrayLobby',
      'setLobbyJoinable',
      'setLobbyData',
      'allowRelay',
      'kick',
      'ban',
      'start',
    ],
    observe: observeLobby,
  };
}

/** The lobby actor's state in the shape of the contract's `view`. */
export function observeLobby(actor: AnyActorRef): unknown {
  const { status, value } = statusAndValue(actor);
  const snapshot = actor.getSnapshot() as { context: LobbyContext; matches(v: unknown): boolean };
  const context = snapshot.context;
  const reconnecting = typeof value === 'object' && snapshot.matches({ joined: 'reconnecting' });
  return {
    status,
    value,
    lobbyId: context.lobbyId,
    targetLobbyId: value === 'joining' || value === 'abandoningJoin' ? context.targetLobbyId : 'n/a',
    ownerId: context.ownerId,
    epoch: context.epoch,
    roster: context.roster,
    invites: context.invites,
    awayCause: reconnecting ? context.awayCause : 'n/a',
    strayLobbyId: context.strayLobbyId,
    ...(value === 'leaving' ? { nextLobbyId: context.nextJoin?.lobbyId, leaving: context.leaveReason?.code } : {}),
  };
}
