/**
 * Raw-deflate inflation whose work is bounded by what the frame announced, not by what the stream holds.
 *
 * fflate's `inflateSync(data, { out })` never grows `out`, but it decodes the WHOLE stream, silently dropping the
 * bytes past the end: a small bomb announcing a few bytes still costs its whole expansion in CPU (discarded
 * output), which stalls a game loop as surely as a crash. Deflate expands at most ~1032:1, so inflating a k-byte prefix can
 * never produce more than k × 1032 bytes. We inflate growing prefixes (each at most twice the last, so an honest
 * packet costs at most ~2× one inflate), and stop as soon as the output passes the announced length.
 *
 * Overflow is seen through a tail of unpredictable bytes after the announced length: fflate only writes there when
 * the stream is longer than announced, and a sender cannot aim its output at bytes it cannot know.
 */
import { inflateSync } from 'fflate';

/** Deflate's worst-case expansion: a 258-byte match coded in two one-bit Huffman codes. */
const MAX_DEFLATE_RATIO = 1032;
/** A prefix may cost at most this much output work beyond the announced length before we look again. */
const SLACK_BYTES = 64 * 1024;
const TAIL_BYTES = 16;

export type BoundedInflateResult =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly problem: 'oversize' | 'length-mismatch' | 'corrupt'; readonly detail: string };

function randomTail(): Uint8Array {
  const tail = new Uint8Array(TAIL_BYTES);
  crypto.getRandomValues(tail);
  return tail;
}

function tailIntact(out: Uint8Array, from: number, tail: Uint8Array): boolean {
  for (let i = 0; i < TAIL_BYTES; i++) if (out[from + i] !== tail[i]) return false;
  return true;
}

/** Inflates raw deflate `input` that must expand to exactly `announced` bytes. Never throws. */
export function inflateBounded(input: Uint8Array, announced: number): BoundedInflateResult {
  const out = new Uint8Array(announced + TAIL_BYTES);
  const tail = randomTail();
  out.set(tail, announced);
  const firstPrefix = Math.max(64, Math.floor((announced + SLACK_BYTES) / MAX_DEFLATE_RATIO));
  const oversize = {
    ok: false,
    problem: 'oversize',
    detail: `payload inflates past the ${announced} bytes the header announced`,
  } as const;
  for (let prefix = Math.min(firstPrefix, input.length); ; prefix = Math.min(prefix * 2, input.length)) {
    const whole = prefix === input.length;
    let produced: number;
    try {
      produced = inflateSync(whole ? input : input.subarray(0, prefix), { out }).length;
    } catch (error) {
      if (!tailIntact(out, announced, tail)) return oversize;
      // A cut prefix ends mid-stream; only an error on the whole input is the stream's own.
      if (!whole) continue;
      const reason = error instanceof Error ? error.message : String(error);
      return { ok: false, problem: 'corrupt', detail: `payload does not inflate: ${reason}` };
    }
    if (produced > announced || !tailIntact(out, announced, tail)) return oversize;
    if (!whole) continue;
    if (produced < announced) {
      return { ok: false, problem: 'length-mismatch', detail: `payload inflates to ${produced} bytes, the header announced ${announced}` };
    }
    return { ok: true, bytes: out.subarray(0, announced) };
  }
}
