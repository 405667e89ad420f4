/**
 * The Backend port over steamworks.js 0.4 — production code for games on Steam, and the same lines run in tests
 * over the simulator's steamworks.js-shaped client. steamworks.js lacks a lot; what can be emulated honestly is
 * (channels in the lobbykit frame, list filters on lobby data, lobby chat over reliable P2P) and flagged
 * 'emulated'; the rest is 'absent' in `capabilities` and refused with a typed reason.
 */
import type { SkipSender } from '../inbox.js';
import {
  ChatMemberStateChange,
  CreateLobbyResult,
  EnterResponse,
  MAX_LOBBY_CHAT_BYTES,
  UNKNOWN_PERSONA_NAME,
  createLobbyProblem,
  isSteamId,
  lobbyDataKeyProblem,
  sendP2PProblem,
  type Backend,
  type BackendCapabilities,
  type BackendEvent,
  type LobbyListFilters,
  type LobbyType,
  type P2PPacket,
  type P2PSendType,
  type Refusal,
  type RefusalCode,
} from '../backend.js';
import { peekChannel } from '../../codec/frame.js';
import { Fifo } from '../fifo.js';
import { FairInbox } from '../inbox.js';
import { applyLobbyListFilters } from '../list-filters.js';
import { decodeChatFrame, encodeChatFrame, isChatFrame } from './chat-frame.js';
import { SteamCallbackId, type SteamworksCallbackHandle, type SteamworksClient, type SteamworksLobby } from './client-types.js';
import { loadSteamworksClient } from './load.js';

export const STEAMWORKS_CAPABILITIES: BackendCapabilities = Object.freeze({
  lobbies: 'native',
  lobbyListFilters: 'emulated',
  lobbyListDistance: 'absent',
  lobbyData: 'native',
  memberData: 'absent',
  enterResponseCodes: 'absent',
  kickAndBan: 'absent',
  invites: 'absent',
  joinRequested: 'native',
  lobbyChat: 'emulated',
  personaNames: 'absent',
  p2p: 'native',
  p2pChannels: 'emulated',
  closeSession: 'absent',
  relayControl: 'absent',
  serverStatus: 'native',
  launchArgs: 'native',
});

export interface SteamworksBackendOptions {
  /** An already started client (the simulator's in tests). Without it, steamworks.js is loaded and started. */
  readonly client?: SteamworksClient;
  /** Passed to steamworks.js `init()`; without it steamworks.js reads steam_appid.txt. */
  readonly appId?: number;
  /** The game's arguments, for `+connect_lobby` (default: process.argv after the script). */
  readonly argv?: readonly string[];
  /** Native packets pulled into the fair inbox per `poll()` (default 4096), so one poll stays bounded. */
  readonly maxPacketsPerPoll?: number;
}

const NO_ENTER_CODE_NOTE = 'steamworks.js rejects a failed join without Steam\'s reason ("Failed to join lobby"), so it is reported as 5 (error)';
const FULL_NOTE = 'refused before asking Steam: the lobby was full by its last known member count';

/** Wraps steamworks.js (loaded lazily, started once). Rejects with SteamNotRunningError when Steam is not there. */
export async function createSteamworksBackend(options: SteamworksBackendOptions = {}): Promise<Backend> {
  const client = options.client ?? (await loadSteamworksClient(options.appId));
  return new SteamworksBackend(client, options);
}

/** Wraps a client you already have (synchronous). */
export function wrapSteamworksClient(client: SteamworksClient, options: Omit<SteamworksBackendOptions, 'client' | 'appId'> = {}): Backend {
  return new SteamworksBackend(client, options);
}

/** steamworks.js delivers the member state as a string ("Entered") although its types say number. */
function chatStateBits(state: unknown): number {
  switch (state) {
    case 'Entered':
      return ChatMemberStateChange.entered;
    case 'Left':
      return ChatMemberStateChange.left;
    case 'Disconnected':
      return ChatMemberStateChange.disconnected;
    case 'Kicked':
      return ChatMemberStateChange.kicked;
    case 'Banned':
      return ChatMemberStateChange.banned;
  }
  // A number may be Steam's bit or the declared enum's index (0 Entered … 4 Banned); bits win where they overlap.
  if (typeof state === 'number') return state === 0 ? ChatMemberStateChange.entered : state === 3 ? ChatMemberStateChange.kicked : state;
  return 0;
}

class SteamworksBackend implements Backend {
  readonly kind = 'steamworks' as const;
  readonly capabilities = STEAMWORKS_CAPABILITIES;
  private readonly events = new Fifo<BackendEvent>();
  private readonly inbox = new FairInbox();
  private readonly lobbies = new Map<bigint, SteamworksLobby>();
  private readonly joined = new Set<bigint>();
  private readonly handles: SteamworksCallbackHandle[] = [];
  private readonly argv: readonly string[];
  private readonly maxPacketsPerPoll: number;
  private readonly me: bigint;
  private readonly myName: string;
  private refusal: Refusal | undefined;
  private disposed = false;
  /** Chat frames dropped because the sender was not a member of a lobby we are in. */
  strayChats = 0;

  constructor(
    private readonly client: SteamworksClient,
    options: Omit<SteamworksBackendOptions, 'client' | 'appId'>,
  ) {
    this.argv = options.argv ?? process.argv.slice(2);
    this.maxPacketsPerPoll = options.maxPacketsPerPoll ?? 4096;
    this.me = client.localplayer.getSteamId().steamId64;
    this.myName = client.localplayer.getName();
    this.listen();
  }

  private listen(): void {
    const on = <E extends BackendEvent>(id: number, map: (value: Record<string, unknown>) => E | undefined): void => {
      const handle = this.client.callback.register(id as never, (value: unknown) => {
        const event = map(value as Record<string, unknown>);
        if (event !== undefined) this.events.push(event);
      });
      this.handles.push(handle);
    };
    on(SteamCallbackId.PersonaStateChange, (v) => ({
      type: 'personaChange',
      userId: v['steam_id'] as bigint,
      flags: (v['flags'] as { bits: number } | undefined)?.bits ?? 0,
    }));
    on(SteamCallbackId.SteamServersConnected, () => ({ type: 'serversConnected' }));
    on(SteamCallbackId.SteamServersDisconnected, (v) => ({ type: 'serversDisconnected', reason: Number(v['reason'] ?? 0) }));
    on(SteamCallbackId.LobbyDataUpdate, (v) => ({
      type: 'lobbyDataUpdate',
      lobbyId: v['lobby'] as bigint,
      memberId: v['member'] as bigint,
      success: v['success'] === true,
    }));
    on(SteamCallbackId.LobbyChatUpdate, (v) => {
      const lobbyId = v['lobby'] as bigint;
      const state = chatStateBits(v['member_state_change']);
      if (v['user_changed'] === this.me && (state & ~ChatMemberStateChange.entered) !== 0) this.joined.delete(lobbyId);
      return { type: 'lobbyChatUpdate', lobbyId, changed: v['user_changed'] as bigint, changedBy: v['making_change'] as bigint, state };
    });
    on(SteamCallbackId.P2PSessionRequest, (v) => ({ type: 'p2pSessionRequest', remote: v['remote'] as bigint }));
    on(SteamCallbackId.P2PSessionConnectFail, (v) => ({ type: 'p2pConnectFail', remote: v['remote'] as bigint, error: Number(v['error'] ?? 0) }));
    on(SteamCallbackId.GameLobbyJoinRequested, (v) => ({
      type: 'joinRequested',
      lobbyId: v['lobby_steam_id'] as bigint,
      friendId: v['friend_steam_id'] as bigint,
    }));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const handle of this.handles) handle.disconnect();
    this.handles.length = 0;
    this.events.clear();
    this.inbox.clear();
  }

  lastRefusal(): Refusal | undefined {
    return this.refusal;
  }

  private refuse(code: RefusalCode, detail: string): false {
    this.refusal = { code, detail };
    return false;
  }

  /** Runs a native call; a throw becomes a refusal (native code must never throw into the game loop). */
  private native<T>(what: string, call: () => T, fallback: T): T {
    try {
      return call();
    } catch (error) {
      this.refuse('native-error', `steamworks.js ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      return fallback;
    }
  }

  localUserId(): bigint {
    return this.me;
  }

  localUserName(): string {
    return this.myName;
  }

  personaName(userId: bigint): string {
    // steamworks.js 0.4 exposes only the local user's name.
    return userId === this.me ? this.myName : UNKNOWN_PERSONA_NAME;
  }

  launchArgs(): readonly string[] {
    return this.argv;
  }

  // ---------------------------------------------------------------- events and packets in

  poll(): void {
    if (this.disposed) return;
    const net = this.client.networking;
    for (let i = 0; i < this.maxPacketsPerPoll; i++) {
      const size = this.native('isP2PPacketAvailable', () => net.isP2PPacketAvailable(), 0);
      if (!(size > 0)) return;
      // readP2PPacket throws when nothing is there; `native` turns that into a refusal and we stop.
      const packet = this.native('readP2PPacket', () => net.readP2PPacket(size), undefined);
      if (packet === undefined) return;
      const data = packet.data;
      this.route(packet.steamId.steamId64, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
  }

  /** Emulated channels: a lobbykit frame goes to its own channel, anything else to 0; chat frames become events. */
  private route(from: bigint, bytes: Uint8Array): void {
    if (isChatFrame(bytes)) {
      const chat = decodeChatFrame(bytes);
      if (chat !== undefined && this.joined.has(chat.lobbyId) && this.isMember(chat.lobbyId, from)) {
        this.events.push({ type: 'lobbyChatMessage', lobbyId: chat.lobbyId, from, bytes: chat.message });
      } else {
        this.strayChats++;
      }
      return;
    }
    const packet: P2PPacket = { from, bytes };
    this.inbox.push(peekChannel(bytes) ?? 0, packet);
  }

  private isMember(lobbyId: bigint, userId: bigint): boolean {
    const lobby = this.lobbies.get(lobbyId);
    if (lobby === undefined) return false;
    return this.native('getMembers', () => lobby.getMembers().some((m) => m.steamId64 === userId), false);
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

  private rememberLobby(lobby: SteamworksLobby): void {
    this.lobbies.set(lobby.id, lobby);
  }

  private joinedLobby(lobbyId: bigint): SteamworksLobby | undefined {
    if (!isSteamId(lobbyId)) {
      this.refuse('invalid-argument', `lobby id must be a positive 64-bit bigint, got ${String(lobbyId)}`);
      return undefined;
    }
    const lobby = this.lobbies.get(lobbyId);
    if (lobby === undefined || !this.joined.has(lobbyId)) {
      this.refuse('not-a-member', `you are not in lobby ${lobbyId}`);
      return undefined;
    }
    return lobby;
  }

  private knownLobby(lobbyId: bigint): SteamworksLobby | undefined {
    return isSteamId(lobbyId) ? this.lobbies.get(lobbyId) : undefined;
  }

  createLobby(lobbyType: LobbyType, maxMembers: number): boolean {
    const problem = createLobbyProblem(lobbyType, maxMembers);
    // Checked here because steamworks.js hits a native assert (process abort) above 250 members.
    if (problem !== undefined) return this.refuse('invalid-argument', problem);
    const started = this.native('createLobby', () => this.client.matchmaking.createLobby(lobbyType, maxMembers), undefined);
    if (started === undefined) return false;
    started.then(
      (lobby) => {
        this.rememberLobby(lobby);
        this.joined.add(lobby.id);
        this.events.push({ type: 'lobbyCreated', result: CreateLobbyResult.ok, lobbyId: lobby.id });
        this.events.push({ type: 'lobbyEntered', lobbyId: lobby.id, response: EnterResponse.success, locked: false });
      },
      () => this.events.push({ type: 'lobbyCreated', result: CreateLobbyResult.fail, lobbyId: 0n }),
    );
    return true;
  }

  joinLobby(lobbyId: bigint): boolean {
    if (!isSteamId(lobbyId)) return this.refuse('invalid-argument', `lobby id must be a positive 64-bit bigint, got ${String(lobbyId)}`);
    const known = this.lobbies.get(lobbyId);
    if (known !== undefined && !this.joined.has(lobbyId)) {
      const count = this.native('getMemberCount', () => known.getMemberCount(), 0n);
      const limit = this.native('getMemberLimit', () => known.getMemberLimit(), null);
      if (limit !== null && limit > 0n && count >= limit) {
        this.events.push({ type: 'lobbyEntered', lobbyId, response: EnterResponse.full, locked: false, note: FULL_NOTE });
        return true;
      }
    }
    const started = this.native('joinLobby', () => this.client.matchmaking.joinLobby(lobbyId), undefined);
    if (started === undefined) return false;
    started.then(
      (lobby) => {
        this.rememberLobby(lobby);
        this.joined.add(lobby.id);
        this.events.push({ type: 'lobbyEntered', lobbyId: lobby.id, response: EnterResponse.success, locked: false });
      },
      () => this.events.push({ type: 'lobbyEntered', lobbyId, response: EnterResponse.error, locked: false, note: NO_ENTER_CODE_NOTE }),
    );
    return true;
  }

  leaveLobby(lobbyId: bigint): boolean {
    const lobby = this.joinedLobby(lobbyId);
    if (lobby === undefined) return false;
    this.joined.delete(lobbyId);
    this.native('leave', () => lobby.leave(), undefined);
    return true;
  }

  requestLobbyList(filters?: LobbyListFilters): boolean {
    const started = this.native('getLobbies', () => this.client.matchmaking.getLobbies(), undefined);
    if (started === undefined) return false;
    started.then(
      (lobbies) => {
        for (const lobby of lobbies) this.rememberLobby(lobby);
        const summaries = lobbies.map((lobby) => ({
          id: lobby.id,
          memberCount: Number(this.native('getMemberCount', () => lobby.getMemberCount(), 0n)),
          memberLimit: Number(this.native('getMemberLimit', () => lobby.getMemberLimit(), null) ?? 0n),
          data: (key: string) => this.native('getData', () => lobby.getData(key), null) ?? '',
        }));
        // Emulated: steamworks.js has no list filters, so lobbykit applies them to what getLobbies returned.
        this.events.push({ type: 'lobbyList', lobbyIds: applyLobbyListFilters(summaries, filters).map((s) => s.id) });
      },
      () => this.events.push({ type: 'lobbyList', lobbyIds: [] }),
    );
    return true;
  }

  getLobbyMembers(lobbyId: bigint): readonly bigint[] {
    const lobby = this.joinedLobby(lobbyId);
    if (lobby === undefined) return [];
    return this.native('getMembers', () => lobby.getMembers().map((m) => m.steamId64), []);
  }

  getLobbyOwner(lobbyId: bigint): bigint {
    const lobby = this.joinedLobby(lobbyId);
    if (lobby === undefined) return 0n;
    return this.native('getOwner', () => lobby.getOwner().steamId64, 0n);
  }

  /** steamworks.js Lobby.getMemberCount(): live for a joined lobby, a list-time snapshot for a listed one. */
  getLobbyMemberCount(lobbyId: bigint): number {
    const lobby = this.knownLobby(lobbyId);
    if (lobby === undefined) return 0;
    return Number(this.native('getMemberCount', () => lobby.getMemberCount(), 0n));
  }

  getLobbyMemberLimit(lobbyId: bigint): number {
    const lobby = this.knownLobby(lobbyId);
    if (lobby === undefined) return 0;
    return Number(this.native('getMemberLimit', () => lobby.getMemberLimit(), null) ?? 0n);
  }

  getLobbyData(lobbyId: bigint, key: string): string {
    const lobby = this.knownLobby(lobbyId);
    if (lobby === undefined || typeof key !== 'string') return '';
    return this.native('getData', () => lobby.getData(key), null) ?? '';
  }

  getAllLobbyData(lobbyId: bigint): Readonly<Record<string, string>> {
    const lobby = this.knownLobby(lobbyId);
    if (lobby === undefined) return {};
    return this.native('getFullData', () => lobby.getFullData(), {});
  }

  setLobbyData(lobbyId: bigint, key: string, value: string): boolean {
    const keyProblem = lobbyDataKeyProblem(key);
    if (keyProblem !== undefined) return this.refuse('invalid-argument', keyProblem);
    if (typeof value !== 'string') return this.refuse('invalid-argument', 'lobby data values are strings');
    const lobby = this.joinedLobby(lobbyId);
    if (lobby === undefined) return false;
    return this.native('setData', () => lobby.setData(key, value), false) || this.refuse('not-owner', `Steam refused to set "${key}": only the lobby owner can`);
  }

  deleteLobbyData(lobbyId: bigint, key: string): boolean {
    const lobby = this.joinedLobby(lobbyId);
    if (lobby === undefined) return false;
    if (this.native('getData', () => lobby.getData(key), null) === null) return true;
    return this.native('deleteData', () => lobby.deleteData(key), false) || this.refuse('not-owner', `Steam refused to delete "${key}": only the lobby owner can`);
  }

  getLobbyMemberData(): string {
    this.refuse('unsupported', 'steamworks.js 0.4 has no lobby member data');
    return '';
  }

  setLobbyMemberData(): boolean {
    return this.refuse('unsupported', 'steamworks.js 0.4 has no lobby member data');
  }

  setLobbyJoinable(lobbyId: bigint, joinable: boolean): boolean {
    const lobby = this.joinedLobby(lobbyId);
    if (lobby === undefined) return false;
    return this.native('setJoinable', () => lobby.setJoinable(joinable), false) || this.refuse('not-owner', 'Steam refused: only the lobby owner can change joinable');
  }

  kickLobbyMember(): boolean {
    return this.refuse('unsupported', 'Steam lobbies have no kick in steamworks.js 0.4; ask the member to leave over P2P');
  }

  banLobbyMember(): boolean {
    return this.refuse('unsupported', 'Steam lobbies have no ban in steamworks.js 0.4');
  }

  inviteUserToLobby(): boolean {
    return this.refuse('unsupported', 'steamworks.js 0.4 cannot invite a given user; it can only open the overlay invite dialog (client.overlay.activateInviteDialog)');
  }

  sendLobbyChat(lobbyId: bigint, bytes: Uint8Array): boolean {
    if (!(bytes instanceof Uint8Array)) return this.refuse('invalid-argument', 'chat messages are bytes (Uint8Array)');
    if (bytes.length > MAX_LOBBY_CHAT_BYTES) {
      return this.refuse('too-large', `lobby chat messages are limited to ${MAX_LOBBY_CHAT_BYTES} bytes, got ${bytes.length}`);
    }
    const lobby = this.joinedLobby(lobbyId);
    if (lobby === undefined) return false;
    // Emulated: a reliable chat frame to every other member; Steam echoes chat to the sender, so do we.
    const frame = encodeChatFrame(lobbyId, bytes);
    const buffer = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
    let all = true;
    for (const member of this.getLobbyMembers(lobbyId)) {
      if (member === this.me) continue;
      all = this.native('sendP2PPacket', () => this.client.networking.sendP2PPacket(member, 2, buffer), false) && all;
    }
    this.events.push({ type: 'lobbyChatMessage', lobbyId, from: this.me, bytes: bytes.slice() });
    return all || this.refuse('native-error', 'steamworks.js refused to send the chat to at least one member');
  }

  // ---------------------------------------------------------------- P2P out

  sendP2P(to: bigint, bytes: Uint8Array, sendType: P2PSendType, channel: number): boolean {
    const problem = sendP2PProblem(to, bytes, sendType, channel);
    if (problem !== undefined) return this.refuse(problem.code, problem.detail);
    // steamworks.js has one channel; the receiver routes by the lobbykit frame header, so the bytes must agree.
    const framed = peekChannel(bytes);
    if ((framed ?? 0) !== channel || isChatFrame(bytes)) {
      return this.refuse(
        'channel-mismatch',
        framed === undefined
          ? `steamworks.js has no channels: a send on channel ${channel} must be a lobbykit frame for that channel`
          : `the lobbykit frame is for channel ${framed} (or is a chat frame), but the send asked for channel ${channel}`,
      );
    }
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const before = this.refusal;
    if (this.native('sendP2PPacket', () => this.client.networking.sendP2PPacket(to, sendType, buffer), false)) return true;
    if (this.refusal === before) this.refuse('native-error', 'steamworks.js refused the send (sendP2PPacket returned false)');
    return false;
  }

  availableP2P(channel: number): number {
    return this.inbox.peekSize(channel);
  }

  readP2P(channel: number, skip?: SkipSender): P2PPacket | undefined {
    return this.inbox.read(channel, skip);
  }

  channelsWithPackets(): readonly number[] {
    return this.inbox.channelsWithPackets();
  }

  pendingPackets(): number {
    return this.inbox.size;
  }

  acceptSession(remote: bigint): boolean {
    if (!isSteamId(remote)) return this.refuse('invalid-argument', `remote id must be a positive 64-bit bigint, got ${String(remote)}`);
    return this.native('acceptP2PSession', () => (this.client.networking.acceptP2PSession(remote), true), false);
  }

  closeSession(): boolean {
    return this.refuse('unsupported', 'steamworks.js 0.4 cannot close a P2P session; Steam closes idle sessions itself');
  }

  allowRelay(): boolean {
    return this.refuse('unsupported', "steamworks.js 0.4 has no relay toggle; Steam's default (relay allowed) applies");
  }
}
