/**
 * The seed tutorial's packets, as a GodotSteam game sends and reads them: `var2bytes(Dictionary)`, GZIP'd by its
 * final `_send_P2P_Packet` or not by its first. A handshake is the Dictionary `{"message": "handshake", "from": id}`;
 * anything else is the game's. The Godot version shows in the Dictionary's type tag (18 in Godot 3, 27 in Godot 4),
 * and the tutorial sends nothing but Dictionaries, so a packet names its own engine. Never throws.
 */
import { CodecEncodeError, codecError, ok, type CodecResult } from '../codec/result.js';
import { decodeGodotPlain, encodeGodotPlain, godotCompress, godotDecompress } from '../codec/godot/index.js';
import { tutorialWire, type GodotVersion, type TutorialWire } from './peer-wire.js';

export type TutorialPacket =
  /** `fromLobbykit`: a lobbykit runtime opening with the tutorial's handshake to a member it does not know yet. */
  | { readonly kind: 'handshake'; readonly wire: TutorialWire; readonly fromLobbykit: boolean }
  | { readonly kind: 'message'; readonly wire: TutorialWire; readonly value: unknown };

/** The key a lobbykit runtime adds to its tutorial handshake; a GodotSteam game just prints it with the rest. */
const LOBBYKIT_MARK = 'lobbykit';
/** Godot's Dictionary type tag, in the first byte of `var2bytes(Dictionary)` (marshalls.cpp, both versions). */
const DICTIONARY_TAG: Readonly<Record<GodotVersion, number>> = { 3: 18, 4: 27 };

export interface TutorialLimits {
  /** Largest packet after GZIP inflation (the runtime's codec limit). */
  readonly maxBytes: number;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function versionOf(bytes: Uint8Array): GodotVersion | undefined {
  if (bytes[1] !== 0 || bytes[2] !== 0 || bytes[3] !== 0) return undefined;
  return bytes[0] === DICTIONARY_TAG[3] ? 3 : bytes[0] === DICTIONARY_TAG[4] ? 4 : undefined;
}


/** A tutorial packet from a member; `expected` is the member's wire once known (its engine must not change). */
export function decodeTutorialPacket(
  bytes: Uint8Array,
  expected: TutorialWire | undefined,
  limits: TutorialLimits,
): CodecResult<TutorialPacket> {
  const gzip = isGzip(bytes);
  let plain = bytes;
  if (gzip) {
    const inflated = godotDecompress(bytes, 'gzip', { maxBytes: limits.maxBytes });
    if (!inflated.ok) return inflated;
    plain = inflated.value;
  }
  const version = versionOf(plain);
  if (version === undefined) {
    return codecError('bad-payload', "a tutorial packet is var2bytes(Dictionary), and this is neither Godot 3's nor Godot 4's", 0);
  }
  if (expected !== undefined && expected.godot !== version) {
    return codecError('bad-payload', `this member sends Godot ${expected.godot} packets; this one is Godot ${version}'s`, 0);
  }
  // Straight to plain values: the data plane never needs Godot's own value tree.
  const decoded = decodeGodotPlain(plain, version, { maxBytes: limits.maxBytes });
  if (!decoded.ok) return decoded;
  const wire = expected ?? tutorialWire(version, gzip);
  const value = decoded.value;
  if (isHandshake(value)) return ok({ kind: 'handshake', wire, fromLobbykit: (value as Record<string, unknown>)[LOBBYKIT_MARK] === 1 });
  return ok({ kind: 'message', wire, value });
}

function isHandshake(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !(value instanceof Map) && (value as Record<string, unknown>).message === 'handshake';
}

/** What the tutorial's `_read_P2P_Packet` reads back as a Dictionary; anything but a plain object or Map is refused. */
export function encodeTutorialMessage(value: unknown, wire: TutorialWire): CodecResult<Uint8Array> {
  const raw = encodeTutorialVariant(value, wire.godot);
  return raw.ok ? ok(compressFor(raw.value, wire)) : raw;
}

/** `var2bytes(value)` in Godot `version`'s format, before any compression. */
export function encodeTutorialVariant(value: unknown, version: GodotVersion): CodecResult<Uint8Array> {
  const isDictionary = value instanceof Map || (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype);
  if (!isDictionary) {
    return codecError('unencodable', "a tutorial peer reads every packet as a Dictionary: send it a plain object or a Map");
  }
  try {
    return ok(encodeGodotPlain(value, version));
  } catch (thrown) {
    const code = thrown instanceof CodecEncodeError ? thrown.code : 'unencodable';
    return codecError(code, thrown instanceof Error ? thrown.message : String(thrown));
  }
}

/** The bytes a tutorial peer of `wire` reads: GZIP'd when it sends GZIP'd. */
export function compressFor(raw: Uint8Array, wire: TutorialWire): Uint8Array {
  return wire.gzip ? godotCompress(raw, 'gzip') : raw;
}

/** The tutorial's `_make_P2P_Handshake` packet from `selfId`; a lobbykit runtime marks its own. */
export function tutorialHandshake(selfId: bigint, wire: TutorialWire, fromLobbykit: boolean): Uint8Array {
  const message: Record<string, unknown> = { message: 'handshake', from: selfId };
  if (fromLobbykit) message[LOBBYKIT_MARK] = 1;
  const encoded = encodeTutorialMessage(message, wire);
  if (!encoded.ok) throw new Error(`lobbykit: the tutorial handshake did not encode: ${encoded.detail}`);
  return encoded.value;
}
