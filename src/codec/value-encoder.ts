/**
 * Writes plain JS values in the value-codec format (value-tags.ts) into a reused ByteWriter: numbers in their
 * shortest exact form, strings as UTF-8, bigints, arrays, bytes, maps, and objects by shape. One encoder per
 * PacketCodec: it remembers object shapes between packets (value-shapes.ts) so that steady message streams re-use
 * cached shape definitions and compiled per-shape writers.
 */
import { ByteWriter, WriteLimitExceeded } from './byte-writer.js';
import { codecError, type CodecError, type CodecErrorCode } from './result.js';
import {
  T_STR0,
  T_ARR0,
  T_NEG1,
  T_NULL,
  T_UNDEFINED,
  T_FALSE,
  T_TRUE,
  T_F32,
  T_F64,
  T_UINT,
  T_NINT,
  T_BIGINT,
  T_NBIGINT,
  T_BIGU64,
  T_STR,
  T_ARR,
  T_BYTES,
  T_OBJ_NEW,
  T_OBJ_REF,
  T_OBJ_REF0,
  T_MAP,
  T_SCALED1,
  T_NSCALED1,
  MAX_SCALED_MANTISSA,
  DEFAULT_MAX_DEPTH,
  MAX_BIGINT_VARINT_BYTES,
  TWO_POW_56,
  TWO_POW_64,
  MAX_SAFE_BIG,
} from './value-tags.js';
import { ShapeTrie, compiledWriters, type ShapeNode } from './value-shapes.js';

export class EncodeFailure {
  constructor(
    readonly code: CodecErrorCode,
    readonly detail: string,
  ) {}
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** UTF-8 byte length, or −1 when the string holds a lone surrogate (which UTF-8 cannot carry losslessly). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return -1;
      i++;
      n += 4;
    } else if (c >= 0xdc00 && c <= 0xdfff) return -1;
    else n += 3;
  }
  return n;
}

/** Writes values into a ByteWriter. One instance per PacketCodec; it remembers shapes between packets. */
export class ValueEncoder {
  private readonly shapes = new ShapeTrie();
  private generation = 0;
  private nextShape = 0;
  private depth = 0;
  private w: ByteWriter = new ByteWriter(0);
  private readonly writers = compiledWriters();

  constructor(private readonly maxDepth = DEFAULT_MAX_DEPTH) {}

  /** Appends `value` to `writer`; throws EncodeFailure or WriteLimitExceeded (callers catch both). */
  write(writer: ByteWriter, value: unknown): void {
    this.w = writer;
    this.generation++;
    this.nextShape = 0;
    this.depth = 0;
    this.value(value);
  }

  private value(v: unknown): void {
    const w = this.w;
    switch (typeof v) {
      case 'number':
        this.number(v);
        return;
      case 'string':
        this.string(v);
        return;
      case 'boolean':
        w.ensure(1);
        w.buf[w.pos++] = v ? T_TRUE : T_FALSE;
        return;
      case 'undefined':
        w.ensure(1);
        w.buf[w.pos++] = T_UNDEFINED;
        return;
      case 'bigint':
        this.bigint(v);
        return;
      case 'object':
        if (v === null) {
          w.ensure(1);
          w.buf[w.pos++] = T_NULL;
          return;
        }
        if (++this.depth > this.maxDepth) throw new EncodeFailure('too-deep', `value nests deeper than ${this.maxDepth} levels (a cycle?)`);
        // Plain objects first: they are most of a game message, and one prototype load settles them.
        if (Object.getPrototypeOf(v) === Object.prototype) this.object(v as Record<string, unknown>);
        else if (Array.isArray(v)) this.array(v);
        else if (v instanceof Uint8Array) this.bytes(v);
        else if (v instanceof Map) this.map(v);
        else if (isPlainObject(v)) this.object(v);
        else {
          const name = (v as { constructor?: { name?: string } }).constructor?.name ?? 'object';
          throw new EncodeFailure('unencodable', `${name} is not a plain value (use a plain object, array, Map or Uint8Array)`);
        }
        this.depth--;
        return;
      default:
        throw new EncodeFailure('unencodable', `a ${typeof v} cannot be sent`);
    }
  }

  private number(v: number): void {
    const w = this.w;
    w.ensure(9);
    if (Number.isInteger(v) && (v !== 0 || 1 / v > 0)) {
      if (v >= 0) {
        if (v < 0x80) {
          w.buf[w.pos++] = v;
          return;
        }
        if (v <= Number.MAX_SAFE_INTEGER) {
          w.buf[w.pos++] = T_UINT;
          this.uvarint(v);
          return;
        }
      } else if (v >= -16) {
        w.buf[w.pos++] = T_NEG1 + (-1 - v);
        return;
      } else if (v >= -Number.MAX_SAFE_INTEGER) {
        w.buf[w.pos++] = T_NINT;
        this.uvarint(-1 - v);
        return;
      }
    }
    const magnitude = v < 0 ? -v : v;
    if (magnitude > 0 && magnitude < MAX_SCALED_MANTISSA) {
      // |v|·256 is exact (a power of two); if it is an integer, its trailing zero bits say the smallest k with
      // |v|·2^k an integer, and the decoder's m / 2^k gives v back exactly. |v|·256 < 2^29 fits int32 bit tricks.
      const m256 = magnitude * 256;
      if (Number.isInteger(m256)) {
        const zeros = 31 - Math.clz32(m256 & -m256);
        const m = m256 >>> zeros;
        if (m < MAX_SCALED_MANTISSA) {
          w.buf[w.pos++] = (v < 0 ? T_NSCALED1 : T_SCALED1) + 7 - zeros;
          this.uvarint(m);
          return;
        }
      }
    }
    if (Object.is(Math.fround(v), v)) {
      w.buf[w.pos++] = T_F32;
      w.view.setFloat32(w.pos, v, true);
      w.pos += 4;
    } else {
      w.buf[w.pos++] = T_F64;
      w.view.setFloat64(w.pos, v, true);
      w.pos += 8;
    }
  }

  /** Varint of a safe non-negative integer (up to 8 bytes); room is ensured by the caller. */
  private uvarint(v: number): void {
    const w = this.w;
    const buf = w.buf;
    let pos = w.pos;
    if (v < 0x8000_0000) {
      while (v >= 0x80) {
        buf[pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
    } else {
      while (v >= 0x80) {
        buf[pos++] = (v % 0x80) | 0x80;
        v = Math.floor(v / 0x80);
      }
    }
    buf[pos++] = v;
    w.pos = pos;
  }

  private bigint(v: bigint): void {
    const w = this.w;
    if (v >= TWO_POW_56 && v < TWO_POW_64) {
      // Steam ids live here: 8 fixed bytes beat a 9-byte varint.
      w.ensure(9);
      w.buf[w.pos++] = T_BIGU64;
      w.view.setBigUint64(w.pos, v, true);
      w.pos += 8;
      return;
    }
    const negative = v < 0n;
    let m = negative ? -1n - v : v;
    if (m <= MAX_SAFE_BIG) {
      w.ensure(9);
      w.buf[w.pos++] = negative ? T_NBIGINT : T_BIGINT;
      this.uvarint(Number(m));
      return;
    }
    w.ensure(1 + MAX_BIGINT_VARINT_BYTES);
    w.buf[w.pos++] = negative ? T_NBIGINT : T_BIGINT;
    const start = w.pos;
    while (m >= 0x80n) {
      w.buf[w.pos++] = Number(m & 0x7fn) | 0x80;
      m >>= 7n;
      if (w.pos - start >= MAX_BIGINT_VARINT_BYTES) throw new EncodeFailure('unencodable', 'bigint wider than 1024 bits');
    }
    w.buf[w.pos++] = Number(m);
  }

  private string(s: string): void {
    const w = this.w;
    const n = utf8Length(s);
    if (n < 0) throw new EncodeFailure('unencodable', 'string holds a lone UTF-16 surrogate, which UTF-8 cannot carry');
    w.ensure(n + 9);
    if (n < 32) w.buf[w.pos++] = T_STR0 + n;
    else {
      w.buf[w.pos++] = T_STR;
      this.uvarint(n);
    }
    const buf = w.buf;
    let pos = w.pos;
    if (n === s.length) {
      for (let i = 0; i < n; i++) buf[pos++] = s.charCodeAt(i);
    } else {
      for (let i = 0; i < s.length; i++) {
        let c = s.charCodeAt(i);
        if (c < 0x80) buf[pos++] = c;
        else if (c < 0x800) {
          buf[pos++] = 0xc0 | (c >> 6);
          buf[pos++] = 0x80 | (c & 0x3f);
        } else if (c >= 0xd800 && c <= 0xdbff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
          buf[pos++] = 0xf0 | (c >> 18);
          buf[pos++] = 0x80 | ((c >> 12) & 0x3f);
          buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
          buf[pos++] = 0x80 | (c & 0x3f);
        } else {
          buf[pos++] = 0xe0 | (c >> 12);
          buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
          buf[pos++] = 0x80 | (c & 0x3f);
        }
      }
    }
    w.pos = pos;
  }

  private array(a: readonly unknown[]): void {
    const w = this.w;
    const n = a.length;
    if (n < 16) {
      w.ensure(1);
      w.buf[w.pos++] = T_ARR0 + n;
    } else {
      w.ensure(9);
      w.buf[w.pos++] = T_ARR;
      this.uvarint(n);
    }
    for (let i = 0; i < n; i++) this.value(a[i]);
  }

  private bytes(b: Uint8Array): void {
    const w = this.w;
    w.ensure(9 + b.length);
    w.buf[w.pos++] = T_BYTES;
    this.uvarint(b.length);
    w.buf.set(b, w.pos);
    w.pos += b.length;
  }

  private map(m: ReadonlyMap<unknown, unknown>): void {
    const w = this.w;
    w.ensure(9);
    w.buf[w.pos++] = T_MAP;
    this.uvarint(m.size);
    for (const [k, v] of m) {
      this.value(k);
      this.value(v);
    }
  }

  private object(o: Record<string, unknown>): void {
    const node = this.shapes.shapeOf(o);
    if (node !== undefined) {
      this.objectOfShape(o, node);
      return;
    }
    // Past the trie's caps: a one-off shape, written in full and never referred to.
    const keys = Object.keys(o);
    const w = this.w;
    w.ensure(9);
    this.nextShape++;
    w.buf[w.pos++] = T_OBJ_NEW;
    this.uvarint(keys.length);
    for (let k = 0; k < keys.length; k++) this.string(keys[k]!);
    for (let k = 0; k < keys.length; k++) this.value(o[keys[k]!]);
  }

  private objectOfShape(o: Record<string, unknown>, node: ShapeNode): void {
    const keys = node.keys;
    const w = this.w;
    w.ensure(9);
    if (node.generation === this.generation) {
      const index = node.index;
      if (index < 16) w.buf[w.pos++] = T_OBJ_REF0 + index;
      else {
        w.buf[w.pos++] = T_OBJ_REF;
        this.uvarint(index);
      }
    } else {
      node.generation = this.generation;
      node.index = this.nextShape++;
      w.buf[w.pos++] = T_OBJ_NEW;
      const definition = node.definition;
      if (definition !== undefined) {
        w.ensure(definition.length);
        const buf = w.buf;
        let pos = w.pos;
        for (let i = 0; i < definition.length; i++) buf[pos++] = definition[i]!;
        w.pos = pos;
      } else {
        const start = w.pos;
        this.uvarint(keys.length);
        for (let i = 0; i < keys.length; i++) this.string(keys[i]!);
        node.definition = w.buf.slice(start, w.pos);
      }
    }
    if (node.writer === undefined && ++node.uses === 2) node.writer = this.writers.for(keys);
    if (node.writer !== undefined) node.writer(this, o);
    else for (let i = 0; i < keys.length; i++) this.value(o[keys[i]!]);
  }

  /** Writes one value; public only for compiled shape writers. */
  next(v: unknown): void {
    this.value(v);
  }
}

/** Turns an encoder's internal throw into a typed result. */
export function encodeFailureToError(e: unknown): CodecError {
  if (e instanceof EncodeFailure) return codecError(e.code, e.detail);
  if (e instanceof WriteLimitExceeded) return codecError('too-large-to-send', `encoded value passes ${e.attempted} bytes`);
  if (e instanceof RangeError) return codecError('too-deep', `value nests too deeply to encode: ${e.message}`);
  return codecError('unencodable', e instanceof Error ? e.message : String(e));
}
