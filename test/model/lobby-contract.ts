/**
 * The lobby machine's contract, written from Steam's rules (steam-facts.md), the seed tutorial's flow (create →
 * joinable + data + relay; join → enter response; leave), and the machine's documented behaviour (its header and
 * lobby.types.ts): per state, what every event the runtime can send does — the next state, the effects, the
 * events emitted. Nothing here reads the machine.
 *
 * Extending it: a new event goes in `lobbyAlphabet` with a kind; a new behaviour is a row in `LOBBY_TABLE` under
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
/** Lobbies: one we are asked to join, another to switch to, the one Steam creates for us, a late stray create. */
export const TARGET = 109775240000000001n;
export const OTHER = 109775240000000002n;
export const NEW = 109775240000000003n;
export const LATE = 109775240000000004n;
/** A lobby we never asked for and are not in. */
export const FOREIGN = 109775240000000009n;

/** Distinct delays, so which timer is due is never in doubt. */
export const LOBBY_TIMING = { requestTimeoutMs: 300, leaveTimeoutMs: 200, listTimeoutMs: 100 } as const;

export type LobbyState = 'idle' | 'creating' | 'joining' | 'abandoningCreate' | 'abandoningJoin' | 'joined' | 'leaving';

interface CreateRequest {
  readonly lobbyType: number;
  readonly maxMembers: number;
  readonly data?: Readonly<Record<string, string>>;
}

export interface LobbyModel {
  readonly state: LobbyState;
  /** What creating (or abandoningCreate) waits for. */
  readonly request?: CreateRequest;
  /** The lobby joining (or abandoningJoin) waits for. */
  readonly target?: bigint;
  /** The lobby we are in (joined, leaving) and its owner. */
  readonly lobby?: bigint;
  readonly owner?: bigint;
  /** The lobby to join once leaving is done (switching lobbies). */
  readonly next?: bigint;
  /** Members (ourselves included) when we entered. */
  readonly roster?: readonly bigint[];
  /** Grows on every entry and owner change; owner commands must carry the current one. */
  readonly epoch: number;
}

/** What decides which row applies: the event's type and the detail that matters. */
export type LobbyKind =
  | 'create'
  | 'create:invalid'
  | 'join'
  | 'join:invalid'
  | 'invited'
  | 'invited:invalid'
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
  | 'entered:elsewhere'
  | 'entered:elsewhere:failed'
  | 'joinRefused:awaited'
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
  | 'timeout';

export interface LobbyModelEvent extends ModelEvent {
  readonly kind: LobbyKind;
  /** The one event sent (undefined for the wait of a timeout). */
  readonly event?: LobbyEvent;
}

// ── the alphabet ────────────────────────────────────────────────────────────────────────────────────────────

/** A lobby we could switch to from `m`: the target unless we are in it. */
function switchTo(m: LobbyModel): bigint {
  return m.lobby === TARGET ? OTHER : TARGET;
}

/** EChatRoomEnterResponse failures: every code Valve defines (2..15) and one it does not. */
export const ENTER_FAILURES = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 99] as const;

const TIMED: Readonly<Partial<Record<LobbyState, number>>> = {
  creating: LOBBY_TIMING.requestTimeoutMs,
  joining: LOBBY_TIMING.requestTimeoutMs,
  abandoningCreate: LOBBY_TIMING.requestTimeoutMs,
  abandoningJoin: LOBBY_TIMING.requestTimeoutMs,
  leaving: LOBBY_TIMING.leaveTimeoutMs,
};

export function lobbyAlphabet(m: LobbyModel): LobbyModelEvent[] {
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
  add('invited', 'invited', { type: 'lobby.invited', lobbyId: other, from: MATE });
  add('invited:-1', 'invited:invalid', { type: 'lobby.invited', lobbyId: -1n, from: MATE });
  add('joinRequested', 'joinRequested', { type: 'lobby.joinRequested', lobbyId: other, friendId: MATE });
  add('joinRequested:0', 'joinRequested:invalid', { type: 'lobby.joinRequested', lobbyId: 0n, friendId: MATE });
  add('launchArgs', 'launchArgs', { type: 'lobby.launchArgs', argv: ['-novid', '+connect_lobby', String(other)] });
  add('launchArgs:none', 'launchArgs:none', { type: 'lobby.launchArgs', argv: ['-novid'] });
  add('launchArgs:garbage', 'launchArgs:invalid', { type: 'lobby.launchArgs', argv: ['+connect_lobby', 'nonsense'] });
  if (m.lobby !== undefined) {
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
  // Steam answers a create with the lobby it made; in any other state a create result is a late (stray) one.
  const created = m.state === 'creating' || m.state === 'abandoningCreate' ? NEW : LATE;
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
  if (m.lobby !== undefined) add('entered:current', 'entered:current', { type: 'lobby.entered', lobbyId: m.lobby, response: 1 });
  add('entered:elsewhere', 'entered:elsewhere', { type: 'lobby.entered', lobbyId: FOREIGN, response: 1 });
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
  const due = TIMED[m.state];
  if (due !== undefined) out.push({ type: `timeout (${due} ms)`, kind: 'timeout', stimulus: { wait: due } });
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

const idle = (m: LobbyModel): LobbyModel => ({ state: 'idle', epoch: m.epoch });

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

const startJoining =
  (next: (m: LobbyModel) => LobbyModel = (m) => m): Row =>
  (m, e) => {
    const target = named(e);
    return { next: { ...idle(next(m)), state: 'joining', target }, effects: [['joinLobby', { lobbyId: target }]] };
  };

const createFailed =
  (failure: (e: LobbyModelEvent) => object): Row =>
  (m, e) => ({ next: idle(m), emits: [{ type: 'lifecycle.createFailed', failure: failure(e) }] });

const joinFailed =
  (failure: (m: LobbyModel, e: LobbyModelEvent) => object): Row =>
  (m, e) => ({ next: idle(m), emits: [{ type: 'lifecycle.joinFailed', failure: failure(m, e) }] });

const toIdle: Row = (m) => ({ next: idle(m) });

/** Thrown out of the lobby we are in: leave it on Steam's side too, and say why. */
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
  return { next: { state: 'joining', target: m.next, epoch: m.epoch }, effects: [['joinLobby', { lobbyId: m.next }]], emits };
};

const startLeaving =
  (next: (e: LobbyModelEvent) => bigint | undefined): Row =>
  (m, e) => ({
    next: { state: 'leaving', lobby: m.lobby, owner: m.owner, next: next(e), epoch: m.epoch, roster: m.roster },
    effects: [['leaveLobby', { lobbyId: m.lobby }]],
  });

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

/** While a create, join or leave is in flight, new lobby requests are refused, not doubled. */
const BUSY: Partial<Record<LobbyKind, Row>> = {
  create: refuse('busy'),
  'create:invalid': refuse('busy'),
  join: refuse('busy'),
  'join:invalid': refuse('busy'),
  invited: refuse('busy'),
  'invited:invalid': refuse('busy'),
  joinRequested: refuse('busy'),
  'joinRequested:current': refuse('busy'),
  'joinRequested:invalid': refuse('busy'),
  launchArgs: refuse('busy'),
  'launchArgs:current': refuse('busy'),
  'launchArgs:none': refuse('busy'),
  'launchArgs:invalid': refuse('busy'),
  ownerCommand: refuse('not-in-lobby'),
  'ownerCommand:stale': refuse('not-in-lobby'),
};

/** Rows per state; a kind without a row is ignored in that state. */
export const LOBBY_TABLE: Readonly<Record<LobbyState, Partial<Record<LobbyKind, Row>>>> = {
  idle: {
    create: (m, e) => {
      const { lobbyType, maxMembers, data } = sent(e) as Extract<LobbyEvent, { type: 'lobby.create' }>;
      const request: CreateRequest = data === undefined ? { lobbyType, maxMembers } : { lobbyType, maxMembers, data };
      return { next: { state: 'creating', request, epoch: m.epoch }, effects: [['createLobby', { lobbyType, maxMembers }]] };
    },
    'create:invalid': refuse('invalid-request'),
    join: startJoining(),
    'join:invalid': refuse('invalid-lobby-id'),
    invited: startJoining(),
    'invited:invalid': refuse('invalid-lobby-id'),
    joinRequested: startJoining(),
    'joinRequested:invalid': refuse('invalid-lobby-id'),
    launchArgs: startJoining(),
    'launchArgs:invalid': refuse('invalid-lobby-id'),
    leave: refuse('not-in-lobby'),
    ownerCommand: refuse('not-in-lobby'),
    'ownerCommand:stale': refuse('not-in-lobby'),
    // A result nobody waits for any more (its request timed out): never keep a lobby we did not ask for.
    created: leaveStray,
    'entered:elsewhere': leaveStray,
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
        next: { state: 'joined', lobby: lobbyId, owner: SELF, epoch, roster: [SELF] },
        effects,
        emits: [{ type: 'lifecycle.entered', lobbyId, role: 'owner', ownerId: SELF, epoch }],
      };
    },
    'created:failed': createFailed((e) => {
      const event = sent(e) as Extract<LobbyEvent, { type: 'lobby.created' }>;
      return { code: 'create-failed', result: event.result, reason: anyText };
    }),
    createRefused: createFailed(() => ({ code: 'backend-refused', reason: 'refused by the model backend' })),
    'entered:elsewhere': leaveStray,
    leave: (m) => ({ next: { ...m, state: 'abandoningCreate' }, emits: [{ type: 'lifecycle.cancelled', what: 'create' }] }),
    serversLost: createFailed(() => ({ code: 'servers-lost', reason: anyText })),
    timeout: createFailed(() => ({ code: 'timeout', reason: anyText })),
  },
  joining: {
    ...BUSY,
    'entered:awaited': (m) => {
      const epoch = m.epoch + 1;
      return {
        next: { state: 'joined', lobby: m.target, owner: MATE, epoch, roster: [SELF, MATE] },
        emits: [{ type: 'lifecycle.entered', lobbyId: m.target, role: 'member', ownerId: MATE, epoch }],
      };
    },
    'entered:awaited:failed': (m, e) => {
      const event = sent(e) as Extract<LobbyEvent, { type: 'lobby.entered' }>;
      return { next: idle(m), emits: [enterFailed(m.target!, event.response)] };
    },
    'entered:elsewhere': leaveStray,
    'joinRefused:awaited': joinFailed((m) => ({ code: 'backend-refused', lobbyId: m.target, reason: 'refused by the model backend' })),
    created: leaveStray,
    leave: (m) => ({ next: { ...m, state: 'abandoningJoin' }, emits: [{ type: 'lifecycle.cancelled', what: 'join', lobbyId: m.target }] }),
    serversLost: joinFailed((m) => ({ code: 'servers-lost', lobbyId: m.target, reason: anyText })),
    timeout: joinFailed((m) => ({ code: 'timeout', lobbyId: m.target, reason: anyText })),
  },
  abandoningCreate: {
    ...BUSY,
    // The answer to the create we cancelled: leave what it made, and we are done.
    created: (m, e) => ({ ...leaveStray(m, e), next: idle(m) }),
    'created:failed': toIdle,
    createRefused: toIdle,
    'entered:elsewhere': leaveStray,
    serversLost: toIdle,
    timeout: toIdle,
  },
  abandoningJoin: {
    ...BUSY,
    'entered:awaited': (m, e) => ({ ...leaveStray(m, e), next: idle(m) }),
    'entered:awaited:failed': toIdle,
    'entered:elsewhere': leaveStray,
    'joinRefused:awaited': toIdle,
    created: leaveStray,
    serversLost: toIdle,
    timeout: toIdle,
  },
  joined: {
    leave: startLeaving(() => undefined),
    // The player picked another lobby in Steam's UI (or the launcher did): leave this one, then join that one.
    joinRequested: startLeaving(named),
    launchArgs: startLeaving(named),
    // An invite while we are in a lobby is the game's to decide: surfaced, not followed.
    invited: (m, e) => ({ next: m, emits: [{ type: 'lifecycle.inviteReceived', lobbyId: named(e), from: MATE }] }),
    create: refuse('already-in-lobby'),
    'create:invalid': refuse('already-in-lobby'),
    join: refuse('already-in-lobby'),
    'join:invalid': refuse('already-in-lobby'),
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
    // The reason says which it was: a game shows it as is.
    'self:banned': thrownOut(() => ({ code: 'banned', reason: expect.stringMatching(/banned/), by: MATE })),
    'self:kicked': thrownOut(() => ({ code: 'kicked', reason: expect.stringMatching(/kicked/), by: MATE })),
    'self:departed': thrownOut(() => ({ code: 'disconnected', reason: anyText })),
    gone: thrownOut(() => ({ code: 'lobby-gone', reason: anyText })),
    serversLost: thrownOut(() => ({ code: 'servers-lost', reason: anyText })),
    // Steam sends LobbyEnter to the creator too: the lobby we are in again is not a second join.
    'entered:elsewhere': leaveStray,
    created: leaveStray,
  },
  leaving: {
    ...BUSY,
    left: leftLobby,
    timeout: leftLobby,
    // Steam is gone: so is the lobby, and with it any switch we meant to make (the leave is reported as asked).
    serversLost: (m, e) => ({ ...leftLobby(m, e), next: idle(m), effects: [] }),
    'entered:elsewhere': leaveStray,
    created: leaveStray,
  },
};

const step = (m: LobbyModel, e: LobbyModelEvent): Outcome<LobbyModel> => LOBBY_TABLE[m.state][e.kind]?.(m, e) ?? { next: m };

export const lobbyContract: Contract<LobbyModel, LobbyModelEvent> = {
  name: 'lobby',
  initial: { state: 'idle', epoch: 0 },
  alphabet: lobbyAlphabet,
  step,
  key: (m) => toStableJson({ ...m, epoch: undefined }),
  // The documented context: the lobby we are in (joined, leaving), the one a join waits for, the owner, the epoch.
  view: (m) => ({
    status: 'active',
    value: m.state,
    lobbyId: m.lobby,
    targetLobbyId: m.state === 'joining' || m.state === 'abandoningJoin' ? m.target : 'n/a',
    ownerId: m.owner,
    epoch: m.epoch,
    roster: m.roster ?? [],
    ...(m.state === 'leaving' ? { nextLobbyId: m.next, leaving: m.next === undefined ? 'user' : 'switching' } : {}),
  }),
};

export function lobbySubject(machine: Subject['machine']): Subject {
  return {
    machine,
    input: (effects) => ({ selfId: SELF, timing: LOBBY_TIMING, effects }),
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
  const context = (actor.getSnapshot() as { context: LobbyContext }).context;
  return {
    status,
    value,
    lobbyId: context.lobbyId,
    targetLobbyId: value === 'joining' || value === 'abandoningJoin' ? context.targetLobbyId : 'n/a',
    ownerId: context.ownerId,
    epoch: context.epoch,
    roster: context.roster,
    ...(value === 'leaving' ? { nextLobbyId: context.nextJoin?.lobbyId, leaving: context.leaveReason?.code } : {}),
  };
}
