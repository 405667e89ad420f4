/**
 * The composition root: `createLobbyRuntime` builds one runtime's parts (core.ts), creates its root actor with
 * that runtime's own effects in its input, and implements the public API — argument validation first, then the
 * command, which either calls the backend or goes through the machines. Nothing here throws into the game loop
 * and no promise rejects: commands return `{ ok: true, … } | { ok: false, error }`, and every error is also
 * published on `errors$` (reporter.ts).
 *
 *   tick() → backend.poll() → drain backend events → machine events (control plane)
 *          → read ≤ packetReadLimit packets → drop non-members → decode → per-channel streams (data plane)
 */
import type { Observable } from 'rxjs';
import { createActor, type Actor, type ActorRefFrom } from 'xstate';
import { DEFAULT_MAX_DECODED_BYTES, createPacketCodec } from '../codec/packet-codec.js';
import { createSystemClock } from '../effects/clock.js';
import type { lobbyListMachine } from '../machines/lobby-list.machine.js';
import { DEFAULT_LOBBY_TIMING, type LobbyInvite, type lobbyMachine } from '../machines/lobby.machine.js';
import type { voteKickMachine } from '../machines/vote-kick.machine.js';
import { sessionMachine, type SessionEvent } from '../machines/session.machine.js';
import type { LobbyListFilters } from '../steam/index.js';
import type {
  CreateLobbyOptions,
  LobbyRuntime,
  LobbyRuntimeOptions,
  OwnerCommandOptions,
  SendOptions,
} from './api.js';
import { readUntilIdle } from './after-dispose.js';
import { startAutoTicker } from './auto-ticker.js';
import { endCommands, type CommandState } from './command-base.js';
import { Commands } from './commands.js';
import { Sends } from './sends.js';
import type { ListResult, MembershipResult, RuntimeCore } from './core.js';
import { DISPOSED_TEXT, STOPPED_TEXT, describeThrown, type RuntimeResult } from './errors.js';
import { personaNameOf, type EventTranslator } from './event-translator.js';
import { abandonLobby, leaveLateArrivals } from './failure.js';
import { EMPTY_DATA, GameStreams } from './game-streams.js';
import { HeldSends } from './held-sends.js';
import { IDLE_LOBBY, lobbyStateOf, type LobbyState } from './lobby-state.js';
import { RuntimeEffects } from './machine-effects.js';
import { MemberDirectory, type LobbyMember } from './member-directory.js';
import { checkRuntimeOptions } from './options.js';
import { Outcomes } from './outcomes.js';
import { outsideView, refusedFromOutside } from './outside-view.js';
import { PacketRouter, type ChannelMessage } from './packet-router.js';
import { PeerProtocol } from './peer-protocol.js';
import { openingWire } from './peer-wire.js';
import { Reporter } from './reporter.js';
import { RequestSlot } from './request-slot.js';
import { createStats, type RuntimeStats } from './stats.js';
import { wireTranslator } from './translator-wiring.js';

/** Throws a TypeError saying what is missing when `options` has no backend: there is no runtime to report it on. */
export function createLobbyRuntime(options: LobbyRuntimeOptions): LobbyRuntime {
  const backend = (options as Partial<LobbyRuntimeOptions> | null | undefined)?.backend;
  if (typeof backend !== 'object' || backend === null || typeof backend.localUserId !== 'function') {
    throw new TypeError('lobbykit: createLobbyRuntime needs { backend }, e.g. createSimulatedSteam(…).backend(id), createSteamworksBackend(…) or createLoopbackBackend(…)');
  }
  return new Runtime(options);
}

class Runtime implements LobbyRuntime {
  readonly selfId: bigint;
  readonly backend: LobbyRuntimeOptions['backend'];
  readonly actor: Actor<typeof sessionMachine>;
  readonly members$: Observable<readonly LobbyMember[]>;
  readonly lobby$: LobbyRuntime['lobby$'];
  readonly lobbyData$: LobbyRuntime['lobbyData$'];
  readonly chat$: LobbyRuntime['chat$'];
  readonly lifecycle$: LobbyRuntime['lifecycle$'];
  readonly sessions$: LobbyRuntime['sessions$'];
  readonly allConnected$: LobbyRuntime['allConnected$'];
  readonly errors$: LobbyRuntime['errors$'];
  readonly votes$: LobbyRuntime['votes$'];
  readonly backlog$: LobbyRuntime['backlog$'];

  private readonly core: RuntimeCore;
  private readonly root: Actor<typeof sessionMachine>;
  private readonly outcomes: Outcomes;
  private readonly commands: Commands;
  private readonly sends: Sends;
  /** Disposed or not: shared with the command objects. */
  private readonly commandState: CommandState = { disposed: false, reason: DISPOSED_TEXT };
  private readonly translator: EventTranslator;
  private readonly lobbyRef: ActorRefFrom<typeof lobbyMachine>;
  private stopAutoTick: (() => void) | undefined;
  /** How long a create or join may still be answered: after a failure, lobbies entered meanwhile are left. */
  private readonly requestTimeoutMs: number;
  /** Set when the actors stop: at dispose, or once a request in flight at dispose has been dealt with. */
  private actorsStopped = false;

  constructor(options: LobbyRuntimeOptions) {
    const backend = options.backend;
    const clock = options.clock ?? createSystemClock();
    const codec = options.codec ?? createPacketCodec();
    const selfId = backend.localUserId();
    const checked = checkRuntimeOptions(options);
    const counters = createStats();
    const streams = new GameStreams(IDLE_LOBBY);
    const reporter = new Reporter((error) => streams.error(error));
    const directory = new MemberDirectory(
      selfId,
      (id) => personaNameOf(backend, reporter, selfId, id),
      (slot) => this.sends.releaseHeld(slot),
    );
    const held = new HeldSends();
    const toMachines = (event: SessionEvent) => this.toMachines(event);
    const protocol = new PeerProtocol(backend, codec, toMachines, selfId, directory.gate, openingWire(options.tutorial));
    const router = new PacketRouter(
      backend,
      codec,
      {
        gate: directory.gate,
        gateVersion: () => directory.slots,
        isExpelled: (id) => directory.isExpelled(id),
        control: (from, message) => protocol.receive(from, message),
        handshake: (from) => protocol.receiveTutorialHandshake(from),
        isConnected: (id) => directory.isConnected(id),
        showWire: (slot, wire) => void directory.showWire(slot, wire),
        error: (error) => reporter.report(error),
      },
      counters,
      checked.packetReadLimit,
      { maxBytes: DEFAULT_MAX_DECODED_BYTES },
    );
    const core: RuntimeCore = {
      selfId,
      backend,
      routes: backend.p2pRoutes?.backend === backend ? backend.p2pRoutes : undefined,
      clock,
      codec,
      counters,
      directory,
      protocol,
      router,
      reporter,
      streams,
      held,
      membershipRequest: new RequestSlot<'create' | 'join', MembershipResult>(),
      listRequest: new RequestSlot<'list', ListResult>(),
      toMachines,
      refreshLobbyData: () => {
        const lobbyId = directory.lobbyId;
        const data = lobbyId === undefined ? EMPTY_DATA : reporter.guarded('lobbyData', () => backend.getAllLobbyData(lobbyId));
        streams.setLobbyData(data ?? EMPTY_DATA);
      },
      forgetPeer: (id) => {
        protocol.forget(id);
        held.forget(id);
      },
    };
    this.core = core;
    this.selfId = selfId;
    this.backend = backend;
    this.outcomes = new Outcomes(core);
    this.commands = new Commands(core, this.commandState, this.outcomes);
    this.sends = new Sends(core, this.commandState);
    const seatReservationMs = checked.timing.lobby?.seatReservationMs ?? DEFAULT_LOBBY_TIMING.seatReservationMs;
    this.requestTimeoutMs = checked.timing.lobby?.requestTimeoutMs ?? DEFAULT_LOBBY_TIMING.requestTimeoutMs;
    this.translator = wireTranslator(core, seatReservationMs > 0);

    const effects = new RuntimeEffects(core);
    this.root = createActor(sessionMachine, {
      clock,
      input: {
        selfId,
        lobby: { timing: checked.timing.lobby, autoAcceptInvites: checked.autoAcceptInvites },
        peer: { timing: checked.timing.peer, retry: checked.retry },
        reconnect: checked.reconnect,
        vote: { timing: checked.timing.vote },
        effects,
      },
      ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
    });
    this.actor = outsideView(this.root, (event) => {
      if (this.commandState.disposed) return;
      if (refusedFromOutside(event, core.reporter)) return;
      this.toMachines(event);
      core.directory.publish();
    });
    this.members$ = directory.members$;
    this.lobby$ = streams.lobby$;
    this.lobbyData$ = streams.lobbyData$;
    this.chat$ = streams.chat$;
    this.lifecycle$ = streams.lifecycle$;
    this.sessions$ = streams.sessions$;
    this.allConnected$ = streams.allConnected$;
    this.errors$ = streams.errors$;
    this.votes$ = streams.votes$;
    this.backlog$ = streams.backlog$;

    this.root.on('*', this.outcomes.session);
    this.root.subscribe({
      next: (snapshot) => streams.setAllConnected(snapshot.matches({ inLobby: 'allConnected' })),
      error: (error) => this.failed(error, effects),
    });
    this.root.start();
    const lobbyRef = this.root.system.get('lobby') as ActorRefFrom<typeof lobbyMachine>;
    this.lobbyRef = lobbyRef;
    const listRef = this.root.system.get('lobbyList') as ActorRefFrom<typeof lobbyListMachine>;
    const voteRef = this.root.system.get('voteKick') as ActorRefFrom<typeof voteKickMachine>;
    streams.setLobby(lobbyStateOf(lobbyRef.getSnapshot()));
    lobbyRef.on('*', this.outcomes.lifecycle);
    listRef.on('*', this.outcomes.lifecycle);
    voteRef.on('*', this.outcomes.vote);
    lobbyRef.subscribe({ next: (snapshot) => streams.setLobby(lobbyStateOf(snapshot)), error: () => {} });

    // The options' problems are published, and a Steam invite we were started from (`+connect_lobby <id>`) joined,
    // at the first tick: a game that subscribed to errors$ and lifecycle$ after creating the runtime sees them.
    const argv = reporter.guarded('launchArgs', () => backend.launchArgs());
    this.firstTick = () => {
      this.firstTick = undefined;
      for (const problem of checked.problems) reporter.report(problem);
      if (argv !== undefined && argv.length > 0) this.toMachines({ type: 'lobby.launchArgs', argv });
    };
  }

  /** What the first tick does: publish the options' problems, hand the launch arguments to the lobby machine. */
  private firstTick: (() => void) | undefined;

  // ── the game loop ─────────────────────────────────────────────────────────────────────────────────────────

  tick(): void {
    if (this.commandState.disposed) return;
    const { core } = this;
    core.counters.ticks++;
    try {
      this.firstTick?.();
      core.router.beginTick(core.clock.now());
      this.backend.poll();
      this.backend.drainEvents(this.translator.translate);
      core.router.read(core.clock.now());
      // What the read limit left for later ticks: a backlog that keeps growing means the game reads too little.
      const unread = this.backend.pendingPackets();
      if (unread !== core.counters.readBacklog) {
        core.counters.readBacklog = unread;
        core.streams.setBacklog(unread);
      }
    } catch (thrown) {
      core.reporter.report({ kind: 'internal', where: 'tick', reason: describeThrown(thrown) });
    }
    core.directory.publish();
  }

  startAutoTick(hz = 60): () => void {
    this.stopAutoTick?.();
    const stop = startAutoTicker(this.core.clock, hz, () => this.tick());
    this.stopAutoTick = stop;
    return () => {
      stop();
      if (this.stopAutoTick === stop) this.stopAutoTick = undefined;
    };
  }

  // ── commands (commands.ts and sends.ts validate and run them) ───────────────────────────────────────────────────

  createLobby(options?: CreateLobbyOptions): Promise<MembershipResult> {
    return this.commands.createLobby(options);
  }

  findLobbies(filters?: LobbyListFilters): Promise<ListResult> {
    return this.commands.findLobbies(filters);
  }

  joinLobby(lobbyId: bigint): Promise<MembershipResult> {
    return this.commands.joinLobby(lobbyId);
  }

  leaveLobby(): RuntimeResult {
    return this.commands.leaveLobby();
  }

  sendChat(text: string): RuntimeResult {
    return this.sends.sendChat(text);
  }

  send(to: bigint | 'all', message: unknown, options?: SendOptions): RuntimeResult<{ readonly recipients: number }> {
    return this.sends.send(to, message, options);
  }

  kick(memberId: bigint, options?: OwnerCommandOptions): RuntimeResult {
    return this.commands.expel('kick', memberId, options);
  }

  ban(memberId: bigint, options?: OwnerCommandOptions): RuntimeResult {
    return this.commands.expel('ban', memberId, options);
  }

  invite(userId: bigint): RuntimeResult {
    return this.commands.invite(userId);
  }

  acceptInvite(invite: LobbyInvite): Promise<MembershipResult> {
    return this.commands.acceptInvite(invite);
  }

  reconnect(memberId: bigint): RuntimeResult {
    return this.commands.reconnect(memberId);
  }

  startVoteKick(memberId: bigint): RuntimeResult {
    return this.commands.startVoteKick(memberId);
  }

  voteKick(approve: boolean): RuntimeResult {
    return this.commands.voteKick(approve);
  }

  setLobbyData(key: string, value: string): RuntimeResult {
    return this.commands.setLobbyData(key, value);
  }

  startGame(options?: OwnerCommandOptions): RuntimeResult {
    return this.commands.startGame(options);
  }

  // ── streams and reads ─────────────────────────────────────────────────────────────────────────────────────

  messages<T = unknown>(channel: number): Observable<ChannelMessage<T>> {
    return this.core.router.messages<T>(channel);
  }

  lobbyState(): LobbyState {
    return this.core.streams.lobby;
  }

  members(): readonly LobbyMember[] {
    return this.core.directory.list();
  }

  lobbyData(): Readonly<Record<string, string>> {
    return this.core.streams.lobbyData;
  }

  allConnected(): boolean {
    return this.core.streams.allConnected;
  }

  stats(): RuntimeStats {
    return { ...this.core.counters };
  }

  dispose(): void {
    if (this.commandState.disposed) return;
    this.stopAutoTick?.();
    this.stopAutoTick = undefined;
    if (this.core.streams.lobby.status !== 'idle') this.toMachines({ type: 'lobby.leave' });
    // Leaving can stop the machines on an error: failed() has ended the runtime then.
    if (this.commandState.disposed) return;
    endCommands(this.core, this.commandState, DISPOSED_TEXT);
    // A create or join still in flight is answered later, into a lobby to leave (after-dispose.ts), unless the
    // machines fail meanwhile (failed() leaves it then).
    const idle = () => this.actorsStopped || this.lobbyRef.getSnapshot().matches('idle');
    if (idle()) this.stopActors();
    else readUntilIdle(this.core.clock, this.backend, this.translator.translate, idle, () => this.stopActors());
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────────────────────

  /** The root actor stopped on an error: with no machine left to leave Steam's lobby, the runtime does (failure.ts). */
  private failed(error: unknown, effects: RuntimeEffects): void {
    const { core } = this;
    core.reporter.report({ kind: 'internal', where: 'root actor', reason: describeThrown(error) });
    this.actorsStopped = true;
    this.stopAutoTick?.();
    this.stopAutoTick = undefined;
    if (!this.commandState.disposed) {
      abandonLobby(core, effects);
      endCommands(core, this.commandState, STOPPED_TEXT);
    }
    // A create or join in flight, or one being abandoned, may still land us in a lobby.
    leaveLateArrivals(core.clock, this.backend, this.requestTimeoutMs);
  }

  private stopActors(): void {
    this.actorsStopped = true;
    try {
      this.root.stop();
    } catch {
      // Stopping must not throw into the caller; the actors are gone either way.
    }
  }

  private toMachines(event: SessionEvent): void {
    if (this.actorsStopped) return;
    try {
      this.root.send(event);
    } catch (thrown) {
      this.core.reporter.report({ kind: 'internal', where: event.type, reason: describeThrown(thrown) });
    }
  }
}

