/**
 * What the Godot 3 and Godot 4 encoders share: the payloads both versions lay out alike (ints and floats with
 * their width, float and int tuples, NodePaths, packed numbers, strings and vectors) and the checks that refuse
 * a value Godot cannot hold. Each encoder writes its own header (type id and flag bits) and calls these.
 * Every failure is a CodecEncodeError('unencodable'): encoding is for the caller's own values, so a throw is the
 * honest signal.
 */
import { CodecEncodeError } from '../result.js';
import type { ByteWriter } from './byte-writer.js';
import type { GodotNodePath, GodotValue, GodotWidth } from './value.js';

/**
 * How deep containers nest in what the encoders write: deeper than any real game message, so one container more is
 * refused as a likely cycle rather than overflowing the stack.
 */
export const GODOT_MAX_ENCODE_DEPTH = 256;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function fail(detail: string): never {
  throw new CodecEncodeError('unencodable', detail);
}

/** A container inside `depth` others: refused past GODOT_MAX_ENCODE_DEPTH. */
export function checkNesting(depth: number): void {
  if (depth >= GODOT_MAX_ENCODE_DEPTH) fail(`containers nested deeper than ${GODOT_MAX_ENCODE_DEPTH} (a value that contains itself?)`);
}

export function checkObject(value: GodotValue): void {
  if (value === null || typeof value !== 'object') fail(`expected a GodotValue object, got ${String(value)}`);
}

export function checkWidth(bits: unknown, type: string): GodotWidth {
  if (bits !== 32 && bits !== 64) fail(`${type}.bits must be 32 or 64, got ${String(bits)}`);
  return bits;
}

/** A math value's optional width: absent or 32 means float32 components. */
export function mathWide(bits: unknown, type: string): boolean {
  return bits !== undefined && checkWidth(bits, type) === 64;
}

function checkNumber(n: unknown, where: string): number {
  if (typeof n !== 'number') fail(`${where}: expected a number, got ${typeof n}`);
  return n;
}

function checkArray(value: unknown, where: string): readonly unknown[] {
  if (!Array.isArray(value)) fail(`${where} must be an array`);
  return value;
}

/** The int's payload (after a header with the 64-bit flag set when `bits` is 64). */
export function writeIntPayload(writer: ByteWriter, value: GodotValue & { type: 'int' }): void {
  const n = value.value;
  if (typeof n !== 'bigint') fail(`int.value must be a bigint, got ${typeof n}`);
  if (value.bits === 32) {
    const small = Number(n);
    if (small < INT32_MIN || small > INT32_MAX) fail(`int ${n} does not fit 32 bits; use bits: 64`);
    writer.i32(small);
  } else {
    if (n < INT64_MIN || n > INT64_MAX) fail(`int ${n} is outside Godot's 64-bit range`);
    writer.i64(n);
  }
}

export function writeFloatPayload(writer: ByteWriter, value: GodotValue & { type: 'float' }): void {
  checkNumber(value.value, 'float');
  if (value.bits === 32) writer.f32(value.value);
  else writer.f64(value.value);
}

/** A fixed number of float components, as float32 or (Godot 4 double builds) float64. */
export function writeFloats(writer: ByteWriter, tuple: unknown, length: number, wide: boolean, type: string): void {
  const items = checkArray(tuple, `${type}.value`);
  if (items.length !== length) fail(`${type} needs ${length} components`);
  for (let i = 0; i < length; i++) {
    const n = checkNumber(items[i], type);
    if (wide) writer.f64(n);
    else writer.f32(n);
  }
}

/** A fixed number of int32 components (Vector2i and friends). */
export function writeInt32s(writer: ByteWriter, tuple: unknown, length: number, type: string): void {
  const items = checkArray(tuple, `${type}.value`);
  if (items.length !== length) fail(`${type} needs ${length} components`);
  for (let i = 0; i < length; i++) {
    const n = checkNumber(items[i], type);
    if (!Number.isInteger(n) || n < INT32_MIN || n > INT32_MAX) fail(`${type} components must be int32, got ${n}`);
    writer.i32(n);
  }
}

export function writeNodePath(writer: ByteWriter, path: GodotNodePath, newFormatBit: number): void {
  const { names, subnames, absolute } = path ?? {};
  if (!Array.isArray(names) || !Array.isArray(subnames)) fail('NodePath needs names and subnames arrays');
  writer.u32(names.length | newFormatBit);
  writer.u32(subnames.length);
  writer.u32(absolute ? 1 : 0);
  for (const name of names) writer.string(name, 'NodePath name');
  for (const name of subnames) writer.string(name, 'NodePath subname');
}

export function writeByteArray(writer: ByteWriter, data: unknown, type: string): void {
  if (!(data instanceof Uint8Array)) fail(`${type}.value must be a Uint8Array`);
  writer.u32(data.length);
  writer.bytes(data);
  writer.padTo4();
}

export function writeInt32Array(writer: ByteWriter, data: unknown, type: string): void {
  if (!(data instanceof Int32Array)) fail(`${type}.value must be an Int32Array`);
  writer.u32(data.length);
  for (let i = 0; i < data.length; i++) writer.i32(data[i]!);
}

export function writeInt64Array(writer: ByteWriter, data: unknown, type: string): void {
  if (!(data instanceof BigInt64Array)) fail(`${type}.value must be a BigInt64Array`);
  writer.u32(data.length);
  for (let i = 0; i < data.length; i++) writer.i64(data[i]!);
}

export function writeFloat32Array(writer: ByteWriter, data: unknown, type: string): void {
  if (!(data instanceof Float32Array)) fail(`${type}.value must be a Float32Array`);
  writer.u32(data.length);
  for (let i = 0; i < data.length; i++) writer.f32(data[i]!);
}

export function writeFloat64Array(writer: ByteWriter, data: unknown, type: string): void {
  if (!(data instanceof Float64Array)) fail(`${type}.value must be a Float64Array`);
  writer.u32(data.length);
  for (let i = 0; i < data.length; i++) writer.f64(data[i]!);
}

/** Unlike a lone String, each packed entry carries its terminating NUL in its length (marshalls.cpp). */
export function writeStringArray(writer: ByteWriter, data: unknown, type: string): void {
  const items = checkArray(data, `${type}.value`);
  writer.u32(items.length);
  for (const text of items) writer.string(text as string, `${type} element`, true);
}

export function writeVectorArray(writer: ByteWriter, data: unknown, width: number, wide: boolean, type: string): void {
  const items = checkArray(data, `${type}.value`);
  writer.u32(items.length);
  for (const item of items) writeFloats(writer, item, width, wide, `${type} element`);
}
