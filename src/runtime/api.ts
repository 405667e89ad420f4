/**
 * The runtime's public shape: the options a game passes to `createLobbyRuntime`, the options of its commands, and
 * the `LobbyRuntime` interface itself. Types only; runtime.ts implements them.
 */
import type { Observable } from 'rxjs';
import type { Actor, ActorOptions, AnyActorLogic } from 'xstate';
import type { PacketCodec } from '../codec/packet-codec.js';
import type { Backend } from '../effects/backend.js';
import type { LobbyClock } from '../effects/clock.js';
import type { RetryPolicy } from '../machines/backoff.js';
import type { LobbyEmitted, LobbyTiming } from '../machines/lobby.machine.js';
import type { LobbyListEmitted } from '../machines/lobby-list.machine.js';
import type { PeerTiming } from '../machines/peer-session.machine.js';
import type { SessionEmitted, sessionMachine } from '../machines/session.machine.js';
import type { LobbyListFilters, LobbyType, P2PSendType } from '../steam/index.js';
import type { LobbyRuntimeError, RuntimeResult } from './errors.js';
import type { TutorialOptions } from './peer-wire.js';
import type { ChatMessage } from './event-translator.js';
import type { LobbyState } from './lobby-state.js';
import type { LobbyMember } from './member-directory.js';
import type { ChannelMessage } from './packet-router.js';
import type { RuntimeStats } from './stats.js';

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
  /** Packets read per tick at most (the seed's PACKET_READ_LIMIT, default 32). */
  readonly packetReadLimit?: number;
  /** Peer session retries: attempts, backoff, jitter. */
  readonly retry?: Partial<RetryPolicy>;
  readonly timing?: { readonly peer?: Partial<PeerTiming>; readonly lobby?: Partial<LobbyTiming> };
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
  readonly data: Readonly<Record<string, string>>;
}

/** What the lobby and lobby list machines report, as `lifecycle$` publishes it. */
export type LifecycleEvent = LobbyEmitted | LobbyListEmitted;

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

  lobbyState(): LobbyState;
  members(): readonly LobbyMember[];
  lobbyData(): Readonly<Record<string, string>>;
  allConnected(): boolean;
  /** A copy of the counters. */
  stats(): RuntimeStats;
  /** Leaves the lobby (closing every session), stops the actors and completes every stream. */
  dispose(): void;
}
