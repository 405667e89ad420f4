import type { Command } from 'commander';
import { createPacketCodec } from '../codec/packet-codec.js';
import { SEED_CHAT_LINE, jsonSafe, seedHandshake, seedLobbySnapshot, seedStateUpdate } from '../codec/seed-messages.js';
import type { CliIo } from './main.js';

/** One row of the demo: the same message in the three formats. */
export interface DemoRow {
  readonly message: string;
  readonly lobbykit: number;
  /** undefined when the Godot format module is not available in this build. */
  readonly seed: number | undefined;
  readonly json: number;
}

/** The seed format's byte count for a value, or undefined when the Godot module is missing or fails on it. */
async function seedFormat(): Promise<((value: unknown) => number | undefined) | undefined> {
  try {
    const { seedWireBytes } = await import('../codec/seed-format.js');
    return (value) => {
      try {
        return seedWireBytes(value).length;
      } catch {
        return undefined;
      }
    };
  } catch {
    return undefined;
  }
}

function length(result: { ok: true; value: Uint8Array } | { ok: false; detail: string }): number {
  if (!result.ok) throw new Error(result.detail);
  return result.value.length;
}

/** Bytes on the wire for the seed tutorial's messages, computed by the real encoders. */
export async function demoRows(): Promise<DemoRow[]> {
  const codec = createPacketCodec();
  const seed = await seedFormat();
  const json = (value: unknown) => Buffer.byteLength(JSON.stringify(jsonSafe(value)));
  const state = seedStateUpdate();
  const lobby = seedLobbySnapshot();
  return [
    {
      message: 'handshake',
      lobbykit: length(codec.encodeControl({ type: 'handshake', nonce: 0x5eed_1234, attempt: 0 })),
      seed: seed?.(seedHandshake()),
      json: json(seedHandshake()),
    },
    {
      message: 'chat line',
      lobbykit: length(codec.encode(SEED_CHAT_LINE, { kind: 'chat' })),
      // The seed sends chat with sendLobbyChatMsg: the UTF-8 text and its terminating NUL.
      seed: Buffer.byteLength(SEED_CHAT_LINE) + 1,
      json: json(SEED_CHAT_LINE),
    },
    {
      message: '8-player state update',
      lobbykit: length(codec.encode(state, { reliable: false })),
      seed: seed?.(state),
      json: json(state),
    },
    {
      message: '250-member lobby snapshot',
      lobbykit: length(codec.encode(lobby)),
      seed: seed?.(lobby),
      json: json(lobby),
    },
  ];
}

function render(rows: readonly DemoRow[]): string {
  const header = ['message', 'lobbykit B', 'seed B', 'JSON B', 'lobbykit / seed'];
  const cells = rows.map((r) => [
    r.message,
    String(r.lobbykit),
    r.seed === undefined ? 'n/a' : String(r.seed),
    String(r.json),
    r.seed === undefined ? 'n/a' : `${(r.lobbykit / r.seed).toFixed(2)}×`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  return [
    "lobbykit demo: the codec on the seed tutorial's messages (bytes on the wire)",
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map(line),
    '',
    'lobbykit  frame header (2 B) + compact value codec, raw deflate only when it shrinks the packet;',
    "          the handshake is a control frame: the sender's Steam id comes from the transport, not the payload",
    'seed      Godot 3 var2bytes + PoolByteArray.compress(File.COMPRESSION_GZIP), as _send_P2P_Packet does',
    '          (the chat line goes through sendLobbyChatMsg as text)',
    'JSON      JSON.stringify, Steam ids as decimal strings',
    '',
  ].join('\n');
}

export function registerDemoCommand(program: Command, io: CliIo, _setExit: (code: number) => void): void {
  program
    .command('demo')
    .description("Show lobbykit's codec on the seed tutorial's messages: bytes against Godot var2bytes + GZIP and JSON.")
    .action(async () => {
      io.stdout.write(render(await demoRows()));
    });
}
