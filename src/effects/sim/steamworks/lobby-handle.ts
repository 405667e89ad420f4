/**
 * The simulator's stand-in for steamworks.js 0.4's `Lobby` object (src/api/matchmaking.rs:19-132): a lobby id and
 * the calls the package binds for it. A member reads the lobby as it is; for a lobby the user is not in, Steam has
 * only what the last lobby list carried (member count, limit, data) and gives the nil id for members and owner.
 * Lobby data with a NUL, or not valid UTF-8 (a lone surrogate stands for such bytes here), aborts where the real
 * package would panic.
 */
import { MAX_LOBBY_DATA_VALUE_BYTES } from '../../backend.js';
import { playerSteamId, type SteamworksLobby, type SteamworksPlayerSteamId } from '../../steamworks/client-types.js';
import type { SimLobby } from '../lobbies/lobby.js';
import type { SimulatedSteamworksModule } from './client.js';
import { SimulatedNativeAbort } from './native-errors.js';

/** A lone surrogate cannot be written as UTF-8: the simulator's stand-in for bytes a C++ client wrote. */
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export class SimLobbyHandle implements SteamworksLobby {
  constructor(
    private readonly module: SimulatedSteamworksModule,
    readonly id: bigint,
  ) {}

  private live(call: string): void {
    this.module.process.requireLive(`Lobby.${call}`);
  }

  /** The lobby when the user is in it; undefined otherwise. */
  private joined(): SimLobby | undefined {
    const lobby = this.module.core.directory.get(this.id);
    return lobby !== undefined && lobby.members.includes(this.module.user.id) ? lobby : undefined;
  }

  private listed() {
    return this.module.process.listed.get(this.id);
  }

  /** CString::new(key).unwrap() panics on a NUL (steamworks-rs matchmaking.rs:147, 191-192, 205). */
  private noNul(call: string, ...texts: string[]): void {
    if (texts.some((t) => t.includes('\0'))) throw new SimulatedNativeAbort(`Lobby.${call}: a NUL character panics in CString::new`);
  }

  /** steamworks.js matchmaking.rs:27-30. */
  join(): Promise<SteamworksLobby> {
    return this.module.client?.matchmaking.joinLobby(this.id) ?? Promise.reject(new SimulatedNativeAbort('Lobby.join without a client'));
  }

  /** steamworks.js matchmaking.rs:32-36; steamworks-rs matchmaking.rs:210-214. */
  leave(): void {
    this.live('leave');
    this.module.core.directory.leave(this.module.user, this.id);
  }

  /** steamworks.js matchmaking.rs:38-42: the overlay's invite dialog, the package's only way to invite. */
  openInviteDialog(): void {
    this.live('openInviteDialog');
    this.module.inviteDialogs.push(this.id);
  }

  /** A BigInt from a usize (steamworks.js matchmaking.rs:44-48); a listed lobby's count at list time (sdk isteammatchmaking.h:164-165, 208-216). */
  getMemberCount(): bigint {
    this.live('getMemberCount');
    return BigInt(this.joined()?.members.length ?? this.listed()?.memberCount ?? 0);
  }

  /** Null when Steam says 0, e.g. for a lobby it knows nothing of (steamworks.js matchmaking.rs:50-54; steamworks-rs matchmaking.rs:219-227). */
  getMemberLimit(): bigint | null {
    this.live('getMemberLimit');
    const limit = this.joined()?.memberLimit ?? this.listed()?.memberLimit ?? 0;
    return limit === 0 ? null : BigInt(limit);
  }

  /**
   * steamworks.js matchmaking.rs:56-65 (steamworks-rs matchmaking.rs:249-260): GetNumLobbyMembers entries, each the
   * nil id unless the user is in the lobby (sdk isteammatchmaking.h:160, 166-169).
   */
  getMembers(): SteamworksPlayerSteamId[] {
    this.live('getMembers');
    const lobby = this.joined();
    if (lobby !== undefined) return lobby.members.map(playerSteamId);
    return Array.from({ length: this.listed()?.memberCount ?? 0 }, () => playerSteamId(0n));
  }

  /** steamworks.js matchmaking.rs:67-71; the nil id for a lobby the user is not in (sdk isteammatchmaking.h:238-242). */
  getOwner(): SteamworksPlayerSteamId {
    this.live('getOwner');
    return playerSteamId(this.joined()?.owner ?? 0n);
  }

  /** False unless the caller owns the lobby (steamworks.js matchmaking.rs:73-79; steamworks-rs matchmaking.rs:262-273). */
  setJoinable(joinable: boolean): boolean {
    this.live('setJoinable');
    const lobby = this.joined();
    if (lobby === undefined || lobby.owner !== this.module.user.id) return false;
    lobby.joinable = joinable;
    return true;
  }

  private data(): ReadonlyMap<string, string> {
    return this.joined()?.lobbyData ?? this.listed()?.data ?? new Map();
  }

  /**
   * steamworks.js matchmaking.rs:81-88 over steamworks-rs matchmaking.rs:146-161: null for a missing key or a value
   * of "" (the simulator gives ""), and `to_str().unwrap()` panics on bytes that are not UTF-8 (:155).
   */
  getData(key: string): string | null {
    this.live('getData');
    this.noNul('getData', key);
    const value = this.data().get(key);
    if (value !== undefined && value.search(LONE_SURROGATES) >= 0) throw new SimulatedNativeAbort('Lobby.getData: lobby data that is not UTF-8 panics in to_str().unwrap()');
    return value ?? null;
  }

  /**
   * steamworks.js matchmaking.rs:90-96 (SetLobbyData: sdk isteammatchmaking.h:175-180): only the owner may set lobby
   * data (https://kb.heathen.group/steam/features/lobby/unity-lobby/steam-lobby-metadata); Steam refuses a value
   * over k_cubChatMetadataMax (sdk isteamfriends.h:135).
   */
  setData(key: string, value: string): boolean {
    this.live('setData');
    this.noNul('setData', key, value);
    const lobby = this.joined();
    if (lobby === undefined || lobby.owner !== this.module.user.id) return false;
    if (new TextEncoder().encode(value).length > MAX_LOBBY_DATA_VALUE_BYTES) return false;
    this.module.core.directory.setData(lobby, key, value);
    return true;
  }

  /** steamworks.js matchmaking.rs:98-102 (sdk isteammatchmaking.h:188-189); false when the key was not set. */
  deleteData(key: string): boolean {
    this.live('deleteData');
    this.noNul('deleteData', key);
    const lobby = this.joined();
    if (lobby === undefined || lobby.owner !== this.module.user.id) return false;
    return this.module.core.directory.deleteData(lobby, key);
  }

  /**
   * steamworks.js matchmaking.rs:104-121 over GetLobbyDataByIndex: bytes that are not UTF-8 become U+FFFD
   * (`to_string_lossy`: steamworks-rs matchmaking.rs:164-187), so this read cannot panic.
   */
  getFullData(): Record<string, string> {
    this.live('getFullData');
    const out: Record<string, string> = {};
    for (const [key, value] of this.data()) out[key] = value.replace(LONE_SURROGATES, '\uFFFD');
    return out;
  }

  /**
   * True only if every key was set, stopping at the first refusal (steamworks.js matchmaking.rs:123-131:
   * `Iterator::all` short-circuits).
   */
  mergeFullData(data: Record<string, string>): boolean {
    return Object.entries(data).every(([key, value]) => this.setData(key, value));
  }
}
