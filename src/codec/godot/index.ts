/**
 * Godot's Variant wire format: the bytes a GodotSteam game sends with Godot 3's var2bytes or Godot 4's
 * var_to_bytes (optionally gzip-compressed), so a lobbykit peer can read and write them exactly.
 */
export type {
  GodotValue,
  GodotTypeName,
  GodotOf,
  GodotWidth,
  GodotNodePath,
  GodotDictionaryEntry,
  Vec2Tuple,
  Vec3Tuple,
  Vec4Tuple,
  Vec6Tuple,
  Vec9Tuple,
  Vec12Tuple,
  Vec16Tuple,
  GodotVersion,
  GodotContainerType,
  Godot4VariantType,
} from './value.js';
export { decodeGodot, decodeGodotPlain, encodeGodot, encodeGodot3, decodeGodot3 } from './version.js';
export { encodeGodotPlain } from './plain-encode.js';
export { GODOT_MAX_ENCODE_DEPTH } from './write-common.js';
export { GODOT_DEFAULT_MAX_BYTES, GODOT_DEFAULT_MAX_DEPTH, type GodotDecodeOptions } from './reader.js';
export {
  godotFromPlain,
  godotToPlain,
  godotInt,
  godotFloat,
  godotIntWidth,
  godotFloatWidth,
  nodePathText,
} from './plain.js';
export {
  godotCompress,
  godotDecompress,
  GODOT_DEFAULT_MAX_DECOMPRESSED,
  type GodotCompressionMode,
  type GodotDecompressOptions,
} from './gzip.js';
export { godotValueToJson, godotValueFromJson, type GodotJson } from './json.js';
