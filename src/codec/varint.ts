/**
 * Unsigned LEB128 varints limited to 31 bits: every length and channel lobbykit puts on the wire fits, and
 * staying below 2^31 keeps the arithmetic in small integers (no floats, no BigInt) on the hot path.
 */

/** Largest value a 31-bit varint carries (2^31 − 1). */
export const MAX_VARINT31 = 0x7fff_ffff;

/** Bytes `value` takes as a varint (value must be 0 ≤ value ≤ MAX_VARINT31). */
export function varintLength(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x20_0000 ? 3 : value < 0x1000_0000 ? 4 : 5;
}

/** Writes `value` at `offset` and returns the offset after it; the caller guarantees room (≤ 5 bytes). */
export function writeVarint(target: Uint8Array, offset: number, value: number): number {
  let v = value;
  while (v >= 0x80) {
    target[offset++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  target[offset++] = v;
  return offset;
}

/** Reading past the end of the input. */
export const VARINT_TRUNCATED = -1;
/** More than 31 bits, or a redundant trailing zero group (two encodings of one number would let frames differ). */
export const VARINT_INVALID = -2;

/**
 * Reads a varint at `offset`. Returns the value (≥ 0) or one of the negative VARINT_* codes; the byte length of
 * a valid varint is `varintLength(value)`, because non-minimal encodings are rejected.
 */
export function readVarint(bytes: Uint8Array, offset: number): number {
  let result = 0;
  for (let i = 0; i < 5; i++) {
    const at = offset + i;
    if (at >= bytes.length) return VARINT_TRUNCATED;
    const b = bytes[at]!;
    if (i === 4 && b > 0x07) return VARINT_INVALID;
    result |= (b & 0x7f) << (7 * i);
    if (b < 0x80) {
      if (b === 0 && i > 0) return VARINT_INVALID;
      return result >>> 0;
    }
  }
  return VARINT_INVALID;
}
