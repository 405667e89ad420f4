/**
 * lobbykit's own runtime protocol, carried in control frames: one op byte, then varint fields.
 *
 * The sender's Steam id is never in a payload: the transport reports who sent a packet, and trusting an id
 * written by the sender would let any peer speak for another. That is why the seed's handshake
 * `{message: "handshake", from: <steam id>}` becomes a handshake op with a session nonce and attempt number.
 */
import { FrameKind, PayloadCodecId, frameHeaderLength, isValidChannel, writeFrameHeader } from './frame.js';
import { codecError, ok, type CodecResult } from './result.js';
import { MAX_VARINT31, VARINT_TRUNCATED, readVarint, varintLength, writeVarint } from './varint.js';

/** Op bytes. Values are wire format: never renumber, only add. */
export const ControlOp = {
  handshake: 1,
  handshakeAck: 2,
  heartbeat: 3,
  heartbeatAck: 4,
  goodbye: 5,
} as const;
export type ControlOp = (typeof ControlOp)[keyof typeof ControlOp];

/** Why a peer says goodbye. Unknown codes from newer peers decode as plain numbers, so they stay forward-compatible. */
export const GoodbyeReason = {
  left: 0,
  kicked: 1,
  banned: 2,
  timedOut: 3,
  shuttingDown: 4,
  protocolError: 5,
} as const;
export type GoodbyeReason = (typeof GoodbyeReason)[keyof typeof GoodbyeReason];

/** Opens a session: `nonce` names this session (a fresh random 31-bit number), `attempt` counts retries from 0. */
export interface HandshakeMessage {
  readonly type: 'handshake';
  readonly nonce: number;
  readonly attempt: number;
}
/** Echoes the handshake's nonce and attempt, so a late ack for an old attempt can be told apart. */
export interface HandshakeAckMessage {
  readonly type: 'handshake-ack';
  readonly nonce: number;
  readonly attempt: number;
}
export interface HeartbeatMessage {
  readonly type: 'heartbeat';
  readonly seq: number;
}
export interface HeartbeatAckMessage {
  readonly type: 'heartbeat-ack';
  readonly seq: number;
}
export interface GoodbyeMessage {
  readonly type: 'goodbye';
  readonly reason: number;
}

export type ControlMessage =
  | HandshakeMessage
  | HandshakeAckMessage
  | HeartbeatMessage
  | HeartbeatAckMessage
  | GoodbyeMessage;

/** The varint fields each op carries, in wire order. */
function fieldsOf(message: ControlMessage): readonly [ControlOp, number, number?] {
  switch (message.type) {
    case 'handshake':
      return [ControlOp.handshake, message.nonce, message.attempt];
    case 'handshake-ack':
      return [ControlOp.handshakeAck, message.nonce, message.attempt];
    case 'heartbeat':
      return [ControlOp.heartbeat, message.seq];
    case 'heartbeat-ack':
      return [ControlOp.heartbeatAck, message.seq];
    case 'goodbye':
      return [ControlOp.goodbye, message.reason];
  }
}

function isField(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_VARINT31;
}

/** A complete control frame (header + payload) for `message` on `channel`. */
export function encodeControlFrame(message: ControlMessage, channel = 0): CodecResult<Uint8Array> {
  // Callers may pass untyped data (the CLI's JSON), so an unknown type falls through the switch at run time.
  const fields = fieldsOf(message) as ReturnType<typeof fieldsOf> | undefined;
  if (fields === undefined) return codecError('unencodable', `unknown control message type ${String((message as { type?: unknown }).type)}`);
  const [op, a, b] = fields;
  if (!isField(a) || (fields.length > 2 && !isField(b))) {
    return codecError('unencodable', `control ${message.type} fields must be integers from 0 to 2^31 − 1`);
  }
  if (!isValidChannel(channel)) return codecError('unencodable', `channel ${channel} is not an integer from 0 to 2^31 − 1`);
  const header = { kind: FrameKind.control, channel, codecId: PayloadCodecId.value };
  const length = frameHeaderLength(header) + 1 + varintLength(a) + (b === undefined ? 0 : varintLength(b));
  const out = new Uint8Array(length);
  let at = writeFrameHeader(out, 0, header);
  out[at++] = op;
  at = writeVarint(out, at, a);
  if (b !== undefined) writeVarint(out, at, b);
  return ok(out);
}

/** Reads field `name` at `at`: the value, or a typed error (kept out of line so the happy path allocates nothing). */
function fieldError(bytes: Uint8Array, at: number, v: number, name: string): CodecResult<never> {
  return v === VARINT_TRUNCATED
    ? codecError('truncated', `control frame ends inside the ${name} field`, bytes.length)
    : codecError('bad-payload', `control ${name} field is over 31 bits or not minimally encoded`, at);
}

/** Parses a control payload that starts at `offset` and runs to the end of `bytes` (offsets in errors are frame offsets). */
export function decodeControlPayload(bytes: Uint8Array, offset: number): CodecResult<ControlMessage> {
  const op = bytes[offset];
  if (op === undefined) return codecError('truncated', 'control frame has no op byte', offset);
  if (op < ControlOp.handshake || op > ControlOp.goodbye) {
    return codecError('unknown-type', `control op ${op} is not known to this build`, offset);
  }
  let at = offset + 1;
  const first = readVarint(bytes, at);
  if (first < 0) return fieldError(bytes, at, first, op <= ControlOp.handshakeAck ? 'nonce' : op === ControlOp.goodbye ? 'reason' : 'seq');
  at += varintLength(first);
  let message: ControlMessage;
  if (op <= ControlOp.handshakeAck) {
    const attempt = readVarint(bytes, at);
    if (attempt < 0) return fieldError(bytes, at, attempt, 'attempt');
    at += varintLength(attempt);
    message = { type: op === ControlOp.handshake ? 'handshake' : 'handshake-ack', nonce: first, attempt };
  } else if (op === ControlOp.goodbye) {
    message = { type: 'goodbye', reason: first };
  } else {
    message = { type: op === ControlOp.heartbeat ? 'heartbeat' : 'heartbeat-ack', seq: first };
  }
  if (at !== bytes.length) return codecError('trailing-bytes', `${bytes.length - at} bytes after the control ${message.type}`, at);
  return ok(message);
}
