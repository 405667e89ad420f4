import { codecError, ok, type CodecErrorCode, type CodecResult } from '../result.js';
import { decodeGodotUtf8 } from './text.js';
import {
  GODOT_FLOAT_TUPLE_LENGTH,
  GODOT_VECTOR_POOL_WIDTH,
  isFloatTupleType,
  isVectorPoolType,
  type GodotDictionaryEntry,
  type GodotValue,
} from './value.js';
import {
  GODOT3_FLAG_64,
  GODOT3_NODEPATH_NEW_FORMAT,
  GODOT3_OBJECT_ID,
  GODOT3_RID_ID,
  GODOT3_SHARED_BIT,
  GODOT3_TYPE_BY_ID,
  GODOT3_TYPE_MASK,
} from './wire3.js';

export interface GodotDecodeOptions {
  /** Deepest Array/Dictionary nesting accepted (default 64): a guard against stack exhaustion. */
  readonly maxDepth?: number;
  /** Largest input accepted, in bytes (default 1 MiB, Steam's reliable-packet ceiling). */
  readonly maxBytes?: number;
  /**
   * Godot's bytes2var ignores bytes after the value; lobbykit reports them as 'trailing-bytes' unless this is
   * set, because in a packet they usually mean two messages glued together or a wrong format guess.
   */
  readonly allowTrailingBytes?: boolean;
}

export const GODOT_DEFAULT_MAX_DEPTH = 64;
export const GODOT_DEFAULT_MAX_BYTES = 1024 * 1024;

/** Internal control flow only: every throw of it is caught in decodeGodot3 and returned as a CodecError. */
class DecodeFailure extends Error {
  constructor(
    readonly code: CodecErrorCode,
    readonly detail: string,
    readonly offset: number,
  ) {
    super(detail);
  }
}

/**
 * Godot 3's `bytes2var(bytes)` (objects not allowed). Never throws. Refuses Object and RID, caps nesting, and
 * checks every announced count against the bytes that remain before allocating anything for it, so a tiny packet
 * announcing a huge array costs nothing.
 */
export function decodeGodot3(bytes: Uint8Array, options: GodotDecodeOptions = {}): CodecResult<GodotValue> {
  const maxBytes = options.maxBytes ?? GODOT_DEFAULT_MAX_BYTES;
  if (bytes.length > maxBytes) {
    return codecError('oversize', `packet is ${bytes.length} bytes, above the ${maxBytes}-byte limit`, 0);
  }
  const reader = new VariantReader(bytes, options.maxDepth ?? GODOT_DEFAULT_MAX_DEPTH);
  try {
    const value = reader.value(0);
    if (reader.offset !== bytes.length && !options.allowTrailingBytes) {
      return codecError(
        'trailing-bytes',
        `${bytes.length - reader.offset} bytes follow the complete Godot value`,
        reader.offset,
      );
    }
    return ok(value);
  } catch (error) {
    if (error instanceof DecodeFailure) return codecError(error.code, error.detail, error.offset);
    // Not reachable by design; if a bug ever gets here the game loop still gets a value, not an exception.
    return codecError('bad-payload', `internal decoder error: ${String(error)}`, reader.offset);
  }
}

class VariantReader {
  offset = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly maxDepth: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(count: number, what: string): void {
    if (count > this.remaining) {
      throw new DecodeFailure(
        'truncated',
        `${what} needs ${count} bytes but only ${this.remaining} remain`,
        this.offset,
      );
    }
  }

  private u32(what: string): number {
    this.need(4, what);
    const n = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return n;
  }

  private f32(what: string): number {
    this.need(4, what);
    const n = this.view.getFloat32(this.offset, true);
    this.offset += 4;
    return n;
  }

  /** A count of elements that each take at least `minElementBytes`, checked against what is left. */
  private count(what: string, minElementBytes: number, mask = 0xffffffff): number {
    const at = this.offset;
    const n = (this.u32(`${what} length`) & mask) >>> 0;
    if (n * minElementBytes > this.remaining) {
      throw new DecodeFailure(
        'truncated',
        `${what} announces ${n} elements (at least ${n * minElementBytes} bytes) but only ${this.remaining} bytes remain`,
        at,
      );
    }
    return n;
  }

  /** Length-prefixed UTF-8 padded to 4 bytes; a pool string's length includes its NUL, where the text stops. */
  private string(what: string): string {
    const length = this.u32(`${what} length`);
    const start = this.offset;
    const padded = length + ((4 - (length % 4)) % 4);
    this.need(padded, what);
    const text = decodeGodotUtf8(this.bytes.subarray(start, start + length));
    if (text === null) throw new DecodeFailure('bad-utf8', `${what} is not valid UTF-8`, start);
    this.offset += padded;
    return text;
  }

  private floats(count: number, what: string): number[] {
    const out = new Array<number>(count);
    for (let i = 0; i < count; i++) out[i] = this.f32(what);
    return out;
  }

  value(depth: number): GodotValue {
    const at = this.offset;
    const headerWord = this.u32('Variant header');
    const id = headerWord & GODOT3_TYPE_MASK;
    const flags = headerWord & ~GODOT3_TYPE_MASK;
    if (id === GODOT3_OBJECT_ID) {
      throw new DecodeFailure('bad-payload', 'Godot Object values are refused: they can carry scripts', at);
    }
    if (id === GODOT3_RID_ID) {
      throw new DecodeFailure('bad-payload', 'Godot RID values are refused: they mean nothing outside their process', at);
    }
    const type = GODOT3_TYPE_BY_ID.get(id);
    if (type === undefined) throw new DecodeFailure('unknown-type', `unknown Godot 3 type id ${id}`, at);
    const wide = flags === GODOT3_FLAG_64 && (type === 'int' || type === 'float');
    if (flags !== 0 && !wide) {
      throw new DecodeFailure(
        'unknown-type',
        `header 0x${headerWord.toString(16)} sets flag bits Godot 3 never writes for ${type}`,
        at,
      );
    }

    if (isFloatTupleType(type)) {
      const components = this.floats(GODOT_FLOAT_TUPLE_LENGTH[type], type);
      // The table fixes the length per type, which is what the tuple types promise.
      return { type, value: components } as unknown as GodotValue;
    }
    if (isVectorPoolType(type)) {
      const width = GODOT_VECTOR_POOL_WIDTH[type];
      const n = this.count(type, 4 * width);
      const items = new Array<readonly number[]>(n);
      for (let i = 0; i < n; i++) items[i] = this.floats(width, type);
      return { type, value: items } as unknown as GodotValue;
    }

    switch (type) {
      case 'Nil':
        return { type };
      case 'bool':
        // Godot reads any non-zero word as true.
        return { type, value: this.u32('bool') !== 0 };
      case 'int': {
        this.need(wide ? 8 : 4, 'int');
        const value = wide
          ? this.view.getBigInt64(this.offset, true)
          : BigInt(this.view.getInt32(this.offset, true));
        this.offset += wide ? 8 : 4;
        return { type, value, bits: wide ? 64 : 32 };
      }
      case 'float': {
        this.need(wide ? 8 : 4, 'float');
        const value = wide ? this.view.getFloat64(this.offset, true) : this.view.getFloat32(this.offset, true);
        this.offset += wide ? 8 : 4;
        return { type, value, bits: wide ? 64 : 32 };
      }
      case 'String':
        return { type, value: this.string('String') };
      case 'NodePath': {
        const first = this.u32('NodePath name count');
        if ((first & GODOT3_NODEPATH_NEW_FORMAT) === 0) {
          throw new DecodeFailure('bad-payload', 'NodePath in the pre-3.0 format, which Godot 3.2 no longer reads', at);
        }
        const nameCount = first & ~GODOT3_NODEPATH_NEW_FORMAT;
        let subnameCount = this.u32('NodePath subname count');
        const pathFlags = this.u32('NodePath flags');
        // Bit 1 marks an obsolete layout with the property stored as one extra subname; the engine counts it in.
        if (pathFlags & 2) subnameCount += 1;
        if ((nameCount + subnameCount) * 4 > this.remaining) {
          throw new DecodeFailure('truncated', `NodePath announces ${nameCount + subnameCount} names past the end`, at);
        }
        const names: string[] = [];
        for (let i = 0; i < nameCount; i++) names.push(this.string('NodePath name'));
        const subnames: string[] = [];
        for (let i = 0; i < subnameCount; i++) subnames.push(this.string('NodePath subname'));
        return { type, value: { absolute: (pathFlags & 1) !== 0, names, subnames } };
      }
      case 'Dictionary': {
        this.enter(depth, at);
        const n = this.count('Dictionary', 8, ~GODOT3_SHARED_BIT);
        const entries = new Array<GodotDictionaryEntry>(n);
        for (let i = 0; i < n; i++) {
          const key = this.value(depth + 1);
          entries[i] = [key, this.value(depth + 1)];
        }
        return { type, value: entries };
      }
      case 'Array': {
        this.enter(depth, at);
        const n = this.count('Array', 4, ~GODOT3_SHARED_BIT);
        const items = new Array<GodotValue>(n);
        for (let i = 0; i < n; i++) items[i] = this.value(depth + 1);
        return { type, value: items };
      }
      case 'PoolByteArray': {
        const n = this.count(type, 1);
        const padded = n + ((4 - (n % 4)) % 4);
        this.need(padded, type);
        // A copy, never a view: the caller's packet buffer is often reused for the next read. (Buffer#slice is a view.)
        const value = Uint8Array.prototype.slice.call(this.bytes, this.offset, this.offset + n);
        this.offset += padded;
        return { type, value };
      }
      case 'PoolIntArray': {
        const n = this.count(type, 4);
        const value = new Int32Array(n);
        for (let i = 0; i < n; i++) value[i] = this.view.getInt32(this.offset + 4 * i, true);
        this.offset += 4 * n;
        return { type, value };
      }
      case 'PoolRealArray': {
        const n = this.count(type, 4);
        const value = new Float32Array(n);
        for (let i = 0; i < n; i++) value[i] = this.view.getFloat32(this.offset + 4 * i, true);
        this.offset += 4 * n;
        return { type, value };
      }
      case 'PoolStringArray': {
        const n = this.count(type, 4);
        const value: string[] = [];
        for (let i = 0; i < n; i++) value.push(this.string('PoolStringArray element'));
        return { type, value };
      }
      default:
        // Every id in GODOT3_TYPE_BY_ID is handled above; this keeps the switch honest if one is added.
        throw new DecodeFailure('unknown-type', `Godot 3 type ${type} has no decoder`, at);
    }
  }

  private enter(depth: number, at: number): void {
    if (depth >= this.maxDepth) {
      throw new DecodeFailure('too-deep', `containers nested deeper than ${this.maxDepth}`, at);
    }
  }
}
