/**
 * A little-endian writer into a buffer that doubles when full (Godot's wire format is little-endian throughout),
 * with the one Godot payload every value type uses: a length-prefixed UTF-8 string padded to 4 bytes.
 */
import { godotUtf8 } from './text.js';

export class ByteWriter {
  private buffer: Uint8Array;
  private dataView: DataView | undefined;
  private length = 0;

  constructor(initialCapacity = 256) {
    this.buffer = new Uint8Array(initialCapacity);
  }

  /** Made on first use (floats): everything else is written by hand, and creating a DataView costs. */
  private get view(): DataView {
    return (this.dataView ??= new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength));
  }

  get position(): number {
    return this.length;
  }

  /** Claims `bytes` and returns where they start. Call it before touching view/buffer: it may replace both. */
  private reserve(bytes: number): number {
    const at = this.length;
    const needed = at + bytes;
    if (needed > this.buffer.length) {
      let capacity = Math.max(64, this.buffer.length * 2);
      while (capacity < needed) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.buffer.subarray(0, at));
      this.buffer = grown;
      this.dataView = undefined;
    }
    this.length = needed;
    return at;
  }

  /** A little-endian 32-bit word; signed and unsigned values have the same bytes. */
  u32(value: number): void {
    const at = this.reserve(4);
    const b = this.buffer;
    b[at] = value;
    b[at + 1] = value >>> 8;
    b[at + 2] = value >>> 16;
    b[at + 3] = value >>> 24;
  }

  i32(value: number): void {
    this.u32(value);
  }

  /** Two words by hand: a DataView for one int64 would cost more than the rest of a handshake. */
  i64(value: bigint): void {
    this.u32(Number(BigInt.asUintN(32, value)));
    this.u32(Number(BigInt.asUintN(32, value >> 32n)));
  }

  f32(value: number): void {
    const at = this.reserve(4);
    this.view.setFloat32(at, value, true);
  }

  f64(value: number): void {
    const at = this.reserve(8);
    this.view.setFloat64(at, value, true);
  }

  bytes(data: Uint8Array): void {
    const at = this.reserve(data.length);
    this.buffer.set(data, at);
  }

  /** Zero bytes up to the next multiple of four: Godot aligns every string and byte array. */
  padTo4(): void {
    const pad = (4 - (this.length % 4)) % 4;
    if (pad > 0) {
      const at = this.reserve(pad);
      this.buffer.fill(0, at, this.length);
    }
  }

  /**
   * Godot's string payload: u32 byte length, UTF-8, zero padding to 4. A packed string array's entries carry a
   * terminating NUL counted in the length (`withNul`). ASCII text is copied by hand: TextEncoder's call costs more
   * than a dictionary key. Throws CodecEncodeError for text Godot cannot hold (see godotUtf8).
   */
  string(text: string, where: string, withNul = false): void {
    const n = typeof text === 'string' ? text.length : -1;
    // Exactly what ASCII text takes, so a buffer sized by size.ts never grows here.
    const length = withNul ? n + 1 : n;
    const at = n >= 0 ? this.reserve(4 + ((length + 3) & ~3)) : -1;
    if (at >= 0) {
      const buffer = this.buffer;
      let i = 0;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c === 0 || c >= 0x80) break;
        buffer[at + 4 + i] = c;
      }
      if (i === n) {
        buffer[at] = length;
        buffer[at + 1] = length >>> 8;
        buffer[at + 2] = length >>> 16;
        buffer[at + 3] = length >>> 24;
        // The NUL (when counted) and the padding: at most 4 bytes, cheaper by hand than a fill() call.
        for (let p = at + 4 + n; p < this.length; p++) buffer[p] = 0;
        return;
      }
      this.length = at;
    }
    const utf8 = godotUtf8(text, where);
    this.u32(withNul ? utf8.length + 1 : utf8.length);
    this.bytes(utf8);
    if (withNul) this.bytes(NUL);
    this.padTo4();
  }

  /** The bytes written: the buffer itself when it was sized exactly (see size.ts), else a copy of the used part. */
  finish(): Uint8Array {
    return this.length === this.buffer.length ? this.buffer : this.buffer.slice(0, this.length);
  }
}

const NUL = new Uint8Array(1);
