/**
 * Pure helpers of the lobby machine: the texts it reports, how it reads the events it is sent (which lobby a
 * join-like event names, whether a result succeeded), and the failures and reasons it builds from them. Nothing
 * here knows about actors; the machine file wires these into guards and actions.
 */
import { assertEvent } from 'xstate';
import { CreateLobbyResult, EnterResponse, enterFailure, isSteamId, lobbyFromLaunchArgs, type MemberChange } from '../steam/index.js';
import { contextToJson, jsonSafeContext } from './serialize.js';
import {
  DEFAULT_LOBBY_TIMING,
  MAX_PENDING_INVITES,
  type CreateFailure,
  type JoinFailure,
  type JoinSource,
  type LeaveReason,
  type LobbyContext,
  type LobbyEmitted,
  type LobbyEvent,
  type LobbyInput,
  type LobbyInvite,
  type RejectionCode,
} from './lobby.types.js';

export const REJECTION_TEXT: Readonly<Record<RejectionCode, string>> = {
  busy: 'Another lobby request is still in flight; wait for it to finish.',
  'already-in-lobby': 'Already in a lobby; leave it first.',
  'not-in-lobby': 'Not in a lobby.',
  'not-owner': 'Only the lobby owner can do that.',
  'stale-epoch': 'The lobby owner changed since this command was issued.',
  'invalid-lobby-id': 'That is not a valid lobby ID.',
  'invalid-request': 'The request is malformed.',
  'list-in-flight': 'A lobby list request is already waiting for its result.',
  'no-such-invite': 'No such invite arrived (or it was already accepted).',
  reconnecting: 'Getting back into the lobby after Steam dropped us; try again once reconnected.',
};

const SERVERS_LOST_TEXT = 'The connection to Steam was lost.';

export function leaveReason(code: 'user' | 'disconnected' | 'lobby-gone' | 'servers-lost' | 'reconnect-failed'): LeaveReason {
  const text = {
    user: 'You left the lobby.',
    disconnected: 'You were disconnected from the lobby.',
    'lobby-gone': 'The lobby no longer exists.',
    'servers-lost': SERVERS_LOST_TEXT,
    'reconnect-failed': 'Steam dropped you from the lobby and you could not get back in time.',
  } as const;
  return { code, reason: text[code] };
}

export function expelledReason(code: 'kicked' | 'banned', by: bigint | undefined): LeaveReason {
  return { code, reason: code === 'kicked' ? 'You were kicked from the lobby.' : 'You were banned from the lobby.', by };
}

/** The lobby a join-like event asks for, or undefined when the event is not one (or names no valid lobby). */
export function requestedLobby(event: LobbyEvent): { lobbyId: bigint; source: JoinSource } | undefined {
  switch (event.type) {
    case 'lobby.join':
      return isSteamId(event.lobbyId) ? { lobbyId: event.lobbyId, source: 'user' } : undefined;
    case 'lobby.invited':
    case 'lobby.acceptInvite':
      return isSteamId(event.lobbyId) ? { lobbyId: event.lobbyId, source: 'invite' } : undefined;
    case 'lobby.joinRequested':
      return isSteamId(event.lobbyId) ? { lobbyId: event.lobbyId, source: 'join-requested' } : undefined;
    case 'lobby.launchArgs': {
      const launch = lobbyFromLaunchArgs(event.argv);
      return launch.kind === 'lobby' ? { lobbyId: launch.lobbyId, source: 'launch' } : undefined;
    }
    default:
      return undefined;
  }
}

/** A create or enter result that put us in a real lobby. */
export function isSuccessfulResult(event: LobbyEvent): boolean {
  if (event.type === 'lobby.created') return event.result === CreateLobbyResult.ok && isSteamId(event.lobbyId);
  if (event.type === 'lobby.entered') return event.response === EnterResponse.success && isSteamId(event.lobbyId);
  return false;
}

/** Steam's successful LobbyEnter for the lobby a stray create made, which we left and reported already. */
export function isEnterOfLeftStray(context: LobbyContext, event: LobbyEvent): boolean {
  return event.type === 'lobby.entered' && isSuccessfulResult(event) && event.lobbyId === context.strayLobbyId;
}

export function commandEpoch(event: LobbyEvent): number | undefined {
  return event.type === 'lobby.kick' || event.type === 'lobby.ban' || event.type === 'lobby.start'
    ? event.epoch
    : undefined;
}

export function selfChange(context: LobbyContext, event: LobbyEvent): MemberChange | undefined {
  return event.type === 'member.changed' && event.memberId === context.selfId ? event.change : undefined;
}

/** Why creating failed, from the event that ended it (a timeout has none: the delayed event is XState's own). */
export function createFailure(e: LobbyEvent): CreateFailure {
  switch (e.type) {
    case 'lobby.created':
      return { code: 'create-failed', result: e.result, reason: `Steam could not create the lobby (result ${e.result}).` };
    case 'lobby.createRefused':
      return { code: 'backend-refused', reason: e.reason };
    case 'steam.serversDisconnected':
      return { code: 'servers-lost', reason: SERVERS_LOST_TEXT };
    default:
      return { code: 'timeout', reason: 'Steam did not answer the create request in time.' };
  }
}

/** Why joining `lobbyId` failed, from the event that ended it (a timeout has none). */
export function joinFailure(lobbyId: bigint, e: LobbyEvent): JoinFailure {
  switch (e.type) {
    case 'lobby.entered': {
      const failure = enterFailure(e.response);
      return { code: 'enter-response', lobbyId, failure, reason: failure.reason };
    }
    case 'lobby.joinRefused':
      return { code: 'backend-refused', lobbyId, reason: e.reason };
    case 'steam.serversDisconnected':
      return { code: 'servers-lost', lobbyId, reason: SERVERS_LOST_TEXT };
    default:
      return { code: 'timeout', lobbyId, reason: 'Steam did not answer the join request in time.' };
  }
}

/**
 * The lobby id a state guarantees: joined and leaving always have one. Reaching this without one is a bug in the
 * machine, and throwing says so loudly instead of sending lobby 0 to a backend.
 */
export function currentLobby(context: LobbyContext): bigint {
  if (context.lobbyId === undefined) throw new Error('lobby machine: this state always has a lobby');
  return context.lobbyId;
}

/** The lobby joining waits for, which every join-like transition into it sets. */
export function targetLobby(context: LobbyContext): bigint {
  if (context.targetLobbyId === undefined) throw new Error('lobby machine: joining always has a target lobby');
  return context.targetLobbyId;
}

// ── invites ─────────────────────────────────────────────────────────────────────────────────────────────────

/** The invites with `invite` added last (a repeat moves to the end), the oldest dropped past the cap. */
export function withInvite(invites: readonly LobbyInvite[], invite: LobbyInvite): readonly LobbyInvite[] {
  const others = invites.filter((i) => i.lobbyId !== invite.lobbyId || i.from !== invite.from);
  return [...others, { lobbyId: invite.lobbyId, from: invite.from }].slice(-MAX_PENDING_INVITES);
}

/** Joining a lobby uses up every invite to it, whoever sent them. */
export function withoutInvitesTo(invites: readonly LobbyInvite[], lobbyId: bigint | undefined): readonly LobbyInvite[] {
  return invites.some((i) => i.lobbyId === lobbyId) ? invites.filter((i) => i.lobbyId !== lobbyId) : invites;
}

export function isPendingInvite(context: LobbyContext, event: LobbyEvent): boolean {
  return (
    event.type === 'lobby.acceptInvite' && context.invites.some((i) => i.lobbyId === event.lobbyId && i.from === event.from)
  );
}

// ── reports ─────────────────────────────────────────────────────────────────────────────────────────────────

type Report<T extends LobbyEmitted['type']> = Extract<LobbyEmitted, { type: T }>;

function role(context: LobbyContext): 'owner' | 'member' {
  return context.ownerId === context.selfId ? 'owner' : 'member';
}

export function enteredReport(context: LobbyContext): Report<'lifecycle.entered'> {
  return {
    type: 'lifecycle.entered',
    lobbyId: currentLobby(context),
    role: role(context),
    ownerId: context.ownerId,
    epoch: context.epoch,
    members: context.roster,
  };
}

export function reconnectingReport(context: LobbyContext): Report<'lifecycle.reconnecting'> {
  return { type: 'lifecycle.reconnecting', lobbyId: currentLobby(context), cause: context.awayCause ?? 'servers-lost', epoch: context.epoch };
}

export function reconnectedReport(context: LobbyContext): Report<'lifecycle.reconnected'> {
  return {
    type: 'lifecycle.reconnected',
    lobbyId: currentLobby(context),
    role: role(context),
    ownerId: context.ownerId,
    epoch: context.epoch,
    members: context.roster,
  };
}

export function leftReport(context: LobbyContext): Report<'lifecycle.left'> {
  return { type: 'lifecycle.left', lobbyId: currentLobby(context), reason: context.leaveReason ?? leaveReason('user') };
}

export function ownerChangedReport(context: LobbyContext, ownerId: bigint): Report<'lifecycle.ownerChanged'> {
  const lobbyId = currentLobby(context);
  return { type: 'lifecycle.ownerChanged', lobbyId, ownerId, epoch: context.epoch, isSelf: ownerId === context.selfId };
}

/** The members an enter result listed, ourselves always among them. */
export function rosterOf(selfId: bigint, members: readonly bigint[] | undefined): readonly bigint[] {
  const listed = members ?? [];
  return listed.includes(selfId) ? listed : [selfId, ...listed];
}

// ── context updates ─────────────────────────────────────────────────────────────────────────────────────────

type Update = Partial<LobbyContext>;

/** Joining from idle: the lobby the event names, and the invites to it used up. */
export function joinTargetUpdate(context: LobbyContext, event: LobbyEvent): Update {
  const wanted = requestedLobby(event);
  return { targetLobbyId: wanted?.lobbyId, joinSource: wanted?.source, invites: withoutInvitesTo(context.invites, wanted?.lobbyId) };
}

/** Switching lobbies: the lobby to join once leaving completes, and why we leave. */
export function nextJoinUpdate(context: LobbyContext, event: LobbyEvent): Update {
  const wanted = requestedLobby(event);
  const leave: LeaveReason | undefined =
    wanted === undefined ? undefined : { code: 'switching', reason: 'Leaving to join another lobby.', nextLobbyId: wanted.lobbyId };
  return { nextJoin: wanted, invites: withoutInvitesTo(context.invites, wanted?.lobbyId), leaveReason: leave };
}

/** In the lobby Steam entered us in, under a new epoch; `owner` is Steam's (ourselves for a lobby we created). */
export function enteredUpdate(context: LobbyContext, event: LobbyEvent): Update {
  if (event.type === 'lobby.created') {
    return { lobbyId: event.lobbyId, ownerId: context.selfId, epoch: context.epoch + 1, roster: [context.selfId] };
  }
  if (event.type !== 'lobby.entered') throw new Error(`lobby machine: ${event.type} enters no lobby`);
  return {
    lobbyId: event.lobbyId,
    ownerId: event.ownerId,
    epoch: context.epoch + 1,
    roster: rosterOf(context.selfId, event.members),
    awayCause: undefined,
  };
}

/** A lobby a stray create made, left already: remembered until Steam's LobbyEnter to its creator arrives. */
export function strayCreatedUpdate(event: LobbyEvent): Update {
  assertEvent(event, 'lobby.created');
  return { strayLobbyId: event.lobbyId };
}

/** Dropped by Steam: we own nothing while out (a new epoch refuses what was issued before), whatever we owned. */
export function dropOutUpdate(context: LobbyContext, event: LobbyEvent): Update {
  const awayCause = event.type === 'steam.serversDisconnected' ? 'servers-lost' : 'disconnected';
  return { ownerId: undefined, epoch: context.epoch + 1, awayCause };
}

/** JSON for graph keys and inspectors: the epoch, which only grows, left out. */
const CONTEXT_JSON = contextToJson(['epoch']);

export function initialContext(input: LobbyInput): LobbyContext {
  return jsonSafeContext(
    {
      selfId: input.selfId,
      timing: { ...DEFAULT_LOBBY_TIMING, ...input.timing },
      effects: input.effects,
      lobbyId: undefined,
      createRequest: undefined,
      targetLobbyId: undefined,
      joinSource: undefined,
      nextJoin: undefined,
      leaveReason: undefined,
      ownerId: undefined,
      epoch: 0,
      roster: [],
      autoAcceptInvites: input.autoAcceptInvites === true,
      invites: [],
      awayCause: undefined,
      strayLobbyId: undefined,
    },
    CONTEXT_JSON,
  );
}
