/**
 * Godot 4's var_to_bytes: each Godot 4 type's header (with typed-container kinds and the 64-bit math flag), and its
 * payload through the writers both versions share.
 */
import { ByteWriter } from './byte-writer.js';
import { godotByteLength } from './size.js';
import {
  GODOT4_VARIANT_TYPES,
  GODOT_FLOAT_TUPLE_LENGTH,
  GODOT_INT_TUPLE_LENGTH,
  GODOT_VECTOR_POOL_WIDTH,
  fitsContainerType,
  isFloatTupleType,
  isIntTupleType,
  isVectorPoolType,
  mayBeDouble,
  type GodotContainerType,
  type GodotValue,
} from './value.js';
import {
  GODOT4_ARRAY_KIND_SHIFT,
  GODOT4_DICT_KEY_KIND_SHIFT,
  GODOT4_DICT_VALUE_KIND_SHIFT,
  GODOT4_FLAG_64,
  GODOT4_ID,
  GODOT4_KIND_BUILTIN,
  GODOT4_KIND_CLASS_NAME,
  GODOT4_KIND_SCRIPT,
  GODOT4_TYPE_ID,
} from './wire4.js';
import {
  checkObject,
  checkWidth,
  fail,
  mathWide,
  writeByteArray,
  writeFloat32Array,
  writeFloat64Array,
  writeFloatPayload,
  writeFloats,
  writeInt32Array,
  writeInt32s,
  writeInt64Array,
  writeIntPayload,
  writeNodePath,
  writeStringArray,
  writeVectorArray,
} from './write-common.js';

const NODEPATH_NEW_FORMAT = 0x80000000;

/** Godot 3 names whose Godot 4 successor the error message points to. */
const GODOT4_NAME_OF: Readonly<Record<string, string>> = {
  Quat: 'Quaternion',
  Transform: 'Transform3D',
  PoolByteArray: 'PackedByteArray',
  PoolIntArray: 'PackedInt32Array',
  PoolRealArray: 'PackedFloat32Array',
  PoolStringArray: 'PackedStringArray',
  PoolVector2Array: 'PackedVector2Array',
  PoolVector3Array: 'PackedVector3Array',
  PoolColorArray: 'PackedColorArray',
};

/**
 * Godot 4's `var_to_bytes(value)`: the same bytes the official (single-precision) engine writes, padding zeroed;
 * math values marked `bits: 64` are written as a double-precision build writes them. Throws
 * CodecEncodeError('unencodable') for a value Godot 4 cannot hold (an int out of its width, a NUL in a string, a
 * tuple of the wrong length, a Godot 3-only type name, a typed container holding another type).
 */
export function encodeGodot4(value: GodotValue): Uint8Array {
  const writer = new ByteWriter(godotByteLength(value));
  writeValue(writer, value, 0);
  return writer.finish();
}

/** Writes one value at nesting `depth` (the plain encoder hands it what it does not write itself). */
export function writeValue(writer: ByteWriter, value: GodotValue, depth: number): void {
  checkObject(value, depth);
  const type = value.type;
  switch (value.type) {
    case 'Nil':
    case 'Callable':
      writer.u32(GODOT4_ID[value.type]);
      return;
    case 'bool':
      writer.u32(GODOT4_ID.bool);
      writer.u32(value.value ? 1 : 0);
      return;
    case 'int':
      writer.u32(GODOT4_ID.int | (checkWidth(value.bits, 'int') === 64 ? GODOT4_FLAG_64 : 0));
      writeIntPayload(writer, value);
      return;
    case 'float':
      writer.u32(GODOT4_ID.float | (checkWidth(value.bits, 'float') === 64 ? GODOT4_FLAG_64 : 0));
      writeFloatPayload(writer, value);
      return;
    case 'String':
    case 'StringName':
      writer.u32(GODOT4_ID[value.type]);
      writer.string(value.value, type);
      return;
    case 'NodePath':
      writer.u32(GODOT4_ID.NodePath);
      writeNodePath(writer, value.value, NODEPATH_NEW_FORMAT);
      return;
    case 'Dictionary': {
      if (!Array.isArray(value.value)) fail('Dictionary.value must be an array of [key, value] entries');
      const { keyType, valueType } = value;
      writer.u32(GODOT4_ID.Dictionary | (kindOf(keyType) << GODOT4_DICT_KEY_KIND_SHIFT) | (kindOf(valueType) << GODOT4_DICT_VALUE_KIND_SHIFT));
      writeContainerType(writer, keyType);
      writeContainerType(writer, valueType);
      writer.u32(value.value.length);
      for (const entry of value.value) {
        if (!Array.isArray(entry) || entry.length !== 2) fail('Dictionary entries must be [key, value] pairs');
        writeElement(writer, entry[0], keyType, depth);
        writeElement(writer, entry[1], valueType, depth);
      }
      return;
    }
    case 'Array': {
      if (!Array.isArray(value.value)) fail('Array.value must be an array');
      const { elementType } = value;
      writer.u32(GODOT4_ID.Array | (kindOf(elementType) << GODOT4_ARRAY_KIND_SHIFT));
      writeContainerType(writer, elementType);
      writer.u32(value.value.length);
      for (const item of value.value) writeElement(writer, item, elementType, depth);
      return;
    }
    case 'PackedByteArray':
      writer.u32(GODOT4_ID.PackedByteArray);
      writeByteArray(writer, value.value, type);
      return;
    case 'PackedInt32Array':
      writer.u32(GODOT4_ID.PackedInt32Array);
      writeInt32Array(writer, value.value, type);
      return;
    case 'PackedInt64Array':
      writer.u32(GODOT4_ID.PackedInt64Array);
      writeInt64Array(writer, value.value, type);
      return;
    case 'PackedFloat32Array':
      writer.u32(GODOT4_ID.PackedFloat32Array);
      writeFloat32Array(writer, value.value, type);
      return;
    case 'PackedFloat64Array':
      writer.u32(GODOT4_ID.PackedFloat64Array);
      writeFloat64Array(writer, value.value, type);
      return;
    case 'PackedStringArray':
      writer.u32(GODOT4_ID.PackedStringArray);
      writeStringArray(writer, value.value, type);
      return;
    default:
      writeMath(writer, value);
  }
}

/** The fixed-size math types and the packed vector arrays, by their component counts. */
function writeMath(writer: ByteWriter, value: GodotValue): void {
  const type = value.type;
  const id = GODOT4_TYPE_ID.get(type);
  if (id === undefined) {
    const successor = GODOT4_NAME_OF[type];
    fail(`${JSON.stringify(type)} is not a Godot 4 type${successor ? ` (Godot 4 calls it ${successor})` : ''}`);
  }
  const payload = (value as { readonly value?: unknown }).value;
  if (isFloatTupleType(type) || isVectorPoolType(type)) {
    const bits = (value as { readonly bits?: unknown }).bits;
    if (!mayBeDouble(type) && bits !== undefined && bits !== 32) fail(`${type} is always 32-bit floats`);
    const wide = mayBeDouble(type) && mathWide(bits, type);
    writer.u32(id | (wide ? GODOT4_FLAG_64 : 0));
    if (isFloatTupleType(type)) writeFloats(writer, payload, GODOT_FLOAT_TUPLE_LENGTH[type], wide, type);
    else writeVectorArray(writer, payload, GODOT_VECTOR_POOL_WIDTH[type], wide, type);
  } else if (isIntTupleType(type)) {
    writer.u32(id);
    writeInt32s(writer, payload, GODOT_INT_TUPLE_LENGTH[type], type);
  } else {
    fail(`Godot 4 type ${type} has no encoder`);
  }
}

/** Godot would drop an element that does not fit its container's type: refuse it here instead of losing it there. */
function writeElement(writer: ByteWriter, item: GodotValue, type: GodotContainerType | undefined, depth: number): void {
  if (type && item !== null && typeof item === 'object' && !fitsContainerType(type, item)) {
    fail(`a ${String(item.type)} cannot be in a container typed ${type.kind === 'builtin' ? type.type : type.kind}`);
  }
  writeValue(writer, item, depth + 1);
}

function kindOf(type: GodotContainerType | undefined): number {
  if (type === undefined) return 0;
  if (type === null || typeof type !== 'object') return fail('a container type must be an object');
  if (type.kind === 'class') return GODOT4_KIND_CLASS_NAME;
  if (type.kind === 'script') return GODOT4_KIND_SCRIPT;
  if (type.kind !== 'builtin') return fail('a container type needs kind "builtin", "class" or "script"');
  if (!GODOT4_VARIANT_TYPES.includes(type.type) || type.type === 'Nil') {
    fail(`container element type ${JSON.stringify(type.type)} is not a Godot 4 type (an untyped container has none)`);
  }
  return GODOT4_KIND_BUILTIN;
}

function writeContainerType(writer: ByteWriter, type: GodotContainerType | undefined): void {
  if (type === undefined) return;
  if (type.kind === 'builtin') writer.u32(GODOT4_ID[type.type]);
  else if (type.kind === 'class') writer.string(type.name, 'container class name');
  else writer.string(type.path, 'container script path');
}
