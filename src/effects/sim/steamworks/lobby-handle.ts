/**
 * The simulator's stand-in for steamworks.js 0.4's `Lobby` object (src/api/matchmaking.rs:19-132): a lobby id and
 * the calls the package binds for it, answered from the simulated lobby directory. Where it departs from the real
 * package the comment says so.
 */
import type { SteamworksLobby, SteamworksPlayerSteamId } from '../../steamworks/client-types.js';
import { playerSteamId } from '../../steamworks/client-types.js';
import type { SimLobby } from '../lobbies/lobby.js';
import type { SimulatedSteamworksClient } from './client.js';

export class SimLobbyHandle implements SteamworksLobby {
  constructor(
    private readonly client: SimulatedSteamworksClient,
    readonly id: bigint,
  ) {}

  private lobby(): SimLobby | undefined {
    return this.client.core.directory.get(this.id);
  }

  /** steamworks.js matchmaking.rs:27-30. */
  join(): Promise<SteamworksLobby> {
    return this.client.matchmaking.joinLobby(this.id);
  }

  /** steamworks.js matchmaking.rs:32-36; steamworks-rs matchmaking.rs:210-214. */
  leave(): void {
    this.client.core.directory.leave(this.client.user, this.id);
  }

  /** steamworks.js matchmaking.rs:38-42: the overlay's invite dialog, the package's only way to invite. */
  openInviteDialog(): void {
    this.client.overlay.activateInviteDialog(this.id);
  }

  /** A BigInt, from the usize steamworks.js returns (matchmaking.rs:44-48). */
  getMemberCount(): bigint {
    return BigInt(this.lobby()?.members.length ?? 0);
  }

  /** Null when Steam says 0 (steamworks.js matchmaking.rs:50-54; steamworks-rs matchmaking.rs:219-227). */
  getMemberLimit(): bigint | null {
    const lobby = this.lobby();
    return lobby === undefined ? null : BigInt(lobby.memberLimit);
  }

  /**
   * steamworks.js matchmaking.rs:56-65. Departs from Steam for a lobby one has not joined: Steam lists members only
   * to members (sdk isteammatchmaking.h:160, 168).
   */
  getMembers(): SteamworksPlayerSteamId[] {
    return (this.lobby()?.members ?? []).map(playerSteamId);
  }

  /** steamworks.js matchmaking.rs:67-71. Departs from Steam for non-members, who get no owner (sdk isteammatchmaking.h:239). */
  getOwner(): SteamworksPlayerSteamId {
    return playerSteamId(this.lobby()?.owner ?? 0n);
  }

  /** False unless the caller owns the lobby (steamworks.js matchmaking.rs:73-79; steamworks-rs matchmaking.rs:270). */
  setJoinable(joinable: boolean): boolean {
    const lobby = this.lobby();
    if (lobby === undefined || lobby.owner !== this.client.user.id) return false;
    lobby.joinable = joinable;
    return true;
  }

  /**
   * Null for a missing key (steamworks.js matchmaking.rs:81-88; steamworks-rs matchmaking.rs:146-161, which also
   * gives null for a value set to ""; the simulator returns "").
   */
  getData(key: string): string | null {
    return this.lobby()?.lobbyData.get(key) ?? null;
  }

  /**
   * steamworks.js matchmaking.rs:90-96 (SteamMatchmaking's SetLobbyData: sdk isteammatchmaking.h:175-180); only
   * the owner may set lobby data (https://kb.heathen.group/steam/features/lobby/unity-lobby/steam-lobby-metadata).
   */
  setData(key: string, value: string): boolean {
    const lobby = this.lobby();
    if (lobby === undefined || lobby.owner !== this.client.user.id) return false;
    this.client.core.directory.setData(lobby, key, value);
    return true;
  }

  /** steamworks.js matchmaking.rs:98-102 (sdk isteammatchmaking.h:188-189); false when the key was not set. */
  deleteData(key: string): boolean {
    const lobby = this.lobby();
    if (lobby === undefined || lobby.owner !== this.client.user.id) return false;
    return this.client.core.directory.deleteData(lobby, key);
  }

  /** steamworks.js matchmaking.rs:104-121. */
  getFullData(): Record<string, string> {
    return Object.fromEntries(this.lobby()?.lobbyData ?? []);
  }

  /**
   * True only if every key was set (steamworks.js matchmaking.rs:123-131). The real package stops at the first
   * refusal (`Iterator::all` short-circuits); the simulator goes on setting the rest.
   */
  mergeFullData(data: Record<string, string>): boolean {
    let all = true;
    for (const [key, value] of Object.entries(data)) all = this.setData(key, value) && all;
    return all;
  }
}
