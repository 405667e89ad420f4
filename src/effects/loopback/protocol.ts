/**
 * The loopback service's wire protocol, shared by the service and the client backend.
 *
 * - Control messages are JSON text frames (a few per second); Steam IDs travel as decimal strings because JSON
 *   numbers lose precision above 2^53.
 * - Game packets and lobby chat are binary frames with a fixed little-endian header and the payload after it, so a
 *   packet costs no JSON and no base64. The header carries the sender's id both ways: the service checks it against
 *   the id it assigned to the connection and then relays the very same bytes, untouched.
 */
import type { LobbyListFilters } from '../backend.js';
import { isSteamId, MAX_LOBBY_CHAT_BYTES, MAX_RELIABLE_BYTES } from '../backend.js';
import { parseLobbyListFilters } from '../list-filters.js';

export const LOOPBACK_PROTOCOL_VERSION = 1;

/** Binary frame kinds (the first byte). */
export const FrameKind = { packet: 1, chat: 2 } as const;

/** [kind u8][sendType u8][channel u32][from u64][to u64] then the payload. */
export const PACKET_HEADER_BYTES = 22;
/** [kind u8][from u64][lobbyId u64] then the message. */
export const CHAT_HEADER_BYTES = 17;
/** JSON control messages are small; anything bigger is a confused or hostile client. */
export const MAX_CONTROL_BYTES = 64 * 1024;
/** The largest frame the service accepts at all: a full reliable packet plus its header. */
export const MAX_FRAME_BYTES = MAX_RELIABLE_BYTES + PACKET_HEADER_BYTES;

export interface PacketFrame {
  readonly sendType: number;
  readonly channel: number;
  readonly from: bigint;
  readonly to: bigint;
  readonly payload: Uint8Array;
}

export interface ChatFrame {
  readonly from: bigint;
  readonly lobbyId: bigint;
  readonly message: Uint8Array;
}

export type BinaryFrame = ({ readonly kind: 'packet' } & PacketFrame) | ({ readonly kind: 'chat' } & ChatFrame);

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly detail: string };

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function encodePacketFrame(sendType: number, channel: number, from: bigint, to: bigint, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(PACKET_HEADER_BYTES + payload.length);
  const dv = view(frame);
  frame[0] = FrameKind.packet;
  frame[1] = sendType;
  dv.setUint32(2, channel, true);
  dv.setBigUint64(6, from, true);
  dv.setBigUint64(14, to, true);
  frame.set(payload, PACKET_HEADER_BYTES);
  return frame;
}

export function encodeChatFrame(from: bigint, lobbyId: bigint, message: Uint8Array): Uint8Array {
  const frame = new Uint8Array(CHAT_HEADER_BYTES + message.length);
  const dv = view(frame);
  frame[0] = FrameKind.chat;
  dv.setBigUint64(1, from, true);
  dv.setBigUint64(9, lobbyId, true);
  frame.set(message, CHAT_HEADER_BYTES);
  return frame;
}

/** Reads a binary frame's header; the payload is a view into `bytes`, not a copy. */
export function decodeBinaryFrame(bytes: Uint8Array): Parsed<BinaryFrame> {
  if (bytes.length === 0) return { ok: false, detail: 'empty binary frame' };
  const kind = bytes[0];
  if (kind === FrameKind.packet) {
    if (bytes.length < PACKET_HEADER_BYTES) {
      return { ok: false, detail: `packet frame of ${bytes.length} bytes is shorter than its ${PACKET_HEADER_BYTES}-byte header` };
    }
    const dv = view(bytes);
    return {
      ok: true,
      value: {
        kind: 'packet',
        sendType: bytes[1] as number,
        channel: dv.getUint32(2, true),
        from: dv.getBigUint64(6, true),
        to: dv.getBigUint64(14, true),
        payload: bytes.subarray(PACKET_HEADER_BYTES),
      },
    };
  }
  if (kind === FrameKind.chat) {
    if (bytes.length < CHAT_HEADER_BYTES) {
      return { ok: false, detail: `chat frame of ${bytes.length} bytes is shorter than its ${CHAT_HEADER_BYTES}-byte header` };
    }
    const dv = view(bytes);
    return {
      ok: true,
      value: { kind: 'chat', from: dv.getBigUint64(1, true), lobbyId: dv.getBigUint64(9, true), message: bytes.subarray(CHAT_HEADER_BYTES) },
    };
  }
  return { ok: false, detail: `unknown binary frame kind ${String(kind)} (expected ${FrameKind.packet} packet or ${FrameKind.chat} chat)` };
}

// ---------------------------------------------------------------------------------------------------------------
// Control messages, client → service

export type ClientOp =
  | { readonly op: 'hello'; readonly name: string; readonly protocol: number }
  | { readonly op: 'ping'; readonly seq: number }
  | { readonly op: 'createLobby'; readonly lobbyType: number; readonly maxMembers: number }
  | { readonly op: 'joinLobby'; readonly lobbyId: bigint }
  | { readonly op: 'leaveLobby'; readonly lobbyId: bigint }
  | { readonly op: 'requestLobbyList'; readonly filters: LobbyListFilters }
  | { readonly op: 'setLobbyData'; readonly lobbyId: bigint; readonly key: string; readonly value: string }
  | { readonly op: 'deleteLobbyData'; readonly lobbyId: bigint; readonly key: string }
  | { readonly op: 'setLobbyMemberData'; readonly lobbyId: bigint; readonly key: string; readonly value: string }
  | { readonly op: 'setLobbyJoinable'; readonly lobbyId: bigint; readonly joinable: boolean }
  | { readonly op: 'kick'; readonly lobbyId: bigint; readonly memberId: bigint }
  | { readonly op: 'ban'; readonly lobbyId: bigint; readonly memberId: bigint }
  | { readonly op: 'invite'; readonly lobbyId: bigint; readonly userId: bigint }
  | { readonly op: 'closeSession'; readonly remote: bigint };

export type ClientOpName = ClientOp['op'];

type FieldKind = 'id' | 'string' | 'int' | 'bool' | 'filters';

const OP_FIELDS: Readonly<Record<ClientOpName, Readonly<Record<string, FieldKind>>>> = {
  hello: { name: 'string', protocol: 'int' },
  ping: { seq: 'int' },
  createLobby: { lobbyType: 'int', maxMembers: 'int' },
  joinLobby: { lobbyId: 'id' },
  leaveLobby: { lobbyId: 'id' },
  requestLobbyList: { filters: 'filters' },
  setLobbyData: { lobbyId: 'id', key: 'string', value: 'string' },
  deleteLobbyData: { lobbyId: 'id', key: 'string' },
  setLobbyMemberData: { lobbyId: 'id', key: 'string', value: 'string' },
  setLobbyJoinable: { lobbyId: 'id', joinable: 'bool' },
  kick: { lobbyId: 'id', memberId: 'id' },
  ban: { lobbyId: 'id', memberId: 'id' },
  invite: { lobbyId: 'id', userId: 'id' },
  closeSession: { remote: 'id' },
};

/** Fields through which a client might try to speak as someone else; the service owns identity. */
const IDENTITY_FIELDS = ['from', 'sender', 'userId', 'steamId', 'as'] as const;

/**
 * An identity field a control frame carries beyond its op's own fields (an invite's `userId` names the invitee,
 * not the sender), or undefined. The service refuses the frame unless the claim is the connection's own id.
 */
export function identityClaim(op: ClientOpName, raw: Readonly<Record<string, unknown>>): { readonly field: string; readonly value: unknown } | undefined {
  const own = OP_FIELDS[op];
  for (const field of IDENTITY_FIELDS) {
    if (field in raw && !(field in own)) return { field, value: raw[field] };
  }
  return undefined;
}

export function idToWire(id: bigint): string {
  return id.toString(10);
}

/** A decimal string of a valid Steam ID, or undefined. */
export function idFromWire(value: unknown): bigint | undefined {
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,19}$/.test(value)) return undefined;
  const id = BigInt(value);
  return isSteamId(id) ? id : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why a control frame was refused: the code is what the client gets back, the detail says what to fix. */
export type ControlProblem = { readonly code: 'malformed' | 'unknown-op' | 'invalid-argument'; readonly detail: string; readonly op?: string };

/** Parses and validates one control frame; never throws. */
export function parseClientOp(text: string): { ok: true; value: ClientOp; raw: Record<string, unknown> } | { ok: false; problem: ControlProblem } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problem: { code: 'malformed', detail: 'control frame is not JSON' } };
  }
  if (!isRecord(raw)) return { ok: false, problem: { code: 'malformed', detail: 'control frame must be a JSON object' } };
  const op = raw.op;
  if (typeof op !== 'string') return { ok: false, problem: { code: 'malformed', detail: 'control frame has no "op" string' } };
  if (!Object.hasOwn(OP_FIELDS, op)) {
    return { ok: false, problem: { code: 'unknown-op', op, detail: `unknown op "${op}"; known: ${Object.keys(OP_FIELDS).join(', ')}` } };
  }
  const fields = OP_FIELDS[op as ClientOpName];
  const value: Record<string, unknown> = { op };
  for (const [name, kind] of Object.entries(fields)) {
    const v = raw[name];
    const bad = (what: string): { ok: false; problem: ControlProblem } => ({
      ok: false,
      problem: { code: 'invalid-argument', op, detail: `${op}: "${name}" must be ${what}` },
    });
    switch (kind) {
      case 'id': {
        const id = idFromWire(v);
        if (id === undefined) return bad('a Steam ID as a decimal string');
        value[name] = id;
        break;
      }
      case 'string':
        if (typeof v !== 'string') return bad('a string');
        value[name] = v;
        break;
      case 'int':
        if (!Number.isSafeInteger(v)) return bad('an integer');
        value[name] = v;
        break;
      case 'bool':
        if (typeof v !== 'boolean') return bad('true or false');
        value[name] = v;
        break;
      case 'filters': {
        const filters = parseLobbyListFilters(v);
        if (!filters.ok) return { ok: false, problem: { code: 'invalid-argument', op, detail: `${op}: ${filters.detail}` } };
        value[name] = filters.value;
        break;
      }
    }
  }
  return { ok: true, value: value as unknown as ClientOp, raw };
}

/** Encodes a client op for the wire, ids as decimal strings. */
export function encodeClientOp(op: ClientOp): string {
  return JSON.stringify(op, (_key, v: unknown) => (typeof v === 'bigint' ? idToWire(v) : v));
}

// ---------------------------------------------------------------------------------------------------------------
// Control messages, service → client

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
  | 'unknown-user';

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
  | { readonly t: 'error'; readonly code: ServiceErrorCode; readonly detail: string; readonly op?: string; readonly lobbyId?: string };

export function encodeServerMessage(message: ServerMessage): string {
  return JSON.stringify(message, (_key, v: unknown) => (typeof v === 'bigint' ? idToWire(v) : v));
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

export const CHAT_LIMIT = MAX_LOBBY_CHAT_BYTES;

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
