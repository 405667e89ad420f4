/**
 * A lossless JSON rendering of lobbykit values, for the CLI and for people reading packets.
 *
 * Plain JSON values stand for themselves. Everything JSON cannot say is a one-key object whose key starts with "$":
 *   {"$bigint":"76561198000000001"}   {"$bytes":"<base64>"}   {"$map":[[key, value], …]} (any key types, order kept)
 *   {"$number":"NaN" | "Infinity" | "-Infinity" | "-0"}   {"$undefined":true}
 *   {"$object":{…}} wraps a plain object that itself has exactly one key starting with "$", so it is not read as a tag.
 * Integers and non-integers print as JSON numbers (1 and 1.5); JS has one number type, so nothing else is needed.
 */
import { codecError, ok, type CodecResult } from './result.js';

/** Chunks of bytes turned into one string at a time: an argument list of a whole packet could pass engines' limits. */
const BASE64_CHUNK = 0x8000;

// btoa and atob rather than Node's Buffer: they exist in browsers, Electron renderers and Node alike.
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += BASE64_CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + BASE64_CHUNK));
  return btoa(binary);
}

/** `text` is padded base64 (checked by the caller), so atob cannot throw on it. */
function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function isTagLike(o: object): boolean {
  const keys = Object.keys(o);
  return keys.length === 1 && keys[0]!.startsWith('$');
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** The tagged-JSON form of a value the lobbykit value codec carries (unsupported values become `{"$unsupported": …}`). */
export function toTaggedJson(value: unknown): unknown {
  switch (typeof value) {
    case 'number':
      if (Number.isNaN(value)) return { $number: 'NaN' };
      if (value === Infinity) return { $number: 'Infinity' };
      if (value === -Infinity) return { $number: '-Infinity' };
      if (Object.is(value, -0)) return { $number: '-0' };
      return value;
    case 'bigint':
      return { $bigint: value.toString() };
    case 'undefined':
      return { $undefined: true };
    case 'string':
    case 'boolean':
      return value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return Array.from(value, toTaggedJson);
      if (value instanceof Uint8Array) return { $bytes: toBase64(value) };
      if (value instanceof Map) return { $map: Array.from(value, ([k, v]) => [toTaggedJson(k), toTaggedJson(v)]) };
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) setOwn(out, key, toTaggedJson((value as Record<string, unknown>)[key]));
      return isTagLike(out) ? { $object: out } : out;
    }
    default:
      return { $unsupported: typeof value };
  }
}

class TagError {
  constructor(
    readonly detail: string,
    readonly path: string,
  ) {}
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BIGINT = /^-?(0|[1-9][0-9]*)$/;

function fromJson(json: unknown, path: string): unknown {
  if (json === null || typeof json === 'string' || typeof json === 'boolean') return json;
  if (typeof json === 'number') return json;
  if (Array.isArray(json)) return json.map((item, i) => fromJson(item, `${path}[${i}]`));
  if (typeof json !== 'object') throw new TagError(`a ${typeof json} is not JSON`, path);
  const o = json as Record<string, unknown>;
  if (!isTagLike(o)) return plainObject(o, path);
  const tag = Object.keys(o)[0]!;
  const body = o[tag];
  switch (tag) {
    case '$bigint':
      if (typeof body !== 'string' || !BIGINT.test(body)) throw new TagError('$bigint needs a decimal integer string', path);
      return BigInt(body);
    case '$bytes':
      if (typeof body !== 'string' || body.length % 4 !== 0 || !BASE64.test(body)) throw new TagError('$bytes needs padded base64', path);
      return fromBase64(body);
    case '$map': {
      if (!Array.isArray(body)) throw new TagError('$map needs an array of [key, value] pairs', path);
      const m = new Map<unknown, unknown>();
      body.forEach((pair: unknown, i) => {
        if (!Array.isArray(pair) || pair.length !== 2) throw new TagError('$map entry is not a [key, value] pair', `${path}.$map[${i}]`);
        m.set(fromJson(pair[0], `${path}.$map[${i}][0]`), fromJson(pair[1], `${path}.$map[${i}][1]`));
      });
      return m;
    }
    case '$number':
      switch (body) {
        case 'NaN':
          return NaN;
        case 'Infinity':
          return Infinity;
        case '-Infinity':
          return -Infinity;
        case '-0':
          return -0;
        default:
          throw new TagError('$number is one of "NaN", "Infinity", "-Infinity", "-0"', path);
      }
    case '$undefined':
      if (body !== true) throw new TagError('$undefined takes true', path);
      return undefined;
    case '$object':
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TagError('$object wraps an object', path);
      return plainObject(body as Record<string, unknown>, `${path}.$object`);
    default:
      throw new TagError(`unknown tag ${tag} (known: $bigint $bytes $map $number $undefined $object)`, path);
  }
}

function plainObject(o: Record<string, unknown>, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(o)) setOwn(out, key, fromJson(o[key], `${path}.${key}`));
  return out;
}

/** Reads the tagged-JSON form back into the value. Never throws: a malformed tag is 'bad-payload' naming its path. */
export function fromTaggedJson(json: unknown): CodecResult<unknown> {
  try {
    return ok(fromJson(json, '$'));
  } catch (e) {
    if (e instanceof TagError) return codecError('bad-payload', `${e.detail} at ${e.path}`);
    return codecError('bad-payload', e instanceof Error ? e.message : String(e));
  }
}
