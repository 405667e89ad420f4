/**
 * The mapping between plain JS values and Godot values, the way GDScript builds them: what a game means by
 * `{message: "handshake", from: id}` in either engine version, and back. Widths follow the engine's own rule.
 */
import { CodecEncodeError } from '../result.js';
import type { GodotDictionaryEntry, GodotNodePath, GodotValue, GodotVersion, GodotWidth } from './value.js';
import { checkNesting } from './write-common.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN_N = BigInt(INT32_MIN);
const INT32_MAX_N = BigInt(INT32_MAX);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** 2^63 as a double; every integer-valued number below it (and ≥ −2^63) is a Godot int. */
const TWO_POW_63 = 2 ** 63;

/**
 * Godot's own width rule (marshalls.cpp, the same in 3 and 4): an int is written in 32 bits unless it falls
 * outside int32, and a float in 32 bits only when converting it to float32 and back gives the same double — so
 * 1.5 and Infinity are 32-bit, 0.1 and NaN (which never equals itself) are 64-bit.
 */
export function godotIntWidth(value: bigint): GodotWidth {
  return value >= INT32_MIN_N && value <= INT32_MAX_N ? 32 : 64;
}

export function godotFloatWidth(value: number): GodotWidth {
  return Math.fround(value) === value ? 32 : 64;
}

/** A Godot int with the width the engine would choose. */
export function godotInt(value: bigint | number): GodotValue {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new CodecEncodeError('unencodable', `${value} is not an integer`);
    if (value >= INT32_MIN && value <= INT32_MAX) return { type: 'int', value: BigInt(value), bits: 32 };
  }
  const n = typeof value === 'bigint' ? value : BigInt(value);
  if (n < INT64_MIN || n > INT64_MAX) {
    throw new CodecEncodeError('unencodable', `int ${n} is outside Godot's 64-bit range`);
  }
  return { type: 'int', value: n, bits: godotIntWidth(n) };
}

/** A Godot float with the width the engine would choose. */
export function godotFloat(value: number): GodotValue {
  return { type: 'float', value, bits: godotFloatWidth(value) };
}

/**
 * What a GDScript Dictionary built from this JS value would be, in Godot `version`'s types: integer numbers
 * become ints (GDScript has no integral floats in literals either), other numbers floats, bigint ints, arrays
 * Arrays, plain objects Dictionaries with String keys (in Object.keys order) and Maps Dictionaries with converted
 * keys. Typed arrays become the matching packed array: Uint8Array, Int32Array and Float32Array in both versions
 * (PoolByteArray/PoolIntArray/PoolRealArray in Godot 3, PackedByteArray/PackedInt32Array/PackedFloat32Array in
 * Godot 4), BigInt64Array and Float64Array in Godot 4 only. Throws CodecEncodeError('unencodable') for anything
 * else (functions, class instances, cycles, ints beyond 64 bits).
 */
export function godotFromPlain(value: unknown, version: GodotVersion = 3): GodotValue {
  if (version !== 3 && version !== 4) throw new CodecEncodeError('unencodable', `Godot version must be 3 or 4, got ${String(version)}`);
  return fromPlain(value, version, 0);
}

function fromPlain(value: unknown, version: GodotVersion, depth: number): GodotValue {
  switch (typeof value) {
    case 'boolean':
      return { type: 'bool', value };
    case 'bigint':
      return godotInt(value);
    case 'number':
      return Number.isInteger(value) && value >= -TWO_POW_63 && value < TWO_POW_63 ? godotInt(value) : godotFloat(value);
    case 'string':
      return { type: 'String', value };
    case 'undefined':
      return { type: 'Nil' };
    case 'object':
      if (value === null) return { type: 'Nil' };
      break;
    default:
      throw new CodecEncodeError('unencodable', `a ${typeof value} has no Godot equivalent`);
  }
  // As deep as the encoders go (GODOT_MAX_ENCODE_DEPTH): deeper plain data is refused as a likely cycle.
  checkNesting(depth);
  if (Array.isArray(value)) {
    const items = new Array<GodotValue>(value.length);
    for (let i = 0; i < value.length; i++) items[i] = fromPlain(value[i], version, depth + 1);
    return { type: 'Array', value: items };
  }
  if (ArrayBuffer.isView(value)) return packed(value, version);
  if (value instanceof Map) {
    const entries: GodotDictionaryEntry[] = [];
    for (const [k, v] of value) entries.push([fromPlain(k, version, depth + 1), fromPlain(v, version, depth + 1)]);
    return { type: 'Dictionary', value: entries };
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    throw new CodecEncodeError('unencodable', `a ${name} instance has no Godot equivalent; pass plain data`);
  }
  const keys = Object.keys(value);
  const entries = new Array<GodotDictionaryEntry>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    entries[i] = [{ type: 'String', value: key }, fromPlain((value as Record<string, unknown>)[key], version, depth + 1)];
  }
  return { type: 'Dictionary', value: entries };
}

function packed(value: ArrayBufferView, version: GodotVersion): GodotValue {
  const v3 = version === 3;
  if (value instanceof Uint8Array) return { type: v3 ? 'PoolByteArray' : 'PackedByteArray', value };
  if (value instanceof Int32Array) return { type: v3 ? 'PoolIntArray' : 'PackedInt32Array', value };
  if (value instanceof Float32Array) return { type: v3 ? 'PoolRealArray' : 'PackedFloat32Array', value };
  if (!v3 && value instanceof BigInt64Array) return { type: 'PackedInt64Array', value };
  if (!v3 && value instanceof Float64Array) return { type: 'PackedFloat64Array', value };
  const name = value.constructor.name;
  throw new CodecEncodeError('unencodable', `a ${name} has no Godot ${version} packed array; use ${v3 ? 'Uint8Array, Int32Array or Float32Array' : 'Uint8Array, Int32Array, BigInt64Array, Float32Array or Float64Array'}`);
}

/**
 * Plain JS for a Godot value of either version: ints become numbers when exactly representable and bigint
 * otherwise (so Steam IDs stay exact), Strings and StringNames strings, Dictionaries whose keys are all Strings
 * plain objects and the rest Maps, NodePaths their text form (`/root/Main:position`), math types arrays of their
 * components in wire order, packed arrays typed arrays (Uint8Array, Int32Array, BigInt64Array, Float32Array,
 * Float64Array) or arrays, a Callable null. Widths and container types are dropped: use GodotValue to keep them.
 */
export function godotToPlain(value: GodotValue): unknown {
  switch (value.type) {
    case 'Nil':
    case 'Callable':
      return null;
    case 'bool':
    case 'float':
    case 'String':
    case 'StringName':
      return value.value;
    case 'int': {
      const n = Number(value.value);
      return Number.isSafeInteger(n) ? n : value.value;
    }
    case 'NodePath':
      return nodePathText(value.value);
    case 'Dictionary':
      return dictionaryToPlain(value.value);
    case 'Array': {
      const items = value.value;
      const out = new Array<unknown>(items.length);
      for (let i = 0; i < items.length; i++) out[i] = godotToPlain(items[i]!);
      return out;
    }
    case 'PoolByteArray':
    case 'PoolIntArray':
    case 'PoolRealArray':
    case 'PackedByteArray':
    case 'PackedInt32Array':
    case 'PackedInt64Array':
    case 'PackedFloat32Array':
    case 'PackedFloat64Array':
      return value.value;
    case 'PoolStringArray':
    case 'PackedStringArray':
      return [...value.value];
    case 'PoolVector2Array':
    case 'PoolVector3Array':
    case 'PoolColorArray':
    case 'PackedVector2Array':
    case 'PackedVector3Array':
    case 'PackedVector4Array':
    case 'PackedColorArray':
      return value.value.map((item) => [...item]);
    default:
      return [...value.value];
  }
}

function dictionaryToPlain(entries: readonly GodotDictionaryEntry[]): unknown {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const key = entry[0];
    const item = entry[1];
    if (key.type !== 'String') return new Map(entries.map(([k, v]) => [godotToPlain(k), godotToPlain(v)]));
    // A "__proto__" key from the wire must stay data, never a prototype: define it rather than assign it.
    if (key.value === '__proto__') {
      Object.defineProperty(out, key.value, { value: godotToPlain(item), enumerable: true, writable: true, configurable: true });
    } else {
      out[key.value] = godotToPlain(item);
    }
  }
  return out;
}

/** Godot's String(NodePath): names joined by "/", a leading "/" when absolute, then ":subname" for each subname. */
export function nodePathText(path: GodotNodePath): string {
  const head = (path.absolute ? '/' : '') + path.names.join('/');
  return head + path.subnames.map((name) => `:${name}`).join('');
}
