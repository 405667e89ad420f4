/**
 * Transition fragments the lobby machine uses in more than one state, as plain data naming its actions and guards
 * (lobby.machine.ts defines them): refusals, joins from idle and from a lobby, owner-only commands, what a state
 * with a request in flight answers, and how a late or unexpected result is left at once (and only once).
 */
import { and, assertEvent, not } from 'xstate';
import type { CreateParams, MemberParams } from './effects.js';
import { currentLobby } from './lobby.helpers.js';
import type { LobbyContext, LobbyEvent, RejectionCode } from './lobby.types.js';

export const reject = (code: RejectionCode) => ({ type: 'reject', params: { code } }) as const;

/** An invite is always recorded and shown; what else happens depends on the state. */
export const noteInvite = ['recordInvite', 'reportInvite'] as const;

/** A join from idle, whatever asked for it (the game, an accepted invite, Steam's "Join game"): a valid lobby id. */
export const joinFromIdle = [
  { guard: 'namesValidLobby', target: 'joining', actions: 'rememberJoinTarget' },
  { actions: reject('invalid-lobby-id') },
] as const;

/** An accepted invite from idle: only one that arrived. */
export const acceptFromIdle = [
  { guard: 'isPendingInvite', target: 'joining', actions: 'rememberJoinTarget' },
  { actions: reject('no-such-invite') },
] as const;

/** A deliberate join while in a lobby: leave this one, then join the other; the same lobby changes nothing. */
export const switchLobby = { guard: 'namesOtherLobby', target: '#lobby.leaving', actions: 'rememberNextJoin' } as const;

/** A join (or join request) in a lobby: the one join rule, and one naming no lobby refused as in idle. */
export const joinFromLobby = [switchLobby, { guard: not('namesValidLobby'), actions: reject('invalid-lobby-id') }] as const;

/** Launch arguments in a lobby: as a join, but arguments without `+connect_lobby` ask for nothing. */
export const launchFromLobby = [
  switchLobby,
  { guard: and([not('namesValidLobby'), not('launchArgsNameNoLobby')]), actions: reject('invalid-lobby-id') },
] as const;

/**
 * An owner-only command: run `effect` when we own the lobby at the epoch the command was issued under; otherwise
 * refuse it, as stale when the owner (or lobby) changed since, or as not ours.
 */
export function ownerOnly<const A>(effect: A) {
  return [
    { guard: 'isOwnerAtCommandEpoch', actions: effect },
    { guard: not('commandEpochIsCurrent'), actions: reject('stale-epoch') },
    { actions: reject('not-owner') },
  ] as const;
}

/** While a create, join or leave is in flight, every new lobby request is refused rather than doubled. */
export function busyWhileInFlight() {
  return {
    'lobby.create': { actions: reject('busy') },
    'lobby.join': { actions: reject('busy') },
    'lobby.acceptInvite': { actions: reject('busy') },
    'lobby.invited': { guard: 'namesValidLobby', actions: noteInvite },
    'lobby.joinRequested': { actions: reject('busy') },
    'lobby.launchArgs': { actions: reject('busy') },
    ...refuseOwnerCommands('not-in-lobby'),
  } as const;
}

/** Owner commands where nobody can be owner: not in a lobby, or out of it while reconnecting. */
export function refuseOwnerCommands(code: 'not-in-lobby' | 'reconnecting') {
  return {
    'lobby.kick': { actions: reject(code) },
    'lobby.ban': { actions: reject(code) },
    'lobby.start': { actions: reject(code) },
  } as const;
}

/** The seed's set-up of a lobby it just created: in, joinable "just in case", relay allowed. */
export const setUpCreated = ['enterLobby', 'setLobbyJoinable', 'allowP2PRelay'] as const;

/** Leaving is done (or timed out): join the lobby we were switching to, or rest in idle. */
export const leftNowJoinNext = [
  { guard: 'hasNextJoin', target: 'joining', actions: ['reportLeft', 'beginNextJoin'] },
  { target: 'idle', actions: 'reportLeft' },
] as const;

/** Leave a lobby a late or unexpected result put us in, at once, so no stale lobby (or second host) survives. */
export const leaveStray = ['leaveStrayLobby', 'reportStrayLeft'] as const;

/** A lobby a create we no longer wait for made: left, and remembered until Steam's LobbyEnter for it comes. */
export const leaveStrayCreated = [...leaveStray, 'rememberStrayLobby'] as const;

/** The LobbyEnter Steam sends the creator of a stray lobby we left already: nothing to leave or report again. */
export const absorbStrayEnter = { guard: 'isEnterOfLeftStray', actions: 'forgetStrayLobby' } as const;

/** A successful result we are not waiting for (in any state but the one that waits for it). */
export const strayResults = {
  'lobby.created': { guard: 'isSuccessfulResult', actions: leaveStrayCreated },
  'lobby.entered': [absorbStrayEnter, { guard: 'isSuccessfulResult', actions: leaveStray }],
} as const;

/** In a lobby: an enter to another lobby is a stray (unless it is the one a stray create made, left already). */
export const strayEnterElsewhere = [absorbStrayEnter, { guard: and([not('isForCurrentLobby'), 'isSuccessfulResult']), actions: leaveStray }] as const;

/** Out of the lobby for `record`'s reason: leave (Steam may still count us in) and report it. */
export const leaveFor = <const R extends string>(record: R) => [record, 'requestLeaveLobby', 'reportLeft'] as const;

/** What creating asks Steam for, from the `lobby.create` that started it. */
export function createParams({ event }: { event: LobbyEvent }): CreateParams {
  assertEvent(event, 'lobby.create');
  return { lobbyType: event.lobbyType, maxMembers: event.maxMembers };
}

/** The kick or ban a member command asks for, in the lobby we are in. */
export function memberCommandParams({ context, event }: { context: LobbyContext; event: LobbyEvent }): MemberParams {
  assertEvent(event, ['lobby.kick', 'lobby.ban']);
  return { lobbyId: currentLobby(context), memberId: event.memberId };
}
