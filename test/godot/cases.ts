import { godotFromPlain, type GodotValue } from '../../src/codec/godot/index.js';

/**
 * One value written twice: as a GDScript expression the engine evaluates, and as the GodotValue lobbykit must
 * decode Godot's bytes to. Components of math types are float32-exact so the two sides can be compared exactly.
 */
export interface OracleCase {
  readonly name: string;
  readonly gd: string;
  readonly value: GodotValue;
  /**
   * Godot 3.2 does not zero the padding after NodePath names (marshalls.cpp leaves whatever was in the buffer),
   * so those bytes can differ run to run; everything else must match exactly.
   */
  readonly nodePathPadding?: boolean;
}

const int = (value: bigint, bits: 32 | 64 = 32): GodotValue => ({ type: 'int', value, bits });
const float = (value: number, bits: 32 | 64): GodotValue => ({ type: 'float', value, bits });
const str = (value: string): GodotValue => ({ type: 'String', value });
const f = Math.fround;

export const STEAM_ID = 76561198000000000n;

export const ORACLE_CASES: readonly OracleCase[] = [
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
  { name: 'Vector2', gd: 'Vector2(1.5, -2)', value: { type: 'Vector2', value: [1.5, -2] } },
  { name: 'Vector2 rounds to float32', gd: 'Vector2(0.1, 1e10)', value: { type: 'Vector2', value: [f(0.1), f(1e10)] } },
  { name: 'Rect2', gd: 'Rect2(0.5, 1, 2, 3)', value: { type: 'Rect2', value: [0.5, 1, 2, 3] } },
  { name: 'Vector3', gd: 'Vector3(1, 2, 3.25)', value: { type: 'Vector3', value: [1, 2, 3.25] } },
  {
    name: 'Transform2D',
    gd: 'Transform2D(Vector2(1, 2), Vector2(3, 4), Vector2(5, 6))',
    value: { type: 'Transform2D', value: [1, 2, 3, 4, 5, 6] },
  },
  { name: 'Plane', gd: 'Plane(0, 1, 0, 4.5)', value: { type: 'Plane', value: [0, 1, 0, 4.5] } },
  { name: 'Quat', gd: 'Quat(0.5, -0.5, 0.5, 0.5)', value: { type: 'Quat', value: [0.5, -0.5, 0.5, 0.5] } },
  {
    name: 'AABB',
    gd: 'AABB(Vector3(1, 2, 3), Vector3(4, 5, 6))',
    value: { type: 'AABB', value: [1, 2, 3, 4, 5, 6] },
  },
  {
    // The constructor takes columns; the wire (and var2str) carries rows.
    name: 'Basis',
    gd: 'Basis(Vector3(1, 2, 3), Vector3(4, 5, 6), Vector3(7, 8, 9))',
    value: { type: 'Basis', value: [1, 4, 7, 2, 5, 8, 3, 6, 9] },
  },
  {
    name: 'Transform',
    gd: 'Transform(Basis(Vector3(1, 2, 3), Vector3(4, 5, 6), Vector3(7, 8, 9)), Vector3(10, 11, 12))',
    value: { type: 'Transform', value: [1, 4, 7, 2, 5, 8, 3, 6, 9, 10, 11, 12] },
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
  {
    name: 'NodePath empty',
    gd: 'NodePath("")',
    value: { type: 'NodePath', value: { absolute: false, names: [], subnames: [] } },
  },
  { name: 'Dictionary empty', gd: '{}', value: { type: 'Dictionary', value: [] } },
  {
    name: 'Dictionary mixed keys',
    gd: '{"name": "x", 7: true, Vector2(1, 2): [1], 2.5: null, "nested": {"k": PoolByteArray([9])}}',
    value: {
      type: 'Dictionary',
      value: [
        [str('name'), str('x')],
        [int(7n), { type: 'bool', value: true }],
        [{ type: 'Vector2', value: [1, 2] }, { type: 'Array', value: [int(1n)] }],
        [float(2.5, 32), { type: 'Nil' }],
        [str('nested'), { type: 'Dictionary', value: [[str('k'), { type: 'PoolByteArray', value: new Uint8Array([9]) }]] }],
      ],
    },
  },
  { name: 'Array empty', gd: '[]', value: { type: 'Array', value: [] } },
  {
    name: 'Array nested',
    gd: '[1, [2, "x", []], {}, null]',
    value: {
      type: 'Array',
      value: [
        int(1n),
        { type: 'Array', value: [int(2n), str('x'), { type: 'Array', value: [] }] },
        { type: 'Dictionary', value: [] },
        { type: 'Nil' },
      ],
    },
  },
  {
    name: 'Array of 300 ints',
    gd: 'range(300)',
    value: { type: 'Array', value: Array.from({ length: 300 }, (_, i) => int(BigInt(i))) },
  },
  { name: 'PoolByteArray', gd: 'PoolByteArray([0, 1, 255])', value: { type: 'PoolByteArray', value: new Uint8Array([0, 1, 255]) } },
  { name: 'PoolByteArray empty', gd: 'PoolByteArray()', value: { type: 'PoolByteArray', value: new Uint8Array(0) } },
  {
    name: 'PoolIntArray',
    gd: 'PoolIntArray([1, -2, 2147483647])',
    value: { type: 'PoolIntArray', value: Int32Array.from([1, -2, 2147483647]) },
  },
  {
    name: 'PoolRealArray',
    gd: 'PoolRealArray([1.5, -0.25, 0.1])',
    value: { type: 'PoolRealArray', value: Float32Array.from([1.5, -0.25, 0.1]) },
  },
  {
    name: 'PoolStringArray',
    gd: 'PoolStringArray(["", "ab", "abc", "ünï"])',
    value: { type: 'PoolStringArray', value: ['', 'ab', 'abc', 'ünï'] },
  },
  { name: 'PoolStringArray empty', gd: 'PoolStringArray()', value: { type: 'PoolStringArray', value: [] } },
  {
    name: 'PoolVector2Array',
    gd: 'PoolVector2Array([Vector2(1, 2), Vector2(-3.5, 4)])',
    value: { type: 'PoolVector2Array', value: [[1, 2], [-3.5, 4]] },
  },
  {
    name: 'PoolVector3Array',
    gd: 'PoolVector3Array([Vector3(1, 2, 3), Vector3(0, 0, -1)])',
    value: { type: 'PoolVector3Array', value: [[1, 2, 3], [0, 0, -1]] },
  },
  {
    name: 'PoolColorArray',
    gd: 'PoolColorArray([Color(1, 0, 0, 1), Color(0, 0.5, 1, 0.25)])',
    value: { type: 'PoolColorArray', value: [[1, 0, 0, 1], [0, 0.5, 1, 0.25]] },
  },
  // The seed's own messages, built the way a game builds them: these check godotFromPlain's GDScript mapping.
  {
    name: 'seed handshake (from plain)',
    gd: `{"message": "handshake", "from": ${STEAM_ID}}`,
    value: godotFromPlain({ message: 'handshake', from: STEAM_ID }),
  },
  {
    name: 'game state (from plain)',
    gd: '{"message": "state", "tick": 1234, "pos": [1.5, 0.1, -2], "big": 1099511627776, "alive": true, "none": null, "tags": ["a", "b"], "raw": PoolByteArray([1, 2])}',
    value: godotFromPlain({
      message: 'state',
      tick: 1234,
      pos: [1.5, 0.1, -2],
      big: 2 ** 40,
      alive: true,
      none: null,
      tags: ['a', 'b'],
      raw: new Uint8Array([1, 2]),
    }),
  },
];
