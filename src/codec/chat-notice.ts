/**
 * lobbykit's notices in lobby chat: what members must all hear, in one order, stamped by Steam with the sender —
 * the owner's kick and ban notices (Valve's documented way to kick: Steam's lobby API has none, so the owner says
 * so in chat and the member leaves) and vote-kick frames. Lobby chat is the one channel every backend carries
 * (native, or emulated over P2P by the steamworks.js adapter).
 *
 * A notice starts with a NUL byte, which no text chat does (`sendChat` refuses text that starts with one), then
 * "LK", a version and a kind; each kind has one exact length. Ids are 64-bit big-endian. No id of the sender is in
 * a notice: the transport says who sent it.
 *
 *   kind 1 expel:  target (8) · flags (1: bit 0 set = ban)                       14 bytes
 *   kind 2 vote start:  vote id (4) · target (8)                                 17 bytes
 *   kind 3 ballot:  starter (8) · vote id (4) · target (8) · approve (1: 0 or 1)   26 bytes
 */

export const NOTICE_VERSION = 1;

export type ChatNotice =
  | { readonly kind: 'expel'; readonly target: bigint; readonly ban: boolean }
  | { readonly kind: 'start'; readonly voteId: number; readonly target: bigint }
  | { readonly kind: 'ballot'; readonly starter: bigint; readonly voteId: number; readonly target: bigint; readonly approve: boolean };

const KIND_BYTE = { expel: 1, start: 2, ballot: 3 } as const;
const LENGTH = { 1: 14, 2: 17, 3: 26 } as const;
const PREFIX = [0x00, 0x4c, 0x4b] as const; // NUL, 'L', 'K'
const HEAD = PREFIX.length + 2;

/** Whether chat bytes are (or claim to be) a lobbykit notice: they are then never shown as text. */
export function isChatNotice(bytes: Uint8Array): boolean {
  return bytes.length >= PREFIX.length && bytes[0] === PREFIX[0] && bytes[1] === PREFIX[1] && bytes[2] === PREFIX[2];
}

/** Whether text would start like a notice (so `sendChat` refuses it). */
export function textLooksLikeNotice(text: string): boolean {
  return text.startsWith('\u0000');
}

export function encodeChatNotice(notice: ChatNotice): Uint8Array {
  const kind = KIND_BYTE[notice.kind];
  const out = new Uint8Array(LENGTH[kind]);
  out.set(PREFIX);
  out[3] = NOTICE_VERSION;
  out[4] = kind;
  const view = new DataView(out.buffer);
  switch (notice.kind) {
    case 'expel':
      view.setBigUint64(HEAD, notice.target, false);
      out[HEAD + 8] = notice.ban ? 1 : 0;
      break;
    case 'start':
      view.setUint32(HEAD, notice.voteId >>> 0, false);
      view.setBigUint64(HEAD + 4, notice.target, false);
      break;
    case 'ballot':
      view.setBigUint64(HEAD, notice.starter, false);
      view.setUint32(HEAD + 8, notice.voteId >>> 0, false);
      view.setBigUint64(HEAD + 12, notice.target, false);
      out[HEAD + 20] = notice.approve ? 1 : 0;
      break;
  }
  return out;
}

/** The notice in `bytes`, or undefined when they are not exactly one well-formed notice of this version. */
export function decodeChatNotice(bytes: Uint8Array): ChatNotice | undefined {
  if (!isChatNotice(bytes) || bytes[3] !== NOTICE_VERSION) return undefined;
  const kind = bytes[4];
  if (kind !== 1 && kind !== 2 && kind !== 3) return undefined;
  if (bytes.length !== LENGTH[kind]) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (kind) {
    case 1: {
      const flags = bytes[HEAD + 8]!;
      if (flags > 1) return undefined;
      return { kind: 'expel', target: view.getBigUint64(HEAD, false), ban: flags === 1 };
    }
    case 2:
      return { kind: 'start', voteId: view.getUint32(HEAD, false), target: view.getBigUint64(HEAD + 4, false) };
    case 3: {
      const approve = bytes[HEAD + 20]!;
      if (approve > 1) return undefined;
      const target = view.getBigUint64(HEAD + 12, false);
      return { kind: 'ballot', starter: view.getBigUint64(HEAD, false), voteId: view.getUint32(HEAD + 8, false), target, approve: approve === 1 };
    }
  }
}
