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
/** A codec that only ever sends a few small packets (most runtimes of a big host) never grows past this. */
const FIRST_SLAB_BYTES = 1024;
/** Larger outputs get their own buffer, so one big packet does not pin a slab. */
const MAX_SLAB_PIECE = 4096;
/** Up to this many bytes a loop copies faster than making a subarray for `set` (game state packets are ~50–100 B). */
const SMALL_COPY = 128;

/**
 * Hands out small output buffers as views into shared slabs: a fresh small Uint8Array costs an off-heap
 * allocation each, more than encoding the message, while a view into a slab costs a fraction of it. Like Node's
 * Buffer pool, a live view keeps its slab alive. Slabs start small and double up to 64 KiB as a codec keeps
 * sending, so a codec per runtime costs little for a runtime that sends little.
 */
export class OutputSlab {
  private slab: ArrayBuffer | undefined = undefined;
  private nextSlabBytes = FIRST_SLAB_BYTES;
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
    let slab = this.slab;
    if (slab === undefined || this.used + length > slab.byteLength) {
      slab = new ArrayBuffer(Math.max(this.nextSlabBytes, length));
      this.nextSlabBytes = Math.min(SLAB_BYTES, this.nextSlabBytes * 2);
      this.slab = slab;
      this.used = 0;
    }
    const out = new Uint8Array(slab, this.used, length);
    // Keep pieces 8-byte aligned so a caller may lay a wider typed array over one.
    this.used += (length + 7) & ~7;
    return out;
  }
}
