/**
 * The Godot Variant model lobbykit decodes into and encodes from.
 *
 * It keeps every distinction Godot's wire format makes, so a decoded packet re-encodes to the same bytes:
 * int vs float and their 32/64-bit width, Dictionary key types and entry order, PoolArray vs Array.
 * Type names are Godot 3's own (what `typeof`/var2str show), so a reader of a packet dump recognises them.
 * Math types are tuples of their 32-bit float components in wire order, which is the order var2str prints them:
 * `Vector2( 1, 2 )` is [1, 2]; a Basis is its three rows (var2str's order, not the column vectors the
 * `Basis(x_axis, y_axis, z_axis)` constructor takes); a Transform is those rows then the origin.
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

/** Wire width of an int or float: Godot writes 32 bits when the value fits, 64 otherwise. */
export type GodotWidth = 32 | 64;

export interface GodotNodePath {
  readonly absolute: boolean;
  /** Path segments: `/root/Main` has names `["root", "Main"]`. */
  readonly names: readonly string[];
  /** Property subnames after `:`: `Sprite:position:x` has subnames `["position", "x"]`. */
  readonly subnames: readonly string[];
}

export type GodotDictionaryEntry = readonly [key: GodotValue, value: GodotValue];

export type GodotValue =
  | { readonly type: 'Nil' }
  | { readonly type: 'bool'; readonly value: boolean }
  /** Godot ints are 64-bit signed; `bigint` keeps Steam IDs exact. */
  | { readonly type: 'int'; readonly value: bigint; readonly bits: GodotWidth }
  /** A 32-bit float is written as `Math.fround(value)`. */
  | { readonly type: 'float'; readonly value: number; readonly bits: GodotWidth }
  | { readonly type: 'String'; readonly value: string }
  | { readonly type: 'Vector2'; readonly value: Vec2Tuple }
  /** x, y, width, height */
  | { readonly type: 'Rect2'; readonly value: Vec4Tuple }
  | { readonly type: 'Vector3'; readonly value: Vec3Tuple }
  /** x axis (2), y axis (2), origin (2) */
  | { readonly type: 'Transform2D'; readonly value: Vec6Tuple }
  /** normal x, y, z, distance */
  | { readonly type: 'Plane'; readonly value: Vec4Tuple }
  /** x, y, z, w */
  | { readonly type: 'Quat'; readonly value: Vec4Tuple }
  /** position (3), size (3) */
  | { readonly type: 'AABB'; readonly value: Vec6Tuple }
  /** three rows of three */
  | { readonly type: 'Basis'; readonly value: Vec9Tuple }
  /** basis rows (9), origin (3) */
  | { readonly type: 'Transform'; readonly value: Vec12Tuple }
  /** r, g, b, a */
  | { readonly type: 'Color'; readonly value: Vec4Tuple }
  | { readonly type: 'NodePath'; readonly value: GodotNodePath }
  /** Entries in wire order; keys may be any Godot value. */
  | { readonly type: 'Dictionary'; readonly value: readonly GodotDictionaryEntry[] }
  | { readonly type: 'Array'; readonly value: readonly GodotValue[] }
  | { readonly type: 'PoolByteArray'; readonly value: Uint8Array }
  | { readonly type: 'PoolIntArray'; readonly value: Int32Array }
  | { readonly type: 'PoolRealArray'; readonly value: Float32Array }
  | { readonly type: 'PoolStringArray'; readonly value: readonly string[] }
  | { readonly type: 'PoolVector2Array'; readonly value: readonly Vec2Tuple[] }
  | { readonly type: 'PoolVector3Array'; readonly value: readonly Vec3Tuple[] }
  | { readonly type: 'PoolColorArray'; readonly value: readonly Vec4Tuple[] };

export type GodotTypeName = GodotValue['type'];

/** Values of one Godot type, e.g. `GodotOf<'int'>`. */
export type GodotOf<T extends GodotTypeName> = Extract<GodotValue, { readonly type: T }>;

/** The math types that are a fixed number of 32-bit floats, with that number. */
export const GODOT_FLOAT_TUPLE_LENGTH = {
  Vector2: 2,
  Rect2: 4,
  Vector3: 3,
  Transform2D: 6,
  Plane: 4,
  Quat: 4,
  AABB: 6,
  Basis: 9,
  Transform: 12,
  Color: 4,
} as const;

export type GodotFloatTupleType = keyof typeof GODOT_FLOAT_TUPLE_LENGTH;

export function isFloatTupleType(type: string): type is GodotFloatTupleType {
  return Object.prototype.hasOwnProperty.call(GODOT_FLOAT_TUPLE_LENGTH, type);
}

/** Pool arrays of vectors, with the number of floats per element. */
export const GODOT_VECTOR_POOL_WIDTH = {
  PoolVector2Array: 2,
  PoolVector3Array: 3,
  PoolColorArray: 4,
} as const;

export type GodotVectorPoolType = keyof typeof GODOT_VECTOR_POOL_WIDTH;

export function isVectorPoolType(type: string): type is GodotVectorPoolType {
  return Object.prototype.hasOwnProperty.call(GODOT_VECTOR_POOL_WIDTH, type);
}
