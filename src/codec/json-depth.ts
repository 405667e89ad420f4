/**
 * How deep JSON text nests, read off its UTF-8 bytes without parsing it, so the JSON payload codec holds JSON to
 * the value codec's nesting limit. JSON.parse itself builds arrays nested hundreds of thousands deep without
 * complaint, and the first recursive walk of the result in the game (JSON.stringify, a deep copy) overflows the
 * stack; refusing by depth before parsing keeps such a value from ever being built.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * The offset of the first bracket or brace that opens a container deeper than `maxDepth` (the outermost container
 * is depth 1, as in the value codec), or -1 when none does. Brackets inside strings do not count; UTF-8 never puts
 * an ASCII byte inside a multi-byte character, so a byte scan is exact. Malformed text is left to JSON.parse.
 */
export function jsonTooDeepAt(bytes: Uint8Array, from: number, to: number, maxDepth: number): number {
  let depth = 0;
  let inString = false;
  for (let i = from; i < to; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
      if (++depth > maxDepth) return i;
    } else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) {
      depth--;
    }
  }
  return -1;
}
