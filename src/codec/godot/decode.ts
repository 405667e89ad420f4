/**
 * bytes2var (Godot 3) and bytes_to_var (Godot 4) as one walk over the bounded reader both versions share
 * (reader.ts): the version's table (wire.ts) says which type an id is, which ids are refused, where the 64-bit
 * flag may stand and whether containers are typed. Objects are never allowed.
 */
import type { CodecResult } from '../result.js';
import { decodeWith, SHARED_BIT, WireReader, type GodotDecodeOptions } from './reader.js';
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
  type GodotDictionaryEntry,
  type GodotTypeName,
  type GodotValue,
} from './value.js';
import { GODOT_FLAG_64, GODOT_NODEPATH_NEW_FORMAT, GODOT_TYPE_MASK, type GodotWire } from './wire.js';
import {
  GODOT4_ARRAY_KIND_SHIFT,
  GODOT4_DICT_KEY_KIND_SHIFT,
  GODOT4_DICT_VALUE_KIND_SHIFT,
  GODOT4_KIND_BUILTIN,
  GODOT4_KIND_CLASS_NAME,
  GODOT4_KIND_NONE,
} from './wire4.js';

const ARRAY_FLAGS = 0b11 << GODOT4_ARRAY_KIND_SHIFT;
const DICT_FLAGS = 0b1111 << GODOT4_DICT_KEY_KIND_SHIFT;

/**
 * `wire`'s engine's bytes_to_var as a GodotValue (or, when `plain`, as plain JS; see WireReader.plain). Never
 * throws: caps nesting and bounds every allocation by the bytes that remain (see reader.ts).
 */
export function decodeVariant(bytes: Uint8Array, wire: GodotWire, options: GodotDecodeOptions | null | undefined, plain: boolean): CodecResult<unknown> {
  return decodeWith(bytes, options, (b, maxDepth) => new VariantReader(b, maxDepth, wire), plain);
}

class VariantReader extends WireReader {
  constructor(
    bytes: Uint8Array,
    maxDepth: number,
    private readonly wire: GodotWire,
  ) {
    super(bytes, maxDepth, wire.plain);
  }

  value(depth: number): GodotValue {
    const at = this.offset;
    const header = this.u32('Variant header');
    const id = header & GODOT_TYPE_MASK;
    const flags = header & ~GODOT_TYPE_MASK;
    const type = this.wire.typeOf[id];
    if (type === undefined) this.refuse(id, at);
    const wide = flags === GODOT_FLAG_64;
    if (flags !== 0) this.checkFlags(header, type, at);

    switch (type) {
      case 'Nil':
      case 'Callable':
        return { type };
      case 'bool':
        // Godot reads any non-zero word as true.
        return { type, value: this.u32('bool') !== 0 };
      case 'int': {
        this.need(wide ? 8 : 4, 'int');
        const value = wide ? this.int64At(this.offset) : BigInt(this.word(this.offset) | 0);
        this.offset += wide ? 8 : 4;
        return { type, value, bits: wide ? 64 : 32 };
      }
      case 'float': {
        this.need(wide ? 8 : 4, 'float');
        const value = this.floatAt(this.offset, wide);
        this.offset += wide ? 8 : 4;
        return { type, value, bits: wide ? 64 : 32 };
      }
      case 'String':
      case 'StringName':
        return { type, value: this.string(type) };
      case 'NodePath':
        return { type, value: this.nodePath(at, GODOT_NODEPATH_NEW_FORMAT) };
      case 'Dictionary':
        return this.dictionary(header, depth, at);
      case 'Array':
        return this.array(header, depth, at);
      case 'PoolByteArray':
      case 'PackedByteArray':
        return { type, value: this.byteArray(type) };
      case 'PoolIntArray':
      case 'PackedInt32Array':
        return { type, value: this.int32Array(type) };
      case 'PackedInt64Array':
        return { type, value: this.int64Array(type) };
      case 'PoolRealArray':
      case 'PackedFloat32Array':
        return { type, value: this.float32Array(type) };
      case 'PackedFloat64Array':
        return { type, value: this.float64Array(type) };
      case 'PoolStringArray':
      case 'PackedStringArray':
        return { type, value: this.stringArray(type) };
      default:
        return this.math(type, wide, at);
    }
  }

  /** The fixed-size math types and the vector arrays, by their component counts. */
  private math(type: GodotTypeName, wide: boolean, at: number): GodotValue {
    // The tables fix the length per type, which is what the tuple types promise.
    if (isFloatTupleType(type)) {
      const value = this.floats(GODOT_FLOAT_TUPLE_LENGTH[type], wide, type);
      return (wide ? { type, value, bits: 64 } : { type, value }) as unknown as GodotValue;
    }
    if (isVectorPoolType(type)) {
      const value = this.vectorArray(GODOT_VECTOR_POOL_WIDTH[type], wide, type);
      return (wide ? { type, value, bits: 64 } : { type, value }) as unknown as GodotValue;
    }
    if (isIntTupleType(type)) {
      return { type, value: this.int32s(GODOT_INT_TUPLE_LENGTH[type], type) } as unknown as GodotValue;
    }
    // Every type in the version's table is handled; this keeps the dispatch honest if one is added.
    return this.fail('unknown-type', `${this.wire.name} type ${type} has no decoder`, at);
  }

  /**
   * Flag bits exist for 64-bit numbers (and, where the version allows it, double math) and for typed containers;
   * anywhere else the engine never sets them.
   */
  private checkFlags(header: number, type: GodotTypeName, at: number): void {
    const wire = this.wire;
    const flags = header & ~GODOT_TYPE_MASK;
    const allowed =
      (flags === GODOT_FLAG_64 && (type === 'int' || type === 'float' || wire.mayBeDouble(type))) ||
      (wire.typedContainers && type === 'Array' && (flags & ~ARRAY_FLAGS) === 0) ||
      (wire.typedContainers && type === 'Dictionary' && (flags & ~DICT_FLAGS) === 0);
    if (!allowed) this.fail('unknown-type', `header 0x${header.toString(16)} sets flag bits ${wire.name} never writes for ${type}`, at);
  }

  private refuse(id: number, at: number): never {
    const reason = this.wire.refused.get(id);
    if (reason !== undefined) this.fail('bad-payload', reason, at);
    return this.fail('unknown-type', `unknown ${this.wire.name} type id ${id}`, at);
  }

  // A container's kind bits are zero unless checkFlags let them through, which only a version with typed
  // containers does; so the untyped walk is the typed one with no element type.

  private dictionary(header: number, depth: number, at: number): GodotValue {
    this.enter(depth, at);
    const keyType = this.containerType((header >>> GODOT4_DICT_KEY_KIND_SHIFT) & 0b11);
    const valueType = this.containerType((header >>> GODOT4_DICT_VALUE_KIND_SHIFT) & 0b11);
    const n = this.count('Dictionary', 8, ~SHARED_BIT);
    const entries = new Array<GodotDictionaryEntry>(n);
    for (let i = 0; i < n; i++) {
      const key = this.element(depth, keyType, 'key');
      entries[i] = [key, this.element(depth, valueType, 'value')];
    }
    if (!keyType && !valueType) return { type: 'Dictionary', value: entries };
    return { type: 'Dictionary', value: entries, ...(keyType && { keyType }), ...(valueType && { valueType }) };
  }

  private array(header: number, depth: number, at: number): GodotValue {
    this.enter(depth, at);
    const elementType = this.containerType((header >>> GODOT4_ARRAY_KIND_SHIFT) & 0b11);
    const n = this.count('Array', 4, ~SHARED_BIT);
    const items = new Array<GodotValue>(n);
    for (let i = 0; i < n; i++) items[i] = this.element(depth, elementType, 'element');
    return elementType ? { type: 'Array', value: items, elementType } : { type: 'Array', value: items };
  }

  /** One element of a container; a typed container's elements must be of its type (Godot drops the rest). */
  private element(depth: number, type: GodotContainerType | undefined, role: string): GodotValue {
    const at = this.offset;
    const value = this.value(depth + 1);
    if (type && !fitsContainerType(type, value)) {
      this.fail('bad-payload', `a ${value.type} ${role} in a container typed ${describe(type)}`, at);
    }
    return value;
  }

  /** The element type that follows a typed container's header, by its kind (bits of the header; Godot 4's ids). */
  private containerType(kind: number): GodotContainerType | undefined {
    if (kind === GODOT4_KIND_NONE) return undefined;
    const at = this.offset;
    if (kind === GODOT4_KIND_BUILTIN) {
      const id = this.u32('container element type');
      const type = GODOT4_VARIANT_TYPES[id];
      if (type === undefined) this.fail('unknown-type', `unknown Godot 4 type id ${id} as a container element type`, at);
      // Godot writes an untyped container, not one typed Nil; reading one would re-encode differently.
      if (type === 'Nil') this.fail('bad-payload', 'a container typed Nil, which Godot never writes', at);
      return { kind: 'builtin', type };
    }
    const name = this.string('container class name');
    return kind === GODOT4_KIND_CLASS_NAME ? { kind: 'class', name } : { kind: 'script', path: name };
  }
}

function describe(type: GodotContainerType): string {
  return type.kind === 'builtin' ? type.type : type.kind === 'class' ? type.name : type.path;
}
