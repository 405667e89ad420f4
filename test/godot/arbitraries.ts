import fc from 'fast-check';
import type { GodotValue } from '../../src/codec/godot/index.js';

/** Text Godot 3 can carry: any Unicode (astral included) except NUL, which ends a Godot string. */
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
