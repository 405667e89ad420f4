/**
 * Steam's old P2P API (ISteamNetworking): send types and the sizes each may carry, and the seed's read limit.
 * The codec refuses oversize frames with these before they reach a backend; every backend checks them again.
 */

/** EP2PSend: 0 unreliable, 1 unreliable no delay, 2 reliable, 3 reliable with buffering. */
export const P2PSendType = { unreliable: 0, unreliableNoDelay: 1, reliable: 2, reliableWithBuffering: 3 } as const;
export type P2PSendType = (typeof P2PSendType)[keyof typeof P2PSendType];

/** Steam's limit for unreliable sends (types 0 and 1): one MTU-sized datagram. */
export const MAX_UNRELIABLE_BYTES = 1200;
/** Steam's limit for reliable sends (types 2 and 3), fragmented and reassembled by Steam. */
export const MAX_RELIABLE_BYTES = 1024 * 1024;

/** The seed's PACKET_READ_LIMIT: packets read per frame at most. */
export const DEFAULT_PACKET_READ_LIMIT = 32;

export function isSendType(value: unknown): value is P2PSendType {
  return value === 0 || value === 1 || value === 2 || value === 3;
}

/** Whether Steam delivers this send type reliably and in order. */
export function isReliableSendType(sendType: P2PSendType): boolean {
  return sendType >= P2PSendType.reliable;
}

/** Why a send of `length` bytes with `sendType` breaks Steam's size limits, or undefined. */
export function sendSizeProblem(length: number, sendType: P2PSendType): string | undefined {
  const reliable = isReliableSendType(sendType);
  const limit = reliable ? MAX_RELIABLE_BYTES : MAX_UNRELIABLE_BYTES;
  if (length <= limit) return undefined;
  return `${reliable ? 'reliable' : 'unreliable'} sends are limited to ${limit} bytes, got ${length}`;
}
