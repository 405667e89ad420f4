/**
 * What one walk over the Variant format needs to know of an engine version: the shape of the per-version table
 * (wire3.ts and wire4.ts fill it in) and the header bits Godot 3 and Godot 4 share. The encoder (encode.ts) and
 * the decoder (decode.ts) are written once against this table, so a difference between the engines is a field
 * here, never a second copy of the walk.
 */
import type { PlainHeaders } from './reader.js';
import type { GodotTypeName, GodotVersion } from './value.js';

export interface GodotWire {
  readonly version: GodotVersion;
  /** "Godot 3" or "Godot 4", as error messages name the engine. */
  readonly name: string;
  /** Wire id of every type this version has, by lobbykit's type name; the other version's names are absent. */
  readonly idOf: ReadonlyMap<GodotTypeName, number>;
  /** Type by wire id; ids this version does not have, and the refused ones, are absent. */
  readonly typeOf: readonly (GodotTypeName | undefined)[];
  /** Ids that exist on the wire but are refused, with the reason (objects, resource handles). */
  readonly refused: ReadonlyMap<number, string>;
  /** True for the math types whose components this version may write as doubles (the 64-bit header flag). */
  readonly mayBeDouble: (type: GodotTypeName) => boolean;
  /** Godot 4's typed Array/Dictionary (element kinds in the header bits); Godot 3 has none. */
  readonly typedContainers: boolean;
  /** The name this version uses for the other version's type, for the error that refuses it. */
  readonly renamed: ReadonlyMap<string, string>;
  /** The header words the plain-JS fast paths read and write directly (see reader.ts). */
  readonly plain: PlainHeaders;
}

/**
 * The ids Godot 3 and Godot 4 number alike (core/variant.h in both), the types messages are mostly made of: the
 * walks write and read these without a table lookup.
 */
export const GODOT_SHARED_ID = { Nil: 0, bool: 1, int: 2, float: 3, String: 4 } as const;

/** The low byte of the 32-bit header is the type (both versions). */
export const GODOT_TYPE_MASK = 0xff;
/** Bit 16: a 64-bit int or float, and in Godot 4 also double-precision math components. */
export const GODOT_FLAG_64 = 1 << 16;
/** NodePath's first word has this bit set to tell the current format from the pre-3.0 one (both versions). */
export const GODOT_NODEPATH_NEW_FORMAT = 0x80000000;
