/**
 * The runtime's public shape: the options a game passes to `createLobbyRuntime`, the options of its commands, and
 * the `LobbyRuntime` interface itself. Types only; runtime.ts implements them.
 */
import type { Observable } from 'rxjs';
import type { Actor, ActorOptions, AnyActorLogic } from 'xstate';
import type { PacketCodec } from '../codec/packet-codec.js';
import type { Backend } from '../effects/backend.js';
import type { LobbyClock } from '../effects/clock.js';
import type { ReconnectPolicy, RetryPolicy } from '../machines/backoff.js';
import type { LobbyEmitted, LobbyInvite, LobbyTiming } from '../machines/lobby.machine.js';
import type { LobbyListEmitted } from '../machines/lobby-list.machine.js';
import type { PeerTiming } from '../machines/peer-session.machine.js';
import type { SessionEmitted, sessionMachine } from '../machines/session.machine.js';
import type { VoteKickEmitted, VoteKickTiming } from '../machines/vote-kick.machine.js';
import type { LobbyListFilters, LobbyType, P2PSendType } from '../steam/index.js';
import type { LobbyRuntimeError, RuntimeResult } from './errors.js';
import type { TutorialOptions } from './peer-wire.js';
import type { ChatMessage } from './event-translator.js';
import type { LobbyState } from './lobby-state.js';
import type { LobbyMember } from './member-directory.js';
import type { ChannelMessage } from './packet-router.js';
import type { RuntimeStats } from './stats.js';

/**
 * The numeric options (`packetReadLimit`, `retry`, `reconnect`, `timing`) follow one rule: durations are positive
 * milliseconds up to 2147483647 (the platform timers' limit), `seatReservationMs` may be 0 (off), counts are
 * positive integers, `factor` is at least 1, `jitter` is from 0 to 1, switches are booleans. A field that breaks
 * its rule, or a group that is not an object (`null`), keeps its default and is published on `errors$` at the
 * first tick as an `invalid-argument` with `command: 'createLobbyRuntime'` naming its path; `undefined` is unset.
 */
export interface LobbyRuntimeOptions {
  readonly backend: Backend;
  /**
   * The packet codec for game messages and control frames. Default: a codec of the runtime's own, so a hostile
   * member who fills a codec's bounded caches with junk shapes slows only the lobby they are in. A host running
   * many lobbies in one process may give them all one `createPacketCodec()` to keep one set of caches warm, at
   * the price of that isolation.
   */
  readonly codec?: PacketCodec;
  /** The one clock: actors' timers, liveness, the auto-ticker (default: the system clock). */
  readonly clock?: LobbyClock;
  /** Packets read per tick at most, a positive integer (default the seed's PACKET_READ_LIMIT: 32). */
  readonly packetReadLimit?: number;
  /** Peer session retries: attempts, backoff, jitter. */
  readonly retry?: Partial<RetryPolicy>;
  /**
   * After a member's session closes for good (retries exhausted), more rounds of retries while both of you are
   * still in the lobby, the wait between rounds bounded by `maxDelayMs` (default on; `{ enabled: false }` turns it off).
   */
  readonly reconnect?: Partial<ReconnectPolicy>;
  /** Join an invite's lobby as soon as it arrives, when in no lobby (default false: invites wait for `acceptInvite`). */
  readonly autoAcceptInvites?: boolean;
  /**
   * `lobby.seatReservationMs` (default 20 s, 0 turns it off) holds a seat when Steam drops a member, ourselves
   * included; `vote` times vote-kicks.
   */
  readonly timing?: {
    readonly peer?: Partial<PeerTiming>;
    readonly lobby?: Partial<LobbyTiming>;
    readonly vote?: Partial<VoteKickTiming>;
  };
  /** Passed to XState's `createActor`: `@statelyai/inspect`'s `inspect`, or lobbykit's inspect server's. */
  readonly inspect?: ActorOptions<AnyActorLogic>['inspect'];
  /**
   * The GodotSteam game this lobby may be shared with (docs/godot.md): members that run the seed tutorial's code
   * are played with in its protocol. This says how to open to a member that has not shown what it speaks yet:
   * its Godot version (default 3) and whether it GZIPs (default 'gzip', as the tutorial's final version).
   */
  readonly tutorial?: TutorialOptions;
}

export interface CreateLobbyOptions {
  /** Default 2 (public), as the seed. */
  readonly lobbyType?: LobbyType;
  /** Default 10, as the seed; at most 250. */
  readonly maxMembers?: number;
  /** Lobby data set as soon as the lobby exists (the seed sets "name" and "mode"); Steam's limits apply. */
  readonly data?: Readonly<Record<string, string>>;
}

export interface SendOptions {
  /** Default true (the seed sends reliable). Ignored when `sendType` is given. */
  readonly reliable?: boolean;
  /** Steam's send type 0..3, for the unreliable-no-delay and buffered kinds. */
  readonly sendType?: P2PSendType;
  /** lobbykit channel (default 0); receivers subscribe with `messages(channel)`. */
  readonly channel?: number;
}

export interface OwnerCommandOptions {
  /** The owner epoch the command was decided under (from `lobby$`); refused if the owner changed since. */
  readonly epoch?: number;
}

export interface LobbyListing {
  readonly lobbyId: bigint;
  readonly memberLimit: number;
  /** Members when the list was made (the tutorial's "N Player(s)"). */
  readonly memberCount: number;
  readonly data: Readonly<Record<string, string>>;
}

/** An invite as the game shows it (the tutorial's `lobby_invite`): who, with their persona name, and which lobby. */
export interface InviteReceived extends LobbyInvite {
  readonly type: 'lifecycle.inviteReceived';
  readonly fromName: string;
}

/** What the lobby and lobby list machines report, as `lifecycle$` publishes it (invites with the sender's name). */
export type LifecycleEvent = Exclude<LobbyEmitted, { readonly type: 'lifecycle.inviteReceived' }> | InviteReceived | LobbyListEmitted;

export type { LobbyInvite, VoteKickEmitted };

export interface LobbyRuntime {
  readonly selfId: bigint;
  readonly backend: Backend;
  /**
   * The root actor, for inspection (system ids "lobby", "lobbyList", "peer:<id>"). Its `send` goes through the
   * runtime, as if the runtime had sent the event; events only the machines themselves raise are refused with an
   * `invalid-argument` error on `errors$`.
   */
  readonly actor: Actor<typeof sessionMachine>;

  /** Call once per frame: polls the backend, runs the control plane, and delivers up to `packetReadLimit` packets. */
  tick(): void;
  /** For apps without a game loop: ticks at `hz` on the runtime's clock; returns the function that stops it. */
  startAutoTick(hz?: number): () => void;

  createLobby(options?: CreateLobbyOptions): Promise<RuntimeResult<{ readonly lobbyId: bigint }>>;
  /** `complete` is false when lobbies that match may be missing (steamworks.js: filters applied to Steam's first 50). */
  findLobbies(filters?: LobbyListFilters): Promise<RuntimeResult<{ readonly lobbies: readonly LobbyListing[]; readonly complete: boolean }>>;
  joinLobby(lobbyId: bigint): Promise<RuntimeResult<{ readonly lobbyId: bigint }>>;
  leaveLobby(): RuntimeResult;
  sendChat(text: string): RuntimeResult;
  send(to: bigint | 'all', message: unknown, options?: SendOptions): RuntimeResult<{ readonly recipients: number }>;
  kick(memberId: bigint, options?: OwnerCommandOptions): RuntimeResult;
  ban(memberId: bigint, options?: OwnerCommandOptions): RuntimeResult;
  invite(userId: bigint): RuntimeResult;
  /**
   * Joins the lobby of an invite that arrived (an `inviteReceived` from `lifecycle$`, or any `{ lobbyId, from }`
   * naming one). In a lobby, it leaves that one first, as every deliberate join does; an invite to the lobby we
   * are in resolves at once.
   */
  acceptInvite(invite: LobbyInvite): Promise<RuntimeResult<{ readonly lobbyId: bigint }>>;
  /** A new round of attempts with a member whose session closed; a live session is left alone. */
  reconnect(memberId: bigint): RuntimeResult;
  /** Starts a vote to kick `memberId` (one vote at a time; the owner carries a passed vote out). */
  startVoteKick(memberId: bigint): RuntimeResult;
  /** Our ballot on the open vote. */
  voteKick(approve: boolean): RuntimeResult;
  /** Sets a key of the lobby's data (owner only). Keys starting `lobbykit:` are lobbykit's own: `invalid-argument`. */
  setLobbyData(key: string, value: string): RuntimeResult;
  /** Owner only: marks the lobby started (lobby data `lobbykit:started` = "1"; Steam has no start call). */
  startGame(options?: OwnerCommandOptions): RuntimeResult;

  /** Game messages on one lobbykit channel. */
  messages<T = unknown>(channel: number): Observable<ChannelMessage<T>>;
  readonly lobby$: Observable<LobbyState>;
  readonly members$: Observable<readonly LobbyMember[]>;
  readonly lobbyData$: Observable<Readonly<Record<string, string>>>;
  readonly chat$: Observable<ChatMessage>;
  readonly lifecycle$: Observable<LifecycleEvent>;
  readonly sessions$: Observable<SessionEmitted>;
  readonly allConnected$: Observable<boolean>;
  readonly errors$: Observable<LobbyRuntimeError>;
  /** Vote-kicks in this lobby: started, each tally, passed, ended (with why), and our refused commands. */
  readonly votes$: Observable<VoteKickEmitted>;
  /** Unread packets left in the backend after each tick's reads, published when it changes (also `stats().readBacklog`). */
  readonly backlog$: Observable<number>;

  lobbyState(): LobbyState;
  members(): readonly LobbyMember[];
  lobbyData(): Readonly<Record<string, string>>;
  allConnected(): boolean;
  /** A copy of the counters. */
  stats(): RuntimeStats;
  /**
   * Leaves the lobby (closing every session), settles what is pending and completes every stream, at once. A
   * create or join still in flight is answered by Steam later, into a lobby nobody would leave: until that answer
   * (or the request timeout) the runtime keeps reading the backend's events on its clock, leaves that lobby as
   * `leaveLobby()` would, and only then stops its actors (`actor.subscribe({ complete })` tells when; on the system
   * clock its timers keep a Node process alive until then). Hand the backend to another runtime after that: until
   * then this one still reads its events.
   */
  dispose(): void;
}
