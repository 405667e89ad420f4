/**
 * Pure helpers of the lobby machine: the texts it reports, how it reads the events it is sent (which lobby a
 * join-like event names, whether a result succeeded), and the failures and reasons it builds from them. Nothing
 * here knows about actors; the machine file wires these into guards and actions.
 */
import { CreateLobbyResult, EnterResponse, enterFailure, isSteamId, lobbyFromLaunchArgs, type MemberChange } from '../steam/index.js';
import type {
  CreateFailure,
  JoinFailure,
  JoinSource,
  LeaveReason,
  LobbyContext,
  LobbyEvent,
  RejectionCode,
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
};

const SERVERS_LOST_TEXT = 'The connection to Steam was lost.';

export function leaveReason(code: 'user' | 'disconnected' | 'lobby-gone' | 'servers-lost'): LeaveReason {
  const text = {
    user: 'You left the lobby.',
    disconnected: 'You were disconnected from the lobby.',
    'lobby-gone': 'The lobby no longer exists.',
    'servers-lost': SERVERS_LOST_TEXT,
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
