/**
 * The Godot wire format by engine version, which the caller always states: Godot 4 reads Godot 3 bytes as
 * whatever Godot 4 type has that number (the tutorial's Godot 3 handshake becomes a garbage Transform3D, with no
 * error), so the bytes cannot tell the versions apart and lobbykit never guesses.
 */
import { CodecEncodeError, codecError, type CodecResult } from '../result.js';
import { decodeGodot3, decodeGodot3Plain } from './decode3.js';
import { decodeGodot4, decodeGodot4Plain } from './decode4.js';
import { encodeGodot3 } from './encode3.js';
import { encodeGodot4 } from './encode4.js';
import type { GodotDecodeOptions } from './reader.js';
import type { GodotValue, GodotVersion } from './value.js';

/** Godot `version`'s bytes_to_var (objects not allowed). Never throws: a value or a typed error with its offset. */
export function decodeGodot(bytes: Uint8Array, version: GodotVersion, options?: GodotDecodeOptions | null): CodecResult<GodotValue> {
  if (version === 4) return decodeGodot4(bytes, options);
  if (version === 3) return decodeGodot3(bytes, options);
  return codecError('unknown-version', `Godot version must be 3 or 4, got ${String(version)}`);
}

/**
 * `godotToPlain(decodeGodot(bytes, version))` without the intermediate tree: what the data plane hands a game.
 * Same errors, same limits; never throws.
 */
export function decodeGodotPlain(bytes: Uint8Array, version: GodotVersion, options?: GodotDecodeOptions | null): CodecResult<unknown> {
  if (version === 4) return decodeGodot4Plain(bytes, options);
  if (version === 3) return decodeGodot3Plain(bytes, options);
  return codecError('unknown-version', `Godot version must be 3 or 4, got ${String(version)}`);
}

/** Godot `version`'s var_to_bytes / var2bytes. Throws CodecEncodeError('unencodable') for what it cannot hold. */
export function encodeGodot(value: GodotValue, version: GodotVersion): Uint8Array {
  if (version === 4) return encodeGodot4(value);
  if (version === 3) return encodeGodot3(value);
  throw new CodecEncodeError('unencodable', `Godot version must be 3 or 4, got ${String(version)}`);
}
