/**
 * lobbykit's default payload codec: a compact, self-describing binary form of plain JS values, written by hand
 * into a reused buffer (see the README's "Why this serializer" for the measurements against msgpackr and JSON).
 *
 * What makes it small on game messages:
 * - integers are 1 byte up to 127 and varints above; non-integers are float32 whenever that is exact, else float64;
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
import { ByteWriter, WriteLimitExceeded } from './byte-writer.js';
import { codecError, ok, type CodecError, type CodecErrorCode, type CodecResult } from './result.js';

const T_STR0 = 0x80;
const T_ARR0 = 0xa0;
const T_NEG1 = 0xb0;
const T_NULL = 0xc0;
const T_UNDEFINED = 0xc1;
const T_FALSE = 0xc2;
const T_TRUE = 0xc3;
const T_F32 = 0xc4;
const T_F64 = 0xc5;
const T_UINT = 0xc6;
const T_NINT = 0xc7;
const T_BIGINT = 0xc8;
const T_NBIGINT = 0xc9;
const T_BIGU64 = 0xca;
const T_STR = 0xcb;
const T_ARR = 0xcc;
const T_BYTES = 0xcd;
const T_OBJ_NEW = 0xce;
const T_OBJ_REF = 0xcf;
const T_OBJ_REF0 = 0xd0;
const T_MAP = 0xe0;
const T_SCALED1 = 0xe8;
const T_NSCALED1 = 0xf0;
const T_NSCALED8 = 0xf7;
/** Scaled numbers are used only when they beat float32 (5 bytes): a mantissa below 2^21 takes ≤ 3 varint bytes. */
const MAX_SCALED_MANTISSA = 1 << 21;

/** Default nesting limit for both directions: deep enough for any game message, far from the JS stack limit. */
export const DEFAULT_MAX_DEPTH = 64;
/** Bigints up to 1024 bits: Steam ids need 64; the cap keeps a hostile packet from costing quadratic time. */
const MAX_BIGINT_VARINT_BYTES = 147;
/** Shapes remembered across packets; hostile key sets beyond this are written out in full instead. */
const MAX_SHAPE_NODES = 4096;
/**
 * Objects with more keys are one-off shapes, never remembered: each trie node keeps its whole key path, so long
 * key lists would cost quadratic memory — and objects that big are dictionaries, not message records.
 */
const MAX_SHAPE_KEYS = 32;

const TWO_POW_56 = 1n << 56n;
const TWO_POW_64 = 1n << 64n;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

class EncodeFailure {
  constructor(
    readonly code: CodecErrorCode,
    readonly detail: string,
  ) {}
}

/** A node in the trie of key sequences; `generation` says whether it has an index in the current packet. */
interface ShapeNode {
  readonly children: Map<string, ShapeNode>;
  /** The key sequence from the root to here, kept so encoding an object allocates no key array. */
  readonly keys: readonly string[];
  generation: number;
  index: number;
  /** The definition's bytes (key count and keys) once written, copied instead of re-encoding the keys. */
  definition: Uint8Array | undefined;
  /** Objects of this shape written so far; the second one gets a compiled writer. */
  uses: number;
  writer: ShapeWriter | undefined;
}

/** Writes an object's values in its shape's key order. */
type ShapeWriter = (e: ValueEncoder, o: Record<string, unknown>) => void;

function newShapeNode(keys: readonly string[]): ShapeNode {
  return { children: new Map(), keys, generation: 0, index: 0, definition: undefined, uses: 0, writer: undefined };
}

/** Compiled writers per process, bounded like the readers. */
const MAX_COMPILED_WRITERS = 512;
let compiledWriters = 0;

/**
 * Constant-key property loads (`o["x"]`) for a shape, so V8 reads each field through a monomorphic inline cache
 * instead of a keyed lookup per value. Keys go in as JSON string literals, valid JS string literals.
 */
function compileWriter(keys: readonly string[]): ShapeWriter | undefined {
  if (compiledWriters >= MAX_COMPILED_WRITERS || keys.includes('__proto__')) return undefined;
  compiledWriters++;
  const body = keys.map((k) => `e.next(o[${JSON.stringify(k)}]);`).join('\n');
  return new Function('e', 'o', body) as ShapeWriter;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** UTF-8 byte length, or −1 when the string holds a lone surrogate (which UTF-8 cannot carry losslessly). */
function utf8Length(s: string): number {
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
  private readonly root = newShapeNode([]);
  /** The shape of the last object written (any packet); starts as the empty shape. */
  private lastShape: ShapeNode = this.root;
  private shapeNodes = 0;
  private generation = 0;
  private nextShape = 0;
  private depth = 0;
  private w: ByteWriter = new ByteWriter(0);

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

  private length(n: number): void {
    this.w.ensure(8);
    this.uvarint(n);
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
    // Objects in a row usually share a shape (array elements): compare keys with the last shape first, which is
    // pointer comparisons of interned strings instead of a trie lookup per key.
    const last = this.lastShape;
    let i = 0;
    let same = true;
    for (const key in o) {
      if (key !== last.keys[i++]) {
        same = false;
        break;
      }
    }
    if (same && i === last.keys.length) return this.objectOfShape(o, last);

    // Walk the trie of key sequences with for-in (no key array allocated); the node keeps its keys for the values.
    let node: ShapeNode | undefined = this.root;
    for (const key in o) {
      let child: ShapeNode | undefined = node.children.get(key);
      if (child === undefined) {
        if (this.shapeNodes >= MAX_SHAPE_NODES || node.keys.length >= MAX_SHAPE_KEYS) {
          node = undefined;
          break;
        }
        child = newShapeNode([...node.keys, key]);
        node.children.set(key, child);
        this.shapeNodes++;
      }
      node = child;
    }
    if (node !== undefined) {
      this.lastShape = node;
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
    if (node.writer === undefined && ++node.uses === 2) node.writer = compileWriter(keys);
    if (node.writer !== undefined) node.writer(this, o);
    else for (let i = 0; i < keys.length; i++) this.value(o[keys[i]!]);
  }

  /** Writes one value; public only for compiled shape writers. */
  next(v: unknown): void {
    this.value(v);
  }
}

/** Builds an object of one shape from the decoder's next values. */
type ShapeReader = (d: ValueDecoder) => Record<string, unknown>;

/** A node in the decoder's trie of key sequences; a shape seen again gets a compiled reader. */
interface ReadShape {
  readonly children: Map<string, ReadShape>;
  readonly keys: readonly string[];
  seen: number;
  reader: ShapeReader | undefined;
}

function newReadShape(keys: readonly string[]): ReadShape {
  return { children: new Map(), keys, seen: 0, reader: undefined };
}

/** Compiled readers per process: enough for any game's message types, small enough that hostile keys cannot grow it. */
const MAX_COMPILED_READERS = 512;
let compiledReaders = 0;

/**
 * An object literal with the shape's keys, so V8 builds each object in one step with a stable hidden class
 * (dynamic `o[key] = v` stores are the slowest part of decoding otherwise). Keys go in as JSON string literals,
 * which are valid JS string literals; "__proto__" is excluded because a literal would set the prototype.
 */
function compileReader(keys: readonly string[]): ShapeReader | undefined {
  if (compiledReaders >= MAX_COMPILED_READERS || keys.includes('__proto__')) return undefined;
  compiledReaders++;
  const fields = keys.map((k) => `${JSON.stringify(k)}: d.next()`).join(', ');
  return new Function('d', `return { ${fields} };`) as ShapeReader;
}

/** Internal control flow for the decoder: thrown at the failure point, turned into a CodecError at the boundary. */
class DecodeFailure {
  constructor(readonly error: CodecError) {}
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const EMPTY = new Uint8Array(0);
/** Shape definitions up to this many bytes are remembered by their bytes, per position in the packet. */
const MAX_REMEMBERED_DEFINITION = 256;
const floatScratch = new DataView(new ArrayBuffer(8));

/** Reads values. One instance per PacketCodec; not re-entrant. */
export class ValueDecoder {
  private bytes: Uint8Array = EMPTY;
  /**
   * The bytes of the n-th shape definition of the last packets and the shape they named. A stream of one message
   * type repeats its definitions byte for byte, so a byte comparison replaces decoding the keys and a trie walk.
   */
  private readonly recentDefinitions: (Uint8Array | undefined)[] = [];
  private readonly recentShapes: ReadShape[] = [];
  private pos = 0;
  private end = 0;
  private depth = 0;
  private shapes: ReadShape[] = [];
  private shapeCount = 0;
  private readonly shapeRoot = newReadShape([]);
  private shapeNodes = 0;

  constructor(private readonly maxDepth = DEFAULT_MAX_DEPTH) {}

  /** Decodes the single value in bytes[start, end); anything left over is 'trailing-bytes'. */
  decode(bytes: Uint8Array, start = 0, end = bytes.length): CodecResult<unknown> {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    this.depth = 0;
    this.shapeCount = 0;
    try {
      const value = this.value();
      if (this.pos !== end) return codecError('trailing-bytes', `${end - this.pos} bytes after the value`, this.pos);
      return ok(value);
    } catch (e) {
      if (e instanceof DecodeFailure) return e.error;
      return codecError('bad-payload', `value decoder failed: ${e instanceof Error ? e.message : String(e)}`, this.pos);
    } finally {
      // Do not keep the caller's packet alive between decodes.
      this.bytes = EMPTY;
    }
  }

  private fail(code: CodecErrorCode, detail: string, offset = this.pos): never {
    throw new DecodeFailure(codecError(code, detail, offset));
  }

  private need(n: number): void {
    if (this.pos + n > this.end) this.fail('truncated', `value needs ${n} more bytes than the packet has`, this.end);
  }

  private uvarint(): number {
    const bytes = this.bytes;
    const start = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.end) this.fail('truncated', 'packet ends inside a varint', this.end);
      const b = bytes[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (b === 0 && i > 0) this.fail('bad-payload', 'varint is not minimally encoded', start);
        if (result > Number.MAX_SAFE_INTEGER) this.fail('bad-payload', 'varint above 2^53 − 1', start);
        return result;
      }
      scale *= 0x80;
    }
    return this.fail('bad-payload', 'varint longer than 8 bytes', start);
  }

  /** A count of items that each take at least one byte: a count above the bytes left is a truncation, not an allocation. */
  private count(): number {
    const n = this.uvarint();
    if (n > this.end - this.pos) this.fail('truncated', `announces ${n} items but only ${this.end - this.pos} bytes are left`, this.end);
    return n;
  }

  /** The next value; public only for compiled shape readers. */
  next(): unknown {
    return this.value();
  }

  private value(): unknown {
    if (this.pos >= this.end) this.fail('truncated', 'packet ends where a value should start', this.end);
    const tag = this.bytes[this.pos++]!;
    if (tag < 0x80) return tag;
    if (tag < T_ARR0) return this.string(tag - T_STR0);
    if (tag < T_NEG1) return this.array(tag - T_ARR0);
    if (tag < T_NULL) return -1 - (tag - T_NEG1);
    if (tag >= T_OBJ_REF0 && tag < T_MAP) return this.shaped(tag - T_OBJ_REF0);
    switch (tag) {
      case T_NULL:
        return null;
      case T_UNDEFINED:
        return undefined;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_F32: {
        this.need(4);
        const b = this.bytes;
        const p = this.pos;
        floatScratch.setUint32(0, b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24), true);
        this.pos += 4;
        return floatScratch.getFloat32(0, true);
      }
      case T_F64: {
        this.need(8);
        const b = this.bytes;
        for (let i = 0; i < 8; i++) floatScratch.setUint8(i, b[this.pos + i]!);
        this.pos += 8;
        return floatScratch.getFloat64(0, true);
      }
      case T_UINT:
        return this.uvarint();
      case T_NINT:
        return -1 - this.uvarint();
      case T_BIGINT:
        return this.bigint();
      case T_NBIGINT:
        return -1n - this.bigint();
      case T_BIGU64: {
        this.need(8);
        const b = this.bytes;
        for (let i = 0; i < 8; i++) floatScratch.setUint8(i, b[this.pos + i]!);
        this.pos += 8;
        return floatScratch.getBigUint64(0, true);
      }
      case T_STR:
        return this.string(this.uvarint());
      case T_ARR:
        return this.array(this.count());
      case T_BYTES: {
        const n = this.uvarint();
        this.need(n);
        const out = this.bytes.slice(this.pos, this.pos + n);
        this.pos += n;
        return out;
      }
      case T_OBJ_NEW:
        return this.newShape();
      case T_OBJ_REF:
        return this.shaped(this.uvarint());
      case T_MAP:
        return this.map();
      default:
        if (tag >= T_SCALED1 && tag <= T_NSCALED8 && (tag < T_SCALED1 + 8 || tag >= T_NSCALED1)) {
          const m = this.uvarint();
          if (m >= MAX_SCALED_MANTISSA) this.fail('bad-payload', 'scaled number mantissa is over 21 bits', this.pos - 1);
          return tag < T_NSCALED1 ? m / 2 ** (tag - T_SCALED1 + 1) : -m / 2 ** (tag - T_NSCALED1 + 1);
        }
        return this.fail('unknown-type', `value tag 0x${tag.toString(16)} is not known to this build`, this.pos - 1);
    }
  }

  private bigint(): bigint {
    const start = this.pos;
    const bytes = this.bytes;
    let end = start;
    for (;;) {
      if (end >= this.end) this.fail('truncated', 'packet ends inside a bigint', this.end);
      if (end - start >= MAX_BIGINT_VARINT_BYTES) this.fail('bad-payload', 'bigint wider than 1024 bits', start);
      if (bytes[end++]! < 0x80) break;
    }
    if (end - start > 1 && bytes[end - 1] === 0) this.fail('bad-payload', 'bigint varint is not minimally encoded', start);
    this.pos = end;
    if (end - start <= 7) {
      let n = 0;
      for (let i = end - 1; i >= start; i--) n = n * 0x80 + (bytes[i]! & 0x7f);
      return BigInt(n);
    }
    let n = 0n;
    for (let i = end - 1; i >= start; i--) n = (n << 7n) | BigInt(bytes[i]! & 0x7f);
    return n;
  }

  private string(n: number): string {
    this.need(n);
    const b = this.bytes;
    const start = this.pos;
    this.pos += n;
    if (n <= 64) {
      let s = '';
      for (let i = start; i < start + n; i++) {
        const c = b[i]!;
        if (c >= 0x80) return this.utf8(start, n);
        s += String.fromCharCode(c);
      }
      return s;
    }
    return this.utf8(start, n);
  }

  private utf8(start: number, n: number): string {
    try {
      return utf8.decode(this.bytes.subarray(start, start + n));
    } catch {
      return this.fail('bad-utf8', 'string is not valid UTF-8', start);
    }
  }

  private enter(): void {
    if (++this.depth > this.maxDepth) this.fail('too-deep', `value nests deeper than ${this.maxDepth} levels`, this.pos - 1);
  }

  private array(n: number): unknown[] {
    this.enter();
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = this.value();
    this.depth--;
    return out;
  }

  private map(): Map<unknown, unknown> {
    this.enter();
    const n = this.count();
    const out = new Map<unknown, unknown>();
    for (let i = 0; i < n; i++) {
      const key = this.value();
      out.set(key, this.value());
    }
    this.depth--;
    return out;
  }

  private newShape(): Record<string, unknown> {
    const ordinal = this.shapeCount;
    const definitionStart = this.pos;
    const recent = this.recentDefinitions[ordinal];
    if (recent !== undefined && recent.length <= this.end - this.pos) {
      const bytes = this.bytes;
      let i = 0;
      while (i < recent.length && bytes[definitionStart + i] === recent[i]) i++;
      if (i === recent.length) {
        this.pos += recent.length;
        return this.registerShape(this.recentShapes[ordinal]!);
      }
    }
    const shape = this.readShapeDefinition();
    const length = this.pos - definitionStart;
    if (length <= MAX_REMEMBERED_DEFINITION && shape.seen >= 0 && ordinal < 64) {
      this.recentDefinitions[ordinal] = this.bytes.slice(definitionStart, this.pos);
      this.recentShapes[ordinal] = shape;
    }
    return this.registerShape(shape);
  }

  private registerShape(shape: ReadShape): Record<string, unknown> {
    if (this.shapeCount < this.shapes.length) this.shapes[this.shapeCount] = shape;
    else this.shapes.push(shape);
    this.shapeCount++;
    return this.fill(shape);
  }

  /** Reads a key count and the keys, and finds (or adds) the shape in the trie. */
  private readShapeDefinition(): ReadShape {
    const n = this.count();
    let node: ReadShape | undefined = this.shapeRoot;
    let keys: string[] | undefined;
    for (let i = 0; i < n; i++) {
      const at = this.pos;
      const key = this.value();
      if (typeof key !== 'string') this.fail('bad-payload', 'object key is not a string', at);
      if (node !== undefined) {
        let child: ReadShape | undefined = node.children.get(key);
        if (child === undefined && this.shapeNodes < MAX_SHAPE_NODES && node.keys.length < MAX_SHAPE_KEYS) {
          child = newReadShape([...node.keys, key]);
          node.children.set(key, child);
          this.shapeNodes++;
        }
        if (child === undefined) keys = [...node.keys];
        node = child;
      }
      if (keys !== undefined) keys.push(key);
    }
    // Past the trie's cap the shape is kept as a one-off node that is never compiled.
    return node ?? { children: new Map(), keys: keys!, seen: -1, reader: undefined };
  }

  private shaped(index: number): Record<string, unknown> {
    if (index >= this.shapeCount) this.fail('bad-payload', `object refers to shape ${index}, but only ${this.shapeCount} are defined`, this.pos - 1);
    return this.fill(this.shapes[index]!);
  }

  private fill(shape: ReadShape): Record<string, unknown> {
    this.enter();
    if (shape.reader === undefined && shape.seen >= 0 && ++shape.seen === 2) shape.reader = compileReader(shape.keys);
    let o: Record<string, unknown>;
    if (shape.reader !== undefined) o = shape.reader(this);
    else {
      o = {};
      const keys = shape.keys;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        // Assigning "__proto__" would replace the prototype instead of adding a key: define it as data instead.
        if (key === '__proto__') Object.defineProperty(o, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
        else o[key] = this.value();
      }
    }
    this.depth--;
    return o;
  }
}

const standaloneWriter = new ByteWriter(256);
const standaloneEncoder = new ValueEncoder();
const standaloneDecoder = new ValueDecoder();

/** Turns an encoder's internal throw into a typed result. */
export function encodeFailureToError(e: unknown): CodecError {
  if (e instanceof EncodeFailure) return codecError(e.code, e.detail);
  if (e instanceof WriteLimitExceeded) return codecError('too-large-to-send', `encoded value passes ${e.attempted} bytes`);
  if (e instanceof RangeError) return codecError('too-deep', `value nests too deeply to encode: ${e.message}`);
  return codecError('unencodable', e instanceof Error ? e.message : String(e));
}

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
