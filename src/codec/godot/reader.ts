/**
 * What the Godot 3 and Godot 4 decoders share: the options and their defaults, the bounds-checked little-endian
 * reader with the payloads both versions lay out alike (strings, NodePaths, packed numbers and vectors), and the
 * wrapper that turns a failure anywhere inside into a typed CodecError. Every count is checked against the bytes
 * that remain before anything is allocated for it, so a tiny packet announcing a huge array costs nothing.
 */
import { codecError, ok, type CodecErrorCode, type CodecResult } from '../result.js';
import { decodeGodotUtf8 } from './text.js';
import { int64FromWords, plainInt64FromWords, wordAt } from './bits.js';
import { godotToPlain } from './plain.js';
import type { GodotNodePath, GodotValue } from './value.js';
import { GODOT_FLAG_64, GODOT_SHARED_ID } from './wire.js';

export interface GodotDecodeOptions {
  /** Deepest Array/Dictionary nesting accepted (default 64): a guard against stack exhaustion. */
  readonly maxDepth?: number;
  /** Largest input accepted, in bytes (default 1 MiB, Steam's reliable-packet ceiling). */
  readonly maxBytes?: number;
  /**
   * Godot's bytes_to_var ignores bytes after the value; lobbykit reports them as 'trailing-bytes' unless this is
   * set, because in a packet they usually mean two messages glued together or a wrong format guess.
   */
  readonly allowTrailingBytes?: boolean;
}

export const GODOT_DEFAULT_MAX_DEPTH = 64;
export const GODOT_DEFAULT_MAX_BYTES = 1024 * 1024;

/** Internal control flow only: every throw of it is caught in decodeWith and returned as a CodecError. */
export class DecodeFailure extends Error {
  constructor(
    readonly code: CodecErrorCode,
    readonly detail: string,
    readonly offset: number,
  ) {
    super(detail);
  }
}

/** Reads the whole packet, as a GodotValue or (`plain`) as plain JS, under the shared limits; never throws. */
export function decodeWith(
  bytes: Uint8Array,
  options: GodotDecodeOptions | undefined | null,
  makeReader: (bytes: Uint8Array, maxDepth: number) => WireReader,
  plain: boolean,
): CodecResult<unknown> {
  if (!(bytes instanceof Uint8Array)) return codecError('bad-payload', `expected the packet as a Uint8Array, got ${String(bytes)}`);
  // `options` may be left out or null: the defaults apply.
  const maxBytes = options?.maxBytes ?? GODOT_DEFAULT_MAX_BYTES;
  if (bytes.length > maxBytes) {
    return codecError('oversize', `packet is ${bytes.length} bytes, above the ${maxBytes}-byte limit`, 0);
  }
  const reader = makeReader(bytes, options?.maxDepth ?? GODOT_DEFAULT_MAX_DEPTH);
  try {
    const value = plain ? reader.plain(0) : reader.value(0);
    if (reader.offset !== bytes.length && !options?.allowTrailingBytes) {
      return codecError('trailing-bytes', `${bytes.length - reader.offset} bytes follow the complete Godot value`, reader.offset);
    }
    return ok(value);
  } catch (error) {
    if (error instanceof DecodeFailure) return codecError(error.code, error.detail, error.offset);
    // Not reachable by design; if a bug ever gets here the game loop still gets a value, not an exception.
    return codecError('bad-payload', `internal decoder error: ${String(error)}`, reader.offset);
  }
}

/** From this packet size on, a DataView is made up front (see WireReader.view). */
const DATAVIEW_MIN_BYTES = 256;

/** Short ASCII strings (dictionary keys, message names) skip TextDecoder, whose call costs more than the text. */
const ASCII_FAST_MAX = 64;

/**
 * Header words of the types a game's messages are made of, which plain decoding reads straight into JS values
 * (the same ids in both versions but Dictionary's and Array's); every other type goes through value() and
 * godotToPlain, so both ways give the same result and the same errors.
 */
export interface PlainHeaders {
  readonly dictionary: number;
  readonly array: number;
  /** Godot 4's StringName, or -1 in Godot 3. */
  readonly stringName: number;
}

// The header words of the ids both versions share (wire.ts), as plain numbers for plain()'s comparisons.
const NIL = GODOT_SHARED_ID.Nil;
const BOOL = GODOT_SHARED_ID.bool;
const INT32 = GODOT_SHARED_ID.int;
const INT64 = GODOT_SHARED_ID.int | GODOT_FLAG_64;
const FLOAT32 = GODOT_SHARED_ID.float;
const FLOAT64 = GODOT_SHARED_ID.float | GODOT_FLAG_64;
const STRING = GODOT_SHARED_ID.String;
/** Array and Dictionary counts carry an obsolete "shared" bit that the engine masks away (both versions). */
export const SHARED_BIT = 0x80000000;

export abstract class WireReader {
  offset = 0;
  private dataView: DataView | undefined;

  constructor(
    protected readonly bytes: Uint8Array,
    protected readonly maxDepth: number,
    private readonly headers: PlainHeaders,
  ) {
    // A packet this long amortises the DataView over its many words; a shorter one is read by hand.
    if (bytes.length >= DATAVIEW_MIN_BYTES) this.dataView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /**
   * Creating a DataView costs more than reading a small packet such as the handshake, so a short packet reads its
   * words and ints by hand (bits.ts) and makes one only when it meets a float; a long one makes it up front.
   */
  protected get view(): DataView {
    return (this.dataView ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }

  /** The little-endian u32 at `at` (bounds already checked). */
  protected word(at: number): number {
    return this.dataView === undefined ? wordAt(this.bytes, at) : this.dataView.getUint32(at, true);
  }

  /** A float32 (or, when `wide`, float64) at `at`, bounds already checked. */
  protected floatAt(at: number, wide: boolean): number {
    return wide ? this.view.getFloat64(at, true) : this.view.getFloat32(at, true);
  }

  /** An int64 at `at` as a bigint, bounds already checked. */
  protected int64At(at: number): bigint {
    return int64FromWords(wordAt(this.bytes, at), wordAt(this.bytes, at + 4));
  }

  abstract value(depth: number): GodotValue;

  /**
   * The value as plain JS, exactly `godotToPlain(this.value(depth))` (see plain.ts for the mapping), without
   * building the GodotValue tree for the types messages are made of: the data plane's decode.
   */
  plain(depth: number): unknown {
    const at = this.offset;
    this.need(4, 'Variant header');
    const header = this.word(at);
    const headers = this.headers;
    if (header === STRING || header === headers.stringName) {
      this.offset += 4;
      return this.string('String');
    }
    if (header === INT32 || header === FLOAT32 || header === INT64 || header === FLOAT64) {
      const wide = header === INT64 || header === FLOAT64;
      this.offset += 4;
      this.need(wide ? 8 : 4, header === INT32 || header === INT64 ? 'int' : 'float');
      this.offset += wide ? 8 : 4;
      if (header === INT32) return this.word(at + 4) | 0;
      if (header === INT64) return plainInt64FromWords(this.word(at + 4), this.word(at + 8));
      return this.floatAt(at + 4, wide);
    }
    if (header === headers.dictionary) {
      this.offset += 4;
      return this.plainDictionary(depth, at);
    }
    if (header === headers.array) {
      this.offset += 4;
      this.enter(depth, at);
      const n = this.count('Array', 4, ~SHARED_BIT);
      const items = new Array<unknown>(n);
      for (let i = 0; i < n; i++) items[i] = this.plain(depth + 1);
      return items;
    }
    if (header === NIL) {
      this.offset += 4;
      return null;
    }
    if (header === BOOL) {
      this.offset += 4;
      return this.u32('bool') !== 0;
    }
    return godotToPlain(this.value(depth));
  }

  /** A plain object while every key is a String; at the first other key, re-read as a Map (as godotToPlain does). */
  private plainDictionary(depth: number, at: number): unknown {
    this.enter(depth, at);
    const n = this.count('Dictionary', 8, ~SHARED_BIT);
    const start = this.offset;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      this.need(4, 'Variant header');
      if (this.word(this.offset) !== STRING) {
        this.offset = start;
        const map = new Map<unknown, unknown>();
        for (let j = 0; j < n; j++) {
          const key = this.plain(depth + 1);
          map.set(key, this.plain(depth + 1));
        }
        return map;
      }
      this.offset += 4;
      const key = this.string('String');
      const item = this.plain(depth + 1);
      // A "__proto__" key from the wire must stay data, never a prototype: define it rather than assign it.
      if (key === '__proto__') Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
      else out[key] = item;
    }
    return out;
  }

  protected get remaining(): number {
    return this.bytes.length - this.offset;
  }

  protected fail(code: CodecErrorCode, detail: string, at: number = this.offset): never {
    throw new DecodeFailure(code, detail, at);
  }

  protected need(count: number, what: string): void {
    if (count > this.bytes.length - this.offset) {
      this.fail('truncated', `${what} needs ${count} bytes but only ${this.remaining} remain`);
    }
  }

  protected u32(what: string): number {
    this.need(4, what);
    const n = this.word(this.offset);
    this.offset += 4;
    return n;
  }

  protected enter(depth: number, at: number): void {
    if (depth >= this.maxDepth) this.fail('too-deep', `containers nested deeper than ${this.maxDepth}`, at);
  }

  /** A count of elements that each take at least `minElementBytes`, checked against what is left. */
  protected count(what: string, minElementBytes: number, mask = 0xffffffff): number {
    const at = this.offset;
    const n = (this.u32(what) & mask) >>> 0;
    if (n * minElementBytes > this.remaining) {
      this.fail(
        'truncated',
        `${what} announces ${n} elements (at least ${n * minElementBytes} bytes) but only ${this.remaining} bytes remain`,
        at,
      );
    }
    return n;
  }

  /** Length-prefixed UTF-8 padded to 4 bytes, cut at the first NUL like Godot's parse_utf8. */
  protected string(what: string): string {
    const at = this.offset;
    const length = this.u32(what);
    const start = this.offset;
    const padded = length + ((4 - (length % 4)) % 4);
    if (padded > this.bytes.length - start) {
      this.fail('truncated', `${what} announces ${length} bytes but only ${this.remaining} remain`, at);
    }
    const text = length <= ASCII_FAST_MAX ? this.ascii(start, length) : null;
    const decoded = text ?? decodeGodotUtf8(this.bytes.subarray(start, start + length));
    if (decoded === null) this.fail('bad-utf8', `${what} is not valid UTF-8`, start);
    this.offset += padded;
    return decoded;
  }

  /**
   * The text when every byte is ASCII (stopping at a NUL), else null for the full UTF-8 path. Eight, then four
   * characters per fromCharCode call while they are plain ASCII: a third cheaper than one call per character.
   */
  private ascii(start: number, length: number): string | null {
    const b = this.bytes;
    const end = start + length;
    const chars = String.fromCharCode;
    let text = '';
    let i = start;
    for (; i + 8 <= end; i += 8) {
      const c0 = b[i]!, c1 = b[i + 1]!, c2 = b[i + 2]!, c3 = b[i + 3]!, c4 = b[i + 4]!, c5 = b[i + 5]!, c6 = b[i + 6]!, c7 = b[i + 7]!;
      if ((c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) >= 0x80 || !(c0 && c1 && c2 && c3 && c4 && c5 && c6 && c7)) break;
      text += chars(c0, c1, c2, c3, c4, c5, c6, c7);
    }
    if (i + 4 <= end) {
      const c0 = b[i]!, c1 = b[i + 1]!, c2 = b[i + 2]!, c3 = b[i + 3]!;
      if ((c0 | c1 | c2 | c3) < 0x80 && c0 && c1 && c2 && c3) {
        text += chars(c0, c1, c2, c3);
        i += 4;
      }
    }
    for (; i < end; i++) {
      const c = b[i]!;
      if (c === 0) return text;
      if (c >= 0x80) return null;
      text += chars(c);
    }
    return text;
  }

  /** `count` floats of 32 or 64 bits. */
  protected floats(count: number, wide: boolean, what: string): number[] {
    const size = wide ? 8 : 4;
    this.need(count * size, what);
    const out = new Array<number>(count);
    let at = this.offset;
    for (let i = 0; i < count; i++, at += size) out[i] = this.floatAt(at, wide);
    this.offset = at;
    return out;
  }

  /** `count` int32 components (Godot 4's Vector2i and friends). */
  protected int32s(count: number, what: string): number[] {
    this.need(count * 4, what);
    const out = new Array<number>(count);
    for (let i = 0; i < count; i++) out[i] = this.word(this.offset + 4 * i) | 0;
    this.offset += count * 4;
    return out;
  }

  protected nodePath(at: number, newFormatBit: number): GodotNodePath {
    const first = this.u32('NodePath name count');
    if ((first & newFormatBit) === 0) {
      this.fail('bad-payload', 'NodePath in the pre-3.0 format, which Godot no longer reads', at);
    }
    const nameCount = (first & ~newFormatBit) >>> 0;
    let subnameCount = this.u32('NodePath subname count');
    const pathFlags = this.u32('NodePath flags');
    // Bit 1 marks an obsolete layout with the property stored as one extra subname; the engine counts it in.
    if (pathFlags & 2) subnameCount += 1;
    if ((nameCount + subnameCount) * 4 > this.remaining) {
      this.fail('truncated', `NodePath announces ${nameCount + subnameCount} names past the end`, at);
    }
    const names: string[] = [];
    for (let i = 0; i < nameCount; i++) names.push(this.string('NodePath name'));
    const subnames: string[] = [];
    for (let i = 0; i < subnameCount; i++) subnames.push(this.string('NodePath subname'));
    return { absolute: (pathFlags & 1) !== 0, names, subnames };
  }

  /** A byte array padded to 4, copied out: the caller's packet buffer is often reused for the next read. */
  protected byteArray(what: string): Uint8Array {
    const n = this.count(what, 1);
    const padded = n + ((4 - (n % 4)) % 4);
    this.need(padded, what);
    // Uint8Array's own slice, never Buffer#slice (a view).
    const value = Uint8Array.prototype.slice.call(this.bytes, this.offset, this.offset + n);
    this.offset += padded;
    return value;
  }

  protected int32Array(what: string): Int32Array {
    const n = this.count(what, 4);
    const value = new Int32Array(n);
    for (let i = 0; i < n; i++) value[i] = this.word(this.offset + 4 * i) | 0;
    this.offset += 4 * n;
    return value;
  }

  protected int64Array(what: string): BigInt64Array {
    const n = this.count(what, 8);
    const value = new BigInt64Array(n);
    const view = this.view;
    for (let i = 0; i < n; i++) value[i] = view.getBigInt64(this.offset + 8 * i, true);
    this.offset += 8 * n;
    return value;
  }

  protected float32Array(what: string): Float32Array {
    const n = this.count(what, 4);
    const value = new Float32Array(n);
    const view = this.view;
    for (let i = 0; i < n; i++) value[i] = view.getFloat32(this.offset + 4 * i, true);
    this.offset += 4 * n;
    return value;
  }

  protected float64Array(what: string): Float64Array {
    const n = this.count(what, 8);
    const value = new Float64Array(n);
    const view = this.view;
    for (let i = 0; i < n; i++) value[i] = view.getFloat64(this.offset + 8 * i, true);
    this.offset += 8 * n;
    return value;
  }

  protected stringArray(what: string): string[] {
    const n = this.count(what, 4);
    const value: string[] = [];
    for (let i = 0; i < n; i++) value.push(this.string(what));
    return value;
  }

  /** An array of float vectors, `width` components of 32 or 64 bits each. */
  protected vectorArray(width: number, wide: boolean, what: string): number[][] {
    const n = this.count(what, width * (wide ? 8 : 4));
    const items = new Array<number[]>(n);
    for (let i = 0; i < n; i++) items[i] = this.floats(width, wide, what);
    return items;
  }
}
