/**
 * Godot's `PackedByteArray.compress`/`decompress` in GZIP mode, the one the tutorial uses, with the inflated size
 * bounded so a zip bomb is refused rather than expanded.
 */
import { Inflate, gzipSync } from 'fflate';
import { codecError, ok, type CodecResult } from '../result.js';
import { Crc32 } from './crc32.js';

export type GodotCompressionMode = 'gzip';

export interface GodotDecompressOptions {
  /** Largest inflated size accepted (default 1 MiB). Past it decompression stops and reports 'oversize'. */
  readonly maxBytes?: number;
}

export const GODOT_DEFAULT_MAX_DECOMPRESSED = 1024 * 1024;

/**
 * `PoolByteArray.compress(File.COMPRESSION_GZIP)`: a gzip member with the header Godot's zlib writes
 * (no name, mtime 0, OS = Unix) at zlib's default level 6. The deflate bytes inside may differ from zlib's —
 * two compressors rarely agree bit for bit — but Godot inflates them to the same data.
 */
export function godotCompress(bytes: Uint8Array, mode: GodotCompressionMode): Uint8Array {
  void mode; // gzip is the only mode the tutorial uses; the parameter mirrors Godot's File.COMPRESSION_* argument
  return gzipSync(bytes, { level: 6, mtime: 0 });
}

const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
/** Input fed to the inflater per step. Deflate expands at most ~1032:1, so one step overshoots the cap by ≤ ~0.5 MiB. */
const INFLATE_STEP = 512;

/**
 * What `decompress_dynamic(-1, File.COMPRESSION_GZIP)` accepts, with a ceiling: the gzip header is parsed here,
 * the body inflated in small steps so a bomb is stopped near `maxBytes` instead of being allocated, and the CRC-32
 * and length in the trailer are checked like zlib does. Never throws.
 */
export function godotDecompress(
  bytes: Uint8Array,
  mode: GodotCompressionMode,
  options: GodotDecompressOptions = {},
): CodecResult<Uint8Array> {
  void mode;
  const maxBytes = options.maxBytes ?? GODOT_DEFAULT_MAX_DECOMPRESSED;
  const header = gzipHeaderLength(bytes);
  if (typeof header !== 'number') return header;
  if (bytes.length < header + 8) return codecError('truncated', 'gzip data ends before its 8-byte trailer', bytes.length);
  const bodyEnd = bytes.length - 8;

  const chunks: Uint8Array[] = [];
  let total = 0;
  let finished = false;
  const inflater = new Inflate((chunk, final) => {
    if (chunk.length > 0) {
      chunks.push(chunk);
      total += chunk.length;
    }
    if (final) finished = true;
  });
  try {
    for (let at = header; at < bodyEnd; at += INFLATE_STEP) {
      const end = Math.min(at + INFLATE_STEP, bodyEnd);
      inflater.push(bytes.subarray(at, end), end === bodyEnd);
      if (total > maxBytes) {
        return codecError('oversize', `gzip data inflates past the ${maxBytes}-byte limit (stopped at ${total})`, at);
      }
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // fflate says "unexpected EOF" when the deflate stream stops mid-block: that is a cut packet, not corruption.
    const code = /EOF/i.test(reason) ? 'truncated' : 'bad-compression';
    return codecError(code, `gzip body does not inflate: ${reason}`, header);
  }
  if (!finished) return codecError('truncated', 'gzip body ends before its last deflate block', bodyEnd);

  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  const trailer = new DataView(bytes.buffer, bytes.byteOffset + bodyEnd, 8);
  const crc = new Crc32();
  crc.update(out);
  if (trailer.getUint32(0, true) !== crc.digest()) {
    return codecError('bad-compression', 'gzip CRC-32 does not match the inflated data', bodyEnd);
  }
  if (trailer.getUint32(4, true) !== total % 2 ** 32) {
    return codecError('length-mismatch', `gzip trailer says ${trailer.getUint32(4, true)} bytes, inflated ${total}`, bodyEnd + 4);
  }
  return ok(out);
}

/** Length of the gzip member header (RFC 1952), or the error that stops reading it. */
function gzipHeaderLength(bytes: Uint8Array): number | ReturnType<typeof codecError> {
  if (bytes.length < 10) return codecError('truncated', 'gzip data is shorter than its 10-byte header', bytes.length);
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return codecError('bad-compression', 'not gzip data (magic is not 1f 8b)', 0);
  if (bytes[2] !== 8) return codecError('bad-compression', `gzip method ${bytes[2]} is not deflate`, 2);
  const flags = bytes[3]!;
  let at = 10;
  if (flags & FEXTRA) {
    if (bytes.length < at + 2) return codecError('truncated', 'gzip extra field length is cut off', at);
    at += 2 + (bytes[at]! | (bytes[at + 1]! << 8));
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (flags & flag) {
      const nul = bytes.indexOf(0, at);
      if (nul === -1) return codecError('truncated', 'gzip name or comment is not terminated', at);
      at = nul + 1;
    }
  }
  if (flags & FHCRC) at += 2;
  if (at > bytes.length) return codecError('truncated', 'gzip header runs past the end', bytes.length);
  return at;
}
