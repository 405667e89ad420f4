/**
 * The loopback directory's records (users and lobbies) and how they become wire messages: a member's full view, a
 * lister's view without members, events with ids as strings, and errors. Pure functions, no state.
 */
import { type LobbyType } from '../effects/backend.js';
import type { LobbySummary } from '../effects/list-filters.js';
import { idToWire } from '../effects/loopback/protocol.js';
import type { ServerMessage, ServiceErrorCode, WireEvent, WireLobby } from '../effects/loopback/server-messages.js';

export type Outgoing = { readonly to: bigint; readonly message: ServerMessage } | { readonly to: bigint; readonly frame: Uint8Array };

export interface User {
  readonly id: bigint;
  readonly name: string;
  readonly lobbies: Set<bigint>;
}

export interface Lobby extends LobbySummary {
  readonly id: bigint;
  readonly type: LobbyType;
  readonly memberLimit: number;
  joinable: boolean;
  owner: bigint;
  /** In join order, which is also the order owner hand-over follows. */
  readonly members: Map<bigint, Map<string, string>>;
  readonly values: Map<string, string>;
  readonly banned: Set<bigint>;
  readonly invited: Set<bigint>;
}

export function lobbyView(lobby: Lobby, withMembers: boolean, nameOf: (id: bigint) => string): WireLobby {
  const base = {
    id: idToWire(lobby.id),
    type: lobby.type,
    owner: withMembers ? idToWire(lobby.owner) : '0',
    limit: lobby.memberLimit,
    joinable: lobby.joinable,
    memberCount: lobby.members.size,
    data: Object.fromEntries(lobby.values),
  };
  if (!withMembers) return base;
  return {
    ...base,
    members: [...lobby.members].map(([id, data]) => ({ id: idToWire(id), name: nameOf(id), data: Object.fromEntries(data) })),
  };
}

export function typeName(type: LobbyType): string {
  return ['private', 'friends-only', 'public', 'invisible'][type] ?? String(type);
}

/** Ids to strings for JSON. */
export function wire(list: readonly Record<string, unknown>[]): WireEvent[] {
  return list.map((event) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(event)) out[k] = typeof v === 'bigint' ? idToWire(v) : Array.isArray(v) ? v.map((x: unknown) => (typeof x === 'bigint' ? idToWire(x) : x)) : v;
    return out as WireEvent;
  });
}

export function events(to: bigint, list: readonly Record<string, unknown>[]): Outgoing {
  return { to, message: { t: 'update', events: wire(list) } };
}

export function error(to: bigint, code: ServiceErrorCode, detail: string, op?: string, lobbyId?: bigint): Outgoing {
  const message: ServerMessage =
    lobbyId === undefined ? (op === undefined ? { t: 'error', code, detail } : { t: 'error', code, detail, op }) : { t: 'error', code, detail, op: op ?? '', lobbyId: idToWire(lobbyId) };
  return { to, message };
}
