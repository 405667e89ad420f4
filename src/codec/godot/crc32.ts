/** CRC-32 (IEEE, as gzip's trailer uses); fflate's Gunzip does not check it, zlib in Godot does. */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export class Crc32 {
  private state = 0xffffffff;

  update(data: Uint8Array): void {
    let c = this.state;
    for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
    this.state = c;
  }

  digest(): number {
    return (this.state ^ 0xffffffff) >>> 0;
  }
}
