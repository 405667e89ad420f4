/**
 * The seed tutorial's own wire format, for comparisons: `var2bytes(value).compress(File.COMPRESSION_GZIP)`.
 */
import { encodeGodot3, godotCompress, godotFromPlain } from './godot/index.js';

/** The bytes the seed's `_send_P2P_Packet` puts on the wire for `value` (a plain JS value, mapped as GDScript would). */
export function seedWireBytes(value: unknown): Uint8Array {
  return godotCompress(encodeGodot3(godotFromPlain(value)), 'gzip');
}
