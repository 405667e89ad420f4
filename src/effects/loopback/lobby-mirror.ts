/**
 * The loopback client's copy of its lobbies, as the service last described them, so Steam's synchronous getters
 * (members, owner, data, member data, names) answer at once without a round trip.
 */
import { idFromWire } from './protocol.js';
import type { WireLobby } from './server-messages.js';

/** A lobby as this client last heard of it from the service. */
export interface MirroredLobby {
  readonly id: bigint;
  readonly type: number;
  /** 0n for lobbies seen only in a list or an invite, as Steam answers non-members. */
  readonly owner: bigint;
  readonly limit: number;
  readonly joinable: boolean;
  readonly memberCount: number;
  /** Empty unless this client is a member. */
  readonly members: readonly bigint[];
  readonly data: ReadonlyMap<string, string>;
  readonly memberData: ReadonlyMap<bigint, ReadonlyMap<string, string>>;
}

function toMap(record: Readonly<Record<string, string>> | undefined): Map<string, string> {
  const map = new Map<string, string>();
  if (record === undefined || typeof record !== 'object') return map;
  for (const [k, v] of Object.entries(record)) if (typeof v === 'string') map.set(k, v);
  return map;
}

/**
 * The client's copy of the lobbies it belongs to (full views) and of lobbies it has only seen listed or been
 * invited to (data and limit, no members). Commands answer from here synchronously, as Steam's client does.
 */
export class LobbyMirror {
  private readonly joined = new Map<bigint, MirroredLobby>();
  private readonly seen = new Map<bigint, MirroredLobby>();
  private readonly names = new Map<bigint, string>();

  /** Returns false when the view is malformed (the caller reports a service fault). */
  applyMember(view: WireLobby): boolean {
    const lobby = this.parse(view, true);
    if (lobby === undefined) return false;
    this.joined.set(lobby.id, lobby);
    this.seen.delete(lobby.id);
    return true;
  }

  applyListed(view: WireLobby): boolean {
    const lobby = this.parse(view, false);
    if (lobby === undefined) return false;
    // A member's view is fresher than a listing's and has the members; keep it.
    if (!this.joined.has(lobby.id)) this.seen.set(lobby.id, lobby);
    return true;
  }

  learnName(id: bigint, name: string): void {
    this.names.set(id, name);
  }

  /** Steam shows a member's own writes at once; the service's next view confirms (or corrects) them. */
  writeLocal(lobbyId: bigint, memberId: bigint | undefined, key: string, value: string | undefined): void {
    const lobby = this.joined.get(lobbyId);
    if (lobby === undefined) return;
    const target = (memberId === undefined ? lobby.data : lobby.memberData.get(memberId)) as Map<string, string> | undefined;
    if (target === undefined) return;
    if (value === undefined) target.delete(key);
    else target.set(key, value);
  }

  forget(id: bigint): void {
    this.joined.delete(id);
  }

  forgetAll(): void {
    this.joined.clear();
  }

  member(id: bigint): MirroredLobby | undefined {
    return this.joined.get(id);
  }

  /** Any view: member first, else listed. */
  any(id: bigint): MirroredLobby | undefined {
    return this.joined.get(id) ?? this.seen.get(id);
  }

  joinedIds(): readonly bigint[] {
    return [...this.joined.keys()];
  }

  name(id: bigint): string | undefined {
    return this.names.get(id);
  }

  private parse(view: WireLobby, withMembers: boolean): MirroredLobby | undefined {
    if (typeof view !== 'object' || view === null) return undefined;
    const id = idFromWire(view.id);
    if (id === undefined || typeof view.limit !== 'number' || typeof view.type !== 'number') return undefined;
    const members: bigint[] = [];
    const memberData = new Map<bigint, Map<string, string>>();
    if (withMembers) {
      if (!Array.isArray(view.members)) return undefined;
      for (const m of view.members) {
        const memberId = idFromWire(m?.id);
        if (memberId === undefined) return undefined;
        members.push(memberId);
        memberData.set(memberId, toMap(m.data));
        if (typeof m.name === 'string') this.names.set(memberId, m.name);
      }
    }
    return {
      id,
      type: view.type,
      owner: (withMembers ? idFromWire(view.owner) : undefined) ?? 0n,
      limit: view.limit,
      joinable: view.joinable === true,
      memberCount: typeof view.memberCount === 'number' ? view.memberCount : members.length,
      members,
      data: toMap(view.data),
      memberData,
    };
  }
}
