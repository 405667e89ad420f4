/**
 * One simulated lobby as Steam's servers hold it: type, member limit, owner, members in order of arrival, lobby
 * and member data, bans, invitations and whether it is joinable; plus how the simulator numbers lobbies.
 */
import type { LobbyType } from '../../backend.js';
import type { LobbySummary } from '../../list-filters.js';

/**
 * Lobby ids look like Steam's: universe 1 (public), account type 8 (chat), instance flags lobby | MMS lobby
 * (sdk steamclientpublic.h:236, 303-305), so the top bits read 0x0186.
 */
export const LOBBY_ID_BASE = 0x0186_0000_0000_0000n;

export class SimLobby implements LobbySummary {
  /** In order of arrival: the first is the longest-standing member. */
  readonly members: bigint[] = [];
  readonly lobbyData = new Map<string, string>();
  readonly memberData = new Map<bigint, Map<string, string>>();
  readonly banned = new Set<bigint>();
  /** Invitees may join a private or friends-only lobby (sdk isteammatchmaking.h:20-21). */
  readonly invited = new Set<bigint>();
  /** A new lobby is joinable (sdk isteammatchmaking.h:234). */
  joinable = true;

  constructor(
    readonly id: bigint,
    readonly type: LobbyType,
    readonly memberLimit: number,
    public owner: bigint,
  ) {}

  get memberCount(): number {
    return this.members.length;
  }

  /** "" when the key is not set (sdk isteammatchmaking.h:173). */
  data(key: string): string {
    return this.lobbyData.get(key) ?? '';
  }
}
