// `npm run bench -- hostile [--json] [--per-class=N]`: 1,000,000 hostile packets (8 classes × 125,000: random bytes,
// truncated and bit-flipped valid frames, wrong versions, unknown kinds, zip bombs, oversize, garbage payloads) from
// one lobby member into a running runtime on the simulated Steam, 32 a frame (the read limit), one class at a time.
// Reported: throws into the loop (expected 0), the runtime's typed errors counted by code, each class's outcome
// against the labels its generator gave the packets it broke (mismatches expected none), the backlog at its
// largest, the heap before and after the storm (after a forced gc; the packets themselves are dropped by then),
// and whether a valid message sent afterwards is delivered.
// The fast version (20,000 packets, with the same generators) is test/reliability-hostile.test.ts.
import { performance } from 'node:perf_hooks';
import { createPacketCodec } from '../src/codec/packet-codec.js';
import { P2PSendType } from '../src/effects/backend.js';
import { VirtualClock } from '../src/effects/clock.js';
import { createSimulatedSteam, steamIdOfAccount } from '../src/effects/sim/network.js';
import { createLobbyRuntime } from '../src/runtime.js';
import { HOSTILE_CLASSES, expectedOutcomes, hostileGenerators } from '../test/helpers/hostile-packets.js';
import { ThinMember } from '../test/helpers/thin-member.js';
import { numberFlag } from './flags.js';
import { measureFrames } from './hostile-frames.js';
import { gcOrUndefined, heapAfterGc, rerunWithGc } from './gc.js';
import { round } from './round.js';

const SEED = 7_000_007;
const FRAME_MS = 1000 / 60;
const PER_FRAME = 32;

function perClassFrom(flags: readonly string[]): number {
  const value = numberFlag(flags, 'per-class');
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : 125_000;
}

function add(into: Record<string, number>, key: string, n: number): void {
  if (n > 0) into[key] = (into[key] ?? 0) + n;
}

export async function run(flags: readonly string[]): Promise<void> {
  if (rerunWithGc('hostile', flags)) return;
  const perClass = perClassFrom(flags);
  const clock = new VirtualClock();
  const steam = createSimulatedSteam({ seed: 31, clock });
  const hostId = steamIdOfAccount(1);
  const hostileId = steamIdOfAccount(9);
  steam.addUser({ id: hostId, name: 'host' });
  steam.addUser({ id: hostileId, name: 'hostile' });
  const hostBackend = steam.backend(hostId);
  const host = createLobbyRuntime({ backend: hostBackend, clock });
  const hostile = new ThinMember(steam.backend(hostileId));

  // What the game sees, counted without keeping anything: the storm must not grow the harness either.
  const errorsByCode: Record<string, number> = {};
  let otherErrors = 0;
  let wrongSender = 0;
  let delivered = 0;
  let lastDelivered: unknown;
  let chat = 0;
  host.errors$.subscribe((error) => {
    if (error.kind !== 'decode-failed') {
      otherErrors++;
      return;
    }
    if (error.from !== hostileId) wrongSender++;
    errorsByCode[error.code] = (errorsByCode[error.code] ?? 0) + 1;
  });
  host.messages(1).subscribe((message) => {
    delivered++;
    lastDelivered = message.value;
  });
  host.chat$.subscribe((message) => void (message.from === hostileId && chat++));

  let frames = 0;
  let heartbeats = 0;
  let thrown = 0;
  const frame = () => {
    clock.advance(FRAME_MS);
    try {
      host.tick();
    } catch {
      thrown++;
    }
    hostile.tick();
    // A heartbeat a second keeps the member's session alive while it sends nothing valid.
    if (++frames % 60 === 0) {
      hostile.heartbeat();
      heartbeats += hostile.peers.size;
    }
  };
  const runFrames = (n: number) => {
    for (let i = 0; i < n; i++) frame();
  };

  void host.createLobby({ maxMembers: 4 });
  for (let i = 0; i < 300 && host.lobbyState().status !== 'joined'; i++) frame();
  const lobbyId = host.lobbyState().lobbyId;
  if (lobbyId === undefined) throw new Error('hostile bench: the lobby was not created');
  hostile.backend.joinLobby(lobbyId);
  for (let i = 0; i < 600 && !(host.allConnected() && host.members().length === 2); i++) frame();
  if (!host.allConnected()) throw new Error('hostile bench: the hostile member did not connect');

  const gc = gcOrUndefined();
  const heapBefore = gc === undefined ? undefined : heapAfterGc(gc);
  const generators = hostileGenerators(perClass, SEED);
  const mismatches: { class: string; expected: Record<string, number>; seen: Record<string, number> }[] = [];
  let maxQueued = 0;
  let sent = 0;
  const start = performance.now();
  for (const name of HOSTILE_CLASSES) {
    const packets = generators[name]();
    const errorsBefore = { ...errorsByCode };
    const statsBefore = host.stats();
    const deliveredBefore = delivered;
    const chatBefore = chat;
    const heartbeatsBefore = heartbeats;
    for (let at = 0; at < packets.length; at += PER_FRAME) {
      const end = Math.min(at + PER_FRAME, packets.length);
      for (let i = at; i < end; i++) hostile.backend.sendP2P(hostId, packets[i]!.bytes, P2PSendType.reliable, 0);
      frame();
      maxQueued = Math.max(maxQueued, hostBackend.pendingPackets());
    }
    sent += packets.length;
    // What waits on the decode budget drains before the class is judged (a minute of frames at most).
    for (let i = 0; i < 3600 && hostBackend.pendingPackets() > 0; i++) frame();
    runFrames(12);
    const stats = host.stats();
    const seen: Record<string, number> = {};
    for (const [code, n] of Object.entries(errorsByCode)) add(seen, `error:${code}`, n - (errorsBefore[code] ?? 0));
    add(seen, 'delivered', delivered - deliveredBefore);
    add(seen, 'unrouted', stats.unroutedMessages - statsBefore.unroutedMessages);
    add(seen, 'chat', chat - chatBefore);
    add(seen, 'control', stats.controlFrames - statsBefore.controlFrames - (heartbeats - heartbeatsBefore));
    const expected = expectedOutcomes(packets, seen);
    packets.length = 0;
    if (JSON.stringify(Object.entries(seen).sort()) !== JSON.stringify(Object.entries(expected).sort())) {
      mismatches.push({ class: name, expected, seen });
    }
  }
  const stormSeconds = (performance.now() - start) / 1000;
  const heapAfter = gc === undefined ? undefined : heapAfterGc(gc);

  const after = createPacketCodec().encode({ after: 'storm' }, { channel: 1 });
  if (!after.ok) throw new Error(after.detail);
  hostile.sendFrame(hostId, after.value, 1);
  runFrames(20);
  const deliveredAfter = JSON.stringify(lastDelivered) === JSON.stringify({ after: 'storm' });
  const stillConnected = host.allConnected();
  const pendingAfter = hostBackend.pendingPackets();
  const shedOverBudget = host.stats().shedOverBudget;
  host.dispose();
  const frameFigures = measureFrames();

  const result = {
    'hostile.packets': sent,
    'hostile.perClass': perClass,
    'hostile.thrown': thrown,
    'hostile.otherErrors': otherErrors,
    'hostile.misattributed': wrongSender,
    'hostile.decodeErrorsByCode': errorsByCode,
    'hostile.mismatchedClasses': mismatches,
    'hostile.maxQueued': maxQueued,
    'hostile.pendingAfter': pendingAfter,
    /** Heavy packets shed undecoded once the member had kept the decode budget waiting too long. */
    'hostile.shedOverBudget': shedOverBudget,
    'hostile.stillConnected': stillConnected,
    'hostile.deliveredAfter': deliveredAfter,
    'hostile.heapBeforeBytes': heapBefore ?? null,
    'hostile.heapGrowthBytes': heapBefore === undefined || heapAfter === undefined ? null : heapAfter - heapBefore,
    /** Growth per packet: bounded memory means this falls as the storm grows (a fixed cost: warmed-up code, caches). */
    'hostile.heapGrowthPerPacketBytes':
      heapBefore === undefined || heapAfter === undefined ? null : round((heapAfter - heapBefore) / sent, 2),
    'hostile.stormWallSeconds': round(stormSeconds, 2),
    'hostile.packetsPerSecond': Math.round(sent / stormSeconds),
    /** The host's tick() with 32 ordinary state messages a frame from the member (median). */
    'hostile.honestFrameMicros': round(frameFigures.honestFrameMicros, 1),
    /** The worst tick() while the member sends 32 heavy packets a frame, per kind, and its ratio to the honest one. */
    'hostile.worstFrameMicros': Object.fromEntries(Object.entries(frameFigures.worstFrameMicros).map(([k, v]) => [k, round(v, 1)])),
    'hostile.worstFrameOverHonest': Object.fromEntries(Object.entries(frameFigures.worstOverHonest).map(([k, v]) => [k, round(v, 1)])),
    'hostile.ok': thrown === 0 && otherErrors === 0 && wrongSender === 0 && mismatches.length === 0 && deliveredAfter && stillConnected,
  };
  if (flags.includes('--json')) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const codes = Object.entries(errorsByCode)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  process.stdout.write(
    [
      `hostile — ${sent} packets (${HOSTILE_CLASSES.length} classes × ${perClass}) from a lobby member into a running runtime, ${PER_FRAME} a frame`,
      `  ${result['hostile.stormWallSeconds']} s wall (${result['hostile.packetsPerSecond']} packets/s); thrown into the loop: ${thrown}; other errors: ${otherErrors}`,
      `  typed decode errors by code: ${codes}`,
      `  classes whose outcomes differ from their labels: ${mismatches.length === 0 ? 'none' : mismatches.map((m) => m.class).join(', ')}`,
      `  backlog at most ${maxQueued} packets, ${pendingAfter} left; heap ${result['hostile.heapGrowthBytes'] ?? 'n/a (no gc)'} B after the storm vs before`,
      `  member still connected: ${stillConnected}; a valid message afterwards delivered: ${deliveredAfter}`,
      `  frames: honest (32 state messages) ${result['hostile.honestFrameMicros']} µs; worst with 32 heavy packets a frame: ${Object.entries(
        result['hostile.worstFrameOverHonest'],
      )
        .map(([k, v]) => `${k} ${v}×`)
        .join(', ')} (goal ≤ 3×)`,
      '',
    ].join('\n'),
  );
}
