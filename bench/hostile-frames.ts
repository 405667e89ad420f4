// The worst frame a hostile member can cause, against an honest frame of the same packet count, in one process:
// a member sends 32 packets a frame (the read limit) of one heavy kind — zip bombs that inflate up to the 1 MiB
// cap, 1 MiB JSON payloads, 1 MiB value-codec payloads — for a number of frames, and the host's tick() is timed
// each frame. The honest baseline is the same lobby, the same member, 32 ordinary ~200 B state messages a frame.
// Reported: the median honest frame, each class's worst frame, and their ratio (the goal is ≤ 3).
import { performance } from 'node:perf_hooks';
import { deflateSync } from 'fflate';
import { encodeFrameHeader, FrameKind, PayloadCodecId } from '../src/codec/frame.js';
import { createPacketCodec } from '../src/codec/packet-codec.js';
import { P2PSendType } from '../src/effects/backend.js';
import { VirtualClock } from '../src/effects/clock.js';
import { createSimulatedSteam, steamIdOfAccount } from '../src/effects/sim/network.js';
import { createLobbyRuntime } from '../src/runtime.js';
import { ThinMember } from '../test/helpers/thin-member.js';

const FRAME_MS = 1000 / 60;
const PER_FRAME = 32;
const MIB = 1 << 20;

/** A compressed lobbykit frame announcing (and inflating to) just under 1 MiB of zeros: a bomb the cap lets in. */
function bomb(): Uint8Array {
  const payload = new Uint8Array(MIB - 64);
  const deflated = deflateSync(payload, { level: 9 });
  const header = encodeFrameHeader({ kind: FrameKind.application, channel: 2, compressed: true, codecId: PayloadCodecId.raw, uncompressedLength: payload.length });
  const out = new Uint8Array(header.length + deflated.length);
  out.set(header, 0);
  out.set(deflated, header.length);
  return out;
}

function encoded(value: unknown, codec: 'json' | 'value', channel: number): Uint8Array {
  const result = createPacketCodec().encode(value, { channel, codec, compress: false });
  if (!result.ok) throw new Error(result.detail);
  return result.value;
}

function stateMessage(i: number): unknown {
  return {
    tick: i,
    players: Array.from({ length: 8 }, (_, p) => ({ x: (i * 7 + p * 13) % 800, y: (i * 3 + p) % 600, hp: 100 - p })),
  };
}

export interface FrameFigures {
  readonly honestFrameMicros: number;
  readonly worstFrameMicros: Readonly<Record<string, number>>;
  readonly worstOverHonest: Readonly<Record<string, number>>;
}

export function measureFrames(framesPerClass = 60): FrameFigures {
  const clock = new VirtualClock();
  const steam = createSimulatedSteam({ seed: 5, clock });
  const hostId = steamIdOfAccount(1);
  const memberId = steamIdOfAccount(2);
  steam.addUser({ id: hostId, name: 'host' });
  steam.addUser({ id: memberId, name: 'member' });
  const host = createLobbyRuntime({ backend: steam.backend(hostId), clock });
  const member = new ThinMember(steam.backend(memberId));
  host.messages(1).subscribe(() => {});
  host.messages(2).subscribe(() => {});
  let frames = 0;
  const frame = (): number => {
    clock.advance(FRAME_MS);
    const t0 = performance.now();
    host.tick();
    const micros = (performance.now() - t0) * 1000;
    member.tick();
    if (++frames % 60 === 0) member.heartbeat();
    return micros;
  };
  void host.createLobby({ maxMembers: 4 });
  for (let i = 0; i < 300 && host.lobbyState().status !== 'joined'; i++) frame();
  const lobbyId = host.lobbyState().lobbyId;
  if (lobbyId === undefined) throw new Error('frames bench: no lobby');
  member.backend.joinLobby(lobbyId);
  for (let i = 0; i < 600 && !host.allConnected(); i++) frame();
  if (!host.allConnected()) throw new Error('frames bench: the member did not connect');

  const run = (make: (i: number) => Uint8Array): number[] => {
    const times: number[] = [];
    for (let f = 0; f < framesPerClass; f++) {
      for (let i = 0; i < PER_FRAME; i++) member.sendFrame(hostId, make(f * PER_FRAME + i), 2, P2PSendType.reliable);
      times.push(frame());
    }
    // Let the backlog drain so the next class starts from an empty queue.
    for (let i = 0; i < 10_000 && host.backend.pendingPackets() > 0; i++) frame();
    return times;
  };
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

  // Warm up the honest path, then measure it.
  run((i) => encoded(stateMessage(i), 'value', 2));
  const honest = median(run((i) => encoded(stateMessage(i), 'value', 2)));
  const bombBytes = bomb();
  const big = new Array(MIB / 16).fill('x'.repeat(12));
  const classes: Record<string, (i: number) => Uint8Array> = {
    'zip bombs to the cap': () => bombBytes,
    '1 MiB JSON payloads': () => encoded(big, 'json', 2),
    '1 MiB value payloads': () => encoded(big, 'value', 2),
  };
  const worst: Record<string, number> = {};
  const ratio: Record<string, number> = {};
  for (const [name, make] of Object.entries(classes)) {
    const times = run(make);
    worst[name] = Math.max(...times);
    ratio[name] = worst[name]! / honest;
  }
  host.dispose();
  return { honestFrameMicros: honest, worstFrameMicros: worst, worstOverHonest: ratio };
}
