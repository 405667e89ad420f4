/**
 * var2bytes (Godot 3) and var_to_bytes (Godot 4) as one walk: each value's header from the version's table
 * (wire.ts: its type ids, which types it has, the 64-bit flag on math, typed containers) and its payload through
 * the writers both versions share (write-common.ts).
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
  type GodotContainerType,
  type GodotTypeName,
  type GodotValue,
} from './value.js';
import { GODOT_FLAG_64, GODOT_NODEPATH_NEW_FORMAT, GODOT_SHARED_ID, type GodotWire } from './wire.js';
import {
  GODOT4_ARRAY_KIND_SHIFT,
  GODOT4_DICT_KEY_KIND_SHIFT,
  GODOT4_DICT_VALUE_KIND_SHIFT,
  GODOT4_ID,
  GODOT4_KIND_BUILTIN,
  GODOT4_KIND_CLASS_NAME,
  GODOT4_KIND_SCRIPT,
} from './wire4.js';
import {
  checkNesting,
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

/** The bytes `wire`'s engine writes for `value`, padding zeroed; throws CodecEncodeError('unencodable'). */
export function encodeWith(value: GodotValue, wire: GodotWire): Uint8Array {
  const writer = new ByteWriter(godotByteLength(value));
  writeValue(writer, value, 0, wire);
  return writer.finish();
}

/** The header's type id, refusing a type this version does not have (naming its own, when it renamed it). */
function idOf(wire: GodotWire, type: GodotTypeName): number {
  const id = wire.idOf.get(type);
  if (id !== undefined) return id;
  const renamed = wire.renamed.get(type);
  return fail(`${JSON.stringify(type)} is not a ${wire.name} type${renamed ? ` (${wire.name} calls it ${renamed})` : ''}`);
}

/** Writes one value at nesting `depth` (the plain encoder hands it what it does not write itself). */
export function writeValue(writer: ByteWriter, value: GodotValue, depth: number, wire: GodotWire): void {
  checkObject(value);
  const type = value.type;
  switch (value.type) {
    // Most used first: string switches compare case by case.
    case 'String':
      writer.u32(GODOT_SHARED_ID.String);
      writer.string(value.value, type);
      return;
    case 'int':
      writer.u32(GODOT_SHARED_ID.int | (checkWidth(value.bits, type) === 64 ? GODOT_FLAG_64 : 0));
      writeIntPayload(writer, value);
      return;
    case 'float':
      writer.u32(GODOT_SHARED_ID.float | (checkWidth(value.bits, type) === 64 ? GODOT_FLAG_64 : 0));
      writeFloatPayload(writer, value);
      return;
    case 'Dictionary': {
      checkNesting(depth);
      if (!Array.isArray(value.value)) fail('Dictionary.value must be an array of [key, value] entries');
      const keyType = containerType(wire, value.keyType, 'Dictionaries');
      const valueType = containerType(wire, value.valueType, 'Dictionaries');
      // Most containers are untyped: their header is the id alone, and the walk skips the typed-header helpers.
      if (keyType === undefined && valueType === undefined) writer.u32(wire.plain.dictionary);
      else {
        writer.u32(wire.plain.dictionary | (kindOf(keyType) << GODOT4_DICT_KEY_KIND_SHIFT) | (kindOf(valueType) << GODOT4_DICT_VALUE_KIND_SHIFT));
        writeContainerType(writer, keyType);
        writeContainerType(writer, valueType);
      }
      writer.u32(value.value.length);
      for (const entry of value.value) {
        if (!Array.isArray(entry) || entry.length !== 2) fail('Dictionary entries must be [key, value] pairs');
        if (keyType) checkFits(entry[0], keyType);
        writeValue(writer, entry[0], depth + 1, wire);
        if (valueType) checkFits(entry[1], valueType);
        writeValue(writer, entry[1], depth + 1, wire);
      }
      return;
    }
    case 'Array': {
      checkNesting(depth);
      if (!Array.isArray(value.value)) fail('Array.value must be an array');
      const elementType = containerType(wire, value.elementType, 'Arrays');
      if (elementType === undefined) writer.u32(wire.plain.array);
      else {
        writer.u32(wire.plain.array | (kindOf(elementType) << GODOT4_ARRAY_KIND_SHIFT));
        writeContainerType(writer, elementType);
      }
      writer.u32(value.value.length);
      for (const item of value.value) {
        if (elementType) checkFits(item, elementType);
        writeValue(writer, item, depth + 1, wire);
      }
      return;
    }
    case 'bool':
      writer.u32(GODOT_SHARED_ID.bool);
      writer.u32(value.value ? 1 : 0);
      return;
    case 'Nil':
      writer.u32(GODOT_SHARED_ID.Nil);
      return;
    case 'Callable':
      writer.u32(idOf(wire, type));
      return;
    case 'StringName':
      writer.u32(idOf(wire, type));
      writer.string(value.value, type);
      return;
    case 'NodePath':
      writer.u32(idOf(wire, type));
      writeNodePath(writer, value.value, GODOT_NODEPATH_NEW_FORMAT);
      return;
    default: {
      const writePacked = PACKED_WRITERS.get(type);
      if (writePacked === undefined) return writeMath(writer, value, wire);
      writer.u32(idOf(wire, type));
      writePacked(writer, (value as { readonly value?: unknown }).value, type);
    }
  }
}

/**
 * The packed arrays of bytes, numbers and strings, by how their elements are written. Godot 4 renamed the pools
 * Packed* and added the 64-bit ones; idOf refuses the names a version does not have.
 */
const PACKED_WRITERS: ReadonlyMap<string, (writer: ByteWriter, data: unknown, type: string) => void> = new Map([
  ['PoolByteArray', writeByteArray],
  ['PackedByteArray', writeByteArray],
  ['PoolIntArray', writeInt32Array],
  ['PackedInt32Array', writeInt32Array],
  ['PackedInt64Array', writeInt64Array],
  ['PoolRealArray', writeFloat32Array],
  ['PackedFloat32Array', writeFloat32Array],
  ['PackedFloat64Array', writeFloat64Array],
  ['PoolStringArray', writeStringArray],
  ['PackedStringArray', writeStringArray],
]);

/** The fixed-size math types and the vector arrays, by their component counts. */
function writeMath(writer: ByteWriter, value: GodotValue, wire: GodotWire): void {
  const type = value.type;
  const id = idOf(wire, type);
  const payload = (value as { readonly value?: unknown }).value;
  if (isFloatTupleType(type) || isVectorPoolType(type)) {
    const bits = (value as { readonly bits?: unknown }).bits;
    const doubles = wire.mayBeDouble(type);
    if (!doubles && bits !== undefined && bits !== 32) fail(`${wire.name} writes ${type} in 32-bit floats only`);
    const wide = doubles && mathWide(bits, type);
    writer.u32(id | (wide ? GODOT_FLAG_64 : 0));
    if (isFloatTupleType(type)) writeFloats(writer, payload, GODOT_FLOAT_TUPLE_LENGTH[type], wide, type);
    else writeVectorArray(writer, payload, GODOT_VECTOR_POOL_WIDTH[type], wide, type);
  } else if (isIntTupleType(type)) {
    writer.u32(id);
    writeInt32s(writer, payload, GODOT_INT_TUPLE_LENGTH[type], type);
  } else {
    fail(`${wire.name} type ${type} has no encoder`);
  }
}

/** Godot would drop an element that does not fit its container's type: refuse it here instead of losing it there. */
function checkFits(item: GodotValue, type: GodotContainerType): void {
  if (item !== null && typeof item === 'object' && !fitsContainerType(type, item)) {
    fail(`a ${String(item.type)} cannot be in a container typed ${type.kind === 'builtin' ? type.type : type.kind}`);
  }
}

/**
 * A container's element type as given, where the version has typed containers; elsewhere any element type given
 * (`null` too, as Godot 4 and the tagged JSON refuse it) is refused.
 */
function containerType(wire: GodotWire, type: GodotContainerType | undefined, what: string): GodotContainerType | undefined {
  if (type !== undefined && !wire.typedContainers) fail(`${wire.name} has no typed ${what}`);
  return type;
}

// Typed containers are Godot 4's alone (containerType gives none for Godot 3), so their kinds and element ids are
// Godot 4's.

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
