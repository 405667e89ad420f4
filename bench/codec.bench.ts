// `npm run bench -- codec [--json]`: bytes on the wire and encode/decode speed for the seed's messages, lobbykit
// against the seed's own format (Godot var2bytes + GZIP) and JSON, and Godot 3's and Godot 4's Variant codecs
// against JSON, all measured in this process.
import { deflateSync } from 'fflate';
import { Packr } from 'msgpackr';
import { decodeGodotPlain, encodeGodotPlain, type GodotVersion } from '../src/codec/godot/index.js';
import { DEFAULT_COMPRESSION_THRESHOLD, createPacketCodec } from '../src/codec/packet-codec.js';
import { jsonSafe, seedHandshake, seedLobbySnapshot, seedStateUpdate } from '../src/codec/seed-messages.js';
import { encodeValue } from '../src/codec/value-codec.js';
import { gzipSync } from 'fflate';
import { round } from './round.js';

type MessageName = 'handshake' | 'state' | 'lobby';
const MESSAGES: readonly MessageName[] = ['handshake', 'state', 'lobby'];

/** A fixed session nonce: the handshake's size depends on it (≤ 5 varint bytes), so use a full 31-bit one. */
const HANDSHAKE = { type: 'handshake', nonce: 0x5eed_1234, attempt: 0 } as const;

const ROUNDS = 15;
const ROUND_MS = 25;

/**
 * Every result is stored where the optimizer cannot prove it dead, so neither side's allocations are optimized
 * away (a decoded packet that nobody reads could otherwise be escape-analysed out of existence).
 */
const sink: unknown[] = new Array<unknown>(64);

type TimedLoop = (op: () => unknown, sink: unknown[], iterations: number) => number;

/**
 * A separate timing loop per candidate. One shared loop would inline whichever `op` it saw first and deoptimise
 * every time the race switched candidates (V8's --trace-deopt showed hundreds of "wrong map" deopts), timing
 * half-optimised code at random. `new Function` gives each candidate its own code and feedback.
 * A round is timed in the process's CPU time, not wall time: on a shared box with more runnable processes than
 * cores, a wall-clock round also counts the time another process held the core, and paired ratios swung from
 * 0.2× to 6× between runs; CPU time counts only this process running (its GC and compiler threads included).
 */
function timedLoop(): TimedLoop {
  return new Function(
    'op',
    'sink',
    'iterations',
    'const t0 = process.cpuUsage(); for (let i = 0; i < iterations; i++) sink[i & 63] = op(); const t = process.cpuUsage(t0); return (t.user + t.system) / 1000;',
  ) as TimedLoop;
}

function calibrate(loop: TimedLoop, op: () => unknown): number {
  let iterations = 16;
  for (;;) {
    const elapsed = loop(op, sink, iterations);
    if (elapsed >= ROUND_MS / 4) return Math.max(1, Math.round((iterations * ROUND_MS) / elapsed));
    iterations *= 2;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

/**
 * Runs candidates interleaved round by round, so machine noise hits them alike. Returns each candidate's median
 * ops/s and, in `vs`, the median over rounds of (candidate ÷ the first candidate of that same round): neighbouring
 * rounds share the machine's load, so a pairwise ratio survives a busy shared box better than a ratio of medians.
 */
function race(ops: Record<string, () => unknown>): Record<string, number> & { vs: Record<string, number> } {
  const names = Object.keys(ops);
  const loops = Object.fromEntries(names.map((n) => [n, timedLoop()]));
  // Calibrated twice: the first pass runs while the candidate is still being optimised and would size rounds for
  // code slower than what the rounds then time, leaving rounds too short to time.
  const iterations = Object.fromEntries(names.map((n) => [n, (calibrate(loops[n]!, ops[n]!), calibrate(loops[n]!, ops[n]!))]));
  const rounds: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const n of names) rounds[n]!.push((iterations[n]! / loops[n]!(ops[n]!, sink, iterations[n]!)) * 1000);
  }
  const base = rounds[names[0]!]!;
  const vs = Object.fromEntries(names.map((n) => [n, median(rounds[n]!.map((rate, i) => rate / base[i]!))]));
  return Object.assign(Object.fromEntries(names.map((n) => [n, median(rounds[n]!)])), { vs });
}

function must<T>(r: { ok: true; value: T } | { ok: false; code: string; detail: string }): T {
  if (!r.ok) throw new Error(`${r.code}: ${r.detail}`);
  return r.value;
}

async function loadSeedFormat(): Promise<((value: unknown) => Uint8Array) | undefined> {
  try {
    return (await import('../src/codec/seed-format.js')).seedWireBytes;
  } catch {
    return undefined;
  }
}

function seedLength(seedWireBytes: ((value: unknown) => Uint8Array) | undefined, value: unknown): number | null {
  try {
    return seedWireBytes ? seedWireBytes(value).length : null;
  } catch (e) {
    process.stderr.write(`codec bench: the Godot encoder failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return null;
  }
}

export async function run(flags: readonly string[]): Promise<void> {
  const json = flags.includes('--json');
  const seedWireBytes = await loadSeedFormat();
  const codec = createPacketCodec();
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const values: Record<MessageName, unknown> = { handshake: seedHandshake(), state: seedStateUpdate(), lobby: seedLobbySnapshot() };

  const wire: Record<string, Record<string, number | null>> = {};
  const speed: Record<string, Record<string, number>> = {};
  const msgpackr: Record<string, Record<string, number>> = {};

  for (const m of MESSAGES) {
    const value = values[m];
    const jsonValue = jsonSafe(value);
    const jsonBytes = encoder.encode(JSON.stringify(jsonValue));
    // lobbykit's handshake is its control frame: the sender's id comes from the transport, never from the payload.
    const encode = m === 'handshake' ? () => codec.encodeControl(HANDSHAKE) : () => codec.encode(value);
    const lkBytes = must(encode());
    wire[m] = {
      lobbykit: lkBytes.length,
      seed: seedLength(seedWireBytes, value),
      json: jsonBytes.length,
      jsonGzip: gzipSync(jsonBytes, { level: 6 }).length,
    };

    const enc = race({
      json: () => encoder.encode(JSON.stringify(jsonValue)),
      lobbykit: encode,
    });
    const dec = race({
      json: () => JSON.parse(decoder.decode(jsonBytes)) as unknown,
      lobbykit: () => codec.decode(lkBytes),
    });
    // Deflate dominates encoding when a packet is compressed; show the codec alone too, so the cost is visible.
    const uncompressed = m === 'lobby' ? race({ json: () => encoder.encode(JSON.stringify(jsonValue)), lobbykit: () => codec.encode(value, { compress: false }) }) : undefined;
    speed[m] = {
      ...(uncompressed ? { encodeUncompressedVsJson: round(uncompressed.vs.lobbykit!, 2) } : {}),
      lobbykitEncodePerSec: Math.round(enc.lobbykit!),
      jsonEncodePerSec: Math.round(enc.json!),
      encodeVsJson: round(enc.vs.lobbykit!, 2),
      lobbykitDecodePerSec: Math.round(dec.lobbykit!),
      jsonDecodePerSec: Math.round(dec.json!),
      decodeVsJson: round(dec.vs.lobbykit!, 2),
    };

    if (m !== 'handshake') {
      // The alternative serializer: msgpackr with records whose structures both peers agreed on in advance.
      const structures: object[] = [];
      const packr = new Packr({ structures, useRecords: true, int64AsType: 'bigint', moreTypes: true });
      const unpackr = new Packr({ structures, useRecords: true, int64AsType: 'bigint', moreTypes: true });
      packr.pack(value);
      const packed = packr.pack(value);
      const mpEnc = race({ json: () => encoder.encode(JSON.stringify(jsonValue)), msgpackr: () => packr.pack(value) });
      const mpDec = race({ json: () => JSON.parse(decoder.decode(jsonBytes)) as unknown, msgpackr: () => unpackr.unpack(packed) as unknown });
      msgpackr[m] = { bytes: packed.length + 2, encodeVsJson: round(mpEnc.vs.msgpackr!, 2), decodeVsJson: round(mpDec.vs.msgpackr!, 2) };
    }
  }

  // Where raw deflate starts to pay on value-codec payloads: lobby snapshots cut to n members.
  const lobby = seedLobbySnapshot();
  const compression = [1, 2, 4, 8, 16, 32, 64].map((n) => {
    const payload = must(encodeValue({ lobby_id: lobby.lobby_id, members: lobby.members.slice(0, n) }));
    const t = race({ deflate: () => deflateSync(payload, { level: 6 }) });
    return { members: n, payload: payload.length, deflated: deflateSync(payload, { level: 6 }).length, deflateMicros: round(1e6 / t.deflate!, 2) };
  });
  const statePayload = must(encodeValue(values.state));
  const state = seedStateUpdate();
  const otherTick = must(encodeValue({ tick: state.tick - 1, players: state.players.map((p) => ({ x: p.x - 0.25, y: p.y + 0.5, hp: p.hp })) }));
  const dictionary = {
    statePayload: statePayload.length,
    deflated: deflateSync(statePayload, { level: 6 }).length,
    deflatedWithPreviousTickAsDictionary: deflateSync(statePayload, { level: 6, dictionary: otherTick }).length,
  };

  // Godot's own Variant formats as a game uses them: plain JS → var2bytes / var_to_bytes and back to plain JS
  // (encodeGodotPlain / decodeGodotPlain), the same work JSON.stringify+TextEncoder / TextDecoder+JSON.parse do.
  // GZIP (the tutorial's option) is left out on both sides: it costs the same whatever the serializer.
  const godot: Record<string, Record<string, Record<'bytes' | 'encodePerSec' | 'jsonEncodePerSec' | 'encodeVsJson' | 'decodePerSec' | 'jsonDecodePerSec' | 'decodeVsJson', number>>> = {};
  for (const m of ['handshake', 'state'] as const) {
    const value = values[m];
    const jsonValue = jsonSafe(value);
    const jsonBytes = encoder.encode(JSON.stringify(jsonValue));
    godot[m] = {};
    for (const version of [3, 4] as const satisfies readonly GodotVersion[]) {
      const bytes = encodeGodotPlain(value, version);
      const enc = race({
        json: () => encoder.encode(JSON.stringify(jsonValue)),
        godot: () => encodeGodotPlain(value, version),
      });
      const dec = race({
        json: () => JSON.parse(decoder.decode(jsonBytes)) as unknown,
        godot: () => must(decodeGodotPlain(bytes, version)),
      });
      godot[m]![`godot${version}`] = {
        bytes: bytes.length,
        encodePerSec: Math.round(enc.godot!),
        jsonEncodePerSec: Math.round(enc.json!),
        encodeVsJson: round(enc.vs.godot!, 2),
        decodePerSec: Math.round(dec.godot!),
        jsonDecodePerSec: Math.round(dec.json!),
        decodeVsJson: round(dec.vs.godot!, 2),
      };
    }
  }
  const godotRatios = Object.values(godot).flatMap((byVersion) => Object.values(byVersion).flatMap((r) => [r.encodeVsJson, r.decodeVsJson]));

  const state0 = wire.state!;
  const targets = {
    handshakeAtMost12Bytes: wire.handshake!.lobbykit! <= 12,
    stateAtMostHalfOfSeed: typeof state0.seed === 'number' ? state0.lobbykit! <= 0.5 * state0.seed : null,
    stateEncodeAtLeast2xJson: speed.state!.encodeVsJson! >= 2,
    stateDecodeAtLeast2xJson: speed.state!.decodeVsJson! >= 2,
    godotAtLeastJsonBothWays: godotRatios.every((ratio) => ratio >= 1),
  };
  const report = {
    wire,
    speed,
    godot,
    alternatives: { msgpackrAgreedRecords: msgpackr },
    compression: { thresholdBytes: DEFAULT_COMPRESSION_THRESHOLD, samples: compression, dictionary },
    targets,
    notes: {
      handshake:
        "lobbykit's handshake is a control frame (header + op + session nonce + attempt): the sender's Steam id is not in it because the transport reports who sent a packet, and a self-declared id could be forged.",
      json: 'JSON = JSON.stringify + TextEncoder / TextDecoder + JSON.parse, with bigints pre-converted to strings (no replacer cost counted against JSON).',
      seed: seedWireBytes ? "seed = Godot 3 var2bytes + PoolByteArray.compress(File.COMPRESSION_GZIP), as the tutorial's _send_P2P_Packet" : 'seed format unavailable: src/codec/godot/ is missing',
    },
  };

  if (json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const rows = MESSAGES.map((m) => {
    const w = wire[m]!;
    const s = speed[m]!;
    const seed = w.seed ?? null;
    return [m, w.lobbykit!, seed ?? 'n/a', w.json!, w.jsonGzip!, seed ? `${round(w.lobbykit! / seed, 2)}×` : 'n/a', `${s.encodeVsJson}×`, `${s.decodeVsJson}×`];
  });
  const out: string[] = [`codec: bytes on the wire and speed against JSON (same process; ratios are medians of ${ROUNDS} paired rounds)`, ''];
  out.push(...table(['message', 'lobbykit B', 'seed B', 'JSON B', 'JSON+gzip B', 'lobbykit/seed', 'encode vs JSON', 'decode vs JSON'], rows));
  out.push('', 'msgs/s (lobbykit / JSON):');
  for (const m of MESSAGES) {
    const s = speed[m]!;
    out.push(`  ${m.padEnd(9)} encode ${fmt(s.lobbykitEncodePerSec!)} / ${fmt(s.jsonEncodePerSec!)}   decode ${fmt(s.lobbykitDecodePerSec!)} / ${fmt(s.jsonDecodePerSec!)}`);
  }
  out.push(`  lobby encode without deflate (${wire.lobby!.lobbykit} B → ${must(codec.encode(values.lobby, { compress: false })).length} B on the wire): ${speed.lobby!.encodeUncompressedVsJson}× JSON`);
  out.push('', "Godot Variant codecs, plain JS ↔ bytes, vs JSON (the tutorial's handshake dictionary and the 8-player state):");
  out.push(
    ...table(
      ['message', 'version', 'bytes', 'encode msgs/s (JSON)', 'encode vs JSON', 'decode msgs/s (JSON)', 'decode vs JSON'],
      Object.entries(godot).flatMap(([m, byVersion]) =>
        Object.entries(byVersion).map(([version, r]) => [
          m,
          version,
          r.bytes,
          `${fmt(r.encodePerSec)} (${fmt(r.jsonEncodePerSec)})`,
          `${r.encodeVsJson}×`,
          `${fmt(r.decodePerSec)} (${fmt(r.jsonDecodePerSec)})`,
          `${r.decodeVsJson}×`,
        ]),
      ),
    ),
  );
  out.push('', 'msgpackr with agreed records (bytes incl. a 2 B frame header, speed vs JSON):');
  for (const [m, r] of Object.entries(msgpackr)) out.push(`  ${m.padEnd(9)} ${r.bytes} B   encode ${r.encodeVsJson}×   decode ${r.decodeVsJson}×`);
  out.push('', `raw deflate on value payloads (threshold ${DEFAULT_COMPRESSION_THRESHOLD} B):`);
  out.push(...table(['members', 'payload B', 'deflated B', 'deflate µs'], compression.map((c) => [c.members, c.payload, c.deflated, c.deflateMicros])));
  out.push('', `preset dictionary (previous tick) on the state payload: ${dictionary.statePayload} B → ${dictionary.deflated} B deflated, ${dictionary.deflatedWithPreviousTickAsDictionary} B with the dictionary`);
  out.push('', `targets: ${JSON.stringify(targets)}`, '', `note: ${report.notes.handshake}`, `note: ${report.notes.json}`, `note: ${report.notes.seed}`, '');
  process.stdout.write(out.join('\n'));
}

function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${Math.round(n / 1e3)}k`;
}

function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string[] {
  const cells = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)];
}
