/**
 * lobbykit's machines, each with an input and an alphabet of events, ready for xstate/graph's path generators in a
 * game's own model-based tests: `getShortestPaths(g.machine, { input: g.input, events: g.events })` with no
 * serializer. Contexts write themselves as JSON (bigints as text, growing counters left out), and these events do
 * too, so xstate/graph's default JSON.stringify keys work and the graphs are finite.
 */
import { jsonSafeContext } from '../machines/serialize.js';
import { NO_EFFECTS } from '../machines/effects.js';
import { lobbyListMachine, type LobbyListEvent } from '../machines/lobby-list.machine.js';
import { lobbyMachine, type LobbyEvent } from '../machines/lobby.machine.js';
import { peerSessionMachine, type PeerSessionEvent } from '../machines/peer-session.machine.js';
import { voteKickMachine, type VoteKickEvent } from '../machines/vote-kick.machine.js';
import { ENTER_FAILURE_CODES, SENT_SESSION_ERRORS } from '../steam/index.js';

export const GRAPH_SELF = 76561198000000031n;
export const GRAPH_MEMBER = 76561198000000032n;
export const GRAPH_TARGET = 76561198000000033n;
export const GRAPH_LOBBY = 109775240000000031n;

/** An event that JSON.stringify can write (its Steam ids as `"<digits>n"`): the same fields, plus a toJSON. */
function ev<E extends object>(event: E): E {
  return jsonSafeContext(event);
}

const timersOf = (...nodes: { readonly after: readonly { readonly eventType: string }[] }[]) =>
  nodes.flatMap((n) => n.after.map((t) => ev({ type: t.eventType })));

const lobby = lobbyMachine.root.states;
const members = [GRAPH_SELF, GRAPH_MEMBER, GRAPH_TARGET];

/** The lobby machine: creating, joining (every enter response), leaving, invites, dropping out and back. */
export const lobbyGraph = {
  machine: lobbyMachine,
  input: { selfId: GRAPH_SELF, effects: NO_EFFECTS },
  events: [
    ev<LobbyEvent>({ type: 'lobby.create', lobbyType: 2, maxMembers: 4 }),
    ev<LobbyEvent>({ type: 'lobby.created', result: 1, lobbyId: GRAPH_LOBBY }),
    ev<LobbyEvent>({ type: 'lobby.join', lobbyId: GRAPH_LOBBY }),
    ...[1, ...ENTER_FAILURE_CODES].map((response) => ev<LobbyEvent>({ type: 'lobby.entered', lobbyId: GRAPH_LOBBY, response, ownerId: GRAPH_MEMBER, members })),
    ev<LobbyEvent>({ type: 'lobby.invited', lobbyId: GRAPH_LOBBY, from: GRAPH_MEMBER }),
    ev<LobbyEvent>({ type: 'lobby.acceptInvite', lobbyId: GRAPH_LOBBY, from: GRAPH_MEMBER }),
    ev<LobbyEvent>({ type: 'lobby.leave' }),
    ev<LobbyEvent>({ type: 'lobby.left' }),
    ev<LobbyEvent>({ type: 'steam.serversDisconnected' }),
    ev<LobbyEvent>({ type: 'steam.serversConnected' }),
    ev<LobbyEvent>({ type: 'member.changed', memberId: GRAPH_SELF, change: 'kicked', changedBy: GRAPH_MEMBER }),
    ...timersOf(lobby.creating!, lobby.joining!, lobby.leaving!, lobby.joined!.states.reconnecting!),
  ] as LobbyEvent[],
} as const;

/** The lobby list machine: a list, its result, a refusal. */
export const lobbyListGraph = {
  machine: lobbyListMachine,
  input: { effects: NO_EFFECTS },
  events: [
    ev<LobbyListEvent>({ type: 'lobby.list', filters: {} }),
    ev<LobbyListEvent>({ type: 'lobby.listReceived', lobbies: [GRAPH_LOBBY] }),
    ev<LobbyListEvent>({ type: 'lobby.listRefused', reason: 'refused' }),
    ...timersOf(lobbyListMachine.root.states.listing!),
  ] as LobbyListEvent[],
} as const;

/** A peer session: its handshake answered, each P2P error Steam sends, silence, closing, and its timers. */
export const peerSessionGraph = {
  machine: peerSessionMachine,
  input: { remoteId: GRAPH_MEMBER, retry: { maxAttempts: 2 }, effects: NO_EFFECTS },
  events: [
    ev<PeerSessionEvent>({ type: 'peer.handshakeAck', remoteId: GRAPH_MEMBER }),
    ...SENT_SESSION_ERRORS.map((error) => ev<PeerSessionEvent>({ type: 'peer.sessionFailed', remoteId: GRAPH_MEMBER, error })),
    ev<PeerSessionEvent>({ type: 'peer.silent', remoteId: GRAPH_MEMBER }),
    ev<PeerSessionEvent>({ type: 'peer.close', remoteId: GRAPH_MEMBER, cause: 'lobby-left' }),
    ...timersOf(peerSessionMachine.root.states.handshaking!, peerSessionMachine.root.states.retrying!),
  ] as PeerSessionEvent[],
} as const;

/** Vote-kick: a vote against a member, ballots both ways, the target leaving or kicked, owners, timers. */
export const voteKickGraph = {
  machine: voteKickMachine,
  input: { selfId: GRAPH_SELF, effects: NO_EFFECTS },
  events: [
    ev<VoteKickEvent>({ type: 'vote.owner', ownerId: GRAPH_SELF, epoch: 1 }),
    ev<VoteKickEvent>({ type: 'vote.startReceived', starter: GRAPH_MEMBER, voteId: 1, target: GRAPH_TARGET, members }),
    ev<VoteKickEvent>({ type: 'vote.ballotReceived', voter: GRAPH_SELF, starter: GRAPH_MEMBER, voteId: 1, target: GRAPH_TARGET, approve: true, members }),
    ev<VoteKickEvent>({ type: 'vote.ballotReceived', voter: GRAPH_SELF, starter: GRAPH_MEMBER, voteId: 1, target: GRAPH_TARGET, approve: false, members }),
    ev<VoteKickEvent>({ type: 'member.changed', memberId: GRAPH_TARGET, change: 'kicked', changedBy: GRAPH_SELF }),
    ev<VoteKickEvent>({ type: 'member.changed', memberId: GRAPH_TARGET, change: 'left' }),
    ev<VoteKickEvent>({ type: 'vote.reset' }),
    ...timersOf(voteKickMachine.root.states.open!, voteKickMachine.root.states.passed!),
  ] as VoteKickEvent[],
} as const;

/** Every graph above, by machine name. */
export const MACHINE_GRAPHS = {
  lobby: lobbyGraph,
  lobbyList: lobbyListGraph,
  peerSession: peerSessionGraph,
  voteKick: voteKickGraph,
} as const;
