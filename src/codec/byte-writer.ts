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
