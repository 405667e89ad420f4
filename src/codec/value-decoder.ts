/**
 * Reads the value-codec format (value-tags.ts). Never throws to its caller: every failure is a typed CodecError
 * with the byte offset. One decoder per PacketCodec (not re-entrant); it remembers shapes between packets and
 * compiles an object-literal reader for each shape it sees twice.
 */
import { CompiledShapes } from './compile.js';
import { codecError, ok, type CodecError, type CodecErrorCode, type CodecResult } from './result.js';
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
  T_NSCALED8,
  MAX_SCALED_MANTISSA,
  DEFAULT_MAX_DEPTH,
  MAX_BIGINT_VARINT_BYTES,
  MAX_SHAPE_NODES,
  MAX_SHAPE_KEYS,
} from './value-tags.js';

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

/** Compiled readers per decoder: enough for any game's message types, small enough that hostile keys cannot grow it. */
const MAX_COMPILED_READERS = 512;

/**
 * An object literal with the shape's keys, so V8 builds each object in one step with a stable hidden class
 * (dynamic `o[key] = v` stores are the slowest part of decoding otherwise). Keys go in as JSON string literals,
 * which are valid JS string literals; "__proto__" is excluded because a literal would set the prototype.
 */
function compiledReaders(): CompiledShapes<ShapeReader> {
  return new CompiledShapes<ShapeReader>(MAX_COMPILED_READERS, (keys) => {
    if (keys.includes('__proto__')) return undefined;
    return { params: ['d'], body: `return { ${keys.map((k) => `${JSON.stringify(k)}: d.next()`).join(', ')} };` };
  });
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
   * The bytes of the n-th shape definition of the last packets and the shape they named, two per n (slots 2n and
   * 2n + 1). A stream of a few message types repeats their definitions byte for byte, so a byte comparison
   * replaces decoding the keys and a trie walk.
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
  private readonly readers = compiledReaders();

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
    // Two definitions remembered per position: a stream that mixes two message types (state and events) still
    // finds each one's definition without decoding its keys.
    const slot = 2 * ordinal;
    const hit = this.rememberedAt(slot) ? slot : this.rememberedAt(slot + 1) ? slot + 1 : -1;
    if (hit >= 0) {
      this.pos += this.recentDefinitions[hit]!.length;
      return this.registerShape(this.recentShapes[hit]!);
    }
    const shape = this.readShapeDefinition();
    const length = this.pos - definitionStart;
    if (length <= MAX_REMEMBERED_DEFINITION && shape.seen >= 0 && ordinal < 64) {
      // The newest goes first; the one it displaces is kept second.
      this.recentDefinitions[slot + 1] = this.recentDefinitions[slot];
      this.recentShapes[slot + 1] = this.recentShapes[slot]!;
      this.recentDefinitions[slot] = this.bytes.slice(definitionStart, this.pos);
      this.recentShapes[slot] = shape;
    }
    return this.registerShape(shape);
  }

  /** Whether the bytes at `pos` repeat the definition remembered in `slot`. */
  private rememberedAt(slot: number): boolean {
    const recent = this.recentDefinitions[slot];
    if (recent === undefined || recent.length > this.end - this.pos) return false;
    const bytes = this.bytes;
    const at = this.pos;
    for (let i = 0; i < recent.length; i++) if (bytes[at + i] !== recent[i]) return false;
    return true;
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
    if (shape.reader === undefined && shape.seen >= 0 && ++shape.seen === 2) shape.reader = this.readers.for(shape.keys);
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

