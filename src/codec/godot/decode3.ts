/** Godot 3's bytes2var: the Godot 3 type ids dispatched over the bounded reader both versions share (reader.ts). */
import type { CodecResult } from '../result.js';
import { decodeWith, SHARED_BIT, WireReader, type GodotDecodeOptions } from './reader.js';
import {
  GODOT_FLOAT_TUPLE_LENGTH,
  GODOT_VECTOR_POOL_WIDTH,
  isFloatTupleType,
  isVectorPoolType,
  type GodotDictionaryEntry,
  type GodotValue,
} from './value.js';
import {
  GODOT3_FLAG_64,
  GODOT3_ID,
  GODOT3_NODEPATH_NEW_FORMAT,
  GODOT3_OBJECT_ID,
  GODOT3_RID_ID,
  GODOT3_TYPE_BY_ID,
  GODOT3_TYPE_MASK,
} from './wire3.js';

/**
 * Godot 3's `bytes2var(bytes)` (objects not allowed). Never throws. Refuses Object and RID and flag bits Godot 3
 * never writes, caps nesting, and bounds every allocation by the bytes that remain (see reader.ts).
 */
export function decodeGodot3(bytes: Uint8Array, options?: GodotDecodeOptions | null): CodecResult<GodotValue> {
  return decodeWith(bytes, options, makeReader, false) as CodecResult<GodotValue>;
}

/** `godotToPlain(decodeGodot3(bytes))` without the intermediate tree (see WireReader.plain). */
export function decodeGodot3Plain(bytes: Uint8Array, options?: GodotDecodeOptions | null): CodecResult<unknown> {
  return decodeWith(bytes, options, makeReader, true);
}

const HEADERS = { dictionary: GODOT3_ID.Dictionary, array: GODOT3_ID.Array, stringName: -1 } as const;
const makeReader = (bytes: Uint8Array, maxDepth: number): Godot3Reader => new Godot3Reader(bytes, maxDepth, HEADERS);

class Godot3Reader extends WireReader {
  value(depth: number): GodotValue {
    const at = this.offset;
    const headerWord = this.u32('Variant header');
    const id = headerWord & GODOT3_TYPE_MASK;
    const flags = headerWord & ~GODOT3_TYPE_MASK;
    if (id === GODOT3_OBJECT_ID) this.fail('bad-payload', 'Godot Object values are refused: they can carry scripts', at);
    if (id === GODOT3_RID_ID) this.fail('bad-payload', 'Godot RID values are refused: they mean nothing outside their process', at);
    const type = GODOT3_TYPE_BY_ID[id];
    if (type === undefined) this.fail('unknown-type', `unknown Godot 3 type id ${id}`, at);
    const wide = flags === GODOT3_FLAG_64 && (type === 'int' || type === 'float');
    if (flags !== 0 && !wide) {
      this.fail('unknown-type', `header 0x${headerWord.toString(16)} sets flag bits Godot 3 never writes for ${type}`, at);
    }

    switch (type) {
      case 'Nil':
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
        return { type, value: this.string('String') };
      case 'NodePath':
        return { type, value: this.nodePath(at, GODOT3_NODEPATH_NEW_FORMAT) };
      case 'Dictionary': {
        this.enter(depth, at);
        const n = this.count('Dictionary', 8, ~SHARED_BIT);
        const entries = new Array<GodotDictionaryEntry>(n);
        for (let i = 0; i < n; i++) {
          const key = this.value(depth + 1);
          entries[i] = [key, this.value(depth + 1)];
        }
        return { type, value: entries };
      }
      case 'Array': {
        this.enter(depth, at);
        const n = this.count('Array', 4, ~SHARED_BIT);
        const items = new Array<GodotValue>(n);
        for (let i = 0; i < n; i++) items[i] = this.value(depth + 1);
        return { type, value: items };
      }
      case 'PoolByteArray':
        return { type, value: this.byteArray(type) };
      case 'PoolIntArray':
        return { type, value: this.int32Array(type) };
      case 'PoolRealArray':
        return { type, value: this.float32Array(type) };
      case 'PoolStringArray':
        return { type, value: this.stringArray(type) };
      default:
        // The table fixes the length per type, which is what the tuple types promise.
        if (isFloatTupleType(type)) {
          return { type, value: this.floats(GODOT_FLOAT_TUPLE_LENGTH[type], false, type) } as unknown as GodotValue;
        }
        if (isVectorPoolType(type)) {
          return { type, value: this.vectorArray(GODOT_VECTOR_POOL_WIDTH[type], false, type) } as unknown as GodotValue;
        }
        // Every id in GODOT3_TYPE_BY_ID is handled; this keeps the dispatch honest if one is added.
        return this.fail('unknown-type', `Godot 3 type ${type} has no decoder`, at);
    }
  }
}
