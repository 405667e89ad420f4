import {
  and,
  assertEvent,
  assign,
  cancel,
  emit,
  enqueueActions,
  not,
  raise,
  sendTo,
  setup,
  stateIn,
  type SnapshotFrom,
} from 'xstate';
import { isDeparture, type MemberChange } from '../steam/index.js';
import type { HeartbeatParams, LivenessCheckParams, MachineEffects, RemoteParams } from './effects.js';
import { lobbyListMachine, type LobbyListEvent } from './lobby-list.machine.js';
import { lobbyMachine, type LobbyEvent, type LobbyTiming } from './lobby.machine.js';
import { MemberTable } from './member-table.js';
import { peerPool, type PeerOptions, type PeerPoolCommand } from './peer-pool.js';
import { DEFAULT_PEER_TIMING, type PeerCloseCause, type PeerSessionEmitted, type PeerSessionEvent } from './peer-session.machine.js';

/**
 * The root of a lobbykit session: it owns the lobby actor (invoked, system id "lobby"), the lobby list actor
 * (system id "lobbyList") and one peer-session actor per remote member (held by the invoked peer pool, system ids
 * "peer:<steam id>"). The runtime's effects arrive in its input; it hands each child its part.
 *
 *   outside ──lobby reaches membership.joined──► inLobby { connecting ⇄ allConnected } ──lobby leaves joined──► outside
 *
 * Members are admitted from the roster the lobby entered with and from `member.changed` events; a peer is
 * spawned per remote member and closed when the member leaves, is kicked, banned or disconnects, and all of
 * them when the lobby is left (the seed closes every P2P session on leave). Session requests and handshakes are
 * accepted only from current members. `inLobby.allConnected` is "every remote member's session is connected".
 *
 * Heartbeats are the root's too: while in a lobby one timer (a delayed `session.heartbeatDue` to itself) asks for
 * a heartbeat to every connected member each interval, so a runtime makes one transition per interval rather than
 * one per member. The same timer asks the runtime to check the connected members' liveness (`checkLiveness`),
 * which it answers with `peer.silent` for each member it has not heard from for the window.
 */

export type PeerStatus = 'connecting' | 'connected' | 'closed';

export interface SessionInput {
  readonly selfId: bigint;
  readonly lobby?: { readonly timing?: Partial<LobbyTiming> };
  readonly peer?: PeerOptions;
  readonly effects: MachineEffects;
}

export interface SessionContext {
  readonly selfId: bigint;
  readonly effects: MachineEffects;
  readonly peer: PeerOptions;
  readonly lobbyTiming: Partial<LobbyTiming> | undefined;
  /** Remote members of the current lobby (ourselves excluded) and how their session stands. */
  readonly members: MemberTable<PeerStatus>;
  /** How many entries of `members` are 'connected' (kept so "all connected" is O(1)). */
  readonly connectedCount: number;
  readonly heartbeatIntervalMs: number;
  readonly livenessTimeoutMs: number;
}

/** A P2P session request (Steam's P2PSessionRequest). */
export interface SessionRequestEvent {
  readonly type: 'session.request';
  readonly remoteId: bigint;
}

/** The root's own heartbeat timer firing (raised by the root with a delay; nothing else sends it). */
export interface HeartbeatDueEvent {
  readonly type: 'session.heartbeatDue';
}

/** Everything the runtime sends the root: lobby and list events, member changes, session requests, peer events. */
export type SessionEvent =
  | LobbyEvent
  | LobbyListEvent
  | SessionRequestEvent
  | PeerSessionEvent
  | PeerSessionEmitted
  | HeartbeatDueEvent;

export type IgnoredCode = 'not-a-member' | 'not-in-lobby' | 'session-closed';

/** What the root reports (XState `emit`), besides the peers' own events, which it passes on unchanged. */
export type SessionEmitted =
  | PeerSessionEmitted
  | { readonly type: 'session.accepted'; readonly remoteId: bigint }
  | { readonly type: 'session.refused'; readonly remoteId: bigint; readonly code: IgnoredCode; readonly reason: string }
  /** A peer event (handshake, silence, session failure) about someone with no live session here: dropped. */
  | {
      readonly type: 'peer.ignored';
      readonly remoteId: bigint;
      readonly event: PeerSessionEvent['type'];
      readonly code: IgnoredCode;
    }
  | { readonly type: 'member.admitted'; readonly memberId: bigint }
  | { readonly type: 'member.dismissed'; readonly memberId: bigint; readonly change: MemberChange };

// ── pure helpers ────────────────────────────────────────────────────────────────────────────────────────────

type LobbySnapshot = SnapshotFrom<typeof lobbyMachine>;

function lobbySnapshotOf(event: { readonly type: string }): LobbySnapshot | undefined {
  return event.type === 'xstate.snapshot.lobby' && 'snapshot' in event ? (event.snapshot as LobbySnapshot) : undefined;
}

function isLobbyJoined(snapshot: LobbySnapshot | undefined): boolean {
  return snapshot !== undefined && snapshot.matches('joined');
}

/** The events about one remote user: session requests and the peer events the runtime routes by `remoteId`. */
const REMOTE_EVENTS = [
  'session.request',
  'peer.handshake',
  'peer.handshakeAck',
  'peer.silent',
  'peer.sessionFailed',
] as const satisfies readonly SessionEvent['type'][];

type RemoteEvent = Extract<SessionEvent, { readonly type: (typeof REMOTE_EVENTS)[number] }>;

/** The remote user an event is about (asserting it is one of those events). */
function remoteIdOf(event: SessionEvent): bigint {
  assertEvent(event, REMOTE_EVENTS);
  return (event as RemoteEvent).remoteId;
}

const CLOSE_CAUSE: Readonly<Record<Exclude<MemberChange, 'entered'>, PeerCloseCause>> = {
  left: 'member-left',
  disconnected: 'member-disconnected',
  kicked: 'member-kicked',
  banned: 'member-banned',
};

const IGNORED_TEXT: Readonly<Record<IgnoredCode, string>> = {
  'not-a-member': 'Not a member of the current lobby.',
  'not-in-lobby': 'We are not in a lobby.',
  'session-closed': "This member's session is closed.",
};

function connectedMembers(context: SessionContext): readonly bigint[] {
  return context.members.keysWith('connected');
}

const HEARTBEAT_TIMER = 'heartbeat';

function withStatus(context: SessionContext, remoteId: bigint, status: PeerStatus | undefined): Partial<SessionContext> {
  const before = context.members.get(remoteId);
  if (before === undefined || before === status) return {};
  const members = status === undefined ? context.members.without(remoteId) : context.members.with(remoteId, status);
  const delta = (status === 'connected' ? 1 : 0) - (before === 'connected' ? 1 : 0);
  return { members, connectedCount: context.connectedCount + delta };
}

/** Accept the session of the member the event names. */
const acceptMemberSession = {
  type: 'acceptSession',
  params: ({ event }: { event: SessionEvent }) => ({ remoteId: remoteIdOf(event) }),
} as const;

// ── machine ─────────────────────────────────────────────────────────────────────────────────────────────────

export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as SessionInput,
    emitted: {} as SessionEmitted,
  },
  actors: {
    lobby: lobbyMachine,
    lobbyList: lobbyListMachine,
    peerPool,
  },
  actions: {
    /** Effect: accept the P2P session (the seed's acceptP2PSessionWithUser). */
    acceptSession: ({ context }, params: RemoteParams) => context.effects.acceptSession(params),
    /** Effect: send one heartbeat to each member named (the runtime skips links that carried reliable data lately). */
    sendHeartbeats: ({ context }, params: HeartbeatParams) => context.effects.sendHeartbeats(params),
    /** Effect: the runtime answers `peer.silent` for each member named that it has not heard from within the window. */
    checkLiveness: ({ context }, params: LivenessCheckParams) => context.effects.checkLiveness(params),

    startHeartbeatTimer: raise({ type: 'session.heartbeatDue' }, { delay: 'heartbeatInterval', id: HEARTBEAT_TIMER }),
    stopHeartbeatTimer: cancel(HEARTBEAT_TIMER),

    forwardToLobby: sendTo('lobby', ({ event }) => event as LobbyEvent),
    forwardToLobbyList: sendTo('lobbyList', ({ event }) => event as LobbyListEvent),
    routeToPeer: sendTo('peers', ({ event }) => event as PeerPoolCommand),

    admitRoster: enqueueActions(({ context, event, enqueue }) => {
      const roster = lobbySnapshotOf(event)?.context.roster ?? [];
      const remotes = roster.filter((id) => id !== context.selfId);
      enqueue.assign({ members: MemberTable.from(remotes.map((id) => [id, 'connecting' as const])), connectedCount: 0 });
      enqueue.sendTo('peers', { type: 'pool.spawn', remoteIds: remotes } satisfies PeerPoolCommand);
    }),
    admitMember: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'member.changed');
      enqueue.assign({ members: context.members.with(event.memberId, 'connecting') });
      enqueue.sendTo('peers', { type: 'pool.spawn', remoteIds: [event.memberId] } satisfies PeerPoolCommand);
      enqueue.emit({ type: 'member.admitted', memberId: event.memberId });
    }),
    dismissMember: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'member.changed');
      if (event.change === 'entered') return;
      enqueue.assign(withStatus(context, event.memberId, undefined));
      enqueue.sendTo('peers', {
        type: 'pool.close',
        remoteId: event.memberId,
        cause: CLOSE_CAUSE[event.change],
      } satisfies PeerPoolCommand);
      enqueue.emit({ type: 'member.dismissed', memberId: event.memberId, change: event.change });
    }),
    /** A member whose session closed for good knocked again: give them a fresh session. */
    restartPeer: enqueueActions(({ context, event, enqueue }) => {
      const remoteId = remoteIdOf(event);
      enqueue.assign(withStatus(context, remoteId, 'connecting'));
      enqueue.sendTo('peers', { type: 'pool.spawn', remoteIds: [remoteId] } satisfies PeerPoolCommand);
    }),
    closeAllPeers: enqueueActions(({ enqueue }) => {
      enqueue.sendTo('peers', { type: 'pool.closeAll', cause: 'lobby-left' } satisfies PeerPoolCommand);
      enqueue.assign({ members: MemberTable.empty<PeerStatus>(), connectedCount: 0 });
    }),

    markConnected: assign(({ context, event }) => {
      assertEvent(event, 'peer.connected');
      return withStatus(context, event.remoteId, 'connected');
    }),
    markConnecting: assign(({ context, event }) => {
      assertEvent(event, 'peer.attemptFailed');
      return event.retryInMs !== undefined ? withStatus(context, event.remoteId, 'connecting') : {};
    }),
    markClosed: assign(({ context, event }) => {
      assertEvent(event, 'peer.closed');
      return withStatus(context, event.remoteId, 'closed');
    }),
    passOnPeerReport: emit(({ event }) => {
      assertEvent(event, ['peer.connected', 'peer.attemptFailed', 'peer.closed']);
      return event;
    }),

    reportAccepted: emit(({ event }) => ({ type: 'session.accepted' as const, remoteId: remoteIdOf(event) })),
    refuseSession: emit(({ event }, params: { code: IgnoredCode }) => ({
      type: 'session.refused' as const,
      remoteId: remoteIdOf(event),
      code: params.code,
      reason: IGNORED_TEXT[params.code],
    })),
    reportIgnored: emit(({ event }, params: { code: IgnoredCode }) => {
      assertEvent(event, ['peer.handshake', 'peer.handshakeAck', 'peer.silent', 'peer.sessionFailed']);
      return { type: 'peer.ignored' as const, remoteId: event.remoteId, event: event.type, code: params.code };
    }),
  },
  guards: {
    lobbySnapshotIsJoined: ({ event }) => isLobbyJoined(lobbySnapshotOf(event)),
    concernsSelf: ({ context, event }) => event.type === 'member.changed' && event.memberId === context.selfId,
    memberEntered: ({ context, event }) =>
      event.type === 'member.changed' && event.change === 'entered' && !context.members.has(event.memberId),
    memberDeparted: ({ context, event }) =>
      event.type === 'member.changed' && isDeparture(event.change) && context.members.has(event.memberId),
    isMember: ({ context, event }) => context.members.has(remoteIdOf(event)),
    hasLiveSession: ({ context, event }) => {
      const status = context.members.get(remoteIdOf(event));
      return status === 'connecting' || status === 'connected';
    },
    allPeersConnected: ({ context }) => context.connectedCount === context.members.size,
  },
  delays: {
    heartbeatInterval: ({ context }) => context.heartbeatIntervalMs,
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => ({
    selfId: input.selfId,
    effects: input.effects,
    peer: input.peer ?? {},
    lobbyTiming: input.lobby?.timing,
    members: MemberTable.empty<PeerStatus>(),
    connectedCount: 0,
    heartbeatIntervalMs: input.peer?.timing?.heartbeatIntervalMs ?? DEFAULT_PEER_TIMING.heartbeatIntervalMs,
    livenessTimeoutMs: input.peer?.timing?.livenessTimeoutMs ?? DEFAULT_PEER_TIMING.livenessTimeoutMs,
  }),
  invoke: [
    {
      id: 'lobby',
      systemId: 'lobby',
      src: 'lobby',
      input: ({ context }) => ({ selfId: context.selfId, timing: context.lobbyTiming, effects: context.effects }),
      onSnapshot: [
        {
          guard: and([stateIn('#session.outside'), 'lobbySnapshotIsJoined']),
          target: '.inLobby',
          actions: 'admitRoster',
        },
        { guard: and([stateIn('#session.inLobby'), not('lobbySnapshotIsJoined')]), target: '.outside' },
      ],
    },
    {
      id: 'lobbyList',
      systemId: 'lobbyList',
      src: 'lobbyList',
      input: ({ context }) => ({ timing: context.lobbyTiming, effects: context.effects }),
    },
    {
      id: 'peers',
      systemId: 'peers',
      src: 'peerPool',
      input: ({ context }) => ({ peer: context.peer, effects: context.effects }),
    },
  ],
  initial: 'outside',
  on: {
    'lobby.list': { actions: 'forwardToLobbyList' },
    'lobby.listReceived': { actions: 'forwardToLobbyList' },
    'lobby.listRefused': { actions: 'forwardToLobbyList' },
    'lobby.*': { actions: 'forwardToLobby' },
    'steam.serversDisconnected': { actions: ['forwardToLobby', 'forwardToLobbyList'] },
    'peer.connected': { actions: ['markConnected', 'passOnPeerReport'] },
    'peer.attemptFailed': { actions: ['markConnecting', 'passOnPeerReport'] },
    'peer.closed': { actions: ['markClosed', 'passOnPeerReport'] },
  },
  states: {
    outside: {
      on: {
        'member.changed': { guard: 'concernsSelf', actions: 'forwardToLobby' },
        'session.request': { actions: { type: 'refuseSession', params: { code: 'not-in-lobby' } } },
        'peer.handshake': { actions: { type: 'reportIgnored', params: { code: 'not-in-lobby' } } },
        'peer.handshakeAck': { actions: { type: 'reportIgnored', params: { code: 'not-in-lobby' } } },
        'peer.silent': { actions: { type: 'reportIgnored', params: { code: 'not-in-lobby' } } },
        'peer.sessionFailed': { actions: { type: 'reportIgnored', params: { code: 'not-in-lobby' } } },
      },
    },
    inLobby: {
      entry: 'startHeartbeatTimer',
      exit: ['stopHeartbeatTimer', 'closeAllPeers'],
      initial: 'connecting',
      on: {
        'session.heartbeatDue': {
          actions: [
            {
              type: 'sendHeartbeats',
              params: ({ context }) => ({ remoteIds: connectedMembers(context), intervalMs: context.heartbeatIntervalMs }),
            },
            {
              type: 'checkLiveness',
              params: ({ context }) => ({ remoteIds: connectedMembers(context), windowMs: context.livenessTimeoutMs }),
            },
            'startHeartbeatTimer',
          ],
        },
        'member.changed': [
          { guard: 'concernsSelf', actions: 'forwardToLobby' },
          { guard: 'memberEntered', actions: 'admitMember' },
          { guard: 'memberDeparted', actions: 'dismissMember' },
        ],
        'session.request': [
          { guard: 'hasLiveSession', actions: [acceptMemberSession, 'reportAccepted'] },
          { guard: 'isMember', actions: [acceptMemberSession, 'restartPeer', 'reportAccepted'] },
          { actions: { type: 'refuseSession', params: { code: 'not-a-member' } } },
        ],
        'peer.handshake': [
          { guard: 'hasLiveSession', actions: 'routeToPeer' },
          // The member came back after we gave up on them: a fresh session, which this handshake completes.
          { guard: 'isMember', actions: ['restartPeer', 'routeToPeer'] },
          { actions: { type: 'reportIgnored', params: { code: 'not-a-member' } } },
        ],
        'peer.handshakeAck': routeOrIgnore(),
        'peer.silent': routeOrIgnore(),
        'peer.sessionFailed': routeOrIgnore(),
      },
      states: {
        connecting: {
          always: { guard: 'allPeersConnected', target: 'allConnected' },
        },
        allConnected: {
          always: { guard: not('allPeersConnected'), target: 'connecting' },
        },
      },
    },
  },
});

function routeOrIgnore() {
  return [
    { guard: 'hasLiveSession', actions: 'routeToPeer' },
    { guard: 'isMember', actions: { type: 'reportIgnored', params: { code: 'session-closed' } } },
    { actions: { type: 'reportIgnored', params: { code: 'not-a-member' } } },
  ] as const;
}
