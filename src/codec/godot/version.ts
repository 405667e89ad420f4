/**
 * The Godot wire format by engine version, which the caller always states: Godot 4 reads Godot 3 bytes as
 * whatever Godot 4 type has that number (the tutorial's Godot 3 handshake becomes a garbage Transform3D, with no
 * error), so the bytes cannot tell the versions apart and lobbykit never guesses. The stated version picks the
 * table (wire3.ts, wire4.ts) the one encoder and decoder walk with.
 */
import { CodecEncodeError, codecError, type CodecResult } from '../result.js';
import { decodeVariant } from './decode.js';
import { encodeWith } from './encode.js';
import type { GodotDecodeOptions } from './reader.js';
import type { GodotValue, GodotVersion } from './value.js';
import type { GodotWire } from './wire.js';
import { GODOT3_WIRE } from './wire3.js';
import { GODOT4_WIRE } from './wire4.js';

/** The table of `version`'s wire format, or undefined for anything but 3 or 4 (a caller's untyped mistake). */
export function godotWire(version: GodotVersion): GodotWire | undefined {
  return version === 4 ? GODOT4_WIRE : version === 3 ? GODOT3_WIRE : undefined;
}

const badVersion = (version: unknown): string => `Godot version must be 3 or 4, got ${String(version)}`;

/** Godot `version`'s bytes_to_var (objects not allowed). Never throws: a value or a typed error with its offset. */
export function decodeGodot(bytes: Uint8Array, version: GodotVersion, options?: GodotDecodeOptions | null): CodecResult<GodotValue> {
  const wire = godotWire(version);
  if (wire === undefined) return codecError('unknown-version', badVersion(version));
  return decodeVariant(bytes, wire, options, false) as CodecResult<GodotValue>;
}

/**
 * `godotToPlain(decodeGodot(bytes, version))` without the intermediate tree: what the data plane hands a game.
 * Same errors, same limits; never throws.
 */
export function decodeGodotPlain(bytes: Uint8Array, version: GodotVersion, options?: GodotDecodeOptions | null): CodecResult<unknown> {
  const wire = godotWire(version);
  if (wire === undefined) return codecError('unknown-version', badVersion(version));
  return decodeVariant(bytes, wire, options, true);
}

/**
 * Godot `version`'s var_to_bytes / var2bytes: the same bytes the engine writes, padding zeroed. In Godot 4, math
 * values marked `bits: 64` are written as a double-precision build writes them. Throws
 * CodecEncodeError('unencodable') for a value that version cannot hold (an int out of its width, a NUL in a
 * string, a tuple of the wrong length, the other version's type names, a typed container holding another type,
 * 64-bit math or typed containers in Godot 3): encoding is for the caller's own values, so a throw is the honest
 * signal.
 */
export function encodeGodot(value: GodotValue, version: GodotVersion): Uint8Array {
  const wire = godotWire(version);
  if (wire === undefined) throw new CodecEncodeError('unencodable', badVersion(version));
  return encodeWith(value, wire);
}

/**
 * Godot 3's `var2bytes(value)` (full_objects = false), `encodeGodot(value, 3)`: the same bytes the engine writes,
 * padding zeroed. Throws CodecEncodeError('unencodable') for a value Godot 3 cannot hold (an int out of its width,
 * a NUL in a string, a tuple of the wrong length, a Godot 4-only type or 64-bit math).
 */
export function encodeGodot3(value: GodotValue): Uint8Array {
  return encodeWith(value, GODOT3_WIRE);
}

/**
 * Godot 3's `bytes2var(bytes)` (objects not allowed): `decodeGodot(bytes, 3, options)`. Never throws. Refuses
 * Object and RID and flag bits Godot 3 never writes, caps nesting, and bounds every allocation by the bytes that
 * remain.
 */
export function decodeGodot3(bytes: Uint8Array, options?: GodotDecodeOptions | null): CodecResult<GodotValue> {
  return decodeVariant(bytes, GODOT3_WIRE, options, false) as CodecResult<GodotValue>;
}
