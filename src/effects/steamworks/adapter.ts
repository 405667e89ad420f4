/**
 * The Backend port over steamworks.js 0.4 (or a binding of the same shape, such as @pipelab/steamworks.js) —
 * production code for games on Steam, and the same lines run in tests over the simulator's steamworks.js-shaped
 * client. This file owns the lobby side and the wiring; callbacks are shared through callbacks.ts, packets move in
 * packets.ts, lobby lists are made honest in lobby-list.ts, and what the client can do is found in binding.ts.
 * What steamworks.js lacks is emulated where that can be honest, else refused with a typed reason.
 */
import {
  CreateLobbyResult,
  EnterResponse,
  MAX_LOBBY_CHAT_BYTES,
  STEAM_RESULT_FAIL,
  UNKNOWN_PERSONA_NAME,
  createLobbyProblem,
  isSteamId,
  lobbyDataKeyProblem,
  lobbyDataValueRefusal,
  steamErrorByText,
  type Backend,
  type BackendCapabilities,
  type BackendEvent,
  type LobbyListFilters,
  type LobbyType,
  type P2PPacket,
  type P2PSendType,
  type Refusal,
} from '../backend.js';
import { Fifo } from '../fifo.js';
import type { SkipSender } from '../inbox.js';
import { detectBinding, type SteamworksBinding } from './binding.js';
import { UNSHARED_DETAIL, steamworksCallbacks, type SteamworksCallbackHub } from './callbacks.js';
import { chatFrom, sendChatFrames } from './chat-frame.js';
import type { SteamworksCallbackHandle, SteamworksClient, SteamworksLobby } from './client-types.js';
import { ADAPTER_CALLBACKS, eventOfCallback } from './events.js';
import { LobbyListRequests } from './lobby-list.js';
import { MemberWatch } from './member-watch.js';
import { NativeCalls, messageOf } from './native.js';
import { SteamworksPackets, packetLimitsOf, type PacketLimits, type SteamworksPacketOptions } from './packets.js';
import { loadSteamworksClient } from './load.js';

export { STEAMWORKS_CAPABILITIES, PIPELAB_STEAMWORKS_CAPABILITIES } from './binding.js';

export interface SteamworksBackendOptions extends SteamworksPacketOptions {
  /**
   * The client your game already has (`require('steamworks.js').init()`): the way to use this backend. A second
   * successful `init()` in one process drops the first client and every callback registered through it, so lobbykit
   * never calls `init()` when given a client. Without one, steamworks.js is loaded and started (once per process).
   */
  readonly client?: SteamworksClient;
  /** Passed to steamworks.js `init()` when no client is given; without it steamworks.js reads steam_appid.txt. */
  readonly appId?: number;
  /** The game's arguments, searched whole for `+connect_lobby <id>` (default: `process.argv`). */
  readonly argv?: readonly string[];
}

const NO_ENTER_CODE_NOTE = 'steamworks.js rejects a failed join without Steam\'s reason ("Failed to join lobby")';

/**
 * Uses the game's client if given, else loads and starts steamworks.js; rejects with SteamNotRunningError without
 * Steam, and with a TypeError or RangeError naming an option that is not an object or not a positive integer.
 */
export async function createSteamworksBackend(options: SteamworksBackendOptions = {}): Promise<Backend> {
  // Before loading steamworks.js: bad options start nothing.
  const limits = packetLimitsOf(options, 'createSteamworksBackend');
  const client = options.client ?? (await loadSteamworksClient(options.appId));
  return new SteamworksBackend(client, options, limits);
}

/** Wraps a client you already have (synchronous); throws, naming the option, on bad options as createSteamworksBackend rejects. */
export function wrapSteamworksClient(client: SteamworksClient, options: Omit<SteamworksBackendOptions, 'client' | 'appId'> = {}): Backend {
  return new SteamworksBackend(client, options, packetLimitsOf(options, 'wrapSteamworksClient'));
}

class SteamworksBackend implements Backend {
  readonly kind = 'steamworks' as const;
  readonly capabilities: BackendCapabilities;
  private readonly events = new Fifo<BackendEvent>();
  private readonly calls = new NativeCalls();
  private readonly lobbies = new Map<bigint, SteamworksLobby>();
  private readonly joined = new Set<bigint>();
  private readonly handles: SteamworksCallbackHandle[] = [];
  private readonly binding: SteamworksBinding;
  private readonly hub: SteamworksCallbackHub;
  private readonly packets: SteamworksPackets;
  private readonly lists: LobbyListRequests;
  private readonly members: MemberWatch;
  private readonly argv: readonly string[];
  private readonly me: bigint;
  private readonly myName: string;
  private hubReported = false;
  private disposed = false;
  /** Chat frames dropped because the sender was not a member of a lobby we are in. */
  strayChats = 0;

  constructor(
    private readonly client: SteamworksClient,
    options: Omit<SteamworksBackendOptions, 'client' | 'appId'>,
    limits: PacketLimits,
  ) {
    this.argv = options.argv ?? process.argv;
    this.me = client.localplayer.getSteamId().steamId64;
    this.myName = client.localplayer.getName();
    this.binding = detectBinding(client);
    this.capabilities = this.binding.capabilities;
    this.packets = new SteamworksPackets(client, this.binding.channels, this.calls, limits, (from, bytes) => this.onChatFrame(from, bytes));
    this.lists = new LobbyListRequests(client, this.calls, (event) => this.events.push(event), (lobby) => this.lobbies.set(lobby.id, lobby));
    this.members = new MemberWatch(this.me, (problem) => this.events.push(problem));
    this.hub = steamworksCallbacks(client);
    for (const id of ADAPTER_CALLBACKS) {
      this.handles.push(
        this.hub.register(id as never, (payload: unknown) => {
          const event = eventOfCallback(id, payload);
          if (event === undefined || this.disposed) return;
          this.members.observe(event, (lobbyId) => this.nativeMembers(lobbyId));
          if (event.type === 'lobbyChatUpdate' && event.changed === this.me && (event.state & ~1) !== 0) this.joined.delete(event.lobbyId);
          this.events.push(event);
        }),
      );
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Only this backend's subscriptions go: the game's and another backend's stay (callbacks.ts).
    for (const handle of this.handles) handle.disconnect();
    this.handles.length = 0;
    this.events.clear();
    this.packets.clear();
  }

  lastRefusal(): Refusal | undefined {
    return this.calls.refusal;
  }

  localUserId(): bigint {
    return this.me;
  }

  localUserName(): string {
    return this.myName;
  }

  personaName(userId: bigint): string {
    if (userId === this.me) return this.myName;
    const friends = this.binding.friends;
    if (friends === undefined || !isSteamId(userId)) return UNKNOWN_PERSONA_NAME;
    // GetFriendPersonaName answers "" or "[unknown]" until Steam has the name (sdk isteamfriends.h:236-240).
    const name = this.calls.quiet(() => friends.getFriendName(userId), '');
    return name === '' ? UNKNOWN_PERSONA_NAME : name;
  }

  launchArgs(): readonly string[] {
    return this.argv;
  }

  // ---------------------------------------------------------------- events and packets in

  poll(): void {
    if (this.disposed) return;
    if (!this.hub.intact && !this.hubReported) {
      this.hubReported = true;
      this.events.push({ type: 'backendProblem', code: 'callbacks-unshared', detail: UNSHARED_DETAIL });
    }
    this.packets.poll();
    this.members.tick();
  }

  private onChatFrame(from: bigint, bytes: Uint8Array): void {
    const chat = chatFrom(from, bytes, (lobbyId) => this.nativeMembers(lobbyId));
    if (chat !== undefined) this.events.push(chat);
    else this.strayChats++;
  }

  drainEvents(sink: (event: BackendEvent) => void): number {
    const n = this.events.length;
    for (let i = 0; i < n; i++) sink(this.events.shift() as BackendEvent);
    return n;
  }

  pendingEvents(): number {
    return this.events.length;
  }

  // ---------------------------------------------------------------- lobbies

  private nativeMembers(lobbyId: bigint): readonly bigint[] {
    const lobby = this.joined.has(lobbyId) ? this.lobbies.get(lobbyId) : undefined;
    if (lobby === undefined) return [];
    return this.calls.quiet(() => lobby.getMembers().map((m) => m.steamId64), []);
  }

  private enter(lobby: SteamworksLobby): void {
    this.lobbies.set(lobby.id, lobby);
    this.joined.add(lobby.id);
    this.members.entered(lobby.id, this.nativeMembers(lobby.id));
  }

  private joinedLobby(lobbyId: bigint): SteamworksLobby | undefined {
    if (!isSteamId(lobbyId)) {
      this.calls.refuse('invalid-argument', `lobby id must be a positive 64-bit bigint, got ${String(lobbyId)}`);
      return undefined;
    }
    const lobby = this.lobbies.get(lobbyId);
    if (lobby === undefined || !this.joined.has(lobbyId)) {
      this.calls.refuse('not-a-member', `you are not in lobby ${lobbyId}`);
      return undefined;
    }
    return lobby;
  }

  createLobby(lobbyType: LobbyType, maxMembers: number): boolean {
    const problem = createLobbyProblem(lobbyType, maxMembers);
    // Checked here: above 250 members steamworks-rs asserts (a rejection), and a bad type throws in napi.
    if (problem !== undefined) return this.calls.refuse('invalid-argument', problem);
    const started = this.calls.call('createLobby', () => this.client.matchmaking.createLobby(lobbyType, maxMembers), undefined);
    if (started === undefined) return false;
    started.then(
      (lobby) => {
        if (this.disposed) return;
        this.enter(lobby);
        this.events.push({ type: 'lobbyCreated', result: CreateLobbyResult.ok, lobbyId: lobby.id });
        this.events.push({ type: 'lobbyEntered', lobbyId: lobby.id, response: EnterResponse.success, locked: false });
      },
      (error: unknown) => {
        // The rejection carries a SteamError's message (steamworks.js matchmaking.rs:159) or a panic's text.
        const text = messageOf(error);
        const result = steamErrorByText(text)?.result ?? STEAM_RESULT_FAIL;
        if (!this.disposed) this.events.push({ type: 'lobbyCreated', result, lobbyId: 0n, note: `steamworks.js: ${text}` });
      },
    );
    return true;
  }

  joinLobby(lobbyId: bigint): boolean {
    if (!isSteamId(lobbyId)) return this.calls.refuse('invalid-argument', `lobby id must be a positive 64-bit bigint, got ${String(lobbyId)}`);
    // Always ask Steam: what a list showed of a lobby is a snapshot, and a slot may have freed since.
    const started = this.calls.call('joinLobby', () => this.client.matchmaking.joinLobby(lobbyId), undefined);
    if (started === undefined) return false;
    started.then(
      (lobby) => {
        if (this.disposed) return;
        this.enter(lobby);
        this.events.push({ type: 'lobbyEntered', lobbyId: lobby.id, response: EnterResponse.success, locked: false });
      },
      (error: unknown) => {
        if (this.disposed) return;
        // Steam's reason is lost; a lobby that was full when last seen most likely still is.
        const full = this.lists.wasFull(lobbyId);
        this.events.push({
          type: 'lobbyEntered',
          lobbyId,
          response: full ? EnterResponse.full : EnterResponse.error,
          locked: false,
          note: `${NO_ENTER_CODE_NOTE}: ${messageOf(error)}${full ? '; the lobby was full when last listed, so this says 4 (full)' : ', so this says 5 (error)'}`,
        });
      },
    );
    return true;
  }

  leaveLobby(lobbyId: bigint): boolean {
    const lobby = this.joinedLobby(lobbyId);
    if (lobby === undefined) return false;
    this.joined.delete(lobbyId);
    this.members.left(lobbyId);
    this.calls.call('leave', () => lobby.leave(), undefined);
    return true;
  }

  requestLobbyList(filters?: LobbyListFilters): boolean {
    return this.lists.request(filters);
  }

  getLobbyMembers(lobbyId: bigint): readonly bigint[] {
    const lobby = this.joinedLobby(lobbyId);
    if (lobby === undefined) return [];
    return this.calls.call('getMembers', () => lobby.getMembers().map((m) => m.steamId64), []);
  }

  getLobbyOwner(lobbyId: bigint): bigint {
    const lobby = this.joinedLobby(lobbyId);
    if (lobby === undefined) return 0n;
    return this.calls.call('getOwner', () => lobby.getOwner().steamId64, 0n);
  }

  /** steamworks.js Lobby.getMemberCount(): live for a joined lobby, a list-time snapshot for a listed one. */
  getLobbyMemberCount(lobbyId: bigint): number {
    const lobby = isSteamId(lobbyId) ? this.lobbies.get(lobbyId) : undefined;
    if (lobby === undefined) return 0;
    return Number(this.calls.call('getMemberCount', () => lobby.getMemberCount(), 0n));
  }

  getLobbyMemberLimit(lobbyId: bigint): number {
    const lobby = isSteamId(lobbyId) ? this.lobbies.get(lobbyId) : undefined;
    if (lobby === undefined) return 0;
    return Number(this.calls.call('getMemberLimit', () => lobby.getMemberLimit(), null) ?? 0n);
  }

  /**
   * Through getFullData, never getData: getData panics (aborting the process) on a NUL in the key or on a value that
   * is not UTF-8, such as a C++ client on a shared app id may write; getFullData reads lossily (steamworks-rs
   * matchmaking.rs:146-187).
   */
  getLobbyData(lobbyId: bigint, key: string): string {
    if (typeof key !== 'string') return '';
    return this.getAllLobbyData(lobbyId)[key] ?? '';
  }

  getAllLobbyData(lobbyId: bigint): Readonly<Record<string, string>> {
    const lobby = isSteamId(lobbyId) ? this.lobbies.get(lobbyId) : undefined;
    if (lobby === undefined) return {};
    const data = this.calls.call('getFullData', () => lobby.getFullData(), {});
    return Object.assign(Object.create(null) as Record<string, string>, data);
  }

  setLobbyData(lobbyId: bigint, key: string, value: string): boolean {
    // A NUL in either would abort the process (steamworks-rs matchmaking.rs:191-192): refused before native code.
    const keyProblem = lobbyDataKeyProblem(key);
    if (keyProblem !== undefined) return this.calls.refuse('invalid-argument', keyProblem);
    const valueProblem = lobbyDataValueRefusal(value);
    if (valueProblem !== undefined) return this.calls.refuse(valueProblem.code, valueProblem.detail);
    const lobby = this.joinedLobby(lobbyId);
    if (lobby === undefined) return false;
    return this.calls.call('setData', () => lobby.setData(key, value), false) || this.calls.refuse('not-owner', `Steam refused to set "${key}": only the lobby owner can`);
  }

  deleteLobbyData(lobbyId: bigint, key: string): boolean {
    const keyProblem = lobbyDataKeyProblem(key);
    if (keyProblem !== undefined) return this.calls.refuse('invalid-argument', keyProblem);
    const lobby = this.joinedLobby(lobbyId);
    if (lobby === undefined) return false;
    if (!(key in this.getAllLobbyData(lobbyId))) return true;
    return this.calls.call('deleteData', () => lobby.deleteData(key), false) || this.calls.refuse('not-owner', `Steam refused to delete "${key}": only the lobby owner can`);
  }

  // What steamworks.js 0.4 lacks: each refused with a reason that says what it can do instead.
  getLobbyMemberData(): string { return this.calls.refuse('unsupported', 'steamworks.js has no lobby member data') || ''; }

  setLobbyMemberData(): boolean { return this.calls.refuse('unsupported', 'steamworks.js has no lobby member data'); }

  setLobbyJoinable(lobbyId: bigint, joinable: boolean): boolean {
    const lobby = this.joinedLobby(lobbyId);
    if (lobby === undefined) return false;
    return this.calls.call('setJoinable', () => lobby.setJoinable(joinable), false) || this.calls.refuse('not-owner', 'Steam refused: only the lobby owner can change joinable');
  }

  kickLobbyMember(): boolean { return this.calls.refuse('unsupported', 'Steam lobbies have no kick in steamworks.js; ask the member to leave over P2P'); }

  banLobbyMember(): boolean { return this.calls.refuse('unsupported', 'Steam lobbies have no ban in steamworks.js'); }

  inviteUserToLobby(): boolean { return this.calls.refuse('unsupported', 'steamworks.js cannot invite a given user; it can only open the overlay invite dialog (client.overlay.activateInviteDialog)'); }

  sendLobbyChat(lobbyId: bigint, bytes: Uint8Array): boolean {
    if (!(bytes instanceof Uint8Array)) return this.calls.refuse('invalid-argument', 'chat messages are bytes (Uint8Array)');
    if (bytes.length > MAX_LOBBY_CHAT_BYTES) {
      return this.calls.refuse('too-large', `lobby chat messages are limited to ${MAX_LOBBY_CHAT_BYTES} bytes, got ${bytes.length}`);
    }
    if (this.joinedLobby(lobbyId) === undefined) return false;
    const all = sendChatFrames(lobbyId, bytes, this.getLobbyMembers(lobbyId), this.me, (to, frame) => this.packets.sendRaw(to, frame, 2, 0));
    // Steam echoes chat to the sender, so does the emulation.
    this.events.push({ type: 'lobbyChatMessage', lobbyId, from: this.me, bytes: bytes.slice() });
    return all || this.calls.refuse('native-error', 'steamworks.js refused to send the chat to at least one member');
  }

  // ---------------------------------------------------------------- P2P

  sendP2P(to: bigint, bytes: Uint8Array, sendType: P2PSendType, channel: number): boolean {
    return this.packets.send(to, bytes, sendType, channel);
  }

  availableP2P(channel: number): number {
    return this.packets.available(channel);
  }

  readP2P(channel: number, skip?: SkipSender): P2PPacket | undefined {
    return this.packets.read(channel, skip);
  }

  channelsWithPackets(): readonly number[] {
    return this.packets.channelsWithPackets();
  }

  pendingPackets(): number {
    return this.packets.pending;
  }

  acceptSession(remote: bigint): boolean {
    if (!isSteamId(remote)) return this.calls.refuse('invalid-argument', `remote id must be a positive 64-bit bigint, got ${String(remote)}`);
    return this.calls.call('acceptP2PSession', () => (this.client.networking.acceptP2PSession(remote), true), false);
  }

  closeSession(): boolean { return this.calls.refuse('unsupported', 'steamworks.js cannot close a P2P session; Steam closes idle sessions itself'); }

  allowRelay(): boolean { return this.calls.refuse('unsupported', "steamworks.js has no relay toggle; Steam's default (relay allowed) applies"); }
}
