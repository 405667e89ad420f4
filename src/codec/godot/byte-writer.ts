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
    this.view.setUint32(this.reserve(4), value >>> 0, true);
  }

  i32(value: number): void {
    this.view.setInt32(this.reserve(4), value, true);
  }

  i64(value: bigint): void {
    this.view.setBigInt64(this.reserve(8), value, true);
  }

  f32(value: number): void {
    this.view.setFloat32(this.reserve(4), value, true);
  }

  f64(value: number): void {
    this.view.setFloat64(this.reserve(8), value, true);
  }

  bytes(data: Uint8Array): void {
    this.buffer.set(data, this.reserve(data.length));
  }

  /** Zero bytes up to the next multiple of four: Godot aligns every string and byte pool. */
  padTo4(): void {
    const pad = (4 - (this.length % 4)) % 4;
    if (pad > 0) this.buffer.fill(0, this.reserve(pad), this.length);
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
