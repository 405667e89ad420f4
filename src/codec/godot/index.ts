/**
 * Godot's Variant wire format: the bytes a GodotSteam game sends with var2bytes (optionally gzip-compressed),
 * so a lobbykit peer can read and write them exactly.
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
} from './value.js';
export { encodeGodot3, GODOT_MAX_ENCODE_DEPTH } from './encode3.js';
export {
  decodeGodot3,
  GODOT_DEFAULT_MAX_BYTES,
  GODOT_DEFAULT_MAX_DEPTH,
  type GodotDecodeOptions,
} from './decode3.js';
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
