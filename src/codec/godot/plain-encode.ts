/**
 * Plain JS straight to Godot bytes: exactly `encodeGodot(godotFromPlain(value, version), version)` (plain.ts has
 * the mapping), without building the GodotValue tree for what messages are made of (null, booleans, numbers,
 * bigints, strings, arrays and plain objects): the data plane's encode. Anything else (typed arrays, Maps) is
 * mapped by godotFromPlain and written by the encoder (encode.ts) with the version's table, and what cannot be
 * sent throws the same CodecEncodeError('unencodable').
 */
import { CodecEncodeError } from '../result.js';
import { ByteWriter } from './byte-writer.js';
import { writeValue } from './encode.js';
import { godotFromPlain } from './plain.js';
import { stringLength } from './size.js';
import type { GodotVersion } from './value.js';
import { godotWire } from './version.js';
import { GODOT_FLAG_64, GODOT_SHARED_ID, type GodotWire } from './wire.js';
import { checkNesting, GODOT_MAX_ENCODE_DEPTH } from './write-common.js';

/** `encodeGodot(godotFromPlain(value, version), version)`, without the tree. */
export function encodeGodotPlain(value: unknown, version: GodotVersion): Uint8Array {
  const wire = godotWire(version);
  if (wire === undefined) throw new CodecEncodeError('unencodable', `Godot version must be 3 or 4, got ${String(version)}`);
  const writer = new ByteWriter(plainByteLength(value, 0));
  writePlain(writer, value, wire, 0);
  return writer.finish();
}

// Local copies of the shared ids (wire.ts): plain numbers in the data plane's hottest switch.
const NIL = GODOT_SHARED_ID.Nil;
const BOOL = GODOT_SHARED_ID.bool;
const INT = GODOT_SHARED_ID.int;
const FLOAT = GODOT_SHARED_ID.float;
const STRING = GODOT_SHARED_ID.String;
const FLAG_64 = GODOT_FLAG_64;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN_N = BigInt(INT32_MIN);
const INT32_MAX_N = BigInt(INT32_MAX);
const INT64_MIN_N = -(2n ** 63n);
const INT64_MAX_N = 2n ** 63n - 1n;
/** 2^63 as a double; every integer-valued number below it (and ≥ −2^63) is a Godot int (as in godotFromPlain). */
const TWO_POW_63 = 2 ** 63;

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function writePlain(writer: ByteWriter, value: unknown, wire: GodotWire, depth: number): void {
  switch (typeof value) {
    case 'string':
      writer.u32(STRING);
      writer.string(value, 'String');
      return;
    case 'number':
      if (Number.isInteger(value) && value >= -TWO_POW_63 && value < TWO_POW_63) {
        if (value >= INT32_MIN && value <= INT32_MAX) {
          writer.u32(INT);
          writer.i32(value);
        } else {
          writer.u32(INT | FLAG_64);
          writer.i64(BigInt(value));
        }
      } else if (Math.fround(value) === value) {
        writer.u32(FLOAT);
        writer.f32(value);
      } else {
        writer.u32(FLOAT | FLAG_64);
        writer.f64(value);
      }
      return;
    case 'boolean':
      writer.u32(BOOL);
      writer.u32(value ? 1 : 0);
      return;
    case 'bigint':
      if (value < INT64_MIN_N || value > INT64_MAX_N) throw new CodecEncodeError('unencodable', `int ${value} is outside Godot's 64-bit range`);
      if (value >= INT32_MIN_N && value <= INT32_MAX_N) {
        writer.u32(INT);
        writer.i32(Number(value));
      } else {
        writer.u32(INT | FLAG_64);
        writer.i64(value);
      }
      return;
    case 'undefined':
      writer.u32(NIL);
      return;
    case 'object':
      if (value === null) {
        writer.u32(NIL);
        return;
      }
      checkNesting(depth);
      if (Array.isArray(value)) {
        writer.u32(wire.plain.array);
        writer.u32(value.length);
        for (let i = 0; i < value.length; i++) writePlain(writer, value[i], wire, depth + 1);
        return;
      }
      if (isPlainObject(value)) {
        const keys = Object.keys(value);
        writer.u32(wire.plain.dictionary);
        writer.u32(keys.length);
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i]!;
          writer.u32(STRING);
          writer.string(key, 'String');
          writePlain(writer, value[key], wire, depth + 1);
        }
        return;
      }
      break;
    default:
      break;
  }
  writeValue(writer, godotFromPlain(value, wire.version), depth, wire);
}

/** The encoded size (a capacity hint, as in size.ts; never throws). */
function plainByteLength(value: unknown, depth: number): number {
  switch (typeof value) {
    case 'string':
      return 4 + stringLength(value, 0);
    case 'number':
      if (Number.isInteger(value) && value >= -TWO_POW_63 && value < TWO_POW_63) return value >= INT32_MIN && value <= INT32_MAX ? 8 : 12;
      return Math.fround(value) === value ? 8 : 12;
    case 'boolean':
      return 8;
    case 'bigint':
      return value >= INT32_MIN_N && value <= INT32_MAX_N ? 8 : 12;
    case 'object': {
      if (value === null) return 4;
      if (depth >= GODOT_MAX_ENCODE_DEPTH) return 0;
      if (Array.isArray(value)) {
        let n = 8;
        for (let i = 0; i < value.length; i++) n += plainByteLength(value[i], depth + 1);
        return n;
      }
      if (isPlainObject(value)) {
        let n = 8;
        // for…in allocates no key array (Object.keys does, and writePlain needs it once already); an inherited
        // enumerable key would only make this hint too long.
        for (const key in value) n += 4 + stringLength(key, 0) + plainByteLength(value[key], depth + 1);
        return n;
      }
      if (value instanceof Map) {
        let n = 8;
        for (const [k, v] of value) n += plainByteLength(k, depth + 1) + plainByteLength(v, depth + 1);
        return n;
      }
      if (ArrayBuffer.isView(value)) return 8 + ((value.byteLength + 3) & ~3);
      return 0;
    }
    default:
      return 4;
  }
}
