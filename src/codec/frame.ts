/**
 * The lobbykit frame header: one flags byte, the channel as a varint, and — only for compressed frames — the
 * uncompressed payload length. Two bytes in the common case (channel < 128, not compressed).
 *
 *   byte 0:  bits 7–6 version (1) · bits 5–3 kind · bit 2 compressed · bits 1–0 payload codec id
 *   then:    channel (unsigned LEB128, 0 ≤ channel ≤ 2^31 − 1)
 *   then:    uncompressed payload length (unsigned LEB128), only when compressed
 *   then:    payload
 */
import { codecError, ok, type CodecResult } from './result.js';
import { MAX_VARINT31, VARINT_TRUNCATED, readVarint, varintLength, writeVarint } from './varint.js';

/** The only format version this build writes and reads. */
export const FRAME_VERSION = 1;

/** What a frame carries. Steam's own P2P channels are unusable from steamworks.js, so kinds and channels live here. */
export const FrameKind = {
  /** The game's own messages. */
  application: 0,
  /** lobbykit's runtime protocol (handshakes, heartbeats, goodbyes): see control.ts. */
  control: 1,
  /** Lobby chat, emulated over P2P where the backend has no lobby chat (steamworks.js). */
  chat: 2,
} as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** Which codec wrote the payload (2 bits on the wire). */
export const PayloadCodecId = {
  /** lobbykit's compact value codec (value-codec.ts). */
  value: 0,
  json: 1,
  raw: 2,
  /** The codec the application registered with `createPacketCodec({ userCodec })`. */
  user: 3,
} as const;
export type PayloadCodecId = (typeof PayloadCodecId)[keyof typeof PayloadCodecId];

export const MAX_CHANNEL = MAX_VARINT31;

/** Longest possible header: flags byte + two 5-byte varints. */
export const MAX_FRAME_HEADER_BYTES = 11;

export interface FrameHeader {
  readonly version: typeof FRAME_VERSION;
  readonly kind: FrameKind;
  readonly channel: number;
  readonly compressed: boolean;
  readonly codecId: PayloadCodecId;
  /** Present exactly when `compressed`: the payload's length after inflation. */
  readonly uncompressedLength?: number;
  /** Where the (possibly compressed) payload starts in the frame. */
  readonly payloadOffset: number;
}

/** What the writer needs; `uncompressedLength` is required when `compressed` is true. */
export interface FrameHeaderFields {
  readonly kind: FrameKind;
  readonly channel: number;
  readonly compressed?: boolean;
  readonly codecId: PayloadCodecId;
  readonly uncompressedLength?: number;
}

function isKnownKind(kind: number): kind is FrameKind {
  return kind <= FrameKind.chat;
}

/** Reads and validates a frame header. Never throws; unknown versions and kinds are typed errors, not guesses. */
export function readFrameHeader(bytes: Uint8Array): CodecResult<FrameHeader> {
  if (bytes.length < 1) return codecError('truncated', 'empty packet: a lobbykit frame has at least 2 bytes', 0);
  const flags = bytes[0]!;
  const version = flags >>> 6;
  if (version !== FRAME_VERSION) {
    return codecError('unknown-version', `frame format version ${version}; this build reads version ${FRAME_VERSION}`, 0);
  }
  const kind = (flags >>> 3) & 0b111;
  if (!isKnownKind(kind)) return codecError('unknown-kind', `frame kind ${kind} is not known to this build`, 0);
  const compressed = (flags & 0b100) !== 0;
  const codecId = (flags & 0b11) as PayloadCodecId;

  const channel = readVarint(bytes, 1);
  if (channel < 0) {
    return channel === VARINT_TRUNCATED
      ? codecError('truncated', 'frame ends inside the channel number', bytes.length)
      : codecError('bad-payload', 'channel varint is over 31 bits or not minimally encoded', 1);
  }
  let offset = 1 + varintLength(channel);
  if (!compressed) return ok({ version: FRAME_VERSION, kind, channel, compressed, codecId, payloadOffset: offset });

  const uncompressedLength = readVarint(bytes, offset);
  if (uncompressedLength < 0) {
    return uncompressedLength === VARINT_TRUNCATED
      ? codecError('truncated', 'frame ends inside the uncompressed length', bytes.length)
      : codecError('oversize', 'uncompressed length is over 31 bits or not minimally encoded', offset);
  }
  offset += varintLength(uncompressedLength);
  return ok({ version: FRAME_VERSION, kind, channel, compressed, codecId, uncompressedLength, payloadOffset: offset });
}

/**
 * The channel of a lobbykit frame, or undefined when the bytes are not a valid frame header — so a transport can
 * route or drop a packet without decoding it.
 */
export function peekChannel(bytes: Uint8Array): number | undefined {
  const flags = bytes[0];
  if (flags === undefined || flags >>> 6 !== FRAME_VERSION || !isKnownKind((flags >>> 3) & 0b111)) return undefined;
  const channel = readVarint(bytes, 1);
  if (channel < 0) return undefined;
  if ((flags & 0b100) !== 0 && readVarint(bytes, 1 + varintLength(channel)) < 0) return undefined;
  return channel;
}

/** Bytes the header for `fields` takes. */
export function frameHeaderLength(fields: FrameHeaderFields): number {
  return 1 + varintLength(fields.channel) + (fields.compressed ? varintLength(fields.uncompressedLength ?? 0) : 0);
}

/** True when `channel` can go on the wire. */
export function isValidChannel(channel: unknown): channel is number {
  return typeof channel === 'number' && Number.isInteger(channel) && channel >= 0 && channel <= MAX_CHANNEL;
}

/**
 * Writes the header at `offset` and returns the offset where the payload goes. The caller validates the channel
 * (`isValidChannel`) and guarantees room (`frameHeaderLength`); this is the hot path, so it does not re-check.
 */
export function writeFrameHeader(target: Uint8Array, offset: number, fields: FrameHeaderFields): number {
  const compressed = fields.compressed === true;
  target[offset] = (FRAME_VERSION << 6) | (fields.kind << 3) | (compressed ? 0b100 : 0) | fields.codecId;
  let at = writeVarint(target, offset + 1, fields.channel);
  if (compressed) at = writeVarint(target, at, fields.uncompressedLength ?? 0);
  return at;
}

/** A standalone header, for callers that assemble frames from parts. */
export function encodeFrameHeader(fields: FrameHeaderFields): Uint8Array {
  const out = new Uint8Array(frameHeaderLength(fields));
  writeFrameHeader(out, 0, fields);
  return out;
}
