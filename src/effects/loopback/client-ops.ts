/**
 * Control requests a client sends the loopback service (JSON text frames): their shapes, one validator the service
 * runs on every frame (never throws; says what to fix), and the encoder the client uses.
 */
import type { LobbyListFilters } from '../backend.js';
import { idFromWire, isRecord, toWireJson } from './protocol.js';
import { parseLobbyListFilters } from '../list-filters.js';

/** JSON control messages are small; anything bigger is a confused or hostile client. */
export const MAX_CONTROL_BYTES = 64 * 1024;

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
  return toWireJson(op);
}
