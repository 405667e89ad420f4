/**
 * The codec showcase that closes the demo: bytes on the wire for the seed tutorial's four messages, in lobbykit's
 * format, the seed's own (Godot var2bytes + GZIP) and JSON, each computed by the real encoder.
 */
import { createPacketCodec } from '../codec/packet-codec.js';
import { seedWireBytes } from '../codec/seed-format.js';
import { SEED_CHAT_LINE, jsonSafe, seedHandshake, seedLobbySnapshot, seedStateUpdate } from '../codec/seed-messages.js';
import type { WireBytesRow } from './render.js';

function seedLength(value: unknown): number | undefined {
  try {
    return seedWireBytes(value).length;
  } catch {
    // A value the Godot 3 format cannot hold shows as n/a rather than ending the demo.
    return undefined;
  }
}

function length(result: { ok: true; value: Uint8Array } | { ok: false; detail: string }): number {
  if (!result.ok) throw new Error(result.detail);
  return result.value.length;
}

export function wireBytesRows(): WireBytesRow[] {
  const codec = createPacketCodec();
  const json = (value: unknown) => Buffer.byteLength(JSON.stringify(jsonSafe(value)));
  const state = seedStateUpdate();
  const lobby = seedLobbySnapshot();
  return [
    {
      message: 'handshake',
      lobbykit: length(codec.encodeControl({ type: 'handshake', nonce: 0x5eed_1234, attempt: 0 })),
      seed: seedLength(seedHandshake()),
      json: json(seedHandshake()),
    },
    {
      message: 'chat line',
      // Both send chat with sendLobbyChatMsg; the seed adds the text's terminating NUL.
      lobbykit: Buffer.byteLength(SEED_CHAT_LINE),
      seed: Buffer.byteLength(SEED_CHAT_LINE) + 1,
      json: json(SEED_CHAT_LINE),
    },
    {
      message: '8-player state update',
      lobbykit: length(codec.encode(state, { reliable: false })),
      seed: seedLength(state),
      json: json(state),
    },
    {
      message: '250-member lobby snapshot',
      lobbykit: length(codec.encode(lobby)),
      seed: seedLength(lobby),
      json: json(lobby),
    },
  ];
}
