/**
 * The Godot Variant model lobbykit decodes into and encodes from, for Godot 3 (`var2bytes`) and Godot 4
 * (`var_to_bytes`) alike.
 *
 * It keeps every distinction Godot's wire format makes, so a decoded packet re-encodes to the same bytes:
 * int vs float and their 32/64-bit width, Dictionary key types and entry order, packed arrays vs Array, typed
 * Array/Dictionary element types. Type names are the engine's own (what `typeof`/var2str show): where Godot 4
 * renamed a type the two names are distinct members (`Quat` is Godot 3's, `Quaternion` Godot 4's; `PoolByteArray`
 * vs `PackedByteArray`), and each version's encoder refuses the other version's names. Types both versions share
 * (int, String, Vector2, Dictionary, …) are one member.
 * Math types are tuples of their components in wire order, which is the order var2str prints them:
 * `Vector2( 1, 2 )` is [1, 2]; a Basis is its three rows (var2str's order, not the column vectors the
 * `Basis(x_axis, y_axis, z_axis)` constructor takes); a Transform/Transform3D is those rows then the origin; a
 * Projection its four columns. Float components are 32-bit unless `bits: 64` (a Godot 4 build with
 * double-precision math writes them so); integer vectors (Vector2i, …) are int32.
 */

export type Vec2Tuple = readonly [number, number];
export type Vec3Tuple = readonly [number, number, number];
export type Vec4Tuple = readonly [number, number, number, number];
export type Vec6Tuple = readonly [number, number, number, number, number, number];
export type Vec9Tuple = readonly [number, number, number, number, number, number, number, number, number];
export type Vec12Tuple = readonly [
  number, number, number, number, number, number,
  number, number, number, number, number, number,
];
export type Vec16Tuple = readonly [
  number, number, number, number, number, number, number, number,
  number, number, number, number, number, number, number, number,
];

/** Wire width of an int or float: Godot writes 32 bits when the value fits, 64 otherwise. */
export type GodotWidth = 32 | 64;

/** Which engine's format: Godot 3's `var2bytes` or Godot 4's `var_to_bytes`. Always given, never guessed. */
export type GodotVersion = 3 | 4;

export interface GodotNodePath {
  readonly absolute: boolean;
  /** Path segments: `/root/Main` has names `["root", "Main"]`. */
  readonly names: readonly string[];
  /** Property subnames after `:`: `Sprite:position:x` has subnames `["position", "x"]`. */
  readonly subnames: readonly string[];
}

export type GodotDictionaryEntry = readonly [key: GodotValue, value: GodotValue];

/** Every Godot 4 Variant type, by its wire id order; a typed container's element type names one of them. */
export const GODOT4_VARIANT_TYPES = [
  'Nil', 'bool', 'int', 'float', 'String', 'Vector2', 'Vector2i', 'Rect2', 'Rect2i', 'Vector3',
  'Vector3i', 'Transform2D', 'Vector4', 'Vector4i', 'Plane', 'Quaternion', 'AABB', 'Basis', 'Transform3D',
  'Projection', 'Color', 'StringName', 'NodePath', 'RID', 'Object', 'Callable', 'Signal', 'Dictionary', 'Array',
  'PackedByteArray', 'PackedInt32Array', 'PackedInt64Array', 'PackedFloat32Array', 'PackedFloat64Array',
  'PackedStringArray', 'PackedVector2Array', 'PackedVector3Array', 'PackedColorArray', 'PackedVector4Array',
] as const;

export type Godot4VariantType = (typeof GODOT4_VARIANT_TYPES)[number];

/**
 * The element type of a Godot 4 typed Array (`Array[int]`) or the key/value type of a typed Dictionary: a built-in
 * Variant type, an engine class (`Array[Node]`), or a script (`Array[MyScript]`, only in var_to_bytes_with_objects).
 * Elements of a class- or script-typed container can only be null here, since objects are refused.
 */
export type GodotContainerType =
  | { readonly kind: 'builtin'; readonly type: Godot4VariantType }
  | { readonly kind: 'class'; readonly name: string }
  | { readonly kind: 'script'; readonly path: string };

/** A float math value: components are float32 unless bits is 64 (Godot 4 double-precision builds). */
type FloatMath<T extends string, V> = { readonly type: T; readonly value: V; readonly bits?: GodotWidth };

export type GodotValue =
  | { readonly type: 'Nil' }
  | { readonly type: 'bool'; readonly value: boolean }
  /** Godot ints are 64-bit signed; `bigint` keeps Steam IDs exact. */
  | { readonly type: 'int'; readonly value: bigint; readonly bits: GodotWidth }
  /** A 32-bit float is written as `Math.fround(value)`. */
  | { readonly type: 'float'; readonly value: number; readonly bits: GodotWidth }
  | { readonly type: 'String'; readonly value: string }
  /** Godot 4: an interned string, distinct from String on the wire and as a Dictionary key. */
  | { readonly type: 'StringName'; readonly value: string }
  | FloatMath<'Vector2', Vec2Tuple>
  /** x, y, width, height */
  | FloatMath<'Rect2', Vec4Tuple>
  | FloatMath<'Vector3', Vec3Tuple>
  /** x axis (2), y axis (2), origin (2) */
  | FloatMath<'Transform2D', Vec6Tuple>
  /** normal x, y, z, distance */
  | FloatMath<'Plane', Vec4Tuple>
  /** Godot 3's quaternion: x, y, z, w */
  | FloatMath<'Quat', Vec4Tuple>
  /** Godot 4's quaternion: x, y, z, w */
  | FloatMath<'Quaternion', Vec4Tuple>
  /** position (3), size (3) */
  | FloatMath<'AABB', Vec6Tuple>
  /** three rows of three */
  | FloatMath<'Basis', Vec9Tuple>
  /** Godot 3's 3D transform: basis rows (9), origin (3) */
  | FloatMath<'Transform', Vec12Tuple>
  /** Godot 4's 3D transform: basis rows (9), origin (3) */
  | FloatMath<'Transform3D', Vec12Tuple>
  /** Godot 4: x, y, z, w */
  | FloatMath<'Vector4', Vec4Tuple>
  /** Godot 4: four columns of four */
  | FloatMath<'Projection', Vec16Tuple>
  /** Godot 4 integer vectors: int32 components */
  | { readonly type: 'Vector2i'; readonly value: Vec2Tuple }
  | { readonly type: 'Vector3i'; readonly value: Vec3Tuple }
  | { readonly type: 'Vector4i'; readonly value: Vec4Tuple }
  /** x, y, width, height as int32 */
  | { readonly type: 'Rect2i'; readonly value: Vec4Tuple }
  /** r, g, b, a; always 32-bit floats */
  | { readonly type: 'Color'; readonly value: Vec4Tuple }
  | { readonly type: 'NodePath'; readonly value: GodotNodePath }
  /** Godot 4: var_to_bytes writes a Callable as its type alone (no target), and it reads back as an empty one. */
  | { readonly type: 'Callable' }
  /** Entries in wire order; keys may be any Godot value. Godot 4 Dictionaries may be typed. */
  | {
      readonly type: 'Dictionary';
      readonly value: readonly GodotDictionaryEntry[];
      readonly keyType?: GodotContainerType;
      readonly valueType?: GodotContainerType;
    }
  /** Godot 4 Arrays may be typed (`Array[int]`); every element still carries its own type. */
  | { readonly type: 'Array'; readonly value: readonly GodotValue[]; readonly elementType?: GodotContainerType }
  | { readonly type: 'PoolByteArray'; readonly value: Uint8Array }
  | { readonly type: 'PoolIntArray'; readonly value: Int32Array }
  | { readonly type: 'PoolRealArray'; readonly value: Float32Array }
  | { readonly type: 'PoolStringArray'; readonly value: readonly string[] }
  | { readonly type: 'PoolVector2Array'; readonly value: readonly Vec2Tuple[] }
  | { readonly type: 'PoolVector3Array'; readonly value: readonly Vec3Tuple[] }
  | { readonly type: 'PoolColorArray'; readonly value: readonly Vec4Tuple[] }
  | { readonly type: 'PackedByteArray'; readonly value: Uint8Array }
  | { readonly type: 'PackedInt32Array'; readonly value: Int32Array }
  | { readonly type: 'PackedInt64Array'; readonly value: BigInt64Array }
  | { readonly type: 'PackedFloat32Array'; readonly value: Float32Array }
  | { readonly type: 'PackedFloat64Array'; readonly value: Float64Array }
  | { readonly type: 'PackedStringArray'; readonly value: readonly string[] }
  | FloatMath<'PackedVector2Array', readonly Vec2Tuple[]>
  | FloatMath<'PackedVector3Array', readonly Vec3Tuple[]>
  | FloatMath<'PackedVector4Array', readonly Vec4Tuple[]>
  /** Colors are 32-bit floats even in double-precision builds. */
  | { readonly type: 'PackedColorArray'; readonly value: readonly Vec4Tuple[] };

export type GodotTypeName = GodotValue['type'];

/** Values of one Godot type, e.g. `GodotOf<'int'>`. */
export type GodotOf<T extends GodotTypeName> = Extract<GodotValue, { readonly type: T }>;

/** The math types that are a fixed number of float components, with that number. */
export const GODOT_FLOAT_TUPLE_LENGTH = {
  Vector2: 2,
  Rect2: 4,
  Vector3: 3,
  Transform2D: 6,
  Plane: 4,
  Quat: 4,
  Quaternion: 4,
  AABB: 6,
  Basis: 9,
  Transform: 12,
  Transform3D: 12,
  Vector4: 4,
  Projection: 16,
  Color: 4,
} as const;

export type GodotFloatTupleType = keyof typeof GODOT_FLOAT_TUPLE_LENGTH;

export function isFloatTupleType(type: string): type is GodotFloatTupleType {
  return Object.prototype.hasOwnProperty.call(GODOT_FLOAT_TUPLE_LENGTH, type);
}

/** Godot 4's integer vectors, with their number of int32 components. */
export const GODOT_INT_TUPLE_LENGTH = { Vector2i: 2, Rect2i: 4, Vector3i: 3, Vector4i: 4 } as const;

export type GodotIntTupleType = keyof typeof GODOT_INT_TUPLE_LENGTH;

export function isIntTupleType(type: string): type is GodotIntTupleType {
  return Object.prototype.hasOwnProperty.call(GODOT_INT_TUPLE_LENGTH, type);
}

/** Pool/packed arrays of vectors, with the number of floats per element. */
export const GODOT_VECTOR_POOL_WIDTH = {
  PoolVector2Array: 2,
  PoolVector3Array: 3,
  PoolColorArray: 4,
  PackedVector2Array: 2,
  PackedVector3Array: 3,
  PackedVector4Array: 4,
  PackedColorArray: 4,
} as const;

export type GodotVectorPoolType = keyof typeof GODOT_VECTOR_POOL_WIDTH;

export function isVectorPoolType(type: string): type is GodotVectorPoolType {
  return Object.prototype.hasOwnProperty.call(GODOT_VECTOR_POOL_WIDTH, type);
}

/** Math types whose components Godot 4 may write as doubles (HEADER_DATA_FLAG_64); Color never is. */
export function mayBeDouble(type: GodotTypeName): boolean {
  return (isFloatTupleType(type) && type !== 'Color') || (isVectorPoolType(type) && type.startsWith('PackedVector'));
}

/** True when `value` may sit in a container typed `type` (objects are refused, so object slots hold only null). */
export function fitsContainerType(type: GodotContainerType, value: GodotValue): boolean {
  if (type.kind !== 'builtin' || type.type === 'Object') return value.type === 'Nil';
  return value.type === type.type;
}
