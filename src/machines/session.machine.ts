/**
 * The root of a lobbykit session: it owns the lobby actor (invoked, system id "lobby"), the lobby list actor
 * ("lobbyList"), the vote-kick actor ("voteKick") and one peer-session actor per remote member (held by the invoked
 * peer pool, system ids "peer:<steam id>"). The runtime's effects arrive in its input; it hands each child its part.
 *
 *   outside ──lobby reaches joined──► inLobby { connecting ⇄ allConnected } ──lobby leaves joined──► outside
 *
 * Members are admitted from the roster the lobby entered with and from `member.changed` events; a peer is
 * spawned per remote member and closed when the member leaves, is kicked or banned, and all of them when the
 * lobby is left (the seed closes every P2P session on leave). Session requests and handshakes are accepted only
 * from current members. `inLobby.allConnected` is "every remote member's session is connected".
 *
 * Seat reservation: a member Steam drops ("disconnected") keeps their seat and their session for
 * `seatReservationMs` (`member.away`); if they enter again within it the game sees one `member.reconnected`,
 * otherwise one `member.dismissed` when the window ends. Reconnect policy: a member whose session closed for good
 * (retries exhausted) gets another round of attempts after a bounded backoff, round after round, for as long as
 * both of us are in the lobby (`peer.reconnectScheduled`); `peer.reconnect` asks for a round at once. Both
 * timers are delayed events the root raises for itself, each with a token, so a timer for a member who has gone
 * (or a lobby we left) finds no matching token and does nothing.
 *
 * Heartbeats: while in a lobby one timer asks for a heartbeat to every connected member each interval and for a
 * liveness check, which the runtime answers with `peer.silent` per member not heard from for the window.
 * Vote-kick frames and member changes go to the vote-kick actor, with the lobby's present members added, and the
 * lobby's owner and epoch follow the lobby actor's snapshots to it (`vote.owner`).
 */
import { and, assertEvent, assign, cancel, emit, enqueueActions, not, raise, sendTo, setup, stateIn } from 'xstate';
import { isDeparture } from '../steam/index.js';
import { DEFAULT_RECONNECT_POLICY } from './backoff.js';
import type { HeartbeatParams, LivenessCheckParams, RemoteParams } from './effects.js';
import { lobbyListMachine, type LobbyListEvent } from './lobby-list.machine.js';
import { lobbyMachine, type LobbyEvent } from './lobby.machine.js';
import { MemberTable } from './member-table.js';
import { peerPool, type PeerPoolCommand } from './peer-pool.js';
import { DEFAULT_PEER_TIMING } from './peer-session.machine.js';
import { contextToJson, jsonSafeContext } from './serialize.js';
import * as root from './session.helpers.js';
import { CLOSE_CAUSE, IGNORED_TEXT, connectedMembers, lobbySnapshotOf, remoteIdOf, withStatus } from './session.helpers.js';
import type { IgnoredCode, SessionContext, SessionEmitted, SessionEvent, SessionInput } from './session.types.js';
import { DEFAULT_LOBBY_TIMING } from './lobby.types.js';
import { voteKickMachine, type VoteKickEvent } from './vote-kick.machine.js';

export * from './session.types.js';

const HEARTBEAT_TIMER = 'heartbeat';

/** Accept the session of the member the event names. */
const acceptMemberSession = {
  type: 'acceptSession',
  params: ({ event }: { event: SessionEvent }) => ({ remoteId: remoteIdOf(event) }),
} as const;

const refuse = (code: IgnoredCode) => ({ type: 'refuseSession', params: { code } }) as const;
const ignore = (code: IgnoredCode) => ({ type: 'reportIgnored', params: { code } }) as const;

/** A peer event for a member with a live session goes to it; otherwise it is reported as ignored, with why. */
const routeOrIgnore = [
  { guard: 'hasLiveSession', actions: 'routeToPeer' },
  { guard: 'isMember', actions: ignore('session-closed') },
  { actions: ignore('not-a-member') },
] as const;

/** JSON for graph keys and inspectors: the counters that only grow left out. */
const CONTEXT_JSON = contextToJson(['tokens', 'lobbyEpoch']);

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
    voteKick: voteKickMachine,
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
    /** Vote commands and frames go to the vote-kick actor with the lobby's present members; member changes as they are. */
    forwardToVote: sendTo('voteKick', ({ context, event }) =>
      (event.type === 'member.changed' ? event : { ...event, members: root.presentMembers(context) }) as VoteKickEvent,
    ),
    resetVote: sendTo('voteKick', { type: 'vote.reset' } satisfies VoteKickEvent),
    /** Tell the vote-kick actor the lobby's owner and epoch, when the lobby actor's snapshot moved them. */
    syncVoteOwner: enqueueActions(({ context, event, enqueue }) => {
      const lobby = lobbySnapshotOf(event)?.context;
      if (lobby === undefined || (lobby.ownerId === context.lobbyOwner && lobby.epoch === context.lobbyEpoch)) return;
      enqueue.assign({ lobbyOwner: lobby.ownerId, lobbyEpoch: lobby.epoch });
      enqueue.sendTo('voteKick', { type: 'vote.owner', ownerId: lobby.ownerId, epoch: lobby.epoch } satisfies VoteKickEvent);
    }),

    admitRoster: enqueueActions(({ context, event, enqueue }) => {
      const roster = lobbySnapshotOf(event)?.context.roster ?? [];
      const remotes = roster.filter((id) => id !== context.selfId);
      enqueue.assign({ ...root.EMPTY_TABLES, members: MemberTable.from(remotes.map((id) => [id, 'connecting' as const])), connectedCount: 0 });
      enqueue.sendTo('peers', { type: 'pool.spawn', remoteIds: remotes } satisfies PeerPoolCommand);
    }),
    admitMember: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'member.changed');
      enqueue.assign({ members: context.members.with(event.memberId, 'connecting') });
      enqueue.sendTo('peers', { type: 'pool.spawn', remoteIds: [event.memberId] } satisfies PeerPoolCommand);
      enqueue.emit({ type: 'member.admitted', memberId: event.memberId });
    }),
    dismissMember: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, ['member.changed', 'session.seatExpired']);
      const change = event.type === 'member.changed' ? event.change : 'disconnected';
      if (change === 'entered') return;
      enqueue.assign(root.forgetMember(context, event.memberId));
      enqueue.sendTo('peers', { type: 'pool.close', remoteId: event.memberId, cause: CLOSE_CAUSE[change] } satisfies PeerPoolCommand);
      enqueue.emit({ type: 'member.dismissed', memberId: event.memberId, change, by: root.changedBy(event) });
    }),
    /** Steam dropped the member: keep their seat and session for the window, and say they are away. */
    holdSeat: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'member.changed');
      const token = context.tokens + 1;
      enqueue.assign({ tokens: token, away: context.away.with(event.memberId, token) });
      enqueue.raise({ type: 'session.seatExpired', memberId: event.memberId, token }, { delay: 'seatReservation' });
      enqueue.emit({ type: 'member.away', memberId: event.memberId });
    }),
    /** A member whose seat we held is back: one event, and a fresh session if theirs had closed. */
    welcomeBack: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'member.changed');
      enqueue.assign({ away: context.away.without(event.memberId) });
      if (context.members.get(event.memberId) === 'closed') {
        enqueue.assign(withStatus(context, event.memberId, 'connecting'));
        enqueue.sendTo('peers', { type: 'pool.spawn', remoteIds: [event.memberId] } satisfies PeerPoolCommand);
      }
      enqueue.emit({ type: 'member.reconnected', memberId: event.memberId });
    }),
    /** A member whose session closed for good (or who asked for it) gets a fresh session now. */
    restartPeer: enqueueActions(({ context, event, enqueue }) => {
      const remoteId = remoteIdOf(event);
      enqueue.assign(withStatus(context, remoteId, 'connecting'));
      enqueue.sendTo('peers', { type: 'pool.spawn', remoteIds: [remoteId] } satisfies PeerPoolCommand);
    }),
    forgetReconnectRounds: assign(({ context, event }) => ({ reconnects: context.reconnects.without(remoteIdOf(event)) })),
    /** The member's session closed for good while both of us are here: another round after the backoff. */
    scheduleReconnect: enqueueActions(({ context, event, enqueue }) => {
      const remoteId = remoteIdOf(event);
      const next = root.nextReconnectRound(context, remoteId);
      enqueue.assign({ tokens: next.token, reconnects: context.reconnects.with(remoteId, { round: next.round, token: next.token }) });
      enqueue.raise({ type: 'session.reconnectDue', remoteId, token: next.token }, { delay: 'reconnectBackoff' });
      enqueue.emit({ type: 'peer.reconnectScheduled', remoteId, round: next.round, inMs: next.inMs });
    }),
    closeAllPeers: enqueueActions(({ enqueue }) => {
      enqueue.sendTo('peers', { type: 'pool.closeAll', cause: 'lobby-left' } satisfies PeerPoolCommand);
      enqueue.assign({ ...root.EMPTY_TABLES, connectedCount: 0 });
    }),

    markConnected: assign(({ context, event }) => {
      assertEvent(event, 'peer.connected');
      return { ...withStatus(context, event.remoteId, 'connected'), reconnects: context.reconnects.without(event.remoteId) };
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
    refuseReconnect: emit(({ event }, params: { code: 'not-a-member' | 'not-in-lobby' }) => ({
      type: 'peer.reconnectRefused' as const,
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
    lobbySnapshotIsJoined: ({ event }) => root.isLobbyJoined(lobbySnapshotOf(event)),
    concernsSelf: ({ context, event }) => event.type === 'member.changed' && event.memberId === context.selfId,
    memberEntered: ({ context, event }) =>
      event.type === 'member.changed' && event.change === 'entered' && !context.members.has(event.memberId),
    memberReturned: ({ context, event }) =>
      event.type === 'member.changed' && event.change === 'entered' && context.away.has(event.memberId),
    /** Steam dropped a member we do not already hold a seat for, and seats are held. */
    memberDropped: ({ context, event }) =>
      event.type === 'member.changed' &&
      event.change === 'disconnected' &&
      context.seatReservationMs > 0 &&
      context.members.has(event.memberId) &&
      !context.away.has(event.memberId),
    memberDeparted: ({ context, event }) =>
      event.type === 'member.changed' && isDeparture(event.change) && context.members.has(event.memberId),
    seatTokenMatches: ({ context, event }) => {
      assertEvent(event, 'session.seatExpired');
      return context.away.get(event.memberId) === event.token;
    },
    reconnectTokenMatches: ({ context, event }) => {
      assertEvent(event, 'session.reconnectDue');
      return context.reconnects.get(event.remoteId)?.token === event.token;
    },
    /** Closed for good by the network (not by us), with the policy on and the member still in the lobby. */
    shouldReconnect: ({ context, event }) => {
      assertEvent(event, 'peer.closed');
      return context.reconnect.enabled && event.reason.code === 'retries-exhausted' && context.members.has(event.remoteId);
    },
    isMember: ({ context, event }) => context.members.has(remoteIdOf(event)),
    sessionIsClosed: ({ context, event }) => context.members.get(remoteIdOf(event)) === 'closed',
    hasLiveSession: ({ context, event }) => {
      const status = context.members.get(remoteIdOf(event));
      return status === 'connecting' || status === 'connected';
    },
    allPeersConnected: ({ context }) => context.connectedCount === context.members.size,
  },
  delays: {
    heartbeatInterval: ({ context }) => context.heartbeatIntervalMs,
    seatReservation: ({ context }) => context.seatReservationMs,
    /** Read after `scheduleReconnect` recorded the round: the wait it reported. */
    reconnectBackoff: ({ context, event }) => root.reconnectWait(context, remoteIdOf(event)),
  },
}).createMachine({
  id: 'session',
  context: ({ input }) =>
    jsonSafeContext<SessionContext>(
      {
        selfId: input.selfId,
        effects: input.effects,
        peer: input.peer ?? {},
        lobbyInput: input.lobby,
        voteTiming: input.vote?.timing,
        reconnect: { ...DEFAULT_RECONNECT_POLICY, ...input.reconnect },
        ...root.EMPTY_TABLES,
        connectedCount: 0,
        tokens: 0,
        heartbeatIntervalMs: input.peer?.timing?.heartbeatIntervalMs ?? DEFAULT_PEER_TIMING.heartbeatIntervalMs,
        livenessTimeoutMs: input.peer?.timing?.livenessTimeoutMs ?? DEFAULT_PEER_TIMING.livenessTimeoutMs,
        seatReservationMs: input.lobby?.timing?.seatReservationMs ?? DEFAULT_LOBBY_TIMING.seatReservationMs,
        lobbyOwner: undefined,
        lobbyEpoch: 0,
      },
      CONTEXT_JSON,
    ),
  invoke: [
    {
      id: 'lobby',
      systemId: 'lobby',
      src: 'lobby',
      input: ({ context }) => ({
        selfId: context.selfId,
        timing: context.lobbyInput?.timing,
        autoAcceptInvites: context.lobbyInput?.autoAcceptInvites,
        effects: context.effects,
      }),
      onSnapshot: [
        {
          guard: and([stateIn('#session.outside'), 'lobbySnapshotIsJoined']),
          target: '.inLobby',
          actions: ['admitRoster', 'syncVoteOwner'],
        },
        { guard: and([stateIn('#session.inLobby'), not('lobbySnapshotIsJoined')]), target: '.outside', actions: 'syncVoteOwner' },
        { actions: 'syncVoteOwner' },
      ],
    },
    {
      id: 'lobbyList',
      systemId: 'lobbyList',
      src: 'lobbyList',
      input: ({ context }) => ({ timing: context.lobbyInput?.timing, effects: context.effects }),
    },
    {
      id: 'voteKick',
      systemId: 'voteKick',
      src: 'voteKick',
      input: ({ context }) => ({ selfId: context.selfId, timing: context.voteTiming, effects: context.effects }),
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
    'steam.serversConnected': { actions: 'forwardToLobby' },
    'vote.*': { actions: 'forwardToVote' },
    'peer.connected': { actions: ['markConnected', 'passOnPeerReport'] },
    'peer.attemptFailed': { actions: ['markConnecting', 'passOnPeerReport'] },
    'peer.closed': { actions: ['markClosed', 'passOnPeerReport'] },
  },
  states: {
    outside: {
      on: {
        'member.changed': { guard: 'concernsSelf', actions: 'forwardToLobby' },
        'session.request': { actions: refuse('not-in-lobby') },
        'peer.handshake': { actions: ignore('not-in-lobby') },
        'peer.handshakeAck': { actions: ignore('not-in-lobby') },
        'peer.silent': { actions: ignore('not-in-lobby') },
        'peer.sessionFailed': { actions: ignore('not-in-lobby') },
        'peer.reconnect': { actions: { type: 'refuseReconnect', params: { code: 'not-in-lobby' } } },
      },
    },
    inLobby: {
      entry: 'startHeartbeatTimer',
      exit: ['stopHeartbeatTimer', 'closeAllPeers', 'resetVote'],
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
          { guard: 'memberReturned', actions: 'welcomeBack' },
          { guard: 'memberEntered', actions: 'admitMember' },
          { guard: 'memberDropped', actions: ['holdSeat', 'forwardToVote'] },
          { guard: 'memberDeparted', actions: ['dismissMember', 'forwardToVote'] },
        ],
        'session.seatExpired': { guard: 'seatTokenMatches', actions: 'dismissMember' },
        'session.request': [
          { guard: 'hasLiveSession', actions: [acceptMemberSession, 'reportAccepted'] },
          { guard: 'isMember', actions: [acceptMemberSession, 'forgetReconnectRounds', 'restartPeer', 'reportAccepted'] },
          { actions: refuse('not-a-member') },
        ],
        'peer.handshake': [
          { guard: 'hasLiveSession', actions: 'routeToPeer' },
          // The member came back after we gave up on them: a fresh session, which this handshake completes.
          { guard: 'isMember', actions: ['forgetReconnectRounds', 'restartPeer', 'routeToPeer'] },
          { actions: ignore('not-a-member') },
        ],
        'peer.handshakeAck': routeOrIgnore,
        'peer.silent': routeOrIgnore,
        'peer.sessionFailed': routeOrIgnore,
        'peer.closed': [
          { guard: 'shouldReconnect', actions: ['markClosed', 'passOnPeerReport', 'scheduleReconnect'] },
          { actions: ['markClosed', 'passOnPeerReport'] },
        ],
        'peer.reconnect': [
          { guard: 'sessionIsClosed', actions: ['forgetReconnectRounds', 'restartPeer'] },
          // A live session is already doing what was asked.
          { guard: 'isMember' },
          { actions: { type: 'refuseReconnect', params: { code: 'not-a-member' } } },
        ],
        'session.reconnectDue': { guard: and(['reconnectTokenMatches', 'sessionIsClosed']), actions: 'restartPeer' },
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

