/** A little-endian writer into a buffer that doubles when full; Godot's wire format is little-endian throughout. */
export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(initialCapacity = 256) {
    this.buffer = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buffer.buffer);
  }

  get position(): number {
    return this.length;
  }

  /** Claims `bytes` and returns where they start. Call it before touching view/buffer: it may replace both. */
  private reserve(bytes: number): number {
    const at = this.length;
    const needed = at + bytes;
    if (needed > this.buffer.length) {
      let capacity = this.buffer.length * 2;
      while (capacity < needed) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.buffer.subarray(0, at));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length = needed;
    return at;
  }

  u32(value: number): void {
    const at = this.reserve(4);
    this.view.setUint32(at, value >>> 0, true);
  }

  i32(value: number): void {
    const at = this.reserve(4);
    this.view.setInt32(at, value, true);
  }

  i64(value: bigint): void {
    const at = this.reserve(8);
    this.view.setBigInt64(at, value, true);
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

  /** Zero bytes up to the next multiple of four: Godot aligns every string and byte pool. */
  padTo4(): void {
    const pad = (4 - (this.length % 4)) % 4;
    if (pad > 0) {
      const at = this.reserve(pad);
      this.buffer.fill(0, at, this.length);
    }
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
