/**
 * The effect ports: everything the machines ask of the world, as plain functions. A machine never does I/O; each
 * actor receives its runtime's ports in its input and calls them from named actions, so one shared machine
 * definition serves every runtime in a process and an actor can only ever reach the runtime that created it.
 * Results come back as events (`lobby.created`, `lobby.createRefused`, …), never as return values.
 */
import type { LobbyListFilters, LobbyType } from '../steam/index.js';

export interface LobbyIdParams {
  readonly lobbyId: bigint;
}

export interface MemberParams {
  readonly lobbyId: bigint;
  readonly memberId: bigint;
}

export interface CreateParams {
  readonly lobbyType: LobbyType;
  readonly maxMembers: number;
}

export interface LobbyDataParams {
  readonly lobbyId: bigint;
  readonly data: Readonly<Record<string, string>>;
}

export interface ListParams {
  readonly filters: LobbyListFilters;
}

export interface HandshakeParams {
  readonly remoteId: bigint;
  readonly attempt: number;
}

export interface RemoteParams {
  readonly remoteId: bigint;
}

/** The members whose session is connected, and the heartbeat interval (links busy within it need none). */
export interface HeartbeatParams {
  readonly remoteIds: readonly bigint[];
  readonly intervalMs: number;
}

/** The members whose session is connected, and the window of silence after which a session counts as lost. */
export interface LivenessCheckParams {
  readonly remoteIds: readonly bigint[];
  readonly windowMs: number;
}

/** What the lobby machine asks for. Each request is answered later by an event, or refused by one at once. */
export interface LobbyEffects {
  /** Answered by `lobby.created` (Steam's result) or `lobby.createRefused`. */
  createLobby(params: CreateParams): void;
  /** Answered by `lobby.entered` (Steam's enter response) or `lobby.joinRefused`. */
  joinLobby(params: LobbyIdParams): void;
  /** Leave the lobby we are in; answered by `lobby.left` (Steam's leave is synchronous). */
  leaveLobby(params: LobbyIdParams): void;
  /** Leave a lobby a late or unexpected result put us in; no answer is expected. */
  leaveStrayLobby(params: LobbyIdParams): void;
  /** The seed makes a new lobby joinable "just in case". */
  setLobbyJoinable(params: LobbyIdParams): void;
  setLobbyData(params: LobbyDataParams): void;
  /** The seed's allowP2PPacketRelay(true), a NAT fallback. */
  allowRelay(): void;
  kick(params: MemberParams): void;
  ban(params: MemberParams): void;
  /** Mark the lobby started (Steam has no start call). */
  start(params: LobbyIdParams): void;
}

/** What the lobby list machine asks for: answered by `lobby.listReceived` or `lobby.listRefused`. */
export interface LobbyListEffects {
  requestLobbyList(params: ListParams): void;
}

/** What a peer session asks for. */
export interface PeerEffects {
  /** Send our handshake (sending also opens Steam's P2P session). */
  sendHandshake(params: HandshakeParams): void;
  /** Answer a remote handshake so the remote's attempt succeeds too. */
  sendHandshakeAck(params: RemoteParams): void;
  /** The seed's closeP2PSessionWithUser. */
  closeSession(params: RemoteParams): void;
}

/** What the root asks for. */
export interface SessionEffects {
  /** The seed's acceptP2PSessionWithUser. */
  acceptSession(params: RemoteParams): void;
  sendHeartbeats(params: HeartbeatParams): void;
  /** Answered by `peer.silent` for each of `remoteIds` not heard from within `windowMs`. */
  checkLiveness(params: LivenessCheckParams): void;
}

/** What members tell each other in a vote-kick; the sender is always the transport's, never a field. */
export type VoteFrame =
  | { readonly kind: 'start'; readonly voteId: number; readonly target: bigint }
  /** A ballot names the whole vote (starter, id, target), so one that arrives before its start can open it. */
  | { readonly kind: 'ballot'; readonly starter: bigint; readonly voteId: number; readonly target: bigint; readonly approve: boolean };

/** The kick a passed vote asks the owner's lobby machine for, under the owner epoch the vote knew. */
export interface VoteKickParams {
  readonly memberId: bigint;
  readonly epoch: number;
}

/** What the vote-kick machine asks for. */
export interface VoteKickEffects {
  /** Send a frame to every member of the lobby, ourselves included (Steam's lobby chat echoes to the sender). */
  sendVoteFrame(frame: VoteFrame): void;
  /** Hand a passed vote to the lobby machine as `lobby.kick` at `epoch` (refused there when the owner changed since). */
  kickByVote(params: VoteKickParams): void;
}

/** Every port together: what a runtime hands the root, which passes each child its part. */
export interface MachineEffects extends LobbyEffects, LobbyListEffects, PeerEffects, SessionEffects, VoteKickEffects {}

const nothing = (): void => {};

/**
 * Effects that do nothing, for walking a machine's graph where no world exists (xstate/graph path generation,
 * diagrams): every request simply stays unanswered.
 */
export const NO_EFFECTS: MachineEffects = Object.freeze({
  createLobby: nothing,
  joinLobby: nothing,
  leaveLobby: nothing,
  leaveStrayLobby: nothing,
  setLobbyJoinable: nothing,
  setLobbyData: nothing,
  allowRelay: nothing,
  kick: nothing,
  ban: nothing,
  start: nothing,
  requestLobbyList: nothing,
  sendHandshake: nothing,
  sendHandshakeAck: nothing,
  closeSession: nothing,
  acceptSession: nothing,
  sendHeartbeats: nothing,
  checkLiveness: nothing,
  sendVoteFrame: nothing,
  kickByVote: nothing,
});
