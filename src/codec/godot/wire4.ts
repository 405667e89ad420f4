/**
 * Godot 4's Variant type ids (core/variant/variant.h, the order of GODOT4_VARIANT_TYPES) and header bits
 * (core/io/marshalls.cpp), for the types lobbykit reads and writes. RID (23), Object (24) and Signal (26) exist on
 * the wire but are refused: an RID is a handle into the sending process's servers, and an Object or a Signal
 * carries an instance id there; read by another process, either could name one of *its* resources or objects.
 */
import { GODOT4_VARIANT_TYPES, type Godot4VariantType, type GodotTypeName } from './value.js';

/** Wire id of every Godot 4 Variant type, by its Godot 4 name. */
export const GODOT4_ID: Readonly<Record<Godot4VariantType, number>> = Object.fromEntries(
  GODOT4_VARIANT_TYPES.map((name, id) => [name, id]),
) as Record<Godot4VariantType, number>;

const REFUSED: ReadonlySet<Godot4VariantType> = new Set(['RID', 'Object', 'Signal']);

/** Wire id of every GodotValue type Godot 4 has, by lobbykit's type name (Godot 3-only names are absent). */
export const GODOT4_TYPE_ID: ReadonlyMap<GodotTypeName, number> = new Map(
  GODOT4_VARIANT_TYPES.filter((name) => !REFUSED.has(name)).map((name) => [name as GodotTypeName, GODOT4_ID[name]]),
);

/** GodotValue type by wire id, with the refused ids absent. */
export const GODOT4_TYPE_BY_ID: readonly (GodotTypeName | undefined)[] = GODOT4_VARIANT_TYPES.map((name) =>
  REFUSED.has(name) ? undefined : (name as GodotTypeName),
);

export const GODOT4_RID_ID = GODOT4_ID.RID;
export const GODOT4_OBJECT_ID = GODOT4_ID.Object;
export const GODOT4_SIGNAL_ID = GODOT4_ID.Signal;

/** Byte 0 of the header is the type; byte 1 is unused; bits 16+ are per-type data. */
export const GODOT4_TYPE_MASK = 0xff;
/** int/float: a 64-bit payload; math types and packed vector arrays: double components. */
export const GODOT4_FLAG_64 = 1 << 16;

/** Array: element type kind in bits 16–17. Dictionary: key kind in bits 16–17, value kind in bits 18–19. */
export const GODOT4_ARRAY_KIND_SHIFT = 16;
export const GODOT4_DICT_KEY_KIND_SHIFT = 16;
export const GODOT4_DICT_VALUE_KIND_SHIFT = 18;

/** ContainerTypeKind: none, a built-in type id (u32), a class name (string), a script path (string). */
export const GODOT4_KIND_NONE = 0;
export const GODOT4_KIND_BUILTIN = 1;
export const GODOT4_KIND_CLASS_NAME = 2;
export const GODOT4_KIND_SCRIPT = 3;
