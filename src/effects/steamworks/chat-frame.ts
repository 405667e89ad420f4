/**
 * Lobby chat emulated over P2P (steamworks.js has no lobby chat), the one path for it: a lobbykit frame of kind
 * 'chat' on channel 0 whose raw payload is the lobby id (8 bytes, big-endian) followed by the message, sent
 * reliably to every other member, and taken only from a member of a lobby we are in.
 */
import type { BackendEvent } from '../backend.js';
import { FrameKind, PayloadCodecId, frameHeaderLength, readFrameHeader, writeFrameHeader } from '../../codec/frame.js';

const CHAT_HEADER = { kind: FrameKind.chat, channel: 0, codecId: PayloadCodecId.raw } as const;
const HEADER_BYTES = frameHeaderLength(CHAT_HEADER);

export function encodeChatFrame(lobbyId: bigint, message: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + 8 + message.length);
  const at = writeFrameHeader(out, 0, CHAT_HEADER);
  new DataView(out.buffer).setBigUint64(at, lobbyId, false);
  out.set(message, at + 8);
  return out;
}

/** The chat carried by `bytes`, undefined when they are not a well-formed chat frame. */
export function decodeChatFrame(bytes: Uint8Array): { readonly lobbyId: bigint; readonly message: Uint8Array } | undefined {
  const header = readFrameHeader(bytes);
  if (!header.ok || header.value.kind !== FrameKind.chat || header.value.compressed) return undefined;
  const at = header.value.payloadOffset;
  if (bytes.length < at + 8) return undefined;
  const lobbyId = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(at, false);
  return { lobbyId, message: bytes.slice(at + 8) };
}

/** True when `bytes` start like a chat frame (so the adapter never queues them as game packets). */
export function isChatFrame(bytes: Uint8Array): boolean {
  const flags = bytes[0];
  return flags !== undefined && flags >>> 6 === 1 && ((flags >>> 3) & 0b111) === FrameKind.chat;
}

/** Sends `message` as a chat frame to every member but `me`; false when any send was refused. */
export function sendChatFrames(
  lobbyId: bigint,
  message: Uint8Array,
  members: readonly bigint[],
  me: bigint,
  send: (to: bigint, frame: Uint8Array) => boolean,
): boolean {
  const frame = encodeChatFrame(lobbyId, message);
  let all = true;
  for (const member of members) if (member !== me) all = send(member, frame) && all;
  return all;
}

/**
 * The chat event a received chat frame carries, or undefined when it is malformed or its sender is not (per
 * `membersOf`, which knows only lobbies we are in) a member of the lobby it names.
 */
export function chatFrom(from: bigint, bytes: Uint8Array, membersOf: (lobbyId: bigint) => readonly bigint[]): BackendEvent | undefined {
  const chat = decodeChatFrame(bytes);
  if (chat === undefined || !membersOf(chat.lobbyId).includes(from)) return undefined;
  return { type: 'lobbyChatMessage', lobbyId: chat.lobbyId, from, bytes: chat.message };
}
