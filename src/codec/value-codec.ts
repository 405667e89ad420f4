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

const standaloneWriter = new ByteWriter(256);
const standaloneEncoder = new ValueEncoder();
const standaloneDecoder = new ValueDecoder();

/** The payload bytes alone (no frame header), for tools and tests. */
export function encodeValue(value: unknown): CodecResult<Uint8Array> {
  standaloneWriter.pos = 0;
  try {
    standaloneEncoder.write(standaloneWriter, value);
  } catch (e) {
    return encodeFailureToError(e);
  }
  return ok(standaloneWriter.buf.slice(0, standaloneWriter.pos));
}

/** Decodes a payload written by `encodeValue`. Never throws. */
export function decodeValue(bytes: Uint8Array): CodecResult<unknown> {
  return standaloneDecoder.decode(bytes);
}
