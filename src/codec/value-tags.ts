/**
 * The wire format of lobbykit's default payload codec, a compact self-describing binary form of plain JS values
 * (value-encoder.ts writes it, value-decoder.ts reads it; docs/benchmarks.md has the measurements
 * against msgpackr and JSON).
 *
 * What makes it small on game messages:
 * - integers are 1 byte up to 127 and varints above; non-integers that are multiples of 1/256 below 2^21 are
 *   "scaled" (2–4 bytes), others float32 whenever that is exact, else float64;
 * - an object's key list ("shape") is written once per packet and later objects with the same keys refer to it
 *   by index (1 byte for the first 16 shapes) — an 8-player state update spells `x`, `y`, `hp` once, not 8 times.
 *   Shapes live only inside one packet, so packets decode alone (unreliable packets can be lost or reordered).
 *
 * Round-trips exactly: null, undefined, booleans, numbers (−0, NaN, ±Infinity included), bigint, strings,
 * Uint8Array, arrays, plain objects (string keys, order kept) and Map (any key types, order kept).
 *
 * Tags (first byte of every value):
 *   0x00–0x7F int 0..127 · 0x80–0x9F string of 0..31 UTF-8 bytes · 0xA0–0xAF array of 0..15 items ·
 *   0xB0–0xBF int −1..−16 · 0xC0 null · 0xC1 undefined · 0xC2 false · 0xC3 true · 0xC4 float32 · 0xC5 float64 ·
 *   0xC6 uint varint · 0xC7 negative int varint (−1 − n) · 0xC8 bigint varint · 0xC9 negative bigint varint ·
 *   0xCA bigint u64 (8 bytes LE) · 0xCB string (varint length) · 0xCC array (varint count) · 0xCD bytes ·
 *   0xCE object with a new shape (varint key count, keys as strings, values) · 0xCF object of shape n (varint) ·
 *   0xD0–0xDF object of shape 0..15 · 0xE0 Map (varint count, key, value …) ·
 *   0xE8–0xEF scaled number m / 2^k and 0xF0–0xF7 its negative, k = 1..8 from the tag, m a varint (2–4 bytes
 *   for 5.75, −0.5, 12.125: the half-, quarter- and eighth-unit values games snap positions to) ·
 *   0xE1–0xE7, 0xF8–0xFF unknown.
 */
export const T_STR0 = 0x80;
export const T_ARR0 = 0xa0;
export const T_NEG1 = 0xb0;
export const T_NULL = 0xc0;
export const T_UNDEFINED = 0xc1;
export const T_FALSE = 0xc2;
export const T_TRUE = 0xc3;
export const T_F32 = 0xc4;
export const T_F64 = 0xc5;
export const T_UINT = 0xc6;
export const T_NINT = 0xc7;
export const T_BIGINT = 0xc8;
export const T_NBIGINT = 0xc9;
export const T_BIGU64 = 0xca;
export const T_STR = 0xcb;
export const T_ARR = 0xcc;
export const T_BYTES = 0xcd;
export const T_OBJ_NEW = 0xce;
export const T_OBJ_REF = 0xcf;
export const T_OBJ_REF0 = 0xd0;
export const T_MAP = 0xe0;
export const T_SCALED1 = 0xe8;
export const T_NSCALED1 = 0xf0;
export const T_NSCALED8 = 0xf7;
/** Scaled numbers are used only when they beat float32 (5 bytes): a mantissa below 2^21 takes ≤ 3 varint bytes. */
export const MAX_SCALED_MANTISSA = 1 << 21;

/** Default nesting limit for both directions: deep enough for any game message, far from the JS stack limit. */
export const DEFAULT_MAX_DEPTH = 64;
/** Bigints up to 1024 bits: Steam ids need 64; the cap keeps a hostile packet from costing quadratic time. */
export const MAX_BIGINT_VARINT_BYTES = 147;
/** Shapes remembered across packets; hostile key sets beyond this are written out in full instead. */
export const MAX_SHAPE_NODES = 4096;
/**
 * Objects with more keys are one-off shapes, never remembered: each trie node keeps its whole key path, so long
 * key lists would cost quadratic memory — and objects that big are dictionaries, not message records.
 */
export const MAX_SHAPE_KEYS = 32;

export const TWO_POW_56 = 1n << 56n;
export const TWO_POW_64 = 1n << 64n;
export const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
