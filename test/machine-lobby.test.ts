import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { VirtualClock } from '../src/effects/clock.js';
import { enterFailure } from '../src/steam/index.js';
import { lobbyListMachine, type LobbyListEvent } from '../src/machines/lobby-list.machine.js';
import { lobbyMachine, type LobbyEvent, type LobbyInput, type LobbyTiming } from '../src/machines/lobby.machine.js';
import { NO_EFFECTS } from '../src/machines/effects.js';
import type { LobbyListEmitted } from '../src/machines/lobby-list.machine.js';
import type { LobbyEmitted } from '../src/machines/lobby.machine.js';

/** What the two machines report (the runtime adds names to invites; the bare machines do not). */
type LifecycleEvent = LobbyEmitted | LobbyListEmitted;
import { recordingEffects } from './helpers/recording-effects.js';
import { ENTER_FAILURE } from './model/lobby-contract.js';

const SELF = 76561198000000001n;
const OTHER = 76561198000000002n;
const LOBBY = 109775241000000001n;
const LOBBY_B = 109775241000000002n;

/** The lobby machine's effect names as these tests call them (stray and current leaves are both leaves). */
const NAME_OF: Readonly<Record<string, string>> = {
  createLobby: 'requestCreateLobby',
  joinLobby: 'requestJoinLobby',
  leaveLobby: 'requestLeaveLobby',
  leaveStrayLobby: 'requestLeaveLobby',
  setLobbyJoinable: 'setLobbyJoinable',
  setLobbyData: 'setLobbyData',
  allowRelay: 'allowP2PRelay',
  kick: 'requestKick',
  ban: 'requestBan',
  start: 'requestStart',
  requestLobbyList: 'requestLobbyList',
};

function startLobby(input: Partial<Omit<LobbyInput, 'effects'>> & { timing?: Partial<LobbyTiming> } = {}) {
  const clock = new VirtualClock();
  const recorder = recordingEffects();
  const emitted: LifecycleEvent[] = [];
  const actor = createActor(lobbyMachine, { clock, input: { selfId: SELF, ...input, effects: recorder.effects } });
  actor.on('*', (event) => void emitted.push(event));
  actor.start();
  const list = createActor(lobbyListMachine, { clock, input: { timing: input.timing, effects: recorder.effects } });
  list.on('*', (event) => void emitted.push(event));
  list.start();
  const named = (name: string) =>
    recorder.calls.filter(([n]) => (NAME_OF[n] ?? n) === name).map(([, p]) => (p === undefined ? {} : p));
  /** The state as a path: `joined` while present in the lobby, `joined.reconnecting.<step>` while out of it. */
  const membership = () => {
    const snapshot = actor.getSnapshot();
    if (typeof snapshot.value === 'string') return snapshot.value;
    const step = ['waitingForSteam', 'rejoining', 'pausing'].find((s) => snapshot.matches({ joined: { reconnecting: s as never } }));
    return step === undefined ? 'joined' : `joined.reconnecting.${step}`;
  };
  const search = () => list.getSnapshot().value;
  /** The lobby machine takes membership events; the list machine takes list events (as the root routes them). */
  const send = (event: LobbyEvent | LobbyListEvent) => {
    if (event.type === 'lobby.list' || event.type === 'lobby.listReceived' || event.type === 'lobby.listRefused') list.send(event);
    else actor.send(event as LobbyEvent);
  };
  const ofType = <T extends LifecycleEvent['type']>(type: T) =>
    emitted.filter((e): e is Extract<LifecycleEvent, { type: T }> => e.type === type);
  return { actor: { send, getSnapshot: () => actor.getSnapshot() }, clock, emitted, named, membership, search, ofType };
}

function createdLobby() {
  const t = startLobby();
  t.actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 10, data: { name: "Gramps' Lobby" } });
  t.actor.send({ type: 'lobby.created', result: 1, lobbyId: LOBBY });
  return t;
}

function joinedLobby(ownerId = OTHER, input: Parameters<typeof startLobby>[0] = {}) {
  const t = startLobby(input);
  t.actor.send({ type: 'lobby.join', lobbyId: LOBBY });
  t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 1, ownerId, members: [ownerId, SELF] });
  return t;
}

describe('lobby machine: create', () => {
  it('creates, then makes the lobby joinable, sets its data and allows relay, as the seed does', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 10, data: { name: 'Lobby', mode: 'test' } });
    expect(t.membership()).toBe('creating');
    expect(t.named('requestCreateLobby')).toEqual([{ lobbyType: 2, maxMembers: 10 }]);
    t.actor.send({ type: 'lobby.created', result: 1, lobbyId: LOBBY });
    expect(t.membership()).toBe('joined');
    expect(t.named('setLobbyJoinable')).toEqual([{ lobbyId: LOBBY }]);
    expect(t.named('setLobbyData')).toEqual([{ lobbyId: LOBBY, data: { name: 'Lobby', mode: 'test' } }]);
    expect(t.named('allowP2PRelay')).toHaveLength(1);
    expect(t.ofType('lifecycle.entered')).toEqual([
      { type: 'lifecycle.entered', lobbyId: LOBBY, role: 'owner', ownerId: SELF, epoch: 1, members: [SELF] },
    ]);
    expect(t.actor.getSnapshot().context.roster).toEqual([SELF]);
  });

  it('does not set lobby data when the request carried none', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.create', lobbyType: 1, maxMembers: 4 });
    t.actor.send({ type: 'lobby.created', result: 1, lobbyId: LOBBY });
    expect(t.named('setLobbyData')).toHaveLength(0);
  });

  it('ignores the LobbyEnter Steam also sends the creator, so it never becomes a second join', () => {
    const t = createdLobby();
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 1 });
    expect(t.membership()).toBe('joined');
    expect(t.ofType('lifecycle.entered')).toHaveLength(1);
    expect(t.named('requestLeaveLobby')).toHaveLength(0);
  });

  it('goes back to idle with the Steam result when creation fails', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 10 });
    t.actor.send({ type: 'lobby.created', result: 16, lobbyId: 0n });
    expect(t.membership()).toBe('idle');
    expect(t.ofType('lifecycle.createFailed')[0]?.failure).toMatchObject({ code: 'create-failed', result: 16 });
  });

  it.each([
    [{ lobbyType: 7, maxMembers: 4 }],
    [{ lobbyType: 2, maxMembers: 0 }],
    [{ lobbyType: 2, maxMembers: 251 }],
    [{ lobbyType: 2, maxMembers: 2.5 }],
  ])('refuses a malformed create %j with a typed rejection', (request) => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.create', ...(request as { lobbyType: 2; maxMembers: number }) });
    expect(t.membership()).toBe('idle');
    expect(t.named('requestCreateLobby')).toHaveLength(0);
    expect(t.ofType('lifecycle.rejected')).toMatchObject([{ command: 'lobby.create', code: 'invalid-request' }]);
  });

  it('gives up after the request timeout, and leaves the lobby at once if its result arrives later', () => {
    const t = startLobby({ timing: { requestTimeoutMs: 1_000 } });
    t.actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 10 });
    t.clock.advance(1_000);
    expect(t.membership()).toBe('idle');
    expect(t.ofType('lifecycle.createFailed')[0]?.failure.code).toBe('timeout');
    t.actor.send({ type: 'lobby.created', result: 1, lobbyId: LOBBY });
    expect(t.membership()).toBe('idle');
    expect(t.named('requestLeaveLobby')).toEqual([{ lobbyId: LOBBY }]);
    expect(t.ofType('lifecycle.strayLeft')).toEqual([{ type: 'lifecycle.strayLeft', lobbyId: LOBBY }]);
  });
});

describe('lobby machine: join', () => {
  it('joins and records owner, members and a fresh epoch', () => {
    const t = joinedLobby();
    expect(t.named('requestJoinLobby')).toEqual([{ lobbyId: LOBBY }]);
    expect(t.membership()).toBe('joined');
    const { context } = t.actor.getSnapshot();
    expect(context.lobbyId).toBe(LOBBY);
    expect(context.ownerId).toBe(OTHER);
    expect(context.roster).toEqual([OTHER, SELF]);
    // The game is told the members Steam listed, the same list the peer sessions start from.
    expect(t.ofType('lifecycle.entered')).toMatchObject([{ lobbyId: LOBBY, role: 'member', ownerId: OTHER, members: [OTHER, SELF] }]);
  });

  it.each(Object.keys(ENTER_FAILURE).map(Number))('goes back to idle on enter response %i with its readable reason', (response) => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.join', lobbyId: LOBBY });
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response });
    expect(t.membership()).toBe('idle');
    const failure = t.ofType('lifecycle.joinFailed')[0]?.failure;
    // Steam's name for the response, and the seed tutorial's text where it has one (model/lobby-contract.ts).
    const documented = ENTER_FAILURE[response]!;
    const reason = documented.text ?? expect.stringMatching(/\S/);
    expect(failure).toEqual({
      code: 'enter-response',
      lobbyId: LOBBY,
      failure: { response, key: documented.key, reason },
      reason,
    });
    expect(t.actor.getSnapshot().context.lobbyId).toBeUndefined();
  });

  it('keeps the seed texts for the classic responses', () => {
    expect(enterFailure(4).reason).toBe('The lobby is now full.');
    expect(enterFailure(6).reason).toBe('You are banned from this lobby.');
    expect(enterFailure(99)).toMatchObject({ key: 'unknown', response: 99 });
  });

  it('refuses a second join or a create while one join is in flight', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.join', lobbyId: LOBBY });
    t.actor.send({ type: 'lobby.join', lobbyId: LOBBY_B });
    t.actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 4 });
    t.actor.send({ type: 'lobby.joinRequested', lobbyId: LOBBY_B, friendId: OTHER });
    expect(t.named('requestJoinLobby')).toEqual([{ lobbyId: LOBBY }]);
    expect(t.named('requestCreateLobby')).toHaveLength(0);
    expect(t.ofType('lifecycle.rejected').map((r) => [r.command, r.code])).toEqual([
      ['lobby.join', 'busy'],
      ['lobby.create', 'busy'],
      ['lobby.joinRequested', 'busy'],
    ]);
  });

  it('refuses a second create while one create is in flight (never two hosts)', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 4 });
    t.actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 4 });
    expect(t.named('requestCreateLobby')).toHaveLength(1);
    expect(t.ofType('lifecycle.rejected')).toMatchObject([{ command: 'lobby.create', code: 'busy' }]);
  });

  it('leaves at once a lobby entered that is not the one asked for, and keeps waiting for ours', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.join', lobbyId: LOBBY });
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY_B, response: 1 });
    expect(t.membership()).toBe('joining');
    expect(t.named('requestLeaveLobby')).toEqual([{ lobbyId: LOBBY_B }]);
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 1, ownerId: OTHER });
    expect(t.membership()).toBe('joined');
  });

  it('refuses join with an invalid lobby id, and create while already in a lobby', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.join', lobbyId: 0n });
    expect(t.ofType('lifecycle.rejected')).toMatchObject([{ code: 'invalid-lobby-id' }]);
    const j = joinedLobby();
    j.actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 4 });
    expect(j.ofType('lifecycle.rejected').map((r) => r.code)).toEqual(['already-in-lobby']);
    expect(j.membership()).toBe('joined');
  });

  it('a join, join request or +connect_lobby naming no valid lobby is refused while in a lobby too, as in idle', () => {
    const j = joinedLobby();
    j.actor.send({ type: 'lobby.join', lobbyId: 0n });
    j.actor.send({ type: 'lobby.joinRequested', lobbyId: -1n, friendId: OTHER });
    j.actor.send({ type: 'lobby.launchArgs', argv: ['+connect_lobby', 'abc'] });
    // Launch arguments that ask for no lobby ask for nothing.
    j.actor.send({ type: 'lobby.launchArgs', argv: ['--windowed'] });
    expect(j.ofType('lifecycle.rejected').map((r) => [r.command, r.code])).toEqual([
      ['lobby.join', 'invalid-lobby-id'],
      ['lobby.joinRequested', 'invalid-lobby-id'],
      ['lobby.launchArgs', 'invalid-lobby-id'],
    ]);
    expect(j.membership()).toBe('joined');
    expect(j.named('requestLeaveLobby')).toEqual([]);
  });

  it('a join while in a lobby follows the join-request rule: leave, then join; the same lobby changes nothing', () => {
    const j = joinedLobby();
    j.actor.send({ type: 'lobby.join', lobbyId: LOBBY });
    expect(j.membership()).toBe('joined');
    j.actor.send({ type: 'lobby.join', lobbyId: LOBBY_B });
    expect(j.membership()).toBe('leaving');
    j.actor.send({ type: 'lobby.left' });
    expect(j.membership()).toBe('joining');
    expect(j.ofType('lifecycle.left')).toMatchObject([{ lobbyId: LOBBY, reason: { code: 'switching', nextLobbyId: LOBBY_B } }]);
    expect(j.named('requestJoinLobby')).toEqual([{ lobbyId: LOBBY }, { lobbyId: LOBBY_B }]);
  });
});

describe('lobby machine: leave during create and join', () => {
  it('leave during create: the late "created" lobby is left at once and no lobby survives', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 10 });
    t.actor.send({ type: 'lobby.leave' });
    expect(t.membership()).toBe('abandoningCreate');
    expect(t.ofType('lifecycle.cancelled')).toMatchObject([{ what: 'create' }]);
    t.actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 10 });
    expect(t.named('requestCreateLobby')).toHaveLength(1);
    t.actor.send({ type: 'lobby.created', result: 1, lobbyId: LOBBY });
    expect(t.membership()).toBe('idle');
    expect(t.named('requestLeaveLobby')).toEqual([{ lobbyId: LOBBY }]);
    expect(t.named('setLobbyJoinable')).toHaveLength(0);
    expect(t.ofType('lifecycle.entered')).toHaveLength(0);
    expect(t.actor.getSnapshot().context.lobbyId).toBeUndefined();
  });

  it('leave during join: the late "entered" is left at once, and a new join then works', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.join', lobbyId: LOBBY });
    t.actor.send({ type: 'lobby.leave' });
    expect(t.membership()).toBe('abandoningJoin');
    t.actor.send({ type: 'lobby.join', lobbyId: LOBBY_B });
    expect(t.ofType('lifecycle.rejected')).toMatchObject([{ command: 'lobby.join', code: 'busy' }]);
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 1 });
    expect(t.membership()).toBe('idle');
    expect(t.named('requestLeaveLobby')).toEqual([{ lobbyId: LOBBY }]);
    expect(t.ofType('lifecycle.entered')).toHaveLength(0);
    t.actor.send({ type: 'lobby.join', lobbyId: LOBBY_B });
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY_B, response: 1 });
    expect(t.membership()).toBe('joined');
    expect(t.actor.getSnapshot().context.lobbyId).toBe(LOBBY_B);
  });

  it('a late failure after leave during join just settles in idle', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.join', lobbyId: LOBBY });
    t.actor.send({ type: 'lobby.leave' });
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 4 });
    expect(t.membership()).toBe('idle');
    expect(t.named('requestLeaveLobby')).toHaveLength(0);
  });

  // Steam sends the creator LobbyEnter after LobbyCreated (sdk isteammatchmaking.h:135-136): one lobby, one stray.
  it('a cancelled create answered by LobbyCreated then its LobbyEnter: the lobby is left once and reported once', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 10 });
    t.actor.send({ type: 'lobby.leave' });
    t.actor.send({ type: 'lobby.created', result: 1, lobbyId: LOBBY });
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 1 });
    expect(t.membership()).toBe('idle');
    expect(t.named('requestLeaveLobby')).toEqual([{ lobbyId: LOBBY }]);
    expect(t.ofType('lifecycle.strayLeft')).toEqual([{ type: 'lifecycle.strayLeft', lobbyId: LOBBY }]);
    // Another lobby's enter is a stray of its own: left and reported as before.
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY_B, response: 1 });
    expect(t.named('requestLeaveLobby')).toEqual([{ lobbyId: LOBBY }, { lobbyId: LOBBY_B }]);
    expect(t.ofType('lifecycle.strayLeft').map((e) => e.lobbyId)).toEqual([LOBBY, LOBBY_B]);
    expect(t.ofType('lifecycle.entered')).toEqual([]);
  });

  it('a create that timed out, answered while a join is pending: its lobby is left once, and the join goes on', () => {
    const t = startLobby({ timing: { requestTimeoutMs: 1_000 } });
    t.actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 10 });
    t.clock.advance(1_000);
    t.actor.send({ type: 'lobby.join', lobbyId: LOBBY_B });
    t.actor.send({ type: 'lobby.created', result: 1, lobbyId: LOBBY });
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 1 });
    expect(t.membership()).toBe('joining');
    expect(t.named('requestLeaveLobby')).toEqual([{ lobbyId: LOBBY }]);
    expect(t.ofType('lifecycle.strayLeft')).toEqual([{ type: 'lifecycle.strayLeft', lobbyId: LOBBY }]);
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY_B, response: 1 });
    expect(t.membership()).toBe('joined');
    expect(t.actor.getSnapshot().context.lobbyId).toBe(LOBBY_B);
  });

  it('Steam sends one LobbyEnter per created lobby: a later successful enter to it is a stray again', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 10 });
    t.actor.send({ type: 'lobby.leave' });
    t.actor.send({ type: 'lobby.created', result: 1, lobbyId: LOBBY });
    // A failed enter puts us in no lobby: nothing to leave, and the creator's LobbyEnter is still to come.
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 2 });
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 1 });
    expect(t.named('requestLeaveLobby')).toEqual([{ lobbyId: LOBBY }]);
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 1 });
    expect(t.named('requestLeaveLobby')).toEqual([{ lobbyId: LOBBY }, { lobbyId: LOBBY }]);
    expect(t.ofType('lifecycle.strayLeft').map((e) => e.lobbyId)).toEqual([LOBBY, LOBBY]);
  });

  it('settles in idle if the abandoned result never comes', () => {
    const t = startLobby({ timing: { requestTimeoutMs: 500 } });
    t.actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 10 });
    t.actor.send({ type: 'lobby.leave' });
    t.clock.advance(500);
    expect(t.membership()).toBe('idle');
  });
});

describe('lobby machine: leaving and losing the lobby', () => {
  it('leave: joined → leaving → idle on lobby.left, reporting why', () => {
    const t = joinedLobby();
    t.actor.send({ type: 'lobby.leave' });
    expect(t.membership()).toBe('leaving');
    expect(t.named('requestLeaveLobby')).toEqual([{ lobbyId: LOBBY }]);
    t.actor.send({ type: 'lobby.left' });
    expect(t.membership()).toBe('idle');
    expect(t.ofType('lifecycle.left')).toMatchObject([{ lobbyId: LOBBY, reason: { code: 'user' } }]);
  });

  it('settles leaving after the leave timeout when the backend never confirms', () => {
    const t = joinedLobby();
    t.actor.send({ type: 'lobby.leave' });
    t.clock.advance(2_000);
    expect(t.membership()).toBe('idle');
  });

  it.each([
    ['kicked', 'kicked'],
    ['banned', 'banned'],
    ['disconnected', 'disconnected'],
  ] as const)('self %s → idle with that reason and a local leave (seats not held)', (change, code) => {
    const t = joinedLobby(OTHER, { timing: { seatReservationMs: 0 } });
    t.actor.send({ type: 'member.changed', memberId: SELF, change, changedBy: OTHER });
    expect(t.membership()).toBe('idle');
    expect(t.named('requestLeaveLobby')).toEqual([{ lobbyId: LOBBY }]);
    expect(t.ofType('lifecycle.left')[0]?.reason.code).toBe(code);
  });

  it('ignores member changes about other members', () => {
    const t = joinedLobby();
    t.actor.send({ type: 'member.changed', memberId: OTHER, change: 'kicked' });
    expect(t.membership()).toBe('joined');
  });

  it('lobby gone and Steam servers lost → idle with the reason (seats not held)', () => {
    const gone = joinedLobby();
    gone.actor.send({ type: 'lobby.gone', lobbyId: LOBBY });
    expect(gone.ofType('lifecycle.left')[0]?.reason.code).toBe('lobby-gone');
    const lost = joinedLobby(OTHER, { timing: { seatReservationMs: 0 } });
    lost.actor.send({ type: 'steam.serversDisconnected' });
    expect(lost.membership()).toBe('idle');
    expect(lost.ofType('lifecycle.left')[0]?.reason.code).toBe('servers-lost');
  });

  it('Steam servers lost while joining → idle with a join failure', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.join', lobbyId: LOBBY });
    t.actor.send({ type: 'steam.serversDisconnected' });
    expect(t.membership()).toBe('idle');
    expect(t.ofType('lifecycle.joinFailed')[0]?.failure.code).toBe('servers-lost');
  });

  it('leave, kick, ban and start outside a lobby are typed rejections, not throws', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.leave' });
    t.actor.send({ type: 'lobby.kick', memberId: OTHER, epoch: 0 });
    t.actor.send({ type: 'lobby.start', epoch: 0 });
    expect(t.ofType('lifecycle.rejected').map((r) => r.code)).toEqual(['not-in-lobby', 'not-in-lobby', 'not-in-lobby']);
  });
});

describe('lobby machine: invites, join requests and +connect_lobby', () => {
  it.each([
    ['join request', { type: 'lobby.joinRequested', lobbyId: LOBBY, friendId: OTHER }],
    ['launch argument', { type: 'lobby.launchArgs', argv: ['--fullscreen', '+connect_lobby', String(LOBBY)] }],
  ] as const)('a %s starts a join from idle', (_, event) => {
    const t = startLobby();
    t.actor.send(event);
    expect(t.membership()).toBe('joining');
    expect(t.named('requestJoinLobby')).toEqual([{ lobbyId: LOBBY }]);
  });

  it('ignores launch args without +connect_lobby and rejects a bad lobby id after it', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.launchArgs', argv: ['--windowed'] });
    expect(t.membership()).toBe('idle');
    expect(t.emitted).toHaveLength(0);
    t.actor.send({ type: 'lobby.launchArgs', argv: ['+connect_lobby', 'abc'] });
    expect(t.membership()).toBe('idle');
    expect(t.ofType('lifecycle.rejected')).toMatchObject([{ command: 'lobby.launchArgs', code: 'invalid-lobby-id' }]);
  });

  it('a join request while in a lobby leaves it, then joins the requested one', () => {
    const t = joinedLobby();
    t.actor.send({ type: 'lobby.joinRequested', lobbyId: LOBBY_B, friendId: OTHER });
    expect(t.membership()).toBe('leaving');
    t.actor.send({ type: 'lobby.left' });
    expect(t.membership()).toBe('joining');
    expect(t.ofType('lifecycle.left')).toMatchObject([{ reason: { code: 'switching', nextLobbyId: LOBBY_B } }]);
    expect(t.named('requestJoinLobby')).toEqual([{ lobbyId: LOBBY }, { lobbyId: LOBBY_B }]);
  });

  it('an invite while in a lobby is surfaced, not followed', () => {
    const t = joinedLobby();
    t.actor.send({ type: 'lobby.invited', lobbyId: LOBBY_B, from: OTHER });
    expect(t.membership()).toBe('joined');
    expect(t.ofType('lifecycle.inviteReceived')).toEqual([
      { type: 'lifecycle.inviteReceived', lobbyId: LOBBY_B, from: OTHER },
    ]);
  });
});

describe('lobby machine: owner and epoch', () => {
  it('lets the owner kick, ban and start under the current epoch', () => {
    const t = createdLobby();
    const { epoch } = t.actor.getSnapshot().context;
    t.actor.send({ type: 'lobby.kick', memberId: OTHER, epoch });
    t.actor.send({ type: 'lobby.ban', memberId: OTHER, epoch });
    t.actor.send({ type: 'lobby.start', epoch });
    expect(t.named('requestKick')).toEqual([{ lobbyId: LOBBY, memberId: OTHER }]);
    expect(t.named('requestBan')).toEqual([{ lobbyId: LOBBY, memberId: OTHER }]);
    expect(t.named('requestStart')).toEqual([{ lobbyId: LOBBY }]);
  });

  it('bumps the epoch on owner change and ignores a kick issued under the old one', () => {
    const t = createdLobby();
    const issuedUnder = t.actor.getSnapshot().context.epoch;
    t.actor.send({ type: 'lobby.ownerChanged', lobbyId: LOBBY, ownerId: OTHER });
    t.actor.send({ type: 'lobby.ownerChanged', lobbyId: LOBBY, ownerId: SELF });
    const now = t.actor.getSnapshot().context.epoch;
    expect(now).toBe(issuedUnder + 2);
    expect(t.ofType('lifecycle.ownerChanged').map((e) => [e.ownerId, e.epoch, e.isSelf])).toEqual([
      [OTHER, issuedUnder + 1, false],
      [SELF, issuedUnder + 2, true],
    ]);
    t.actor.send({ type: 'lobby.kick', memberId: OTHER, epoch: issuedUnder });
    expect(t.named('requestKick')).toHaveLength(0);
    expect(t.ofType('lifecycle.rejected')).toMatchObject([{ command: 'lobby.kick', code: 'stale-epoch' }]);
    t.actor.send({ type: 'lobby.kick', memberId: OTHER, epoch: now });
    expect(t.named('requestKick')).toHaveLength(1);
  });

  it('refuses owner-only commands from a member who is not the owner', () => {
    const t = joinedLobby(OTHER);
    const { epoch } = t.actor.getSnapshot().context;
    t.actor.send({ type: 'lobby.ban', memberId: OTHER, epoch });
    expect(t.named('requestBan')).toHaveLength(0);
    expect(t.ofType('lifecycle.rejected')).toMatchObject([{ command: 'lobby.ban', code: 'not-owner' }]);
  });

  it('does not bump the epoch for an owner update that changes nothing or names another lobby', () => {
    const t = joinedLobby(OTHER);
    const before = t.actor.getSnapshot().context.epoch;
    t.actor.send({ type: 'lobby.ownerChanged', lobbyId: LOBBY, ownerId: OTHER });
    t.actor.send({ type: 'lobby.ownerChanged', lobbyId: LOBBY_B, ownerId: SELF });
    expect(t.actor.getSnapshot().context.epoch).toBe(before);
  });

  it('never reuses an epoch in a later lobby, so a command from the last lobby stays stale', () => {
    const t = createdLobby();
    const first = t.actor.getSnapshot().context.epoch;
    t.actor.send({ type: 'lobby.leave' });
    t.actor.send({ type: 'lobby.left' });
    t.actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 4 });
    t.actor.send({ type: 'lobby.created', result: 1, lobbyId: LOBBY_B });
    t.actor.send({ type: 'lobby.start', epoch: first });
    expect(t.named('requestStart')).toHaveLength(0);
    expect(t.ofType('lifecycle.rejected')).toMatchObject([{ code: 'stale-epoch' }]);
  });
});

describe('lobby list machine', () => {
  it('lists lobbies with filters, one request at a time, in any membership state', () => {
    const t = joinedLobby();
    t.actor.send({ type: 'lobby.list', filters: { distance: 3 } });
    expect(t.search()).toBe('listing');
    t.actor.send({ type: 'lobby.list' });
    expect(t.ofType('lifecycle.rejected')).toMatchObject([{ command: 'lobby.list', code: 'list-in-flight' }]);
    t.actor.send({ type: 'lobby.listReceived', lobbies: [LOBBY, LOBBY_B] });
    expect(t.search()).toBe('ready');
    expect(t.named('requestLobbyList')).toEqual([{ filters: { distance: 3 } }]);
    expect(t.ofType('lifecycle.lobbyList')).toEqual([{ type: 'lifecycle.lobbyList', lobbies: [LOBBY, LOBBY_B] }]);
    expect(t.membership()).toBe('joined');
  });

  it('reports a list that never comes back', () => {
    const t = startLobby({ timing: { listTimeoutMs: 300 } });
    t.actor.send({ type: 'lobby.list' });
    t.clock.advance(300);
    expect(t.search()).toBe('ready');
    expect(t.ofType('lifecycle.listFailed')).toMatchObject([{ code: 'timeout' }]);
  });
});

describe('lobby machine: graph-friendly for model-based tests', () => {
  it("lets xstate/graph reach every membership state with xstate/graph's own snapshot serializer", async () => {
    const { getShortestPaths } = await import('xstate/graph');
    const { toStableJson } = await import('../src/machines/serialize.js');
    // No serializeState: the context's toJSON keeps the default JSON.stringify away from its bigints.
    const paths = getShortestPaths(lobbyMachine, {
      input: { selfId: SELF, effects: NO_EFFECTS },
      events: [
        { type: 'lobby.create', lobbyType: 2, maxMembers: 4 },
        { type: 'lobby.join', lobbyId: LOBBY },
        { type: 'lobby.leave' },
        { type: 'lobby.created', result: 1, lobbyId: LOBBY },
        { type: 'lobby.entered', lobbyId: LOBBY, response: 1 },
        { type: 'lobby.left' },
        { type: 'steam.serversDisconnected' },
        { type: 'steam.serversConnected' },
      ],
      serializeEvent: toStableJson,
    });
    const reached = new Set(paths.map((p) => JSON.stringify(p.state.value)));
    expect([...reached].sort()).toEqual(
      [
        'abandoningCreate',
        'abandoningJoin',
        'creating',
        'idle',
        { joined: 'present' },
        { joined: { reconnecting: 'waitingForSteam' } },
        { joined: { reconnecting: 'rejoining' } },
        'joining',
        'leaving',
      ]
        .map((v) => JSON.stringify(v))
        .sort(),
    );
  });
});

describe('lobby machine: invites are notifications', () => {
  it('reports an invite in idle and joins nothing until it is accepted; an invite is used once', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.invited', lobbyId: LOBBY, from: OTHER });
    expect(t.membership()).toBe('idle');
    expect(t.named('requestJoinLobby')).toEqual([]);
    expect(t.ofType('lifecycle.inviteReceived')).toEqual([{ type: 'lifecycle.inviteReceived', lobbyId: LOBBY, from: OTHER }]);
    t.actor.send({ type: 'lobby.acceptInvite', lobbyId: LOBBY, from: OTHER });
    expect(t.membership()).toBe('joining');
    expect(t.actor.getSnapshot().context.joinSource).toBe('invite');
    expect(t.named('requestJoinLobby')).toEqual([{ lobbyId: LOBBY }]);
    t.actor.send({ type: 'lobby.joinRefused', lobbyId: LOBBY, reason: 'no' });
    t.actor.send({ type: 'lobby.acceptInvite', lobbyId: LOBBY, from: OTHER });
    expect(t.ofType('lifecycle.rejected').map((r) => r.code)).toEqual(['no-such-invite']);
  });

  it('refuses to accept an invite that never arrived, or one from someone else', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.acceptInvite', lobbyId: LOBBY, from: OTHER });
    t.actor.send({ type: 'lobby.invited', lobbyId: LOBBY, from: OTHER });
    t.actor.send({ type: 'lobby.acceptInvite', lobbyId: LOBBY, from: SELF });
    expect(t.membership()).toBe('idle');
    expect(t.ofType('lifecycle.rejected').map((r) => [r.command, r.code])).toEqual([
      ['lobby.acceptInvite', 'no-such-invite'],
      ['lobby.acceptInvite', 'no-such-invite'],
    ]);
  });

  it('with autoAcceptInvites, joins an invite at once from idle, but only reports one that comes while in a lobby', () => {
    const t = startLobby({ autoAcceptInvites: true });
    t.actor.send({ type: 'lobby.invited', lobbyId: LOBBY, from: OTHER });
    expect(t.membership()).toBe('joining');
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 1, ownerId: OTHER, members: [OTHER, SELF] });
    t.actor.send({ type: 'lobby.invited', lobbyId: LOBBY_B, from: OTHER });
    expect(t.membership()).toBe('joined');
    expect(t.ofType('lifecycle.inviteReceived').map((i) => i.lobbyId)).toEqual([LOBBY, LOBBY_B]);
  });

  it('records invites while a request is in flight, refuses accepting them as busy until it lands', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.join', lobbyId: LOBBY });
    t.actor.send({ type: 'lobby.invited', lobbyId: LOBBY_B, from: OTHER });
    t.actor.send({ type: 'lobby.acceptInvite', lobbyId: LOBBY_B, from: OTHER });
    expect(t.ofType('lifecycle.rejected').map((r) => r.code)).toEqual(['busy']);
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 1, ownerId: OTHER });
    t.actor.send({ type: 'lobby.acceptInvite', lobbyId: LOBBY_B, from: OTHER });
    expect(t.membership()).toBe('leaving');
    t.actor.send({ type: 'lobby.left' });
    expect(t.named('requestJoinLobby')).toEqual([{ lobbyId: LOBBY }, { lobbyId: LOBBY_B }]);
  });

  it('accepting an invite to the lobby we are in uses it up and changes nothing', () => {
    const t = joinedLobby();
    t.actor.send({ type: 'lobby.invited', lobbyId: LOBBY, from: OTHER });
    t.actor.send({ type: 'lobby.acceptInvite', lobbyId: LOBBY, from: OTHER });
    expect(t.membership()).toBe('joined');
    t.actor.send({ type: 'lobby.acceptInvite', lobbyId: LOBBY, from: OTHER });
    expect(t.ofType('lifecycle.rejected').map((r) => r.code)).toEqual(['no-such-invite']);
  });

  it('keeps at most 16 pending invites, dropping the oldest', () => {
    const t = startLobby();
    const lobbies = Array.from({ length: 20 }, (_, i) => LOBBY + BigInt(i));
    for (const lobbyId of lobbies) t.actor.send({ type: 'lobby.invited', lobbyId, from: OTHER });
    expect(t.actor.getSnapshot().context.invites.map((i) => i.lobbyId)).toEqual(lobbies.slice(4));
    t.actor.send({ type: 'lobby.acceptInvite', lobbyId: lobbies[3]!, from: OTHER });
    expect(t.ofType('lifecycle.rejected').map((r) => r.code)).toEqual(['no-such-invite']);
    t.actor.send({ type: 'lobby.acceptInvite', lobbyId: lobbies[4]!, from: OTHER });
    expect(t.membership()).toBe('joining');
  });
});

describe('lobby machine: pending invites (one per sender and lobby, used up by joining that lobby)', () => {
  const THIRD = 76561198000000003n;
  const pending = (t: ReturnType<typeof startLobby>) => t.actor.getSnapshot().context.invites;

  it('a repeated invite is kept once and moves to the end; two friends inviting to one lobby are two invites', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.invited', lobbyId: LOBBY, from: OTHER });
    t.actor.send({ type: 'lobby.invited', lobbyId: LOBBY_B, from: OTHER });
    t.actor.send({ type: 'lobby.invited', lobbyId: LOBBY, from: OTHER });
    expect(pending(t)).toEqual([
      { lobbyId: LOBBY_B, from: OTHER },
      { lobbyId: LOBBY, from: OTHER },
    ]);
    t.actor.send({ type: 'lobby.invited', lobbyId: LOBBY, from: THIRD });
    expect(pending(t)).toEqual([
      { lobbyId: LOBBY_B, from: OTHER },
      { lobbyId: LOBBY, from: OTHER },
      { lobbyId: LOBBY, from: THIRD },
    ]);
    // Either friend's invite can be the one the player accepts.
    t.actor.send({ type: 'lobby.acceptInvite', lobbyId: LOBBY, from: OTHER });
    expect(t.membership()).toBe('joining');
    expect(t.ofType('lifecycle.rejected')).toEqual([]);
  });

  it('accepting one invite uses up every invite to that lobby, whoever sent it, and keeps the invites elsewhere', () => {
    const t = startLobby();
    t.actor.send({ type: 'lobby.invited', lobbyId: LOBBY, from: OTHER });
    t.actor.send({ type: 'lobby.invited', lobbyId: LOBBY_B, from: OTHER });
    t.actor.send({ type: 'lobby.invited', lobbyId: LOBBY, from: THIRD });
    t.actor.send({ type: 'lobby.acceptInvite', lobbyId: LOBBY, from: THIRD });
    expect(t.membership()).toBe('joining');
    expect(pending(t)).toEqual([{ lobbyId: LOBBY_B, from: OTHER }]);
    t.actor.send({ type: 'lobby.joinRefused', lobbyId: LOBBY, reason: 'no' });
    t.actor.send({ type: 'lobby.acceptInvite', lobbyId: LOBBY, from: OTHER });
    expect(t.ofType('lifecycle.rejected').map((r) => r.code)).toEqual(['no-such-invite']);
    t.actor.send({ type: 'lobby.acceptInvite', lobbyId: LOBBY_B, from: OTHER });
    expect(t.named('requestJoinLobby')).toEqual([{ lobbyId: LOBBY }, { lobbyId: LOBBY_B }]);
  });

  it('accepting an invite to the lobby we are in uses up every invite to it and no other', () => {
    const t = joinedLobby();
    t.actor.send({ type: 'lobby.invited', lobbyId: LOBBY_B, from: OTHER });
    t.actor.send({ type: 'lobby.invited', lobbyId: LOBBY, from: OTHER });
    t.actor.send({ type: 'lobby.invited', lobbyId: LOBBY, from: THIRD });
    t.actor.send({ type: 'lobby.acceptInvite', lobbyId: LOBBY, from: OTHER });
    expect(t.membership()).toBe('joined');
    expect(pending(t)).toEqual([{ lobbyId: LOBBY_B, from: OTHER }]);
  });
});

describe('lobby machine: seat reservation (Steam drops us, we get back in)', () => {
  const timing = { seatReservationMs: 10_000, rejoinIntervalMs: 1_000, requestTimeoutMs: 3_000 };

  it('servers lost: holds the seat, refuses owner commands, rejoins when Steam is back, and reports one reconnect', () => {
    const t = joinedLobby(OTHER, { timing });
    const before = t.actor.getSnapshot().context.epoch;
    t.actor.send({ type: 'steam.serversDisconnected' });
    expect(t.membership()).toBe('joined.reconnecting.waitingForSteam');
    expect(t.ofType('lifecycle.reconnecting')).toEqual([{ type: 'lifecycle.reconnecting', lobbyId: LOBBY, cause: 'servers-lost', epoch: before + 1 }]);
    t.actor.send({ type: 'lobby.start', epoch: before + 1 });
    expect(t.ofType('lifecycle.rejected').map((r) => r.code)).toEqual(['reconnecting']);
    expect(t.named('requestJoinLobby')).toEqual([{ lobbyId: LOBBY }]);
    t.actor.send({ type: 'steam.serversConnected' });
    expect(t.membership()).toBe('joined.reconnecting.rejoining');
    expect(t.named('requestJoinLobby')).toEqual([{ lobbyId: LOBBY }, { lobbyId: LOBBY }]);
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 1, ownerId: OTHER, members: [OTHER, SELF] });
    expect(t.membership()).toBe('joined');
    expect(t.ofType('lifecycle.reconnected')).toEqual([
      { type: 'lifecycle.reconnected', lobbyId: LOBBY, role: 'member', ownerId: OTHER, epoch: before + 2, members: [OTHER, SELF] },
    ]);
    expect(t.ofType('lifecycle.left')).toEqual([]);
    expect(t.ofType('lifecycle.entered')).toHaveLength(1);
  });

  it('an owner who drops comes back as whatever Steam says; what it issued as owner before is stale', () => {
    const t = createdLobby();
    const ownerEpoch = t.actor.getSnapshot().context.epoch;
    t.actor.send({ type: 'member.changed', memberId: SELF, change: 'disconnected', changedBy: SELF });
    expect(t.membership()).toBe('joined.reconnecting.rejoining');
    expect(t.actor.getSnapshot().context.ownerId).toBeUndefined();
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 1, ownerId: OTHER, members: [OTHER, SELF] });
    expect(t.ofType('lifecycle.reconnected')).toMatchObject([{ role: 'member', ownerId: OTHER }]);
    t.actor.send({ type: 'lobby.kick', memberId: OTHER, epoch: ownerEpoch });
    expect(t.ofType('lifecycle.rejected').map((r) => r.code)).toEqual(['stale-epoch']);
    expect(t.named('requestKick')).toEqual([]);
  });

  it('retries a refused rejoin after the interval, and gives the seat up when the window runs out', () => {
    const t = joinedLobby(OTHER, { timing });
    t.actor.send({ type: 'member.changed', memberId: SELF, change: 'disconnected' });
    t.actor.send({ type: 'lobby.joinRefused', lobbyId: LOBBY, reason: 'busy' });
    expect(t.membership()).toBe('joined.reconnecting.pausing');
    t.clock.advance(1_000);
    expect(t.membership()).toBe('joined.reconnecting.rejoining');
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 4 });
    t.clock.advance(1_000);
    expect(t.named('requestJoinLobby')).toHaveLength(4);
    t.clock.advance(8_000);
    expect(t.membership()).toBe('idle');
    expect(t.ofType('lifecycle.left')).toMatchObject([{ lobbyId: LOBBY, reason: { code: 'reconnect-failed' } }]);
    expect(t.ofType('lifecycle.reconnected')).toEqual([]);
  });

  it('a rejoin that times out counts as refused; losing Steam again goes back to waiting', () => {
    const t = joinedLobby(OTHER, { timing });
    t.actor.send({ type: 'member.changed', memberId: SELF, change: 'disconnected' });
    t.clock.advance(3_000);
    expect(t.membership()).toBe('joined.reconnecting.pausing');
    t.actor.send({ type: 'steam.serversDisconnected' });
    expect(t.membership()).toBe('joined.reconnecting.waitingForSteam');
  });

  it('a lobby that no longer exists ends reconnecting at once', () => {
    const t = joinedLobby(OTHER, { timing });
    t.actor.send({ type: 'member.changed', memberId: SELF, change: 'disconnected' });
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 2 });
    expect(t.membership()).toBe('idle');
    expect(t.ofType('lifecycle.left')).toMatchObject([{ reason: { code: 'lobby-gone' } }]);
  });

  it('leaving while reconnecting leaves for good', () => {
    const t = joinedLobby(OTHER, { timing });
    t.actor.send({ type: 'steam.serversDisconnected' });
    t.actor.send({ type: 'lobby.leave' });
    t.actor.send({ type: 'lobby.left' });
    expect(t.membership()).toBe('idle');
    expect(t.ofType('lifecycle.left')).toMatchObject([{ reason: { code: 'user' } }]);
    t.clock.advance(20_000);
    expect(t.ofType('lifecycle.left')).toHaveLength(1);
  });
});
