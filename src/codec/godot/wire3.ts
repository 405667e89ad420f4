/** Godot 3's wire: Variant type ids by lobbykit type name and back, and the table the shared walks read. */
import type { GodotTypeName } from './value.js';
import type { GodotWire } from './wire.js';

/**
 * Godot 3's Variant type ids (core/variant.h), in the order the engine numbers them. RID (16) and Object (17)
 * exist on the wire but lobbykit refuses them: an RID means nothing outside the process that made it, and objects
 * can carry scripts.
 */
const GODOT3_ID = {
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

const RID_ID = 16;
const OBJECT_ID = 17;

const ID_OF: ReadonlyMap<GodotTypeName, number> = new Map(
  Object.entries(GODOT3_ID).map(([name, id]) => [name as GodotTypeName, id]),
);

/**
 * Godot 3 (core/io/marshalls.cpp): no typed containers, and math always in 32-bit floats (only int and float
 * take the 64-bit flag).
 */
export const GODOT3_WIRE: GodotWire = {
  version: 3,
  name: 'Godot 3',
  idOf: ID_OF,
  typeOf: Array.from({ length: 27 }, (_, id) => [...ID_OF].find(([, n]) => n === id)?.[0]),
  refused: new Map([
    [OBJECT_ID, 'Godot Object values are refused: they can carry scripts'],
    [RID_ID, 'Godot RID values are refused: they mean nothing outside their process'],
  ]),
  mayBeDouble: () => false,
  typedContainers: false,
  renamed: new Map(),
  plain: { dictionary: GODOT3_ID.Dictionary, array: GODOT3_ID.Array, stringName: -1 },
};
