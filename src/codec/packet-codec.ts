/**
 * The packet codec: a frame header, a payload written by one of four payload codecs, and raw-deflate compression
 * when it pays. Made once (it owns a scratch buffer and the value codec's shape memory) and reused for every packet.
 */
import { deflateSync } from 'fflate';
import { inflateBounded } from './bounded-inflate.js';
import { jsonTooDeepAt } from './json-depth.js';
import { ByteWriter, OutputSlab } from './byte-writer.js';
import { decodeControlPayload, encodeControlFrame, type ControlMessage } from './control.js';
import {
  FRAME_VERSION,
  FrameKind,
  MAX_FRAME_HEADER_BYTES,
  PayloadCodecId,
  frameHeaderLength,
  isValidChannel,
  readFrameHeader,
  writeFrameHeader,
  type FrameHeaderFields,
} from './frame.js';
import { codecError, ok, type CodecResult } from './result.js';
import { DEFAULT_MAX_DEPTH, ValueDecoder, ValueEncoder, encodeFailureToError } from './value-codec.js';
import { utf8Length } from './value-encoder.js';
import { varintLength, writeVarint } from './varint.js';
import { MAX_RELIABLE_BYTES, MAX_UNRELIABLE_BYTES } from '../steam/p2p.js';

export const DEFAULT_MAX_DECODED_BYTES = 1_048_576;
/**
 * Payloads shorter than this are never deflated: below it deflate saves little for many times the cost of
 * encoding (`npm run bench -- codec`, docs/benchmarks.md). The value codec's shapes already remove repeated keys,
 * which is most of what deflate finds in small game messages.
 */
export const DEFAULT_COMPRESSION_THRESHOLD = 256;

/** An application's own payload codec (payload codec id 3). Exceptions it throws become typed errors. */
export interface UserPayloadCodec {
  readonly name: string;
  encode(value: unknown): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

export type PayloadCodecName = 'value' | 'json' | 'raw' | 'user';
const CODEC_NAMES: readonly PayloadCodecName[] = ['value', 'json', 'raw', 'user'];

function codecIdOf(name: PayloadCodecName): number {
  return name === 'value' ? 0 : name === 'json' ? 1 : name === 'raw' ? 2 : name === 'user' ? 3 : -1;
}

export interface PacketCodecOptions {
  /** Largest payload a frame may carry or inflate to (default 1 MiB); larger is 'oversize', and never allocated. */
  readonly maxDecodedBytes?: number;
  /** Payloads below this many bytes are sent uncompressed (default DEFAULT_COMPRESSION_THRESHOLD). */
  readonly compressionThreshold?: number;
  readonly userCodec?: UserPayloadCodec;
  /** Nesting limit of the value and JSON payload codecs (default 64). */
  readonly maxDepth?: number;
}

export interface EncodeOptions {
  /** lobbykit's channel (0 ≤ channel ≤ 2^31 − 1); default 0. */
  readonly channel?: number;
  /** Reliable packets may be up to 1 MiB, unreliable ones 1200 B. Default true, as in the seed. */
  readonly reliable?: boolean;
  /** Default 'value'. 'raw' takes a Uint8Array; 'user' needs `userCodec`. */
  readonly codec?: PayloadCodecName;
  /** Set false to never deflate this packet. */
  readonly compress?: boolean;
}

export interface DecodedDataPacket {
  readonly kind: 'application';
  readonly channel: number;
  readonly codec: PayloadCodecName;
  readonly compressed: boolean;
  readonly value: unknown;
}

export interface DecodedControlPacket {
  readonly kind: 'control';
  readonly channel: number;
  readonly compressed: false;
  readonly message: ControlMessage;
}

export type DecodedPacket = DecodedDataPacket | DecodedControlPacket;

export interface PacketCodec {
  /** A complete frame, or a typed error before anything is sent (e.g. 'too-large-to-send', 'unencodable'). */
  encode(value: unknown, options?: EncodeOptions): CodecResult<Uint8Array>;
  encodeControl(message: ControlMessage, channel?: number): CodecResult<Uint8Array>;
  /** Never throws. */
  decode(bytes: Uint8Array): CodecResult<DecodedPacket>;
}

const NO_OPTIONS: EncodeOptions = {};
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

export function createPacketCodec(options: PacketCodecOptions = {}): PacketCodec {
  const maxDecodedBytes = options.maxDecodedBytes ?? DEFAULT_MAX_DECODED_BYTES;
  const threshold = options.compressionThreshold ?? DEFAULT_COMPRESSION_THRESHOLD;
  const userCodec = options.userCodec;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const valueEncoder = new ValueEncoder(maxDepth);
  const valueDecoder = new ValueDecoder(maxDepth);
  // The payload is written after room for the longest header, which is then written right in front of it, so an
  // uncompressed frame leaves the scratch buffer in one copy.
  // Grows to what this codec's packets need; most runtimes send small packets.
  const writer = new ByteWriter(256);
  const slab = new OutputSlab();
  const start = MAX_FRAME_HEADER_BYTES;

  function writePayload(value: unknown, codec: PayloadCodecName): CodecResult<undefined> | undefined {
    switch (codec) {
      case 'value':
        valueEncoder.write(writer, value);
        return undefined;
      case 'json': {
        let text: string | undefined;
        try {
          text = JSON.stringify(value);
        } catch (e) {
          // Nesting too deep for the stack is still nesting too deep.
          if (e instanceof RangeError) return codecError('too-deep', `JSON codec: value nests deeper than ${maxDepth} levels`);
          return codecError('unencodable', `JSON codec: ${e instanceof Error ? e.message : String(e)}`);
        }
        if (text === undefined) return codecError('unencodable', `JSON codec: a top-level ${typeof value} has no JSON form`);
        // JSON.stringify escapes lone surrogates, so the text always has a UTF-8 length.
        writer.ensure(utf8Length(text));
        const at = writer.pos;
        writer.pos += textEncoder.encodeInto(text, writer.buf.subarray(writer.pos)).written;
        // Never send what every receiver refuses.
        if (jsonTooDeepAt(writer.buf, at, writer.pos, maxDepth) >= 0) return codecError('too-deep', `JSON codec: value nests deeper than ${maxDepth} levels`);
        return undefined;
      }
      case 'raw':
        if (!(value instanceof Uint8Array)) return codecError('unencodable', 'raw codec takes a Uint8Array');
        writer.writeBytes(value);
        return undefined;
      case 'user': {
        if (userCodec === undefined) return codecError('unknown-codec', 'no user codec was given to createPacketCodec');
        let bytes: unknown;
        try {
          bytes = userCodec.encode(value);
        } catch (e) {
          return codecError('unencodable', `user codec ${userCodec.name}: ${e instanceof Error ? e.message : String(e)}`);
        }
        if (!(bytes instanceof Uint8Array)) return codecError('unencodable', `user codec ${userCodec.name} did not return a Uint8Array`);
        writer.writeBytes(bytes);
        return undefined;
      }
    }
  }

  function encode(value: unknown, opts: EncodeOptions = NO_OPTIONS): CodecResult<Uint8Array> {
    const channel = opts.channel ?? 0;
    if (!isValidChannel(channel)) return codecError('unencodable', `channel ${channel} is not an integer from 0 to 2^31 − 1`);
    const codec = opts.codec ?? 'value';
    const codecId = codecIdOf(codec);
    if (codecId < 0) return codecError('unknown-codec', `payload codec "${String(codec)}" is not one of ${CODEC_NAMES.join(', ')}`);
    const sendLimit = opts.reliable === false ? MAX_UNRELIABLE_BYTES : MAX_RELIABLE_BYTES;
    const kind = FrameKind.application;

    writer.pos = start;
    // A payload may exceed the send limit before compression; past the receiver's inflate cap it can never arrive.
    writer.limit = start + Math.max(sendLimit, maxDecodedBytes);
    try {
      const refused = writePayload(value, codec);
      if (refused !== undefined) return refused as CodecResult<never>;
    } catch (e) {
      const error = encodeFailureToError(e);
      return error.code === 'too-large-to-send'
        ? codecError('too-large-to-send', `payload is over ${writer.limit - start} bytes before compression; the limit is ${sendLimit} B`)
        : error;
    }
    const payloadLength = writer.pos - start;

    if (payloadLength >= threshold && opts.compress !== false) {
      const deflated = deflateSync(writer.buf.subarray(start, writer.pos), { level: 6 });
      if (deflated.length + varintLength(payloadLength) < payloadLength) {
        const compressedFields: FrameHeaderFields = { kind, channel, codecId: codecId as PayloadCodecId, compressed: true, uncompressedLength: payloadLength };
        const total = frameHeaderLength(compressedFields) + deflated.length;
        if (total > sendLimit) return tooLarge(total, sendLimit, opts.reliable !== false);
        const out = slab.allocate(total);
        out.set(deflated, writeFrameHeader(out, 0, compressedFields));
        return ok(out);
      }
    }
    const headerLength = 1 + varintLength(channel);
    const total = headerLength + payloadLength;
    if (total > sendLimit) return tooLarge(total, sendLimit, opts.reliable !== false);
    // The uncompressed header inline (same bytes as writeFrameHeader): this is the per-packet hot path.
    writer.buf[start - headerLength] = (FRAME_VERSION << 6) | (kind << 3) | codecId;
    writeVarint(writer.buf, start - headerLength + 1, channel);
    return ok(slab.copyOut(writer.buf, start - headerLength, writer.pos));
  }

  function decodePayload(payload: Uint8Array, from: number, codecId: PayloadCodecId): CodecResult<unknown> {
    switch (codecId) {
      case PayloadCodecId.value:
        return valueDecoder.decode(payload, from);
      case PayloadCodecId.json: {
        const deep = jsonTooDeepAt(payload, from, payload.length, maxDepth);
        if (deep >= 0) return codecError('too-deep', `JSON payload nests deeper than ${maxDepth} levels`, deep);
        let text: string;
        try {
          text = textDecoder.decode(payload.subarray(from));
        } catch {
          return codecError('bad-utf8', 'JSON payload is not valid UTF-8', from);
        }
        try {
          return ok(JSON.parse(text) as unknown);
        } catch (e) {
          return codecError('bad-payload', `JSON payload: ${e instanceof Error ? e.message : String(e)}`, from);
        }
      }
      case PayloadCodecId.raw:
        return ok(payload.slice(from));
      case PayloadCodecId.user: {
        if (userCodec === undefined) return codecError('unknown-codec', 'packet uses the user codec (id 3), but none was given to createPacketCodec', 0);
        try {
          return ok(userCodec.decode(payload.subarray(from)));
        } catch (e) {
          return codecError('bad-payload', `user codec ${userCodec.name}: ${e instanceof Error ? e.message : String(e)}`, from);
        }
      }
    }
  }

  function decode(bytes: Uint8Array): CodecResult<DecodedPacket> {
    // Fast path for the common header (version 1, known kind, uncompressed, channel < 128): two bytes, no
    // header object. Everything else goes through readFrameHeader, which also produces the typed errors.
    const flags = bytes[0];
    const channel0 = bytes[1];
    if (
      flags !== undefined &&
      channel0 !== undefined &&
      channel0 < 0x80 &&
      (flags & 0b1100_0100) === FRAME_VERSION << 6 &&
      bytes.length - 2 <= maxDecodedBytes
    ) {
      const kind = (flags >>> 3) & 0b111;
      if (kind === FrameKind.control && (flags & 0b11) === 0) {
        const message = decodeControlPayload(bytes, 2);
        return message.ok ? ok({ kind: 'control', channel: channel0, compressed: false, message: message.value }) : message;
      }
      if (kind === FrameKind.application) {
        const codecId = (flags & 0b11) as PayloadCodecId;
        const value = decodePayload(bytes, 2, codecId);
        if (!value.ok) return value;
        return ok({ kind: 'application', channel: channel0, codec: CODEC_NAMES[codecId]!, compressed: false, value: value.value });
      }
    }
    return decodeSlow(bytes);
  }

  function decodeSlow(bytes: Uint8Array): CodecResult<DecodedPacket> {
    const header = readFrameHeader(bytes);
    if (!header.ok) return header;
    const { kind, channel, compressed, codecId, payloadOffset } = header.value;

    if (kind === FrameKind.control) {
      if (compressed || codecId !== PayloadCodecId.value) {
        return codecError('bad-payload', 'control frames are never compressed and use payload codec 0', 0);
      }
      const message = decodeControlPayload(bytes, payloadOffset);
      if (!message.ok) return message;
      return ok({ kind: 'control', channel, compressed: false, message: message.value });
    }
    // Chat frames carry lobby chat for a backend that emulates it over P2P, which reads them before any game
    // packet is queued; one that reaches the game is not a game packet.
    if (kind === FrameKind.chat) return codecError('unknown-kind', 'a chat frame is lobby chat for the backend, not a game packet', 0);

    let payload = bytes;
    let from = payloadOffset;
    if (!compressed && bytes.length - payloadOffset > maxDecodedBytes) {
      return codecError('oversize', `payload is ${bytes.length - payloadOffset} bytes; the limit is ${maxDecodedBytes}`, payloadOffset);
    }
    if (compressed) {
      const announced = header.value.uncompressedLength!;
      if (announced > maxDecodedBytes) {
        // The offset of the announced length itself, as readFrameHeader reports a length it cannot read.
        return codecError('oversize', `frame announces ${announced} bytes after inflation; the limit is ${maxDecodedBytes}`, payloadOffset - varintLength(announced));
      }
      if (payloadOffset >= bytes.length) return codecError('truncated', 'compressed frame has no payload', bytes.length);
      const inflated = inflateBounded(bytes.subarray(payloadOffset), announced);
      if (!inflated.ok) {
        const code = inflated.problem === 'corrupt' ? 'bad-compression' : inflated.problem;
        return codecError(code, inflated.detail, payloadOffset);
      }
      payload = inflated.bytes;
      from = 0;
    }
    const value = decodePayload(payload, from, codecId);
    if (!value.ok) {
      // Offsets inside an inflated payload do not point into the packet; say so rather than mislead.
      return compressed ? codecError(value.code, `${value.detail} (at byte ${value.offset ?? 0} of the inflated payload)`, payloadOffset) : value;
    }
    return ok({ kind: 'application', channel, codec: CODEC_NAMES[codecId]!, compressed, value: value.value });
  }

  return { encode, encodeControl: encodeControlFrame, decode };
}

function tooLarge(total: number, limit: number, reliable: boolean): CodecResult<never> {
  return codecError(
    'too-large-to-send',
    `${total} B is over the ${limit} B limit for ${reliable ? 'reliable' : 'unreliable'} packets${reliable ? '' : ' (send it reliable, or split it)'}`,
  );
}
