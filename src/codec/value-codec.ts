/**
 * lobbykit's default payload codec: a compact, self-describing binary form of plain JS values, written by hand
 * into a reused buffer. The format is described in value-tags.ts; value-encoder.ts and value-decoder.ts implement
 * it. This module keeps standalone helpers for tools and tests (the PacketCodec owns its own encoder/decoder).
 */
import { ByteWriter } from './byte-writer.js';
import { ok, type CodecResult } from './result.js';
import { ValueDecoder } from './value-decoder.js';
import { ValueEncoder, encodeFailureToError } from './value-encoder.js';

export { DEFAULT_MAX_DEPTH } from './value-tags.js';
export { ValueDecoder } from './value-decoder.js';
export { ValueEncoder, encodeFailureToError } from './value-encoder.js';

/** The payload bytes alone (no frame header), for tools and tests; each call its own encoder (no shared state). */
export function encodeValue(value: unknown): CodecResult<Uint8Array> {
  const writer = new ByteWriter(256);
  try {
    new ValueEncoder().write(writer, value);
  } catch (e) {
    return encodeFailureToError(e);
  }
  return ok(writer.buf.slice(0, writer.pos));
}

/** Decodes a payload written by `encodeValue`. Never throws. */
export function decodeValue(bytes: Uint8Array): CodecResult<unknown> {
  return new ValueDecoder().decode(bytes);
}
