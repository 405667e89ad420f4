/**
 * Binary frames of the loopback protocol: game packets and lobby chat, a fixed little-endian header and the payload
 * after it. The header carries the sender's id both ways: the service checks it against the id it assigned to the
 * connection and then relays the very same bytes, untouched.
 */
import { MAX_RELIABLE_BYTES } from '../backend.js';
import type { Parsed } from './protocol.js';

/** Binary frame kinds (the first byte). */
export const FrameKind = { packet: 1, chat: 2 } as const;

/** [kind u8][sendType u8][channel u32][from u64][to u64] then the payload. */
export const PACKET_HEADER_BYTES = 22;
/** [kind u8][from u64][lobbyId u64] then the message. */
export const CHAT_HEADER_BYTES = 17;
/** The largest frame the service accepts at all: a full reliable packet plus its header. */
export const MAX_FRAME_BYTES = MAX_RELIABLE_BYTES + PACKET_HEADER_BYTES;

export interface PacketFrame {
  readonly sendType: number;
  readonly channel: number;
  readonly from: bigint;
  readonly to: bigint;
  readonly payload: Uint8Array;
}

export interface ChatFrame {
  readonly from: bigint;
  readonly lobbyId: bigint;
  readonly message: Uint8Array;
}

export type BinaryFrame = ({ readonly kind: 'packet' } & PacketFrame) | ({ readonly kind: 'chat' } & ChatFrame);

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function encodePacketFrame(sendType: number, channel: number, from: bigint, to: bigint, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(PACKET_HEADER_BYTES + payload.length);
  const dv = view(frame);
  frame[0] = FrameKind.packet;
  frame[1] = sendType;
  dv.setUint32(2, channel, true);
  dv.setBigUint64(6, from, true);
  dv.setBigUint64(14, to, true);
  frame.set(payload, PACKET_HEADER_BYTES);
  return frame;
}

export function encodeChatFrame(from: bigint, lobbyId: bigint, message: Uint8Array): Uint8Array {
  const frame = new Uint8Array(CHAT_HEADER_BYTES + message.length);
  const dv = view(frame);
  frame[0] = FrameKind.chat;
  dv.setBigUint64(1, from, true);
  dv.setBigUint64(9, lobbyId, true);
  frame.set(message, CHAT_HEADER_BYTES);
  return frame;
}

/** Reads a binary frame's header; the payload is a view into `bytes`, not a copy. */
export function decodeBinaryFrame(bytes: Uint8Array): Parsed<BinaryFrame> {
  if (bytes.length === 0) return { ok: false, detail: 'empty binary frame' };
  const kind = bytes[0];
  if (kind === FrameKind.packet) {
    if (bytes.length < PACKET_HEADER_BYTES) {
      return { ok: false, detail: `packet frame of ${bytes.length} bytes is shorter than its ${PACKET_HEADER_BYTES}-byte header` };
    }
    const dv = view(bytes);
    return {
      ok: true,
      value: {
        kind: 'packet',
        sendType: bytes[1] as number,
        channel: dv.getUint32(2, true),
        from: dv.getBigUint64(6, true),
        to: dv.getBigUint64(14, true),
        payload: bytes.subarray(PACKET_HEADER_BYTES),
      },
    };
  }
  if (kind === FrameKind.chat) {
    if (bytes.length < CHAT_HEADER_BYTES) {
      return { ok: false, detail: `chat frame of ${bytes.length} bytes is shorter than its ${CHAT_HEADER_BYTES}-byte header` };
    }
    const dv = view(bytes);
    return {
      ok: true,
      value: { kind: 'chat', from: dv.getBigUint64(1, true), lobbyId: dv.getBigUint64(9, true), message: bytes.subarray(CHAT_HEADER_BYTES) },
    };
  }
  return { ok: false, detail: `unknown binary frame kind ${String(kind)} (expected ${FrameKind.packet} packet or ${FrameKind.chat} chat)` };
}
