/** GodotValue as lossless tagged JSON and back, for both engine versions: what the CLI prints and reads. */
import { codecError, ok, type CodecResult } from '../result.js';
import { godotFloatWidth, godotIntWidth } from './plain.js';
import {
  GODOT4_VARIANT_TYPES,
  GODOT_FLOAT_TUPLE_LENGTH,
  GODOT_INT_TUPLE_LENGTH,
  GODOT_VECTOR_POOL_WIDTH,
  isFloatTupleType,
  isIntTupleType,
  isVectorPoolType,
  mayBeDouble,
  type Godot4VariantType,
  type GodotContainerType,
  type GodotDictionaryEntry,
  type GodotTypeName,
  type GodotValue,
  type GodotWidth,
} from './value.js';
import { GODOT_MAX_ENCODE_DEPTH } from './write-common.js';

/**
 * Lossless tagged JSON for GodotValue (both engine versions): every value is `{"type": <Godot type name>,
 * "value": …}` (Nil and Callable have no value), mirroring the in-memory shape, with the few things JSON cannot
 * carry spelled out:
 *   int        {"type":"int","bits":32|64,"value":"<decimal>"}   (a string: int64 does not fit a JSON number)
 *   float      {"type":"float","bits":32|64,"value":<number>}    ("NaN", "Infinity", "-Infinity", "-0" as strings)
 *   math types {"type":"Vector2","value":[x, y]}                  (components, same special strings; "bits":64
 *                                                                  only for a Godot 4 double-precision value)
 *   NodePath   {"type":"NodePath","value":{"absolute":bool,"names":[…],"subnames":[…]}}
 *   Dictionary {"type":"Dictionary","value":[[key, value], …]}     (tagged keys, wire order; Godot 4 typed ones add
 *                                                                  "keyType"/"valueType")
 *   Array      {"type":"Array","value":[…]}                        (Godot 4 typed ones add "elementType")
 *   container types {"kind":"builtin","type":"int"} | {"kind":"class","name":"Node"} | {"kind":"script","path":…}
 *   PoolByteArray/PackedByteArray "value" is lowercase hex; PackedInt64Array decimal strings; the other packed
 *   arrays are arrays of numbers, strings or component arrays.
 * On input, "bits" may be left out (Godot's own width rule is applied) and ints may be JSON integers.
 */
export interface GodotJson {
  readonly type: GodotTypeName;
  readonly bits?: GodotWidth;
  readonly value?: unknown;
  readonly elementType?: GodotContainerType;
  readonly keyType?: GodotContainerType;
  readonly valueType?: GodotContainerType;
}

function numberToJson(n: number): number | string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (Object.is(n, -0)) return '-0';
  return n;
}

export function godotValueToJson(value: GodotValue): GodotJson {
  if (isFloatTupleType(value.type) || isVectorPoolType(value.type) || isIntTupleType(value.type)) {
    const v = (value as { readonly value: readonly (number | readonly number[])[] }).value;
    const bits = (value as { readonly bits?: GodotWidth }).bits;
    const json = v.map((item) => (typeof item === 'number' ? numberToJson(item) : item.map(numberToJson)));
    return bits === 64 ? { type: value.type, bits, value: json } : { type: value.type, value: json };
  }
  switch (value.type) {
    case 'Nil':
    case 'Callable':
      return { type: value.type };
    case 'bool':
    case 'String':
    case 'StringName':
      return { type: value.type, value: value.value };
    case 'int':
      return { type: 'int', bits: value.bits, value: value.value.toString() };
    case 'float':
      return { type: 'float', bits: value.bits, value: numberToJson(value.value) };
    case 'NodePath':
      return {
        type: 'NodePath',
        value: { absolute: value.value.absolute, names: [...value.value.names], subnames: [...value.value.subnames] },
      };
    case 'Dictionary': {
      const entries = value.value.map(([k, v]) => [godotValueToJson(k), godotValueToJson(v)]);
      const { keyType, valueType } = value;
      return { type: 'Dictionary', ...(keyType && { keyType }), ...(valueType && { valueType }), value: entries };
    }
    case 'Array': {
      const { elementType } = value;
      return { type: 'Array', ...(elementType && { elementType }), value: value.value.map(godotValueToJson) };
    }
    case 'PoolByteArray':
    case 'PackedByteArray':
      return { type: value.type, value: toHex(value.value) };
    case 'PoolIntArray':
    case 'PackedInt32Array':
      return { type: value.type, value: Array.from(value.value) };
    case 'PackedInt64Array':
      return { type: value.type, value: Array.from(value.value, String) };
    case 'PoolRealArray':
    case 'PackedFloat32Array':
    case 'PackedFloat64Array':
      return { type: value.type, value: Array.from(value.value, numberToJson) };
    case 'PoolStringArray':
    case 'PackedStringArray':
      return { type: value.type, value: [...value.value] };
    default:
      throw new Error(`unreachable: ${(value as { type: string }).type}`);
  }
}

/** Internal: a JSON shape problem, caught in godotValueFromJson and returned with its path. */
class JsonShapeError extends Error {}

/**
 * Reads the tagged JSON back; never throws. Errors are 'bad-payload' with a JSON path such as `$.value[2][1]`.
 * Containers nest at most GODOT_MAX_ENCODE_DEPTH deep, as the encoders write them; one more is refused, never
 * recursed into.
 */
export function godotValueFromJson(json: unknown): CodecResult<GodotValue> {
  try {
    return ok(fromJson(json, '$', 0));
  } catch (error) {
    if (error instanceof JsonShapeError) return codecError('bad-payload', error.message);
    return codecError('bad-payload', `internal error reading Godot JSON: ${String(error)}`);
  }
}

function bad(path: string, detail: string): never {
  throw new JsonShapeError(`${path}: ${detail}`);
}

function jsonNumber(raw: unknown, path: string): number {
  if (typeof raw === 'number') return raw;
  switch (raw) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
    default:
      return bad(path, `expected a number, got ${JSON.stringify(raw)}`);
  }
}

function jsonArray(raw: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(raw)) bad(path, 'expected an array');
  return raw;
}

const LONE_SURROGATE = /\p{Cs}/u;

function jsonString(raw: unknown, path: string): string {
  if (typeof raw !== 'string') bad(path, 'expected a string');
  if (raw.includes('\u0000')) bad(path, 'Godot strings end at NUL, so U+0000 cannot be sent');
  if (LONE_SURROGATE.test(raw)) bad(path, 'string has a lone UTF-16 surrogate');
  return raw;
}

function jsonBits(raw: unknown, path: string): GodotWidth | undefined {
  if (raw === undefined) return undefined;
  if (raw !== 32 && raw !== 64) bad(`${path}.bits`, 'must be 32 or 64');
  return raw;
}

function components(raw: unknown, length: number, path: string): number[] {
  const list = jsonArray(raw, path);
  if (list.length !== length) bad(path, `expected ${length} components, got ${list.length}`);
  return list.map((n, i) => jsonNumber(n, `${path}[${i}]`));
}

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function jsonInt(raw: unknown, path: string): bigint {
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return BigInt(raw);
  if (typeof raw === 'string' && /^-?\d+$/.test(raw)) return BigInt(raw);
  return bad(path, `expected an integer (a decimal string or a safe JSON integer), got ${JSON.stringify(raw)}`);
}

function checkJsonNesting(depth: number, path: string): void {
  if (depth >= GODOT_MAX_ENCODE_DEPTH) bad(path, `containers nested deeper than ${GODOT_MAX_ENCODE_DEPTH}`);
}

function fromJson(json: unknown, path: string, depth: number): GodotValue {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) bad(path, 'expected {"type": …, "value": …}');
  const node = json as Readonly<Record<'type' | 'value' | 'bits' | 'elementType' | 'keyType' | 'valueType', unknown>>;
  const type = node.type;
  const valuePath = `${path}.value`;
  if (typeof type !== 'string') bad(`${path}.type`, 'missing Godot type name');
  if (isFloatTupleType(type) || isVectorPoolType(type)) {
    const value = isFloatTupleType(type)
      ? components(node.value, GODOT_FLOAT_TUPLE_LENGTH[type], valuePath)
      : jsonArray(node.value, valuePath).map((item, i) => components(item, GODOT_VECTOR_POOL_WIDTH[type], `${valuePath}[${i}]`));
    const bits = jsonBits(node.bits, path);
    if (bits === 64 && !mayBeDouble(type)) bad(`${path}.bits`, `${type} is always 32-bit floats`);
    return (bits === 64 ? { type, value, bits } : { type, value }) as unknown as GodotValue;
  }
  if (isIntTupleType(type)) {
    const value = components(node.value, GODOT_INT_TUPLE_LENGTH[type], valuePath);
    value.forEach((n, i) => {
      if (!Number.isInteger(n) || n < -(2 ** 31) || n > 2 ** 31 - 1) bad(`${valuePath}[${i}]`, 'expected a 32-bit integer');
    });
    return { type, value } as unknown as GodotValue;
  }
  switch (type) {
    case 'Nil':
    case 'Callable':
      return { type };
    case 'bool':
      if (typeof node.value !== 'boolean') bad(valuePath, 'expected true or false');
      return { type, value: node.value };
    case 'int': {
      const value = jsonInt(node.value, valuePath);
      if (value < INT64_MIN || value > INT64_MAX) bad(valuePath, 'outside the 64-bit range');
      const bits = jsonBits(node.bits, path) ?? godotIntWidth(value);
      if (bits === 32 && (value < INT32_MIN || value > INT32_MAX)) bad(valuePath, 'does not fit 32 bits');
      return { type, value, bits };
    }
    case 'float': {
      const value = jsonNumber(node.value, valuePath);
      return { type, value, bits: jsonBits(node.bits, path) ?? godotFloatWidth(value) };
    }
    case 'String':
    case 'StringName':
      return { type, value: jsonString(node.value, valuePath) };
    case 'NodePath': {
      const raw = node.value as { absolute?: unknown; names?: unknown; subnames?: unknown } | null;
      if (raw === null || typeof raw !== 'object') bad(valuePath, 'expected {absolute, names, subnames}');
      if (typeof raw.absolute !== 'boolean') bad(`${valuePath}.absolute`, 'expected true or false');
      const names = jsonArray(raw.names, `${valuePath}.names`).map((s, i) => jsonString(s, `${valuePath}.names[${i}]`));
      const subnames = jsonArray(raw.subnames, `${valuePath}.subnames`).map((s, i) =>
        jsonString(s, `${valuePath}.subnames[${i}]`),
      );
      return { type, value: { absolute: raw.absolute, names, subnames } };
    }
    case 'Dictionary': {
      checkJsonNesting(depth, path);
      const entries = jsonArray(node.value, valuePath).map((entry, i): GodotDictionaryEntry => {
        const pair = jsonArray(entry, `${valuePath}[${i}]`);
        if (pair.length !== 2) bad(`${valuePath}[${i}]`, 'expected a [key, value] pair');
        return [fromJson(pair[0], `${valuePath}[${i}][0]`, depth + 1), fromJson(pair[1], `${valuePath}[${i}][1]`, depth + 1)];
      });
      const keyType = containerType(node.keyType, `${path}.keyType`);
      const valueType = containerType(node.valueType, `${path}.valueType`);
      return { type, value: entries, ...(keyType && { keyType }), ...(valueType && { valueType }) };
    }
    case 'Array': {
      checkJsonNesting(depth, path);
      const items = jsonArray(node.value, valuePath).map((item, i) => fromJson(item, `${valuePath}[${i}]`, depth + 1));
      const elementType = containerType(node.elementType, `${path}.elementType`);
      return { type, value: items, ...(elementType && { elementType }) };
    }
    case 'PoolByteArray':
    case 'PackedByteArray': {
      const hex = node.value;
      if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
        bad(valuePath, 'expected an even-length hex string');
      }
      return { type, value: fromHex(hex) };
    }
    case 'PackedInt64Array': {
      const list = jsonArray(node.value, valuePath).map((n, i) => {
        const value = jsonInt(n, `${valuePath}[${i}]`);
        if (value < INT64_MIN || value > INT64_MAX) bad(`${valuePath}[${i}]`, 'outside the 64-bit range');
        return value;
      });
      return { type, value: BigInt64Array.from(list) };
    }
    case 'PackedFloat64Array':
      return { type, value: Float64Array.from(jsonArray(node.value, valuePath), (n, i) => jsonNumber(n, `${valuePath}[${i}]`)) };
    case 'PoolIntArray':
    case 'PackedInt32Array': {
      const list = jsonArray(node.value, valuePath).map((n, i) => {
        if (typeof n !== 'number' || !Number.isInteger(n) || n < -(2 ** 31) || n > 2 ** 31 - 1) {
          bad(`${valuePath}[${i}]`, 'expected a 32-bit integer');
        }
        return n;
      });
      return { type, value: Int32Array.from(list) };
    }
    case 'PoolRealArray':
    case 'PackedFloat32Array':
      return { type, value: Float32Array.from(jsonArray(node.value, valuePath), (n, i) => jsonNumber(n, `${valuePath}[${i}]`)) };
    case 'PoolStringArray':
    case 'PackedStringArray':
      return { type, value: jsonArray(node.value, valuePath).map((s, i) => jsonString(s, `${valuePath}[${i}]`)) };
    default:
      return bad(`${path}.type`, `unknown Godot type ${JSON.stringify(type)}`);
  }
}

const CONTAINER_TYPES: ReadonlySet<string> = new Set(GODOT4_VARIANT_TYPES);

/** A typed container's element type, or undefined when the field is absent (an untyped container). */
function containerType(raw: unknown, path: string): GodotContainerType | undefined {
  if (raw === undefined) return undefined;
  if (raw === null || typeof raw !== 'object') bad(path, 'expected {"kind": "builtin"|"class"|"script", …}');
  const node = raw as { readonly kind?: unknown; readonly type?: unknown; readonly name?: unknown; readonly path?: unknown };
  switch (node.kind) {
    case 'builtin':
      if (typeof node.type !== 'string' || !CONTAINER_TYPES.has(node.type) || node.type === 'Nil') {
        bad(`${path}.type`, 'expected a Godot 4 Variant type name other than Nil');
      }
      return { kind: 'builtin', type: node.type as Godot4VariantType };
    case 'class':
      return { kind: 'class', name: jsonString(node.name, `${path}.name`) };
    case 'script':
      return { kind: 'script', path: jsonString(node.path, `${path}.path`) };
    default:
      return bad(`${path}.kind`, 'expected "builtin", "class" or "script"');
  }
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
