/**
 * A growable scratch buffer that encoders write into and reuse across packets, so encoding a message does not
 * allocate except for the one copy handed to the caller.
 */

/** Thrown inside encoders and caught at their public boundary, where it becomes a typed CodecResult. */
export class WriteLimitExceeded {
  constructor(readonly attempted: number) {}
}

export class ByteWriter {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  /** Largest `pos` allowed: writing past it throws WriteLimitExceeded instead of growing without bound. */
  limit = Number.MAX_SAFE_INTEGER;

  constructor(initialSize = 2048) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const needed = this.pos + n;
    if (needed <= this.buf.length) return;
    if (needed > this.limit) throw new WriteLimitExceeded(needed);
    const grown = new Uint8Array(Math.min(Math.max(this.buf.length * 2, needed), Math.max(this.limit, needed)));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  writeBytes(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }
}

const SLAB_BYTES = 64 * 1024;
/** Larger outputs get their own buffer, so one big packet does not pin a slab. */
const MAX_SLAB_PIECE = 4096;
/** Up to this many bytes a loop copies faster than making a subarray for `set` (game state packets are ~50–100 B). */
const SMALL_COPY = 128;

/**
 * Hands out small output buffers as views into shared 64 KiB slabs. A fresh small Uint8Array costs an off-heap
 * allocation each (measured ~1 µs under load in Node 20, more than encoding the message); a view into a slab
 * costs ~70 ns. Like Node's Buffer pool, a live view keeps its slab alive.
 */
export class OutputSlab {
  private slab = new ArrayBuffer(SLAB_BYTES);
  private used = 0;

  /** A new buffer holding a copy of source[start, end). */
  copyOut(source: Uint8Array, start: number, end: number): Uint8Array {
    const length = end - start;
    const out = this.allocate(length);
    // Small pieces byte by byte: `source.subarray` would allocate a view only to copy from it.
    if (length <= SMALL_COPY) for (let i = 0; i < length; i++) out[i] = source[start + i]!;
    else out.set(source.subarray(start, end));
    return out;
  }

  allocate(length: number): Uint8Array {
    if (length > MAX_SLAB_PIECE) return new Uint8Array(length);
    if (this.used + length > SLAB_BYTES) {
      this.slab = new ArrayBuffer(SLAB_BYTES);
      this.used = 0;
    }
    const out = new Uint8Array(this.slab, this.used, length);
    // Keep pieces 8-byte aligned so a caller may lay a wider typed array over one.
    this.used += (length + 7) & ~7;
    return out;
  }
}
