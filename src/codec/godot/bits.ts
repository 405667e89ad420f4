/**
 * Words and 64-bit ints from their little-endian bytes, by hand: creating a DataView costs more than reading a
 * small packet such as the tutorial's handshake (a Steam id and two strings), so the decoders read ints straight
 * from the Uint8Array and make a DataView only for floats.
 */

const TWO_POW_32 = 4294967296;

/** The u32 at `at` (the caller has checked that four bytes are there). */
export function wordAt(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/** The signed 64-bit int whose low and high words are these. */
export function int64FromWords(low: number, high: number): bigint {
  return (BigInt(high | 0) << 32n) | BigInt(low);
}

/** The same int as a number when it is a safe integer (what godotToPlain gives), else as a bigint. */
export function plainInt64FromWords(low: number, high: number): number | bigint {
  const signedHigh = high | 0;
  // Within ±2^21 high words the double sum is exact; outside it the value is beyond 2^53 anyway.
  if (signedHigh >= -0x200000 && signedHigh < 0x200000) {
    const n = signedHigh * TWO_POW_32 + low;
    if (Number.isSafeInteger(n)) return n;
  }
  return int64FromWords(low, high);
}
