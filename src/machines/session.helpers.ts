/**
 * Pure helpers of the root machine: how it reads the lobby actor's snapshots and the events about one remote user,
 * the texts it reports, and the context updates of its member bookkeeping (session status, held seats, reconnect
 * rounds). Nothing here knows about actors; session.machine.ts wires these into guards and actions.
 */
import { assertEvent, type SnapshotFrom } from 'xstate';
import type { MemberChange } from '../steam/index.js';
import { reconnectDelayMs } from './backoff.js';
import type { lobbyMachine } from './lobby.machine.js';
import { MemberTable } from './member-table.js';
import type { PeerCloseCause } from './peer-session.machine.js';
import type { IgnoredCode, PeerStatus, SessionContext, SessionEvent } from './session.types.js';

type LobbySnapshot = SnapshotFrom<typeof lobbyMachine>;

export function lobbySnapshotOf(event: { readonly type: string }): LobbySnapshot | undefined {
  return event.type === 'xstate.snapshot.lobby' && 'snapshot' in event ? (event.snapshot as LobbySnapshot) : undefined;
}

/** In the lobby (present, or reconnecting with our seat held: P2P goes on either way). */
export function isLobbyJoined(snapshot: LobbySnapshot | undefined): boolean {
  return snapshot !== undefined && snapshot.matches('joined');
}

/** The events about one remote user: session requests and the peer events the runtime routes by `remoteId`. */
export const REMOTE_EVENTS = [
  'session.request',
  'peer.handshake',
  'peer.handshakeAck',
  'peer.silent',
  'peer.sessionFailed',
  'peer.reconnect',
  'peer.closed',
  'session.reconnectDue',
] as const satisfies readonly SessionEvent['type'][];

type RemoteEvent = Extract<SessionEvent, { readonly type: (typeof REMOTE_EVENTS)[number] }>;

/** The remote user an event is about (asserting it is one of those events). */
export function remoteIdOf(event: SessionEvent): bigint {
  assertEvent(event, REMOTE_EVENTS);
  return (event as RemoteEvent).remoteId;
}

export const CLOSE_CAUSE: Readonly<Record<Exclude<MemberChange, 'entered'>, PeerCloseCause>> = {
  left: 'member-left',
  disconnected: 'member-disconnected',
  kicked: 'member-kicked',
  banned: 'member-banned',
};

export const IGNORED_TEXT: Readonly<Record<IgnoredCode, string>> = {
  'not-a-member': 'Not a member of the current lobby.',
  'not-in-lobby': 'We are not in a lobby.',
  'session-closed': "This member's session is closed.",
};

export function connectedMembers(context: SessionContext): readonly bigint[] {
  return context.members.keysWith('connected');
}

/** The lobby's members whose seat is not merely held, ourselves first: who may start a vote and vote. */
export function presentMembers(context: SessionContext): readonly bigint[] {
  const present = [context.selfId];
  for (const id of context.members.keys()) if (!context.away.has(id)) present.push(id);
  return present;
}

/** Who made a member change, as the game is told: the kicker or banner, never the member themselves. */
export function changedBy(event: SessionEvent): bigint | undefined {
  if (event.type !== 'member.changed' || (event.change !== 'kicked' && event.change !== 'banned')) return undefined;
  return event.changedBy !== undefined && event.changedBy !== event.memberId ? event.changedBy : undefined;
}

type Update = Partial<SessionContext>;

/** The member's session status set (undefined: the member is gone), with the connected count kept in step. */
export function withStatus(context: SessionContext, remoteId: bigint, status: PeerStatus | undefined): Update {
  const before = context.members.get(remoteId);
  if (before === undefined || before === status) return {};
  const members = status === undefined ? context.members.without(remoteId) : context.members.with(remoteId, status);
  const delta = (status === 'connected' ? 1 : 0) - (before === 'connected' ? 1 : 0);
  return { members, connectedCount: context.connectedCount + delta };
}

/** The member is gone for good: no status, no held seat, no reconnect rounds. */
export function forgetMember(context: SessionContext, memberId: bigint): Update {
  return { ...withStatus(context, memberId, undefined), away: context.away.without(memberId), reconnects: context.reconnects.without(memberId) };
}

/** The next reconnect round for `remoteId`: its number, its timer's token, and the wait before it. */
export function nextReconnectRound(context: SessionContext, remoteId: bigint): { round: number; token: number; inMs: number } {
  const round = (context.reconnects.get(remoteId)?.round ?? 0) + 1;
  return { round, token: context.tokens + 1, inMs: reconnectDelayMs(context.reconnect, remoteId, round) };
}

/** The wait before the reconnect round recorded for `remoteId`. */
export function reconnectWait(context: SessionContext, remoteId: bigint): number {
  return reconnectDelayMs(context.reconnect, remoteId, context.reconnects.get(remoteId)?.round ?? 1);
}

export const EMPTY_TABLES = {
  members: MemberTable.empty<PeerStatus>(),
  away: MemberTable.empty<number>(),
  reconnects: MemberTable.empty<{ readonly round: number; readonly token: number }>(),
} as const;
