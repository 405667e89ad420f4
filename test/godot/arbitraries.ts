import fc from 'fast-check';
import type { Godot4VariantType, GodotValue } from '../../src/codec/godot/index.js';

/** Text Godot can carry: any Unicode (astral included) except NUL, which ends a Godot string. */
export const godotText = fc
  .oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ maxLength: 12 }))
  .filter((s) => !s.includes('\u0000'));

const float32 = fc.float();
const floats = (n: number) => fc.array(float32, { minLength: n, maxLength: n });

const leaf: fc.Arbitrary<GodotValue> = fc.oneof(
  fc.constant<GodotValue>({ type: 'Nil' }),
  fc.boolean().map((value): GodotValue => ({ type: 'bool', value })),
  fc.integer().map((n): GodotValue => ({ type: 'int', value: BigInt(n), bits: 32 })),
  // 64-bit ints may be small too: the flag is what is on the wire, and it must survive.
  fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n).map((value): GodotValue => ({ type: 'int', value, bits: 64 })),
  float32.map((value): GodotValue => ({ type: 'float', value, bits: 32 })),
  fc.double().map((value): GodotValue => ({ type: 'float', value, bits: 64 })),
  godotText.map((value): GodotValue => ({ type: 'String', value })),
  floats(2).map((v) => ({ type: 'Vector2', value: v }) as unknown as GodotValue),
  floats(4).map((v) => ({ type: 'Rect2', value: v }) as unknown as GodotValue),
  floats(3).map((v) => ({ type: 'Vector3', value: v }) as unknown as GodotValue),
  floats(6).map((v) => ({ type: 'Transform2D', value: v }) as unknown as GodotValue),
  floats(4).map((v) => ({ type: 'Plane', value: v }) as unknown as GodotValue),
  floats(4).map((v) => ({ type: 'Quat', value: v }) as unknown as GodotValue),
  floats(6).map((v) => ({ type: 'AABB', value: v }) as unknown as GodotValue),
  floats(9).map((v) => ({ type: 'Basis', value: v }) as unknown as GodotValue),
  floats(12).map((v) => ({ type: 'Transform', value: v }) as unknown as GodotValue),
  floats(4).map((v) => ({ type: 'Color', value: v }) as unknown as GodotValue),
  fc
    .record({ absolute: fc.boolean(), names: fc.array(godotText, { maxLength: 3 }), subnames: fc.array(godotText, { maxLength: 3 }) })
    .map((value): GodotValue => ({ type: 'NodePath', value })),
  fc.uint8Array({ maxLength: 9 }).map((value): GodotValue => ({ type: 'PoolByteArray', value })),
  fc.int32Array({ maxLength: 5 }).map((value): GodotValue => ({ type: 'PoolIntArray', value })),
  fc.float32Array({ maxLength: 5 }).map((value): GodotValue => ({ type: 'PoolRealArray', value })),
  fc.array(godotText, { maxLength: 4 }).map((value): GodotValue => ({ type: 'PoolStringArray', value })),
  fc.array(floats(2), { maxLength: 3 }).map((v) => ({ type: 'PoolVector2Array', value: v }) as unknown as GodotValue),
  fc.array(floats(3), { maxLength: 3 }).map((v) => ({ type: 'PoolVector3Array', value: v }) as unknown as GodotValue),
  fc.array(floats(4), { maxLength: 3 }).map((v) => ({ type: 'PoolColorArray', value: v }) as unknown as GodotValue),
);

/** Any Godot 3 value lobbykit can send, nested up to a few levels, Dictionary keys of every type. */
export const godotValue: fc.Arbitrary<GodotValue> = fc.letrec<{ value: GodotValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }).map((value): GodotValue => ({ type: 'Array', value })),
    fc
      .array(fc.tuple(tie('value'), tie('value')), { maxLength: 4 })
      .map((value): GodotValue => ({ type: 'Dictionary', value })),
  ),
})).value;

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const ints = (n: number) => fc.array(int32, { minLength: n, maxLength: n });
/** A math value in Godot 4's float32 form, or with `bits: 64` and doubles as a double-precision build writes it. */
const math4 = (type: string, n: number): fc.Arbitrary<GodotValue> =>
  fc.oneof(
    floats(n).map((value) => ({ type, value }) as unknown as GodotValue),
    fc.array(fc.double(), { minLength: n, maxLength: n }).map((value) => ({ type, value, bits: 64 }) as unknown as GodotValue),
  );
const vectors4 = (type: string, n: number, wide: boolean): fc.Arbitrary<GodotValue> =>
  fc
    .array(wide ? fc.array(fc.double(), { minLength: n, maxLength: n }) : floats(n), { maxLength: 3 })
    .map((value) => ({ type, value, ...(wide ? { bits: 64 } : {}) }) as unknown as GodotValue);

/** Every Godot 4 leaf type, by name, so typed containers can draw elements of one type. */
export const GODOT4_LEAVES: Readonly<Record<string, fc.Arbitrary<GodotValue>>> = {
  Nil: fc.constant<GodotValue>({ type: 'Nil' }),
  bool: fc.boolean().map((value): GodotValue => ({ type: 'bool', value })),
  int: fc.oneof(
    fc.integer().map((n): GodotValue => ({ type: 'int', value: BigInt(n), bits: 32 })),
    fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n).map((value): GodotValue => ({ type: 'int', value, bits: 64 })),
  ),
  float: fc.oneof(
    float32.map((value): GodotValue => ({ type: 'float', value, bits: 32 })),
    fc.double().map((value): GodotValue => ({ type: 'float', value, bits: 64 })),
  ),
  String: godotText.map((value): GodotValue => ({ type: 'String', value })),
  StringName: godotText.map((value): GodotValue => ({ type: 'StringName', value })),
  Vector2: math4('Vector2', 2),
  Vector2i: ints(2).map((value) => ({ type: 'Vector2i', value }) as unknown as GodotValue),
  Rect2: math4('Rect2', 4),
  Rect2i: ints(4).map((value) => ({ type: 'Rect2i', value }) as unknown as GodotValue),
  Vector3: math4('Vector3', 3),
  Vector3i: ints(3).map((value) => ({ type: 'Vector3i', value }) as unknown as GodotValue),
  Transform2D: math4('Transform2D', 6),
  Vector4: math4('Vector4', 4),
  Vector4i: ints(4).map((value) => ({ type: 'Vector4i', value }) as unknown as GodotValue),
  Plane: math4('Plane', 4),
  Quaternion: math4('Quaternion', 4),
  AABB: math4('AABB', 6),
  Basis: math4('Basis', 9),
  Transform3D: math4('Transform3D', 12),
  Projection: math4('Projection', 16),
  Color: floats(4).map((value) => ({ type: 'Color', value }) as unknown as GodotValue),
  NodePath: fc
    .record({ absolute: fc.boolean(), names: fc.array(godotText, { maxLength: 3 }), subnames: fc.array(godotText, { maxLength: 3 }) })
    .map((value): GodotValue => ({ type: 'NodePath', value })),
  Callable: fc.constant<GodotValue>({ type: 'Callable' }),
  PackedByteArray: fc.uint8Array({ maxLength: 9 }).map((value): GodotValue => ({ type: 'PackedByteArray', value })),
  PackedInt32Array: fc.int32Array({ maxLength: 5 }).map((value): GodotValue => ({ type: 'PackedInt32Array', value })),
  PackedInt64Array: fc.bigInt64Array({ maxLength: 4 }).map((value): GodotValue => ({ type: 'PackedInt64Array', value })),
  PackedFloat32Array: fc.float32Array({ maxLength: 5 }).map((value): GodotValue => ({ type: 'PackedFloat32Array', value })),
  PackedFloat64Array: fc.float64Array({ maxLength: 4 }).map((value): GodotValue => ({ type: 'PackedFloat64Array', value })),
  PackedStringArray: fc.array(godotText, { maxLength: 4 }).map((value): GodotValue => ({ type: 'PackedStringArray', value })),
  PackedVector2Array: fc.oneof(vectors4('PackedVector2Array', 2, false), vectors4('PackedVector2Array', 2, true)),
  PackedVector3Array: fc.oneof(vectors4('PackedVector3Array', 3, false), vectors4('PackedVector3Array', 3, true)),
  PackedVector4Array: fc.oneof(vectors4('PackedVector4Array', 4, false), vectors4('PackedVector4Array', 4, true)),
  PackedColorArray: vectors4('PackedColorArray', 4, false),
};

const leafTypes = Object.keys(GODOT4_LEAVES).filter((name) => name !== 'Nil');
/** A typed Array of one leaf type (its elements drawn from that type), or an object-typed one holding nulls. */
const typedArray: fc.Arbitrary<GodotValue> = fc.oneof(
  fc.constantFrom(...leafTypes).chain((type) =>
    fc.array(GODOT4_LEAVES[type]!, { maxLength: 3 }).map(
      (value): GodotValue => ({ type: 'Array', elementType: { kind: 'builtin', type: type as Godot4VariantType }, value }),
    ),
  ),
  fc
    .tuple(fc.oneof(fc.constant('EncodedObjectAsID'), godotText), fc.nat({ max: 2 }))
    .map(([name, n]): GodotValue => ({ type: 'Array', elementType: { kind: 'class', name }, value: Array(n).fill({ type: 'Nil' }) })),
);
const typedDictionary: fc.Arbitrary<GodotValue> = fc
  .tuple(fc.constantFrom(...leafTypes), fc.constantFrom(...leafTypes))
  .chain(([k, v]) =>
    fc.array(fc.tuple(GODOT4_LEAVES[k]!, GODOT4_LEAVES[v]!), { maxLength: 3 }).map(
      (value): GodotValue => ({
        type: 'Dictionary',
        keyType: { kind: 'builtin', type: k as Godot4VariantType },
        valueType: { kind: 'builtin', type: v as Godot4VariantType },
        value,
      }),
    ),
  );

/** Any Godot 4 value lobbykit can send: every leaf type, typed and untyped containers, a few levels deep. */
export const godotValue4: fc.Arbitrary<GodotValue> = fc.letrec<{ value: GodotValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(...Object.values(GODOT4_LEAVES)),
    typedArray,
    typedDictionary,
    fc.array(tie('value'), { maxLength: 4 }).map((value): GodotValue => ({ type: 'Array', value })),
    fc
      .array(fc.tuple(tie('value'), tie('value')), { maxLength: 4 })
      .map((value): GodotValue => ({ type: 'Dictionary', value })),
  ),
})).value;
