/**
 * What the loopback service sends a client (JSON text frames): lobby views, events with their ids as strings, and
 * errors. The client reads them with `parseServerMessage` and `eventFromWire`, which never throw: anything that is
 * not a message the service promises comes back as a fault the backend reports.
 */
import type { ControlProblem } from './client-ops.js';
import { idFromWire, isRecord, toWireJson, type Parsed } from './protocol.js';

export interface WireMember {
  readonly id: string;
  readonly name: string;
  readonly data: Readonly<Record<string, string>>;
}

/** What a member knows of a lobby; listed (non-member) views carry no members, only their count. */
export interface WireLobby {
  readonly id: string;
  readonly type: number;
  readonly owner: string;
  readonly limit: number;
  readonly joinable: boolean;
  readonly memberCount: number;
  readonly members?: readonly WireMember[];
  readonly data: Readonly<Record<string, string>>;
}

/** A BackendEvent with its ids as strings (chat messages travel as binary frames instead). */
export type WireEvent = Readonly<Record<string, unknown>> & { readonly type: string };

export type ServiceErrorCode =
  | ControlProblem['code']
  | 'not-ready'
  | 'impersonation'
  | 'too-large'
  | 'not-a-member'
  | 'not-owner'
  | 'unknown-lobby'
  | 'unknown-user'
  /** Steam's one regular lobby (and two invisible ones) per user. */
  | 'lobby-limit';

export type ServerMessage =
  | { readonly t: 'welcome'; readonly userId: string; readonly name: string; readonly protocol: number }
  | { readonly t: 'pong'; readonly seq: number }
  /** Lobby views first (members' mirrors, listed views), then events, so an event never names a lobby the client cannot read. */
  | {
      readonly t: 'update';
      readonly lobbies?: readonly WireLobby[];
      readonly listed?: readonly WireLobby[];
      readonly forget?: readonly string[];
      /** Persona names of users the events mention who are not in a mirrored lobby (an inviter). */
      readonly names?: Readonly<Record<string, string>>;
      readonly events: readonly WireEvent[];
    }
  | {
      readonly t: 'error';
      readonly code: ServiceErrorCode;
      readonly detail: string;
      readonly op?: string;
      readonly lobbyId?: string;
      /** Errors the service refused to answer since the last reply, its error budget being spent. */
      readonly suppressed?: number;
    };

export function encodeServerMessage(message: ServerMessage): string {
  return toWireJson(message);
}

export function parseServerMessage(text: string): Parsed<ServerMessage> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, detail: 'service sent a frame that is not JSON' };
  }
  if (!isRecord(raw) || typeof raw.t !== 'string') return { ok: false, detail: 'service sent a message without a "t" tag' };
  switch (raw.t) {
    case 'welcome':
      if (idFromWire(raw.userId) === undefined || typeof raw.name !== 'string' || typeof raw.protocol !== 'number') break;
      return { ok: true, value: raw as unknown as ServerMessage };
    case 'pong':
      if (typeof raw.seq !== 'number') break;
      return { ok: true, value: raw as unknown as ServerMessage };
    case 'update':
      if (!Array.isArray(raw.events)) break;
      return { ok: true, value: raw as unknown as ServerMessage };
    case 'error':
      if (typeof raw.code !== 'string' || typeof raw.detail !== 'string') break;
      return { ok: true, value: raw as unknown as ServerMessage };
  }
  return { ok: false, detail: `service sent a malformed "${raw.t}" message` };
}

/** Event fields that hold Steam IDs; the rest pass through as they are. */
const ID_FIELDS: ReadonlySet<string> = new Set(['lobbyId', 'memberId', 'changed', 'changedBy', 'from', 'by', 'friendId', 'userId', 'remote']);

const EVENT_TYPES: ReadonlySet<string> = new Set([
  'lobbyCreated',
  'lobbyEntered',
  'lobbyList',
  'lobbyDataUpdate',
  'lobbyChatUpdate',
  'lobbyInvite',
  'lobbyKicked',
  'joinRequested',
  'personaChange',
  'p2pSessionRequest',
  'p2pConnectFail',
  'serversDisconnected',
  'serversConnected',
]);

/**
 * Turns a wire event back into a BackendEvent-shaped record with bigint ids, or undefined when it is not one
 * (the caller treats that as a service fault, never throws). Shape beyond ids and type is the service's promise.
 */
export function eventFromWire(wire: unknown): (Record<string, unknown> & { type: string }) | undefined {
  if (!isRecord(wire) || typeof wire.type !== 'string' || !EVENT_TYPES.has(wire.type)) return undefined;
  const out: Record<string, unknown> & { type: string } = { type: wire.type };
  for (const [key, value] of Object.entries(wire)) {
    if (key === 'type') continue;
    if (ID_FIELDS.has(key)) {
      // lobbyCreated reports 0 as its lobby id when creation failed, as Steam does.
      const id = value === '0' ? 0n : idFromWire(value);
      if (id === undefined) return undefined;
      out[key] = id;
    } else if (key === 'lobbyIds') {
      if (!Array.isArray(value)) return undefined;
      const ids: bigint[] = [];
      for (const item of value) {
        const id = idFromWire(item);
        if (id === undefined) return undefined;
        ids.push(id);
      }
      out[key] = ids;
    } else {
      out[key] = value;
    }
  }
  return out;
}
