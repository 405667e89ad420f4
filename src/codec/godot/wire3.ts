/** Godot 3's wire constants: Variant type ids by lobbykit type name and back, and the header bits. */
import type { GodotTypeName } from './value.js';

/**
 * Godot 3's Variant type ids (core/variant.h) and header bits (core/io/marshalls.h), in the order the engine
 * numbers them. RID (16) and Object (17) exist on the wire but lobbykit refuses them: an RID means nothing
 * outside the process that made it, and objects can carry scripts.
 */
export const GODOT3_ID = {
  Nil: 0,
  bool: 1,
  int: 2,
  float: 3,
  String: 4,
  Vector2: 5,
  Rect2: 6,
  Vector3: 7,
  Transform2D: 8,
  Plane: 9,
  Quat: 10,
  AABB: 11,
  Basis: 12,
  Transform: 13,
  Color: 14,
  NodePath: 15,
  Dictionary: 18,
  Array: 19,
  PoolByteArray: 20,
  PoolIntArray: 21,
  PoolRealArray: 22,
  PoolStringArray: 23,
  PoolVector2Array: 24,
  PoolVector3Array: 25,
  PoolColorArray: 26,
} as const satisfies Partial<Record<GodotTypeName, number>>;

/** Wire id of every GodotValue type Godot 3 has, by lobbykit's type name (Godot 4-only names are absent). */
export const GODOT3_TYPE_ID: ReadonlyMap<GodotTypeName, number> = new Map(
  Object.entries(GODOT3_ID).map(([name, id]) => [name as GodotTypeName, id]),
);

export const GODOT3_RID_ID = 16;
export const GODOT3_OBJECT_ID = 17;

/** GodotValue type by wire id, with the refused ids (RID, Object) absent. */
export const GODOT3_TYPE_BY_ID: readonly (GodotTypeName | undefined)[] = Array.from({ length: 27 }, (_, id) =>
  [...GODOT3_TYPE_ID].find(([, n]) => n === id)?.[0],
);

/** The low byte of the 32-bit header is the type; bit 16 marks a 64-bit int or float. */
export const GODOT3_TYPE_MASK = 0xff;
export const GODOT3_FLAG_64 = 1 << 16;

/** NodePath's first word has this bit set to tell the current format from the pre-3.0 one. */
export const GODOT3_NODEPATH_NEW_FORMAT = 0x80000000;
