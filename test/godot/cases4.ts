import { godotFromPlain, type Godot4VariantType, type GodotContainerType, type GodotValue } from '../../src/codec/godot/index.js';
import { STEAM_ID } from './cases.js';

/**
 * Godot 4 oracle cases: one value written twice, as a GDScript 4 expression the engine evaluates and as the
 * GodotValue lobbykit must decode Godot's var_to_bytes to. Components of math types are float32-exact so the two
 * sides compare exactly. Every Variant type var_to_bytes writes without objects appears at least once.
 */
export interface Oracle4Case {
  readonly name: string;
  readonly gd: string;
  readonly value: GodotValue;
  /** Godot leaves the padding after NodePath names uninitialised: those bytes may differ run to run. */
  readonly nodePathPadding?: boolean;
  /**
   * Only lobbykit writes this form (64-bit math, as a double-precision build does); the single-precision engine
   * reads it back as `gd` but writes `value` without `bits`.
   */
  readonly oursOnly?: boolean;
}

const int = (value: bigint, bits: 32 | 64 = 32): GodotValue => ({ type: 'int', value, bits });
const float = (value: number, bits: 32 | 64): GodotValue => ({ type: 'float', value, bits });
const str = (value: string): GodotValue => ({ type: 'String', value });
const builtin = (type: Godot4VariantType): GodotContainerType => ({ kind: 'builtin', type });
const OBJECT_SLOT: GodotContainerType = { kind: 'class', name: 'EncodedObjectAsID' };
const f = Math.fround;

export const ORACLE4_CASES: readonly Oracle4Case[] = [
  { name: 'nil', gd: 'null', value: { type: 'Nil' } },
  { name: 'true', gd: 'true', value: { type: 'bool', value: true } },
  { name: 'false', gd: 'false', value: { type: 'bool', value: false } },
  { name: 'int small', gd: '5', value: int(5n) },
  { name: 'int negative', gd: '-1', value: int(-1n) },
  { name: 'int32 max', gd: '2147483647', value: int(2147483647n) },
  { name: 'int32 min', gd: '-2147483648', value: int(-2147483648n) },
  { name: 'int just past int32', gd: '2147483648', value: int(2147483648n, 64) },
  { name: 'int just below int32', gd: '-2147483649', value: int(-2147483649n, 64) },
  { name: 'int steam id', gd: String(STEAM_ID), value: int(STEAM_ID, 64) },
  { name: 'int64 max', gd: '9223372036854775807', value: int(2n ** 63n - 1n, 64) },
  { name: 'int64 min', gd: '-9223372036854775807 - 1', value: int(-(2n ** 63n), 64) },
  { name: 'float 1.5 fits 32', gd: '1.5', value: float(1.5, 32) },
  { name: 'float 0.1 needs 64', gd: '0.1', value: float(0.1, 64) },
  { name: 'float negative zero', gd: '-0.0', value: float(-0, 32) },
  { name: 'float huge', gd: '1e300', value: float(1e300, 64) },
  { name: 'float inf', gd: 'INF', value: float(Infinity, 32) },
  { name: 'float -inf', gd: '-INF', value: float(-Infinity, 32) },
  { name: 'float nan', gd: 'NAN', value: float(NaN, 64) },
  { name: 'string empty', gd: '""', value: str('') },
  { name: 'string ascii pad 1', gd: '"abc"', value: str('abc') },
  { name: 'string ascii no pad', gd: '"abcd"', value: str('abcd') },
  { name: 'string non-ascii', gd: '"héllo wörld ✓ 日本語"', value: str('héllo wörld ✓ 日本語') },
  { name: 'string astral', gd: '"game 🎮"', value: str('game 🎮') },
  { name: 'StringName', gd: '&"player_joined"', value: { type: 'StringName', value: 'player_joined' } },
  { name: 'StringName empty', gd: '&""', value: { type: 'StringName', value: '' } },
  { name: 'StringName non-ascii', gd: '&"größe"', value: { type: 'StringName', value: 'größe' } },
  { name: 'Vector2', gd: 'Vector2(1.5, -2)', value: { type: 'Vector2', value: [1.5, -2] } },
  { name: 'Vector2 rounds to float32', gd: 'Vector2(0.1, 1e10)', value: { type: 'Vector2', value: [f(0.1), f(1e10)] } },
  { name: 'Vector2i', gd: 'Vector2i(-3, 2147483647)', value: { type: 'Vector2i', value: [-3, 2147483647] } },
  { name: 'Rect2', gd: 'Rect2(0.5, 1, 2, 3)', value: { type: 'Rect2', value: [0.5, 1, 2, 3] } },
  { name: 'Rect2i', gd: 'Rect2i(1, -2, 30, 40)', value: { type: 'Rect2i', value: [1, -2, 30, 40] } },
  { name: 'Vector3', gd: 'Vector3(1, 2, 3.25)', value: { type: 'Vector3', value: [1, 2, 3.25] } },
  { name: 'Vector3i', gd: 'Vector3i(7, -8, -2147483648)', value: { type: 'Vector3i', value: [7, -8, -2147483648] } },
  {
    name: 'Transform2D',
    gd: 'Transform2D(Vector2(1, 2), Vector2(3, 4), Vector2(5, 6))',
    value: { type: 'Transform2D', value: [1, 2, 3, 4, 5, 6] },
  },
  { name: 'Vector4', gd: 'Vector4(1, -2.5, 3, 0.25)', value: { type: 'Vector4', value: [1, -2.5, 3, 0.25] } },
  { name: 'Vector4i', gd: 'Vector4i(1, 2, -3, 4)', value: { type: 'Vector4i', value: [1, 2, -3, 4] } },
  { name: 'Plane', gd: 'Plane(0, 1, 0, 4.5)', value: { type: 'Plane', value: [0, 1, 0, 4.5] } },
  { name: 'Quaternion', gd: 'Quaternion(0.5, -0.5, 0.5, 0.5)', value: { type: 'Quaternion', value: [0.5, -0.5, 0.5, 0.5] } },
  { name: 'AABB', gd: 'AABB(Vector3(1, 2, 3), Vector3(4, 5, 6))', value: { type: 'AABB', value: [1, 2, 3, 4, 5, 6] } },
  {
    // The constructor takes columns; the wire (and var_to_str) carries rows.
    name: 'Basis',
    gd: 'Basis(Vector3(1, 2, 3), Vector3(4, 5, 6), Vector3(7, 8, 9))',
    value: { type: 'Basis', value: [1, 4, 7, 2, 5, 8, 3, 6, 9] },
  },
  {
    name: 'Transform3D',
    gd: 'Transform3D(Basis(Vector3(1, 2, 3), Vector3(4, 5, 6), Vector3(7, 8, 9)), Vector3(10, 11, 12))',
    value: { type: 'Transform3D', value: [1, 4, 7, 2, 5, 8, 3, 6, 9, 10, 11, 12] },
  },
  {
    // The constructor takes columns, and the wire carries columns too.
    name: 'Projection',
    gd: 'Projection(Vector4(1, 2, 3, 4), Vector4(5, 6, 7, 8), Vector4(9, 10, 11, 12), Vector4(13, 14, 15, 16))',
    value: { type: 'Projection', value: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16] },
  },
  { name: 'Color', gd: 'Color(1, 0.5, 0.25, 0.75)', value: { type: 'Color', value: [1, 0.5, 0.25, 0.75] } },
  {
    name: 'NodePath absolute with subnames',
    gd: 'NodePath("/root/Main:position:x")',
    value: { type: 'NodePath', value: { absolute: true, names: ['root', 'Main'], subnames: ['position', 'x'] } },
    nodePathPadding: true,
  },
  {
    name: 'NodePath relative',
    gd: 'NodePath("Player/Sprite")',
    value: { type: 'NodePath', value: { absolute: false, names: ['Player', 'Sprite'], subnames: [] } },
    nodePathPadding: true,
  },
  {
    name: 'NodePath subname only',
    gd: 'NodePath(":modulate")',
    value: { type: 'NodePath', value: { absolute: false, names: [], subnames: ['modulate'] } },
    nodePathPadding: true,
  },
  { name: 'NodePath empty', gd: 'NodePath("")', value: { type: 'NodePath', value: { absolute: false, names: [], subnames: [] } } },
  // var_to_bytes writes a Callable as its type alone, bound or not; it reads back as an empty Callable.
  { name: 'Callable empty', gd: 'Callable()', value: { type: 'Callable' } },
  { name: 'Dictionary empty', gd: '{}', value: { type: 'Dictionary', value: [] } },
  {
    name: 'Dictionary mixed keys',
    // A String and a StringName with the same text are one key to Godot 4 (the first one's type stays).
    gd: '{"name": "x", &"team": "y", 7: true, Vector2i(1, 2): [1], 2.5: null, "nested": {"k": PackedByteArray([9])}}',
    value: {
      type: 'Dictionary',
      value: [
        [str('name'), str('x')],
        [{ type: 'StringName', value: 'team' }, str('y')],
        [int(7n), { type: 'bool', value: true }],
        [{ type: 'Vector2i', value: [1, 2] }, { type: 'Array', value: [int(1n)] }],
        [float(2.5, 32), { type: 'Nil' }],
        [str('nested'), { type: 'Dictionary', value: [[str('k'), { type: 'PackedByteArray', value: new Uint8Array([9]) }]] }],
      ],
    },
  },
  {
    name: 'Dictionary typed String to int',
    gd: 'Dictionary({"a": 1, "b": -2}, TYPE_STRING, &"", null, TYPE_INT, &"", null)',
    value: {
      type: 'Dictionary',
      keyType: builtin('String'),
      valueType: builtin('int'),
      value: [
        [str('a'), int(1n)],
        [str('b'), int(-2n)],
      ],
    },
  },
  {
    name: 'Dictionary typed keys only',
    gd: 'Dictionary({1: "x"}, TYPE_INT, &"", null, TYPE_NIL, &"", null)',
    value: { type: 'Dictionary', keyType: builtin('int'), value: [[int(1n), str('x')]] },
  },
  {
    name: 'Dictionary typed values only, of Vector3',
    gd: 'Dictionary({"up": Vector3(0, 1, 0)}, TYPE_NIL, &"", null, TYPE_VECTOR3, &"", null)',
    value: { type: 'Dictionary', valueType: builtin('Vector3'), value: [[str('up'), { type: 'Vector3', value: [0, 1, 0] }]] },
  },
  { name: 'Array empty', gd: '[]', value: { type: 'Array', value: [] } },
  {
    name: 'Array nested',
    gd: '[1, [2, "x", []], {}, null]',
    value: {
      type: 'Array',
      value: [int(1n), { type: 'Array', value: [int(2n), str('x'), { type: 'Array', value: [] }] }, { type: 'Dictionary', value: [] }, { type: 'Nil' }],
    },
  },
  { name: 'Array of 300 ints', gd: 'range(300)', value: { type: 'Array', value: Array.from({ length: 300 }, (_, i) => int(BigInt(i))) } },
  {
    name: 'Array typed int',
    gd: 'Array([1, 2, 5000000000], TYPE_INT, &"", null)',
    value: { type: 'Array', elementType: builtin('int'), value: [int(1n), int(2n), int(5000000000n, 64)] },
  },
  {
    // Godot converts the int literal to a float when it stores it: the bytes carry 1.0.
    name: 'Array typed float',
    gd: 'Array([1, 2.5], TYPE_FLOAT, &"", null)',
    value: { type: 'Array', elementType: builtin('float'), value: [float(1, 32), float(2.5, 32)] },
  },
  {
    name: 'Array typed String',
    gd: 'Array(["a", "bc"], TYPE_STRING, &"", null)',
    value: { type: 'Array', elementType: builtin('String'), value: [str('a'), str('bc')] },
  },
  {
    name: 'Array typed Vector2 empty',
    gd: 'Array([], TYPE_VECTOR2, &"", null)',
    value: { type: 'Array', elementType: builtin('Vector2'), value: [] },
  },
  {
    // Without objects, Godot names every object element type EncodedObjectAsID; null slots are Nil.
    name: 'Array typed Node with nulls',
    gd: 'Array([null, null], TYPE_OBJECT, &"Node", null)',
    value: { type: 'Array', elementType: OBJECT_SLOT, value: [{ type: 'Nil' }, { type: 'Nil' }] },
  },
  { name: 'PackedByteArray', gd: 'PackedByteArray([0, 1, 255])', value: { type: 'PackedByteArray', value: new Uint8Array([0, 1, 255]) } },
  { name: 'PackedByteArray empty', gd: 'PackedByteArray()', value: { type: 'PackedByteArray', value: new Uint8Array(0) } },
  {
    name: 'PackedInt32Array',
    gd: 'PackedInt32Array([1, -2, 2147483647])',
    value: { type: 'PackedInt32Array', value: Int32Array.from([1, -2, 2147483647]) },
  },
  {
    name: 'PackedInt64Array',
    gd: `PackedInt64Array([1, -2, ${STEAM_ID}, -9223372036854775807 - 1])`,
    value: { type: 'PackedInt64Array', value: BigInt64Array.from([1n, -2n, STEAM_ID, -(2n ** 63n)]) },
  },
  {
    name: 'PackedFloat32Array',
    gd: 'PackedFloat32Array([1.5, -0.25, 0.1])',
    value: { type: 'PackedFloat32Array', value: Float32Array.from([1.5, -0.25, 0.1]) },
  },
  {
    name: 'PackedFloat64Array',
    gd: 'PackedFloat64Array([1.5, 0.1, -1e300])',
    value: { type: 'PackedFloat64Array', value: Float64Array.from([1.5, 0.1, -1e300]) },
  },
  {
    name: 'PackedStringArray',
    gd: 'PackedStringArray(["", "ab", "abc", "ünï"])',
    value: { type: 'PackedStringArray', value: ['', 'ab', 'abc', 'ünï'] },
  },
  {
    name: 'PackedVector2Array',
    gd: 'PackedVector2Array([Vector2(1, 2), Vector2(-3.5, 4)])',
    value: { type: 'PackedVector2Array', value: [[1, 2], [-3.5, 4]] },
  },
  {
    name: 'PackedVector3Array',
    gd: 'PackedVector3Array([Vector3(1, 2, 3), Vector3(0, 0, -1)])',
    value: { type: 'PackedVector3Array', value: [[1, 2, 3], [0, 0, -1]] },
  },
  {
    name: 'PackedColorArray',
    gd: 'PackedColorArray([Color(1, 0, 0, 1), Color(0, 0.5, 1, 0.25)])',
    value: { type: 'PackedColorArray', value: [[1, 0, 0, 1], [0, 0.5, 1, 0.25]] },
  },
  {
    name: 'PackedVector4Array',
    gd: 'PackedVector4Array([Vector4(1, 2, 3, 4), Vector4(-1, 0.5, 0, 8)])',
    value: { type: 'PackedVector4Array', value: [[1, 2, 3, 4], [-1, 0.5, 0, 8]] },
  },
  // What a double-precision build writes; the official engine reads it (marshalls.cpp checks the flag per value).
  { name: 'Vector2 as doubles', gd: 'Vector2(1.5, -2)', value: { type: 'Vector2', value: [1.5, -2], bits: 64 }, oursOnly: true },
  {
    name: 'Transform3D as doubles',
    gd: 'Transform3D(Basis(Vector3(1, 2, 3), Vector3(4, 5, 6), Vector3(7, 8, 9)), Vector3(10, 11, 12))',
    value: { type: 'Transform3D', value: [1, 4, 7, 2, 5, 8, 3, 6, 9, 10, 11, 12], bits: 64 },
    oursOnly: true,
  },
  {
    name: 'Projection as doubles',
    gd: 'Projection(Vector4(1, 2, 3, 4), Vector4(5, 6, 7, 8), Vector4(9, 10, 11, 12), Vector4(13, 14, 15, 16))',
    value: { type: 'Projection', value: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], bits: 64 },
    oursOnly: true,
  },
  {
    name: 'PackedVector3Array as doubles',
    gd: 'PackedVector3Array([Vector3(1, 2, 3), Vector3(0, 0, -1)])',
    value: { type: 'PackedVector3Array', value: [[1, 2, 3], [0, 0, -1]], bits: 64 },
    oursOnly: true,
  },
  // The tutorial's messages, built the way a game builds them: these check godotFromPlain's Godot 4 mapping.
  {
    name: 'tutorial handshake (from plain)',
    gd: `{"message": "handshake", "from": ${STEAM_ID}}`,
    value: godotFromPlain({ message: 'handshake', from: STEAM_ID }, 4),
  },
  {
    name: 'game state (from plain)',
    gd: '{"message": "state", "tick": 1234, "pos": [1.5, 0.1, -2], "big": 1099511627776, "alive": true, "none": null, "tags": ["a", "b"], "raw": PackedByteArray([1, 2]), "ids": PackedInt64Array([7]), "w": PackedFloat64Array([0.1])}',
    value: godotFromPlain(
      {
        message: 'state',
        tick: 1234,
        pos: [1.5, 0.1, -2],
        big: 2 ** 40,
        alive: true,
        none: null,
        tags: ['a', 'b'],
        raw: new Uint8Array([1, 2]),
        ids: BigInt64Array.from([7n]),
        w: Float64Array.from([0.1]),
      },
      4,
    ),
  },
];

/** The value the single-precision engine writes back for a case: 64-bit math comes back as float32. */
export function asGodotWrites(c: Oracle4Case): GodotValue {
  if (!c.oursOnly) return c.value;
  const { bits: _dropped, ...rest } = c.value as GodotValue & { bits?: number };
  return rest as GodotValue;
}
