/**
 * The composition root: `createLobbyRuntime` builds the actors, wires them to a backend and a codec, and hands a
 * game one object to drive from its loop. Nothing here throws into the game loop and no promise rejects: commands
 * return `{ ok: true, … } | { ok: false, error }`, and every error is also published on `errors$`.
 *
 *   tick() → backend.poll() → drain backend events → machine events (control plane)
 *          → read ≤ packetReadLimit packets → drop non-members → decode → per-channel multicast Observable
 *            (runtime/channel-stream.ts) (data plane)
 */
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { createActor, type Actor, type ActorOptions, type ActorRefFrom, type AnyActorLogic } from 'xstate';
import { isValidChannel } from './codec/frame.js';
import { createPacketCodec, type PacketCodec } from './codec/packet-codec.js';
import type { CodecErrorCode } from './codec/result.js';
import {
  DEFAULT_PACKET_READ_LIMIT,
  MAX_LOBBY_CHAT_BYTES,
  P2PSendType,
  isSendType,
  isSteamId,
  lobbyDataKeyProblem,
  sendSizeProblem,
  type Backend,
  type LobbyListFilters,
  type P2PRoutes,
  type RefusalCode,
} from './effects/backend.js';
import { createSystemClock, type LobbyClock } from './effects/clock.js';
import type { RetryPolicy } from './machines/backoff.js';
import { createRequestProblem, type LobbyType } from './machines/lobby-request.js';
import type { LobbyEmitted, LobbyEvent, LobbyTiming, lobbyMachine } from './machines/lobby.machine.js';
import { DEFAULT_PEER_TIMING, type PeerTiming } from './machines/peer-session.machine.js';
import type { SessionEmitted, SessionEvent } from './machines/session.machine.js';
import { startAutoTicker } from './runtime/auto-ticker.js';
import {
  DISPOSED_TEXT,
  describeThrown,
  failed,
  sessionFailureText,
  type LobbyRuntimeError,
  type RuntimeCommand,
  type RuntimeResult,
} from './runtime/errors.js';
import { EventTranslator, type ChatMessage } from './runtime/event-translator.js';
import { STARTED_LOBBY_DATA_KEY, lobbyStateOf, sameLobbyState, type LobbyState } from './runtime/lobby-state.js';
import { clockFor, runWith, sessionMachineFor, type MachineEffects, type WiredSessionMachine } from './runtime/machine-wiring.js';
import { MemberDirectory, type LobbyMember, type PeerSlot } from './runtime/member-directory.js';
import { PacketRouter, type ChannelMessage } from './runtime/packet-router.js';
import { PeerProtocol } from './runtime/peer-protocol.js';
import { RequestSlot } from './runtime/request-slot.js';
import { createStats, type RuntimeStats } from './runtime/stats.js';
import { heardWithin, heartbeatDue } from './runtime/liveness.js';
import { TrafficThrottle } from './runtime/traffic-throttle.js';

export type { ChannelMessage } from './runtime/packet-router.js';
export type { ChatMessage } from './runtime/event-translator.js';
export type { LobbyMember } from './runtime/member-directory.js';
export type { LobbyState, LobbyStatus } from './runtime/lobby-state.js';
export { STARTED_LOBBY_DATA_KEY } from './runtime/lobby-state.js';
export type { LobbyRuntimeError, LobbyRuntimeErrorKind, RuntimeCommand, RuntimeResult } from './runtime/errors.js';
export type { RuntimeStats } from './runtime/stats.js';

export interface LobbyRuntimeOptions {
  readonly backend: Backend;
  /**
   * The packet codec for game messages and control frames (default: one `createPacketCodec()` shared by every
   * runtime in the process that is given none). The shared codec's caches are bounded for the whole process, so a
   * hostile member who fills them with junk shapes slows the decoding of message types first seen after that, in
   * every runtime that shares it (nothing is lost or misread). A host that wants its lobbies isolated from each
   * other gives each runtime its own codec.
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
   * How traffic keeps a peer alive. 'ledger' (default): the data plane notes the time per peer in a Map, and the
   * root's heartbeat timer checks it once an interval — no actor event per packet, and no timer per peer; silence
   * is noticed between one window and one window plus one heartbeat interval after the last packet.
   * 'traffic-events': each session keeps its own liveness timer, re-armed by a `peer.traffic` event per peer at
   * most once per `livenessNoticeFraction` of the window (the plain XState way; kept for comparison, see
   * `npm run bench -- tick`).
   */
  readonly liveness?: 'ledger' | 'traffic-events';
  /** With `liveness: 'traffic-events'`: the throttle, as a fraction of the liveness window (default 0.25). */
  readonly livenessNoticeFraction?: number;
}

export interface CreateLobbyOptions {
  /** Default 2 (public), as the seed. */
  readonly lobbyType?: LobbyType;
  /** Default 10, as the seed; at most 250. */
  readonly maxMembers?: number;
  /** Lobby data set as soon as the lobby exists (the seed sets "name" and "mode"). */
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

export interface LobbyRuntime {
  readonly selfId: bigint;
  readonly backend: Backend;
  /** The root actor (system id "lobby" for the lobby actor, "peer:<id>" for each peer), for inspection. */
  readonly actor: Actor<WiredSessionMachine>;

  /** Call once per frame: polls the backend, runs the control plane, and delivers up to `packetReadLimit` packets. */
  tick(): void;
  /** For apps without a game loop: ticks at `hz` on the runtime's clock; returns the function that stops it. */
  startAutoTick(hz?: number): () => void;

  createLobby(options?: CreateLobbyOptions): Promise<RuntimeResult<{ readonly lobbyId: bigint }>>;
  findLobbies(filters?: LobbyListFilters): Promise<RuntimeResult<{ readonly lobbies: readonly LobbyListing[] }>>;
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
  readonly lifecycle$: Observable<LobbyEmitted>;
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

type LobbyRef = ActorRefFrom<typeof lobbyMachine>;
type Ok = { readonly ok: true };
const OK: Ok = Object.freeze({ ok: true });
const EMPTY_DATA: Readonly<Record<string, string>> = Object.freeze({});
const textEncoder = new TextEncoder();

const COMMAND_OF: Readonly<Partial<Record<LobbyEvent['type'], RuntimeCommand>>> = {
  'lobby.create': 'createLobby',
  'lobby.join': 'joinLobby',
  'lobby.invited': 'joinLobby',
  'lobby.joinRequested': 'joinLobby',
  'lobby.launchArgs': 'joinLobby',
  'lobby.leave': 'leaveLobby',
  'lobby.list': 'findLobbies',
  'lobby.kick': 'kick',
  'lobby.ban': 'ban',
  'lobby.start': 'startGame',
};

export function createLobbyRuntime(options: LobbyRuntimeOptions): LobbyRuntime {
  return new Runtime(options);
}

/**
 * The codec of every runtime not given one: one per process. A host running many lobbies then keeps one set of
 * remembered shapes, compiled accessors and output slab, warm in the cache, instead of one per runtime (at 2,000
 * runtimes this took a fifth off the scale run and 68 KB off-heap per runtime; `npm run bench -- scale`). Sharing is
 * safe because runtimes in one thread take turns: a decode or an encode finishes before anything else runs, and
 * the default codec calls no user code.
 */
let sharedCodec: PacketCodec | undefined;

class Runtime implements LobbyRuntime {
  readonly selfId: bigint;
  readonly backend: Backend;
  readonly actor: Actor<WiredSessionMachine>;

  private readonly clock: LobbyClock;
  private readonly codec: PacketCodec;
  private readonly counters = createStats();
  private readonly directory: MemberDirectory;
  private readonly protocol: PeerProtocol;
  /** Only with `liveness: 'traffic-events'`; the ledger (the default) needs none. */
  private readonly throttle: TrafficThrottle | undefined;
  private readonly useLedger: boolean;
  /** The backend's routes when it made them itself (not a wrapper's view of another backend's): see P2PRoutes. */
  private readonly routes: P2PRoutes | undefined;
  private readonly router: PacketRouter;
  private readonly translator: EventTranslator;
  private readonly lobbyRef: LobbyRef;
  /** What the (shared) machines do on this runtime's behalf; see machine-wiring.ts. */
  private readonly machineEffects: MachineEffects;

  private readonly membershipRequest = new RequestSlot<'create' | 'join', RuntimeResult<{ readonly lobbyId: bigint }>>();
  private readonly listRequest = new RequestSlot<'list', RuntimeResult<{ readonly lobbies: readonly LobbyListing[] }>>();
  /** Set by an effect whose backend call was refused, read by the outcome it leads to. */
  private refusedCreate: LobbyRuntimeError | undefined;
  private refusedJoin: LobbyRuntimeError | undefined;
  private refusedList: LobbyRuntimeError | undefined;
  /** Errors reported while a command runs, so a synchronous command can return them. */
  private captured: LobbyRuntimeError[] | undefined;

  private readonly lobbySubject: BehaviorSubject<LobbyState>;
  private readonly dataSubject = new BehaviorSubject<Readonly<Record<string, string>>>(EMPTY_DATA);
  private readonly chatSubject = new Subject<ChatMessage>();
  private readonly lifecycleSubject = new Subject<LobbyEmitted>();
  private readonly sessionSubject = new Subject<SessionEmitted>();
  private readonly connectedSubject = new BehaviorSubject<boolean>(false);
  private readonly errorSubject = new Subject<LobbyRuntimeError>();

  private stopAutoTick: (() => void) | undefined;
  private disposed = false;

  readonly lobby$: Observable<LobbyState>;
  readonly members$: Observable<readonly LobbyMember[]>;
  readonly lobbyData$ = this.dataSubject.asObservable();
  readonly chat$ = this.chatSubject.asObservable();
  readonly lifecycle$ = this.lifecycleSubject.asObservable();
  readonly sessions$ = this.sessionSubject.asObservable();
  readonly allConnected$ = this.connectedSubject.asObservable();
  readonly errors$ = this.errorSubject.asObservable();

  constructor(options: LobbyRuntimeOptions) {
    const backend = options.backend;
    this.backend = backend;
    this.routes = backend.p2pRoutes?.backend === backend ? backend.p2pRoutes : undefined;
    this.clock = options.clock ?? createSystemClock();
    this.codec = options.codec ?? (sharedCodec ??= createPacketCodec());
    this.selfId = backend.localUserId();
    const readLimit = positiveInteger(options.packetReadLimit) ?? DEFAULT_PACKET_READ_LIMIT;
    const livenessMs = options.timing?.peer?.livenessTimeoutMs ?? DEFAULT_PEER_TIMING.livenessTimeoutMs;
    const fraction = options.livenessNoticeFraction ?? 0.25;

    this.directory = new MemberDirectory(this.selfId, (id) =>
      id === this.selfId ? backend.localUserName() : backend.personaName(id),
    );
    this.members$ = this.directory.members$;
    this.protocol = new PeerProtocol(backend, this.codec, (event) => this.toMachines(event), this.selfId);
    this.useLedger = options.liveness !== 'traffic-events';
    const throttle = this.useLedger
      ? undefined
      : new TrafficThrottle(Math.max(1, livenessMs * fraction), (remoteId) => {
          this.counters.trafficForwarded++;
          this.toMachines({ type: 'peer.traffic', remoteId });
        });
    this.throttle = throttle;
    const directory = this.directory;
    const heard = throttle === undefined ? undefined : (from: bigint, now: number) => throttle.heard(from, now);
    this.router = new PacketRouter(
      backend,
      this.codec,
      {
        gate: directory.gate,
        gateVersion: () => directory.slots,
        isExpelled: (id) => directory.isExpelled(id),
        heard,
        control: (from, message) => this.protocol.receive(from, message),
        chat: (from, value) => this.receiveP2PChat(from, value),
        error: (error) => this.report(error),
      },
      this.counters,
      readLimit,
    );
    this.translator = new EventTranslator(backend, this.directory, this.selfId, this.counters, {
      toMachines: (event) => this.toMachines(event),
      chat: (message) => this.chatSubject.next(message),
      lobbyDataChanged: () => this.refreshLobbyData(),
      memberGone: (id) => this.forgetPeer(id),
      // Closing a leaver's session drops its unread packets: deliver what already arrived first (from this tick's budget).
      beforeDeparture: () => void this.router.read(this.clock.now()),
      reExpel: (id) => this.guarded('kick', () => backend.kickLobbyMember(this.directory.lobbyId ?? 0n, id)),
      refuseExpelled: (id) => {
        this.counters.sessionRequestsRefused++;
        this.report({
          kind: 'session-refused',
          remoteId: id,
          code: 'expelled',
          reason: `${id} was kicked or banned from this lobby.`,
        });
      },
    });

    const effects = this.effects();
    this.machineEffects = effects;
    this.actor = createActor(sessionMachineFor(this.useLedger), {
      clock: clockFor(this.clock, effects),
      input: {
        selfId: this.selfId,
        lobby: { timing: options.timing?.lobby },
        peer: { timing: options.timing?.peer, retry: options.retry },
      },
      ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
    });
    this.actor.on('*', (event) => this.onSessionEmitted(event));
    this.actor.subscribe({
      next: (snapshot) => {
        const all = snapshot.matches({ inLobby: 'allConnected' });
        if (all !== this.connectedSubject.getValue()) this.connectedSubject.next(all);
      },
      error: (error) => this.report({ kind: 'internal', where: 'root actor', reason: describeThrown(error) }),
    });
    runWith(effects, () => this.actor.start());

    this.lobbyRef = this.actor.system.get('lobby') as LobbyRef;
    this.lobbySubject = new BehaviorSubject(lobbyStateOf(this.lobbyRef.getSnapshot()));
    this.lobby$ = this.lobbySubject.asObservable();
    this.lobbyRef.on('*', (event) => this.onLifecycle(event));
    this.lobbyRef.subscribe({
      next: (snapshot) => {
        const state = lobbyStateOf(snapshot);
        if (!sameLobbyState(state, this.lobbySubject.getValue())) this.lobbySubject.next(state);
      },
      error: () => {},
    });

    // Steam started us from an invite (`+connect_lobby <id>`): the lobby machine joins it.
    const argv = this.guarded('launchArgs', () => backend.launchArgs());
    if (argv !== undefined && argv.length > 0) this.toMachines({ type: 'lobby.launchArgs', argv });
  }

  // ── the game loop ─────────────────────────────────────────────────────────────────────────────────────────

  tick(): void {
    if (this.disposed) return;
    this.counters.ticks++;
    try {
      this.router.beginTick();
      this.backend.poll();
      this.backend.drainEvents(this.translator.translate);
      this.router.read(this.clock.now());
    } catch (thrown) {
      this.report({ kind: 'internal', where: 'tick', reason: describeThrown(thrown) });
    }
    this.directory.publish();
  }

  startAutoTick(hz = 60): () => void {
    this.stopAutoTick?.();
    const stop = startAutoTicker(this.clock, hz, () => this.tick());
    this.stopAutoTick = stop;
    return () => {
      stop();
      if (this.stopAutoTick === stop) this.stopAutoTick = undefined;
    };
  }

  // ── commands ──────────────────────────────────────────────────────────────────────────────────────────────

  createLobby(options: CreateLobbyOptions = {}): Promise<RuntimeResult<{ readonly lobbyId: bigint }>> {
    const request = { lobbyType: options.lobbyType ?? 2, maxMembers: options.maxMembers ?? 10, data: options.data };
    const problem = this.disposedError('createLobby') ?? this.invalid('createLobby', createRequestProblem(request)) ?? this.busy('createLobby');
    if (problem !== undefined) return Promise.resolve(failed(problem));
    const result = this.membershipRequest.open('create');
    this.toMachines({ type: 'lobby.create', ...request });
    return result;
  }

  joinLobby(lobbyId: bigint): Promise<RuntimeResult<{ readonly lobbyId: bigint }>> {
    const problem =
      this.disposedError('joinLobby') ??
      this.invalid('joinLobby', isSteamId(lobbyId) ? undefined : `${String(lobbyId)} is not a lobby ID`) ??
      this.busy('joinLobby');
    if (problem !== undefined) return Promise.resolve(failed(problem));
    const result = this.membershipRequest.open('join');
    this.toMachines({ type: 'lobby.join', lobbyId });
    return result;
  }

  findLobbies(filters: LobbyListFilters = {}): Promise<RuntimeResult<{ readonly lobbies: readonly LobbyListing[] }>> {
    let problem = this.disposedError('findLobbies');
    if (problem === undefined && this.listRequest.busy) {
      problem = this.report(this.wrongState('findLobbies', 'list-in-flight', 'A lobby list request is already waiting for its result.'));
    }
    if (problem !== undefined) return Promise.resolve(failed(problem));
    const result = this.listRequest.open('list');
    this.toMachines({ type: 'lobby.list', filters });
    return result;
  }

  leaveLobby(): RuntimeResult {
    const disposed = this.disposedError('leaveLobby');
    if (disposed !== undefined) return failed(disposed);
    return this.command(() => this.toMachines({ type: 'lobby.leave' }));
  }

  kick(memberId: bigint, options: OwnerCommandOptions = {}): RuntimeResult {
    return (
      this.memberProblem('kick', memberId) ??
      this.command(() => this.toMachines({ type: 'lobby.kick', memberId, epoch: options.epoch ?? this.epoch() }))
    );
  }

  ban(memberId: bigint, options: OwnerCommandOptions = {}): RuntimeResult {
    return (
      this.memberProblem('ban', memberId) ??
      this.command(() => this.toMachines({ type: 'lobby.ban', memberId, epoch: options.epoch ?? this.epoch() }))
    );
  }

  startGame(options: OwnerCommandOptions = {}): RuntimeResult {
    const disposed = this.disposedError('startGame');
    if (disposed !== undefined) return failed(disposed);
    return this.command(() => this.toMachines({ type: 'lobby.start', epoch: options.epoch ?? this.epoch() }));
  }

  invite(userId: bigint): RuntimeResult {
    const lobbyId = this.directory.lobbyId;
    const problem =
      this.disposedError('invite') ??
      this.invalid('invite', isSteamId(userId) ? undefined : `${String(userId)} is not a Steam ID`) ??
      (lobbyId === undefined ? this.wrongState('invite', 'not-in-lobby', 'Not in a lobby.') : undefined);
    if (problem !== undefined) return failed(problem);
    return this.backendCall('invite', () => this.backend.inviteUserToLobby(lobbyId!, userId));
  }

  setLobbyData(key: string, value: string): RuntimeResult {
    const lobbyId = this.directory.lobbyId;
    const problem =
      this.disposedError('setLobbyData') ??
      this.invalid('setLobbyData', lobbyDataKeyProblem(key) ?? (typeof value === 'string' ? undefined : 'lobby data values are strings')) ??
      (lobbyId === undefined ? this.wrongState('setLobbyData', 'not-in-lobby', 'Not in a lobby.') : undefined) ??
      (this.directory.ownerId !== this.selfId
        ? this.wrongState('setLobbyData', 'not-owner', 'Only the lobby owner can set lobby data.')
        : undefined);
    if (problem !== undefined) return failed(problem);
    return this.backendCall('setLobbyData', () => this.backend.setLobbyData(lobbyId!, key, value));
  }

  sendChat(text: string): RuntimeResult {
    const lobbyId = this.directory.lobbyId;
    const problem =
      this.disposedError('sendChat') ??
      this.invalid('sendChat', typeof text === 'string' ? undefined : 'chat messages are strings') ??
      (lobbyId === undefined ? this.wrongState('sendChat', 'not-in-lobby', 'Not in a lobby.') : undefined);
    if (problem !== undefined) return failed(problem);
    const bytes = textEncoder.encode(text);
    if (bytes.length > MAX_LOBBY_CHAT_BYTES) {
      return this.refuseSend('sendChat', 'too-large', `lobby chat messages are limited to ${MAX_LOBBY_CHAT_BYTES} bytes, got ${bytes.length}`);
    }
    if (this.backend.capabilities.lobbyChat !== 'absent') {
      return this.backendCall('sendChat', () => this.backend.sendLobbyChat(lobbyId!, bytes));
    }
    // No lobby chat in this backend (steamworks.js): carry it in chat frames to every member, and echo it to
    // ourselves as Steam does.
    const frame = this.codec.encode(text, { kind: 'chat', reliable: true, channel: 0 });
    if (!frame.ok) return this.refuseSend('sendChat', 'unencodable', frame.detail, frame.code);
    for (const id of this.directory.remoteIds()) {
      this.guarded('sendChat', () => this.backend.sendP2P(id, frame.value, P2PSendType.reliable, 0));
    }
    this.chatSubject.next({ lobbyId: lobbyId!, from: this.selfId, name: this.backend.localUserName(), text });
    return OK;
  }

  send(to: bigint | 'all', message: unknown, options: SendOptions = {}): RuntimeResult<{ readonly recipients: number }> {
    const disposed = this.disposedError('send');
    if (disposed !== undefined) return failed(disposed);
    if (this.directory.lobbyId === undefined) return failed(this.wrongState('send', 'not-in-lobby', 'Not in a lobby.'));
    const channel = options.channel ?? 0;
    if (!isValidChannel(channel)) return this.refuseSend('send', 'invalid-argument', `channel ${String(channel)} is not an integer from 0 to 2^31 − 1`);
    const sendType = options.sendType ?? (options.reliable === false ? P2PSendType.unreliable : P2PSendType.reliable);
    if (!isSendType(sendType)) return this.refuseSend('send', 'invalid-argument', `send type ${String(sendType)} is not 0..3`);
    // One gate lookup both admits a single recipient and finds the slot a reliable send stamps.
    const target = to === 'all' ? 'all' : this.directory.gate.get(to);
    if (target === undefined) return this.refuseSend('send', 'not-a-member', `${String(to)} is not a member of this lobby`);
    const frame = this.codec.encode(message, { channel, reliable: sendType >= P2PSendType.reliable });
    if (!frame.ok) {
      const code = frame.code === 'too-large-to-send' ? 'too-large' : 'unencodable';
      return this.refuseSend('send', code, frame.detail, frame.code);
    }
    const sizeProblem = sendSizeProblem(frame.value.length, sendType);
    if (sizeProblem !== undefined) return this.refuseSend('send', 'too-large', sizeProblem, 'too-large-to-send');
    const backendChannel = this.backend.capabilities.p2pChannels === 'absent' ? 0 : channel;
    let recipients = 0;
    // A reliable message does a heartbeat's job (it arrives, or Steam fails the session), so it postpones the next
    // heartbeat; an unreliable one may be lost, so it does not.
    const sentAt = sendType >= P2PSendType.reliable ? this.clock.now() : undefined;
    try {
      if (target === 'all') {
        const slots = this.directory.slots;
        for (let i = 0; i < slots.length; i++) {
          const slot = slots[i]!;
          if (this.sendTo(slot, frame.value, sendType, backendChannel)) {
            recipients++;
            if (sentAt !== undefined) slot.lastSent = sentAt;
          }
        }
      } else if (this.sendTo(target, frame.value, sendType, backendChannel)) {
        recipients++;
        if (sentAt !== undefined) target.lastSent = sentAt;
      } else {
        return failed(this.backendRefused('send'));
      }
    } catch (thrown) {
      return failed(this.report({ kind: 'internal', where: 'send', reason: describeThrown(thrown) }));
    }
    this.counters.packetsSent += recipients;
    return { ok: true, recipients };
  }

  /** Sends through the member's route once the backend has given one: the id and its lookup are then skipped. */
  private sendTo(slot: PeerSlot, bytes: Uint8Array, sendType: P2PSendType, channel: number): boolean {
    const routes = this.routes;
    if (routes !== undefined && slot.route !== undefined) return routes.send(slot.route, bytes, sendType, channel);
    const sent = this.backend.sendP2P(slot.id, bytes, sendType, channel);
    if (sent && routes !== undefined) slot.route = routes.routeTo(slot.id);
    return sent;
  }

  // ── streams and reads ─────────────────────────────────────────────────────────────────────────────────────

  messages<T = unknown>(channel: number): Observable<ChannelMessage<T>> {
    return this.router.messages<T>(channel);
  }

  lobbyState(): LobbyState {
    return this.lobbySubject.getValue();
  }

  members(): readonly LobbyMember[] {
    return this.directory.list();
  }

  lobbyData(): Readonly<Record<string, string>> {
    return this.dataSubject.getValue();
  }

  allConnected(): boolean {
    return this.connectedSubject.getValue();
  }

  stats(): RuntimeStats {
    return { ...this.counters };
  }

  dispose(): void {
    if (this.disposed) return;
    this.stopAutoTick?.();
    this.stopAutoTick = undefined;
    if (this.lobbySubject.getValue().status !== 'idle') this.toMachines({ type: 'lobby.leave' });
    this.disposed = true;
    const error = this.wrongState('tick', 'disposed', DISPOSED_TEXT);
    this.membershipRequest.settle(failed(error));
    this.listRequest.settle(failed(error));
    try {
      runWith(this.machineEffects, () => this.actor.stop());
    } catch {
      // Stopping must not throw into the caller; the actors are gone either way.
    }
    this.router.complete();
    this.directory.complete();
    for (const subject of [
      this.lobbySubject,
      this.dataSubject,
      this.chatSubject,
      this.lifecycleSubject,
      this.sessionSubject,
      this.connectedSubject,
      this.errorSubject,
    ] as Subject<unknown>[]) {
      subject.complete();
    }
  }

  // ── effects the machines ask for ──────────────────────────────────────────────────────────────────────────

  private effects(): MachineEffects {
    const backend = this.backend;
    return {
      createLobby: ({ lobbyType, maxMembers }) => {
        if (this.guarded('createLobby', () => backend.createLobby(lobbyType, maxMembers)) === true) return;
        this.refusedCreate = this.refusal('createLobby', 'create-failed');
        this.toMachines({ type: 'lobby.created', result: 2, lobbyId: 0n });
      },
      joinLobby: ({ lobbyId }) => {
        if (this.guarded('joinLobby', () => backend.joinLobby(lobbyId)) === true) return;
        this.refusedJoin = this.refusal('joinLobby', 'join-failed', lobbyId);
        this.toMachines({ type: 'lobby.entered', lobbyId, response: 5 });
      },
      leaveLobby: ({ lobbyId }, currentLobbyId) => {
        this.guarded('leaveLobby', () => backend.leaveLobby(lobbyId));
        // Steam's leave is synchronous: tell the machine it is done.
        if (lobbyId === currentLobbyId) this.toMachines({ type: 'lobby.left' });
      },
      setLobbyJoinable: ({ lobbyId }) => void this.effectCall('setLobbyJoinable', 'lobbyData', () => backend.setLobbyJoinable(lobbyId, true)),
      setLobbyData: ({ lobbyId, data }) => {
        for (const [key, value] of Object.entries(data)) {
          this.effectCall('setLobbyData', 'lobbyData', () => backend.setLobbyData(lobbyId, key, value));
        }
      },
      allowRelay: () => void this.effectCall('allowRelay', 'relayControl', () => backend.allowRelay(true)),
      requestLobbyList: ({ filters }) => {
        if (this.guarded('findLobbies', () => backend.requestLobbyList(filters)) === true) return;
        this.refusedList = this.refusal('findLobbies', 'list-failed');
        this.toMachines({ type: 'lobby.listReceived', lobbies: [] });
      },
      kick: ({ lobbyId, memberId }) => this.expel('kick', memberId, () => backend.kickLobbyMember(lobbyId, memberId)),
      ban: ({ lobbyId, memberId }) => this.expel('ban', memberId, () => backend.banLobbyMember(lobbyId, memberId)),
      start: ({ lobbyId }) => void this.effectCall('startGame', 'lobbyData', () => backend.setLobbyData(lobbyId, STARTED_LOBBY_DATA_KEY, '1')),
      acceptSession: ({ remoteId }) => {
        this.counters.sessionRequestsAccepted++;
        this.guarded('acceptSession', () => backend.acceptSession(remoteId));
      },
      sendHandshake: ({ remoteId, attempt }) => void this.guarded('handshake', () => this.protocol.sendHandshake(remoteId, attempt)),
      sendHandshakeAck: ({ remoteId }) => void this.guarded('handshake', () => this.protocol.sendHandshakeAck(remoteId)),
      sendHeartbeats: ({ remoteIds, intervalMs }) => {
        const now = this.clock.now();
        for (const remoteId of remoteIds) {
          const slot = this.directory.gate.get(remoteId);
          // With the ledger, a link that carried a reliable frame within the interval needs no heartbeat.
          if (this.useLedger && slot !== undefined && !heartbeatDue(slot.lastSent, now, intervalMs)) continue;
          if (this.guarded('heartbeat', () => this.protocol.sendHeartbeat(remoteId)) === true && slot !== undefined) slot.lastSent = now;
        }
      },
      checkLiveness: ({ remoteIds, windowMs }) => {
        const now = this.clock.now();
        for (const remoteId of remoteIds) {
          if (!heardWithin(this.directory.gate.get(remoteId)?.lastHeard, now, windowMs)) {
            this.toMachines({ type: 'peer.silent', remoteId });
          }
        }
      },
      closeSession: ({ remoteId }) => {
        this.forgetPeer(remoteId);
        if (backend.capabilities.closeSession !== 'absent') this.guarded('closeSession', () => backend.closeSession(remoteId));
      },
    };
  }

  /** Kick or ban: the backend call, then keep them out here at once (whether or not Steam reports it back). */
  private expel(command: 'kick' | 'ban', memberId: bigint, call: () => boolean): void {
    if (!this.effectCall(command, 'kickAndBan', call)) return;
    this.directory.expel(memberId);
    this.forgetPeer(memberId);
    this.toMachines({ type: 'member.changed', memberId, change: command === 'kick' ? 'kicked' : 'banned', changedBy: this.selfId });
  }

  // ── what the machines report ──────────────────────────────────────────────────────────────────────────────

  private onLifecycle(event: LobbyEmitted): void {
    switch (event.type) {
      case 'lifecycle.entered': {
        const members = this.guarded('members', () => this.backend.getLobbyMembers(event.lobbyId)) ?? [];
        this.directory.enter(event.lobbyId, members, event.ownerId);
        this.refreshLobbyData();
        this.directory.publish();
        this.membershipRequest.settle({ ok: true, lobbyId: event.lobbyId });
        break;
      }
      case 'lifecycle.createFailed': {
        const error = this.refusedCreate ?? { kind: 'create-failed', ...event.failure };
        this.refusedCreate = undefined;
        this.membershipRequest.settle(failed(error), 'create');
        this.report(error);
        break;
      }
      case 'lifecycle.joinFailed': {
        const failure = event.failure;
        const error: LobbyRuntimeError =
          this.refusedJoin ??
          (failure.code === 'enter-response'
            ? {
                kind: 'join-failed',
                lobbyId: failure.lobbyId,
                code: failure.code,
                response: failure.failure.response,
                key: failure.failure.key,
                reason: failure.reason,
              }
            : { kind: 'join-failed', lobbyId: failure.lobbyId, code: failure.code, reason: failure.reason });
        this.refusedJoin = undefined;
        this.membershipRequest.settle(failed(error), 'join');
        this.report(error);
        break;
      }
      case 'lifecycle.cancelled': {
        const error: LobbyRuntimeError =
          event.what === 'create'
            ? { kind: 'create-failed', code: 'cancelled', reason: 'Creating the lobby was cancelled by leaveLobby().' }
            : { kind: 'join-failed', lobbyId: event.lobbyId ?? 0n, code: 'cancelled', reason: 'Joining the lobby was cancelled by leaveLobby().' };
        this.membershipRequest.settle(failed(error), event.what);
        break;
      }
      case 'lifecycle.left':
        this.directory.clear();
        this.throttle?.clear();
        this.protocol.clear();
        this.refreshLobbyData();
        this.directory.publish();
        break;
      case 'lifecycle.ownerChanged':
        this.directory.setOwner(event.ownerId);
        break;
      case 'lifecycle.lobbyList': {
        const refused = this.refusedList;
        this.refusedList = undefined;
        if (refused !== undefined) {
          this.listRequest.settle(failed(refused));
        } else {
          this.listRequest.settle({ ok: true, lobbies: event.lobbies.map((id) => this.listing(id)) });
        }
        break;
      }
      case 'lifecycle.listFailed': {
        const error: LobbyRuntimeError = { kind: 'list-failed', code: event.code, reason: event.reason };
        this.listRequest.settle(failed(error));
        this.report(error);
        break;
      }
      case 'lifecycle.rejected': {
        const command = COMMAND_OF[event.command] ?? 'joinLobby';
        const error = this.wrongState(command, event.code, event.reason);
        if (event.command === 'lobby.create') this.membershipRequest.settle(failed(error), 'create');
        if (event.command === 'lobby.join') this.membershipRequest.settle(failed(error), 'join');
        if (event.command === 'lobby.list') this.listRequest.settle(failed(error));
        this.report(error);
        break;
      }
      case 'lifecycle.strayLeft':
      case 'lifecycle.inviteReceived':
        break;
    }
    this.lifecycleSubject.next(event);
  }

  private onSessionEmitted(event: SessionEmitted): void {
    switch (event.type) {
      case 'peer.connected':
        this.directory.setSession(event.remoteId, 'connected');
        break;
      case 'peer.attemptFailed':
        if (event.retryInMs !== undefined) this.directory.setSession(event.remoteId, 'connecting');
        this.report({
          kind: 'session-failed',
          remoteId: event.remoteId,
          attempt: event.attempt,
          failure: event.failure,
          retryInMs: event.retryInMs,
          reason: sessionFailureText(event.remoteId, event.failure),
        });
        break;
      case 'peer.closed':
        this.directory.setSession(event.remoteId, 'closed');
        break;
      case 'session.refused':
        this.counters.sessionRequestsRefused++;
        this.report({ kind: 'session-refused', remoteId: event.remoteId, code: event.code, reason: event.reason });
        break;
      default:
        break;
    }
    this.sessionSubject.next(event);
  }

  private receiveP2PChat(from: bigint, value: unknown): void {
    const lobbyId = this.directory.lobbyId;
    if (lobbyId === undefined) return;
    if (typeof value !== 'string') {
      this.counters.decodeErrors++;
      this.report({ kind: 'decode-failed', from, code: 'bad-payload', detail: 'a chat frame must carry a string', reason: `A chat frame from ${from} did not carry text.` });
      return;
    }
    this.chatSubject.next({ lobbyId, from, name: this.backend.personaName(from), text: value });
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────────────────────

  private toMachines(event: SessionEvent): void {
    if (this.disposed) return;
    try {
      runWith(this.machineEffects, () => this.actor.send(event));
    } catch (thrown) {
      this.report({ kind: 'internal', where: event.type, reason: describeThrown(thrown) });
    }
  }

  private forgetPeer(id: bigint): void {
    this.throttle?.forget(id);
    this.protocol.forget(id);
  }

  private refreshLobbyData(): void {
    const lobbyId = this.directory.lobbyId;
    const data = lobbyId === undefined ? EMPTY_DATA : (this.guarded('lobbyData', () => this.backend.getAllLobbyData(lobbyId)) ?? EMPTY_DATA);
    if (data !== this.dataSubject.getValue()) this.dataSubject.next({ ...data });
  }

  private listing(lobbyId: bigint): LobbyListing {
    return {
      lobbyId,
      memberLimit: this.guarded('findLobbies', () => this.backend.getLobbyMemberLimit(lobbyId)) ?? 0,
      data: { ...(this.guarded('findLobbies', () => this.backend.getAllLobbyData(lobbyId)) ?? EMPTY_DATA) },
    };
  }

  private epoch(): number {
    return this.lobbySubject.getValue().epoch;
  }

  /** Publishes `error` (and hands it to the command being run, if any). */
  private report(error: LobbyRuntimeError): LobbyRuntimeError {
    this.captured?.push(error);
    if (!this.disposed) this.errorSubject.next(error);
    return error;
  }

  /** Runs a command that goes through the machines; fails with the first refusal reported while it ran. */
  private command(run: () => void): RuntimeResult {
    const outer = this.captured;
    const captured: LobbyRuntimeError[] = [];
    this.captured = captured;
    try {
      run();
    } finally {
      this.captured = outer;
    }
    outer?.push(...captured);
    const refusal = captured.find((e) => e.kind === 'wrong-state' || e.kind === 'backend-refused' || e.kind === 'invalid-argument');
    this.directory.publish();
    return refusal === undefined ? OK : failed(refusal);
  }

  /** A backend command issued directly by the runtime (not through a machine). */
  private backendCall(command: RuntimeCommand, call: () => boolean): RuntimeResult {
    const accepted = this.guarded(command, call);
    if (accepted === true) return OK;
    return failed(accepted === undefined ? this.lastInternal(command) : this.backendRefused(command));
  }

  /**
   * A backend call made for a machine. A refusal is reported, except for the seed's housekeeping (joinable, relay)
   * on a backend that says it lacks the feature: the game did not ask for those, so there is nothing to tell it.
   */
  private effectCall(command: RuntimeCommand | 'allowRelay' | 'setLobbyJoinable', capability: keyof Backend['capabilities'], call: () => boolean): boolean {
    const accepted = this.guarded(command, call);
    if (accepted === true) return true;
    const housekeeping = command === 'allowRelay' || command === 'setLobbyJoinable';
    if (accepted === false && !(housekeeping && this.backend.capabilities[capability] === 'absent')) {
      this.backendRefused(housekeeping ? 'setLobbyData' : command);
    }
    return false;
  }

  private backendRefused(command: RuntimeCommand): LobbyRuntimeError {
    const refusal = this.backend.lastRefusal();
    const code: RefusalCode = refusal?.code ?? 'native-error';
    return this.report({ kind: 'backend-refused', command, code, reason: refusal?.detail ?? `The backend refused ${command}.` });
  }

  /** The backend's refusal of a create, join or list, as the failure that request ends with (reported later). */
  private refusal(command: RuntimeCommand, kind: 'create-failed' | 'join-failed' | 'list-failed', lobbyId = 0n): LobbyRuntimeError {
    const reason = this.backend.lastRefusal()?.detail ?? `The backend refused ${command}.`;
    if (kind === 'join-failed') return { kind, lobbyId, code: 'backend-refused', reason };
    return { kind, code: 'backend-refused', reason };
  }

  private lastInternal(command: RuntimeCommand): LobbyRuntimeError {
    return { kind: 'internal', where: command, reason: `The backend threw during ${command}; see errors$.` };
  }

  /** Runs a backend call; a throw becomes an `internal` error and `undefined`. */
  private guarded<T>(where: string, call: () => T): T | undefined {
    try {
      return call();
    } catch (thrown) {
      this.report({ kind: 'internal', where, reason: describeThrown(thrown) });
      return undefined;
    }
  }

  private refuseSend(
    command: 'send' | 'sendChat',
    code: 'too-large' | 'unencodable' | 'not-a-member' | 'invalid-argument',
    reason: string,
    codecCode?: CodecErrorCode,
  ): { readonly ok: false; readonly error: LobbyRuntimeError } {
    this.counters.sendsRefused++;
    return failed(this.report(codecCode === undefined ? { kind: 'send-refused', command, code, reason } : { kind: 'send-refused', command, code, codecCode, reason }));
  }

  private wrongState(command: RuntimeCommand, code: Extract<LobbyRuntimeError, { kind: 'wrong-state' }>['code'], reason: string): LobbyRuntimeError {
    return { kind: 'wrong-state', command, code, reason };
  }

  private disposedError(command: RuntimeCommand): LobbyRuntimeError | undefined {
    return this.disposed ? this.wrongState(command, 'disposed', DISPOSED_TEXT) : undefined;
  }

  private invalid(command: RuntimeCommand, problem: string | undefined): LobbyRuntimeError | undefined {
    return problem === undefined ? undefined : this.report({ kind: 'invalid-argument', command, reason: problem });
  }

  private busy(command: RuntimeCommand): LobbyRuntimeError | undefined {
    if (!this.membershipRequest.busy) return undefined;
    return this.report(this.wrongState(command, 'busy', `A ${this.membershipRequest.kind} request is still in flight; wait for it to finish.`));
  }

  private memberProblem(command: 'kick' | 'ban', memberId: bigint): { readonly ok: false; readonly error: LobbyRuntimeError } | undefined {
    const disposed = this.disposedError(command);
    if (disposed !== undefined) return failed(disposed);
    if (!isSteamId(memberId)) return failed(this.invalid(command, `${String(memberId)} is not a Steam ID`)!);
    if (memberId === this.selfId) return failed(this.invalid(command, `you cannot ${command} yourself`)!);
    if (this.directory.lobbyId !== undefined && !this.directory.has(memberId)) {
      return failed(this.invalid(command, `${memberId} is not a member of this lobby`)!);
    }
    return undefined;
  }
}

function positiveInteger(value: number | undefined): number | undefined {
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : undefined;
}
