/**
 * Godot 4's wire: Variant type ids (core/variant/variant.h, the order of GODOT4_VARIANT_TYPES), the header bits of
 * typed containers (core/io/marshalls.cpp), and the table the shared walks read. RID (23), Object (24) and Signal
 * (26) exist on the wire but are refused: an RID is a handle into the sending process's servers, and an Object or a
 * Signal carries an instance id there; read by another process, either could name one of *its* resources or objects.
 */
import { GODOT4_VARIANT_TYPES, mayBeDouble, type Godot4VariantType, type GodotTypeName } from './value.js';
import type { GodotWire } from './wire.js';

/** Wire id of every Godot 4 Variant type, by its Godot 4 name. */
export const GODOT4_ID: Readonly<Record<Godot4VariantType, number>> = Object.fromEntries(
  GODOT4_VARIANT_TYPES.map((name, id) => [name, id]),
) as Record<Godot4VariantType, number>;

const REFUSED: ReadonlySet<Godot4VariantType> = new Set(['RID', 'Object', 'Signal']);

/** Array: element type kind in bits 16–17. Dictionary: key kind in bits 16–17, value kind in bits 18–19. */
export const GODOT4_ARRAY_KIND_SHIFT = 16;
export const GODOT4_DICT_KEY_KIND_SHIFT = 16;
export const GODOT4_DICT_VALUE_KIND_SHIFT = 18;

/** ContainerTypeKind: none, a built-in type id (u32), a class name (string), a script path (string). */
export const GODOT4_KIND_NONE = 0;
export const GODOT4_KIND_BUILTIN = 1;
export const GODOT4_KIND_CLASS_NAME = 2;
export const GODOT4_KIND_SCRIPT = 3;

/** Godot 3 names whose Godot 4 successor the error that refuses them points to. */
const SUCCESSOR: ReadonlyMap<string, string> = new Map([
  ['Quat', 'Quaternion'],
  ['Transform', 'Transform3D'],
  ['PoolByteArray', 'PackedByteArray'],
  ['PoolIntArray', 'PackedInt32Array'],
  ['PoolRealArray', 'PackedFloat32Array'],
  ['PoolStringArray', 'PackedStringArray'],
  ['PoolVector2Array', 'PackedVector2Array'],
  ['PoolVector3Array', 'PackedVector3Array'],
  ['PoolColorArray', 'PackedColorArray'],
]);

/**
 * Godot 4: typed containers, and math types and packed vector arrays in doubles when the header's 64-bit flag says
 * so (a double-precision build writes them; Color never is).
 */
export const GODOT4_WIRE: GodotWire = {
  version: 4,
  name: 'Godot 4',
  idOf: new Map(
    GODOT4_VARIANT_TYPES.filter((name) => !REFUSED.has(name)).map((name) => [name as GodotTypeName, GODOT4_ID[name]]),
  ),
  typeOf: GODOT4_VARIANT_TYPES.map((name) => (REFUSED.has(name) ? undefined : (name as GodotTypeName))),
  refused: new Map([
    [GODOT4_ID.Object, 'Godot Object values are refused: they can carry scripts and instance ids'],
    [GODOT4_ID.RID, "Godot RID values are refused: an RID is a handle into the sender's process"],
    [GODOT4_ID.Signal, "Godot Signal values are refused: they carry an object id from the sender's process"],
  ]),
  mayBeDouble,
  typedContainers: true,
  renamed: SUCCESSOR,
  plain: { dictionary: GODOT4_ID.Dictionary, array: GODOT4_ID.Array, stringName: GODOT4_ID.StringName },
};
