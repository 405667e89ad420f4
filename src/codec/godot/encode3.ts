import { CodecEncodeError } from '../result.js';
import { ByteWriter } from './byte-writer.js';
import { godotUtf8 } from './text.js';
import {
  GODOT_FLOAT_TUPLE_LENGTH,
  GODOT_VECTOR_POOL_WIDTH,
  isFloatTupleType,
  isVectorPoolType,
  type GodotValue,
  type GodotWidth,
} from './value.js';
import { GODOT3_FLAG_64, GODOT3_NODEPATH_NEW_FORMAT, GODOT3_TYPE_ID } from './wire3.js';

/** Deeper than any real game message; stops a cyclic structure from overflowing the stack. */
export const GODOT_MAX_ENCODE_DEPTH = 256;

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Godot 3's `var2bytes(value)` (full_objects = false): the same bytes the engine writes, padding zeroed.
 * Throws CodecEncodeError('unencodable') for a value Godot cannot hold (an int out of its width, a NUL in a
 * string, a tuple of the wrong length); encoding is for the caller's own values, so a throw is the honest signal.
 */
export function encodeGodot3(value: GodotValue): Uint8Array {
  const writer = new ByteWriter();
  writeValue(writer, value, 0);
  return writer.finish();
}

function fail(detail: string): never {
  throw new CodecEncodeError('unencodable', detail);
}

function header(writer: ByteWriter, value: GodotValue, wide = false): void {
  writer.u32(GODOT3_TYPE_ID[value.type] | (wide ? GODOT3_FLAG_64 : 0));
}

function checkWidth(bits: GodotWidth, type: string): void {
  if (bits !== 32 && bits !== 64) fail(`${type}.bits must be 32 or 64, got ${String(bits)}`);
}

function checkNumber(n: unknown, where: string): number {
  if (typeof n !== 'number') fail(`${where}: expected a number, got ${typeof n}`);
  return n;
}

function writeString(writer: ByteWriter, text: string, where: string): void {
  const utf8 = godotUtf8(text, where);
  writer.u32(utf8.length);
  writer.bytes(utf8);
  writer.padTo4();
}

function writeValue(writer: ByteWriter, value: GodotValue, depth: number): void {
  if (depth > GODOT_MAX_ENCODE_DEPTH) fail(`nesting deeper than ${GODOT_MAX_ENCODE_DEPTH} (a cycle?)`);
  if (value === null || typeof value !== 'object') fail(`expected a GodotValue object, got ${String(value)}`);
  const type = value.type;
  if (isFloatTupleType(type)) {
    const tuple = (value as { readonly value: readonly number[] }).value;
    const length = GODOT_FLOAT_TUPLE_LENGTH[type];
    if (!Array.isArray(tuple) || tuple.length !== length) fail(`${type} needs ${length} components`);
    header(writer, value);
    for (const component of tuple) writer.f32(checkNumber(component, type));
    return;
  }
  if (isVectorPoolType(type)) {
    const items = (value as { readonly value: readonly (readonly number[])[] }).value;
    const width = GODOT_VECTOR_POOL_WIDTH[type];
    if (!Array.isArray(items)) fail(`${type}.value must be an array`);
    header(writer, value);
    writer.u32(items.length);
    for (const item of items) {
      if (!Array.isArray(item) || item.length !== width) fail(`${type} elements need ${width} components`);
      for (const component of item) writer.f32(checkNumber(component, type));
    }
    return;
  }
  switch (value.type) {
    case 'Nil':
      header(writer, value);
      return;
    case 'bool':
      header(writer, value);
      writer.u32(value.value ? 1 : 0);
      return;
    case 'int': {
      checkWidth(value.bits, 'int');
      const n = value.value;
      if (typeof n !== 'bigint') fail(`int.value must be a bigint, got ${typeof n}`);
      if (value.bits === 32) {
        if (n < INT32_MIN || n > INT32_MAX) fail(`int ${n} does not fit 32 bits; use bits: 64`);
        header(writer, value);
        writer.i32(Number(n));
      } else {
        if (n < INT64_MIN || n > INT64_MAX) fail(`int ${n} is outside Godot's 64-bit range`);
        header(writer, value, true);
        writer.i64(n);
      }
      return;
    }
    case 'float':
      checkWidth(value.bits, 'float');
      checkNumber(value.value, 'float');
      header(writer, value, value.bits === 64);
      if (value.bits === 32) writer.f32(value.value);
      else writer.f64(value.value);
      return;
    case 'String':
      header(writer, value);
      writeString(writer, value.value, 'String');
      return;
    case 'NodePath': {
      const { names, subnames, absolute } = value.value;
      if (!Array.isArray(names) || !Array.isArray(subnames)) fail('NodePath needs names and subnames arrays');
      header(writer, value);
      writer.u32(names.length | GODOT3_NODEPATH_NEW_FORMAT);
      writer.u32(subnames.length);
      writer.u32(absolute ? 1 : 0);
      for (const name of names) writeString(writer, name, 'NodePath name');
      for (const name of subnames) writeString(writer, name, 'NodePath subname');
      return;
    }
    case 'Dictionary':
      if (!Array.isArray(value.value)) fail('Dictionary.value must be an array of [key, value] entries');
      header(writer, value);
      writer.u32(value.value.length);
      for (const entry of value.value) {
        if (!Array.isArray(entry) || entry.length !== 2) fail('Dictionary entries must be [key, value] pairs');
        writeValue(writer, entry[0], depth + 1);
        writeValue(writer, entry[1], depth + 1);
      }
      return;
    case 'Array':
      if (!Array.isArray(value.value)) fail('Array.value must be an array');
      header(writer, value);
      writer.u32(value.value.length);
      for (const item of value.value) writeValue(writer, item, depth + 1);
      return;
    case 'PoolByteArray':
      if (!(value.value instanceof Uint8Array)) fail('PoolByteArray.value must be a Uint8Array');
      header(writer, value);
      writer.u32(value.value.length);
      writer.bytes(value.value);
      writer.padTo4();
      return;
    case 'PoolIntArray':
      if (!(value.value instanceof Int32Array)) fail('PoolIntArray.value must be an Int32Array');
      header(writer, value);
      writer.u32(value.value.length);
      for (const n of value.value) writer.i32(n);
      return;
    case 'PoolRealArray':
      if (!(value.value instanceof Float32Array)) fail('PoolRealArray.value must be a Float32Array');
      header(writer, value);
      writer.u32(value.value.length);
      for (const n of value.value) writer.f32(n);
      return;
    case 'PoolStringArray': {
      if (!Array.isArray(value.value)) fail('PoolStringArray.value must be an array of strings');
      header(writer, value);
      writer.u32(value.value.length);
      for (const text of value.value) {
        // Unlike a lone String, each pool entry carries its terminating NUL in its length (marshalls.cpp).
        const utf8 = godotUtf8(text, 'PoolStringArray element');
        writer.u32(utf8.length + 1);
        writer.bytes(utf8);
        writer.bytes(NUL);
        writer.padTo4();
      }
      return;
    }
    default:
      fail(`unknown Godot type ${JSON.stringify((value as { type: unknown }).type)}`);
  }
}

const NUL = new Uint8Array(1);
