/**
 * The loopback service's wire protocol: its version and how Steam IDs travel, shared by the service and the client
 * backend. The message families live beside it: binary-frames.ts (game packets and lobby chat), client-ops.ts
 * (JSON requests a client sends, with filters checked by ../list-filters.ts), server-messages.ts (JSON the service
 * sends back).
 *
 * - Control messages are JSON text frames (a few per second); Steam IDs travel as decimal strings because JSON
 *   numbers lose precision above 2^53.
 * - Game packets and lobby chat are binary frames with a fixed little-endian header and the payload after it, so a
 *   packet costs no JSON and no base64.
 */
import { isSteamId } from '../backend.js';

export const LOOPBACK_PROTOCOL_VERSION = 1;

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly detail: string };

export function idToWire(id: bigint): string {
  return id.toString(10);
}

/** A decimal string of a valid Steam ID, or undefined. */
export function idFromWire(value: unknown): bigint | undefined {
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,19}$/.test(value)) return undefined;
  const id = BigInt(value);
  return isSteamId(id) ? id : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON.stringify with bigints as decimal strings, the way every id travels. */
export function toWireJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? idToWire(v) : v));
}
