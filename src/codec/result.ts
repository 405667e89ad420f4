/**
 * Decoding never throws: it returns a value or a typed error. Each code names one distinct way bytes can be
 * wrong, so a game (and the hostile-input tests) can count failures by cause.
 */
export type CodecErrorCode =
  /** The bytes end before the structure they announce. */
  | 'truncated'
  /** The frame's format version is not one this build reads. */
  | 'unknown-version'
  /** The frame's kind is not one this build knows. */
  | 'unknown-kind'
  /** The payload codec id is not registered. */
  | 'unknown-codec'
  /** A type tag inside a payload (lobbykit value codec or Godot Variant) is not known. */
  | 'unknown-type'
  /** Compressed data that does not inflate (corrupt, wrong method, wrong checksum). */
  | 'bad-compression'
  /** Inflated size differs from the length the header announced. */
  | 'length-mismatch'
  /** Declared or actual size above the configured limit (a zip bomb, an oversize packet). */
  | 'oversize'
  /** Bytes left over after a complete value. */
  | 'trailing-bytes'
  /** A payload that the codec rejected (bad JSON, bad msgpack, invalid structure). */
  | 'bad-payload'
  /** Text that is not valid UTF-8. */
  | 'bad-utf8'
  /** Nesting deeper than the decoder allows (stack exhaustion guard). */
  | 'too-deep'
  /** A value that cannot be encoded (unsupported type, out-of-range number). */
  | 'unencodable'
  /** An encode that breaks a send limit (unreliable > 1200 B, reliable > 1 MB). */
  | 'too-large-to-send';

export interface CodecError {
  readonly ok: false;
  readonly code: CodecErrorCode;
  /** A sentence a developer can act on. */
  readonly detail: string;
  /** Byte offset into the input where the problem was found, when it applies. */
  readonly offset?: number;
}

export interface CodecOk<T> {
  readonly ok: true;
  readonly value: T;
}

export type CodecResult<T> = CodecOk<T> | CodecError;

export function ok<T>(value: T): CodecOk<T> {
  return { ok: true, value };
}

export function codecError(code: CodecErrorCode, detail: string, offset?: number): CodecError {
  return offset === undefined ? { ok: false, code, detail } : { ok: false, code, detail, offset };
}

/** Thrown only by encoders, for callers that prefer exceptions on their own (trusted) values. */
export class CodecEncodeError extends Error {
  override readonly name = 'CodecEncodeError';
  constructor(
    readonly code: CodecErrorCode,
    detail: string,
  ) {
    super(detail);
  }
}
