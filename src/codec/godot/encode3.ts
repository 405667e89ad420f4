/** Godot 3's var2bytes: each Godot 3 type's header, and its payload through the writers both versions share. */
import { ByteWriter } from './byte-writer.js';
import { godotByteLength } from './size.js';
import {
  GODOT_FLOAT_TUPLE_LENGTH,
  GODOT_VECTOR_POOL_WIDTH,
  isFloatTupleType,
  isVectorPoolType,
  type GodotValue,
} from './value.js';
import { GODOT3_FLAG_64, GODOT3_ID, GODOT3_NODEPATH_NEW_FORMAT, GODOT3_TYPE_ID } from './wire3.js';
import {
  checkObject,
  checkWidth,
  fail,
  writeByteArray,
  writeFloat32Array,
  writeFloatPayload,
  writeFloats,
  writeInt32Array,
  writeIntPayload,
  writeNodePath,
  writeStringArray,
  writeVectorArray,
} from './write-common.js';

/**
 * Godot 3's `var2bytes(value)` (full_objects = false): the same bytes the engine writes, padding zeroed.
 * Throws CodecEncodeError('unencodable') for a value Godot 3 cannot hold (an int out of its width, a NUL in a
 * string, a tuple of the wrong length, a Godot 4-only type or 64-bit math); encoding is for the caller's own
 * values, so a throw is the honest signal.
 */
export function encodeGodot3(value: GodotValue): Uint8Array {
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
      writer.u32(GODOT3_ID.Nil);
      return;
    case 'bool':
      writer.u32(GODOT3_ID.bool);
      writer.u32(value.value ? 1 : 0);
      return;
    case 'int':
      writer.u32(GODOT3_ID.int | (checkWidth(value.bits, 'int') === 64 ? GODOT3_FLAG_64 : 0));
      writeIntPayload(writer, value);
      return;
    case 'float':
      writer.u32(GODOT3_ID.float | (checkWidth(value.bits, 'float') === 64 ? GODOT3_FLAG_64 : 0));
      writeFloatPayload(writer, value);
      return;
    case 'String':
      writer.u32(GODOT3_ID.String);
      writer.string(value.value, 'String');
      return;
    case 'NodePath':
      writer.u32(GODOT3_ID.NodePath);
      writeNodePath(writer, value.value, GODOT3_NODEPATH_NEW_FORMAT);
      return;
    case 'Dictionary':
      if (!Array.isArray(value.value)) fail('Dictionary.value must be an array of [key, value] entries');
      if (value.keyType || value.valueType) fail('Godot 3 has no typed Dictionaries');
      writer.u32(GODOT3_ID.Dictionary);
      writer.u32(value.value.length);
      for (const entry of value.value) {
        if (!Array.isArray(entry) || entry.length !== 2) fail('Dictionary entries must be [key, value] pairs');
        writeValue(writer, entry[0], depth + 1);
        writeValue(writer, entry[1], depth + 1);
      }
      return;
    case 'Array':
      if (!Array.isArray(value.value)) fail('Array.value must be an array');
      if (value.elementType) fail('Godot 3 has no typed Arrays');
      writer.u32(GODOT3_ID.Array);
      writer.u32(value.value.length);
      for (const item of value.value) writeValue(writer, item, depth + 1);
      return;
    case 'PoolByteArray':
      writer.u32(GODOT3_ID.PoolByteArray);
      writeByteArray(writer, value.value, type);
      return;
    case 'PoolIntArray':
      writer.u32(GODOT3_ID.PoolIntArray);
      writeInt32Array(writer, value.value, type);
      return;
    case 'PoolRealArray':
      writer.u32(GODOT3_ID.PoolRealArray);
      writeFloat32Array(writer, value.value, type);
      return;
    case 'PoolStringArray':
      writer.u32(GODOT3_ID.PoolStringArray);
      writeStringArray(writer, value.value, type);
      return;
    default:
      writeMath(writer, value);
  }
}

/** The fixed-size math types and the pool vector arrays, by their component counts; always 32-bit floats. */
function writeMath(writer: ByteWriter, value: GodotValue): void {
  const type = value.type;
  const id = GODOT3_TYPE_ID.get(type);
  if (id === undefined) fail(`${JSON.stringify(type)} is not a Godot 3 type`);
  const payload = (value as { readonly value?: unknown }).value;
  const bits = (value as { readonly bits?: unknown }).bits;
  if (bits !== undefined && bits !== 32) fail(`Godot 3 writes ${type} in 32-bit floats only`);
  if (isFloatTupleType(type)) {
    writer.u32(id);
    writeFloats(writer, payload, GODOT_FLOAT_TUPLE_LENGTH[type], false, type);
  } else if (isVectorPoolType(type)) {
    writer.u32(id);
    writeVectorArray(writer, payload, GODOT_VECTOR_POOL_WIDTH[type], false, type);
  } else {
    fail(`Godot 3 type ${type} has no encoder`);
  }
}
