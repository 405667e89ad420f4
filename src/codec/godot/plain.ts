import { CodecEncodeError } from '../result.js';
import type { GodotDictionaryEntry, GodotNodePath, GodotValue, GodotWidth } from './value.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** 2^63 as a double; every integer-valued number below it (and ≥ −2^63) is a Godot int. */
const TWO_POW_63 = 2 ** 63;

/**
 * Godot 3's own width rule (marshalls.cpp): an int is written in 32 bits unless it falls outside int32, and a
 * float in 32 bits only when converting it to float32 and back gives the same double — so 1.5 and Infinity are
 * 32-bit, 0.1 and NaN (which never equals itself) are 64-bit.
 */
export function godotIntWidth(value: bigint): GodotWidth {
  return value >= BigInt(INT32_MIN) && value <= BigInt(INT32_MAX) ? 32 : 64;
}

export function godotFloatWidth(value: number): GodotWidth {
  return Math.fround(value) === value ? 32 : 64;
}

/** A Godot int with the width the engine would choose. */
export function godotInt(value: bigint | number): GodotValue {
  if (typeof value === 'number' && !Number.isInteger(value)) {
    throw new CodecEncodeError('unencodable', `${value} is not an integer`);
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
 * What a GDScript Dictionary built from this JS value would be: integer numbers become ints (GDScript has no
 * integral floats in literals either), other numbers floats, bigint ints, Uint8Array/Int32Array/Float32Array the
 * matching Pool*Array, arrays Arrays, plain objects Dictionaries with String keys (in Object.keys order) and Maps
 * Dictionaries with converted keys. Throws CodecEncodeError('unencodable') for anything else (functions, class
 * instances, cycles, ints beyond 64 bits).
 */
export function godotFromPlain(value: unknown): GodotValue {
  return fromPlain(value, new Set());
}

function fromPlain(value: unknown, ancestors: Set<object>): GodotValue {
  if (value === null || value === undefined) return { type: 'Nil' };
  switch (typeof value) {
    case 'boolean':
      return { type: 'bool', value };
    case 'bigint':
      return godotInt(value);
    case 'number':
      return Number.isInteger(value) && value >= -TWO_POW_63 && value < TWO_POW_63
        ? godotInt(BigInt(value))
        : godotFloat(value);
    case 'string':
      return { type: 'String', value };
    case 'object':
      break;
    default:
      throw new CodecEncodeError('unencodable', `a ${typeof value} has no Godot equivalent`);
  }
  if (value instanceof Uint8Array) return { type: 'PoolByteArray', value };
  if (value instanceof Int32Array) return { type: 'PoolIntArray', value };
  if (value instanceof Float32Array) return { type: 'PoolRealArray', value };
  if (ancestors.has(value)) throw new CodecEncodeError('unencodable', 'a value that contains itself cannot be sent');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return { type: 'Array', value: value.map((item: unknown) => fromPlain(item, ancestors)) };
    }
    if (value instanceof Map) {
      const entries: GodotDictionaryEntry[] = [];
      for (const [k, v] of value) entries.push([fromPlain(k, ancestors), fromPlain(v, ancestors)]);
      return { type: 'Dictionary', value: entries };
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new CodecEncodeError('unencodable', `a ${name} instance has no Godot equivalent; pass plain data`);
    }
    const entries: GodotDictionaryEntry[] = Object.entries(value).map(([k, v]) => [
      { type: 'String', value: k },
      fromPlain(v, ancestors),
    ]);
    return { type: 'Dictionary', value: entries };
  } finally {
    ancestors.delete(value);
  }
}

/**
 * Plain JS for a Godot value: ints become numbers when exactly representable and bigint otherwise (so Steam IDs
 * stay exact), Dictionaries whose keys are all Strings become plain objects and the rest Maps, NodePaths their
 * text form (`/root/Main:position`), math types arrays of their components in constructor order, pools typed
 * arrays (Uint8Array, Int32Array, Float32Array) or arrays. Widths are dropped: use GodotValue to keep them.
 */
export function godotToPlain(value: GodotValue): unknown {
  switch (value.type) {
    case 'Nil':
      return null;
    case 'bool':
    case 'float':
    case 'String':
      return value.value;
    case 'int': {
      const n = Number(value.value);
      return Number.isSafeInteger(n) ? n : value.value;
    }
    case 'NodePath':
      return nodePathText(value.value);
    case 'Dictionary': {
      if (value.value.every(([key]) => key.type === 'String')) {
        const out: Record<string, unknown> = {};
        for (const [key, item] of value.value) {
          // defineProperty, not assignment: a "__proto__" key from the wire must stay data, never a prototype.
          Object.defineProperty(out, (key as { value: string }).value, {
            value: godotToPlain(item),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return out;
      }
      return new Map(value.value.map(([key, item]) => [godotToPlain(key), godotToPlain(item)]));
    }
    case 'Array':
      return value.value.map(godotToPlain);
    case 'PoolByteArray':
    case 'PoolIntArray':
    case 'PoolRealArray':
      return value.value;
    case 'PoolStringArray':
      return [...value.value];
    case 'PoolVector2Array':
    case 'PoolVector3Array':
    case 'PoolColorArray':
      return value.value.map((item) => [...item]);
    default:
      return [...value.value];
  }
}

/** Godot's String(NodePath): names joined by "/", a leading "/" when absolute, then ":subname" for each subname. */
export function nodePathText(path: GodotNodePath): string {
  const head = (path.absolute ? '/' : '') + path.names.join('/');
  return head + path.subnames.map((name) => `:${name}`).join('');
}
