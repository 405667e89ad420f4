/**
 * How many bytes a GodotValue takes on the wire (the layout is the same in Godot 3 and 4), so an encoder allocates
 * its output once at the right size: a typed array's off-heap buffer costs more to allocate than a small packet
 * takes to write, so growing a buffer and slicing the result would cost more than the encoding itself. The answer
 * is only a capacity hint: the encoders validate as they write, grow if it was short and slice if it was long,
 * and this function never throws on a malformed value (it counts what it can and leaves the refusal to them).
 */
import {
  GODOT_FLOAT_TUPLE_LENGTH,
  GODOT_INT_TUPLE_LENGTH,
  GODOT_VECTOR_POOL_WIDTH,
  isFloatTupleType,
  isIntTupleType,
  isVectorPoolType,
  type GodotContainerType,
  type GodotValue,
} from './value.js';

/** The encoded size of `value` (a capacity hint; never throws). */
export function godotByteLength(value: GodotValue, depth = 0): number {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return 4;
  switch (value.type) {
    case 'Nil':
    case 'Callable':
      return 4;
    case 'bool':
      return 8;
    case 'int':
    case 'float':
      return value.bits === 64 ? 12 : 8;
    case 'String':
    case 'StringName':
      return 4 + stringLength(value.value, 0);
    case 'Dictionary': {
      const entries = value.value;
      let n = 8 + containerTypeLength(value.keyType) + containerTypeLength(value.valueType);
      if (!Array.isArray(entries)) return n;
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i];
        if (Array.isArray(entry)) n += godotByteLength(entry[0], depth + 1) + godotByteLength(entry[1], depth + 1);
      }
      return n;
    }
    case 'Array': {
      const items = value.value;
      let n = 8 + containerTypeLength(value.elementType);
      if (!Array.isArray(items)) return n;
      for (let i = 0; i < items.length; i++) n += godotByteLength(items[i]!, depth + 1);
      return n;
    }
    case 'NodePath': {
      let n = 16;
      for (const name of value.value?.names ?? []) n += stringLength(name, 0);
      for (const name of value.value?.subnames ?? []) n += stringLength(name, 0);
      return n;
    }
    case 'PoolByteArray':
    case 'PackedByteArray':
      return 8 + pad4(value.value?.length ?? 0);
    case 'PoolIntArray':
    case 'PoolRealArray':
    case 'PackedInt32Array':
    case 'PackedFloat32Array':
      return 8 + 4 * (value.value?.length ?? 0);
    case 'PackedInt64Array':
    case 'PackedFloat64Array':
      return 8 + 8 * (value.value?.length ?? 0);
    case 'PoolStringArray':
    case 'PackedStringArray': {
      let n = 8;
      for (const text of value.value ?? []) n += stringLength(text, 1);
      return n;
    }
    default:
      return mathLength(value);
  }
}

/** Deeper than the encoders accept; a cyclic value stops here and the encoder reports it. */
const MAX_DEPTH = 256;

function mathLength(value: GodotValue): number {
  const type = value.type;
  const size = (value as { readonly bits?: unknown }).bits === 64 ? 8 : 4;
  if (isFloatTupleType(type)) return 4 + size * GODOT_FLOAT_TUPLE_LENGTH[type];
  if (isIntTupleType(type)) return 4 + 4 * GODOT_INT_TUPLE_LENGTH[type];
  if (isVectorPoolType(type)) {
    const items = (value as { readonly value?: unknown }).value;
    return 8 + size * GODOT_VECTOR_POOL_WIDTH[type] * (Array.isArray(items) ? items.length : 0);
  }
  return 4;
}

function containerTypeLength(type: GodotContainerType | undefined): number {
  if (type === undefined || type === null) return 0;
  if (type.kind === 'class') return stringLength(type.name, 0);
  if (type.kind === 'script') return stringLength(type.path, 0);
  return 4;
}

const pad4 = (n: number): number => (n + 3) & ~3;

/** A string payload: u32 length, UTF-8 (plus a NUL when `extra` is 1), padded to 4. */
export function stringLength(text: unknown, extra: number): number {
  if (typeof text !== 'string') return 4;
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 2; // a surrogate pair: 2 UTF-16 units, 4 UTF-8 bytes
      i++;
    } else bytes += 2;
  }
  return 4 + pad4(bytes + extra);
}
