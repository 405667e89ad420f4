/**
 * Text as Godot writes and reads it: strict UTF-8 both ways, and the engines' limits (a Godot 3 string ends at NUL,
 * a lone surrogate cannot be written) refused by name.
 */
import { CodecEncodeError } from '../result.js';

const utf8Encoder = new TextEncoder();
/** `fatal` so malformed text becomes a 'bad-utf8' error instead of silent U+FFFD replacements. */
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// A lone surrogate cannot be written as UTF-8; TextEncoder would swap it for U+FFFD behind the caller's back.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * UTF-8 of a string Godot 3 can hold. Godot 3 strings end at the first NUL (the engine stops parsing there), so a
 * string containing one would arrive cut short: refuse it rather than send something the game reads differently.
 */
export function godotUtf8(text: string, where: string): Uint8Array {
  if (typeof text !== 'string') {
    throw new CodecEncodeError('unencodable', `${where}: expected a string, got ${typeof text}`);
  }
  if (text.includes('\u0000')) {
    throw new CodecEncodeError('unencodable', `${where}: Godot strings end at NUL, so U+0000 cannot be sent`);
  }
  if (LONE_SURROGATE.test(text)) {
    throw new CodecEncodeError('unencodable', `${where}: string has a lone UTF-16 surrogate, which UTF-8 cannot carry`);
  }
  return utf8Encoder.encode(text);
}

/** Decoded text, cut at the first NUL the way Godot's String::parse_utf8 does; null when not valid UTF-8. */
export function decodeGodotUtf8(bytes: Uint8Array): string | null {
  const nul = bytes.indexOf(0);
  const text = nul === -1 ? bytes : bytes.subarray(0, nul);
  try {
    return utf8Decoder.decode(text);
  } catch {
    return null;
  }
}
