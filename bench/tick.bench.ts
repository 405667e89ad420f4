// `npm run bench -- tick [--json]`: what the runtime's tick costs a game loop, in a lobby of 250.
//
//   busy   one runtime owns a lobby of 250 connected peers (249 protocol-level bots); each frame 32 packets of
//          ~200 B (two channels) arrive, and one tick reads, gates, decodes and delivers them to subscribers.
//          The baseline, measured in the same process with rounds interleaved, is the seed's hand-written loop:
//          poll, drain events, read ≤ 32 per channel, decode with the same codec, call a handler.
//   idle   a tick at 250 connected peers with nothing to read.
//   spawn  the tick in which a runtime enters a full lobby: 249 peer actors spawned, 249 handshakes sent
//          (at 250 and at 50 members, to show it stays linear).
// Virtual time only moves between measured ticks, so timers (heartbeats, liveness) fire as in a real game, but
// outside the timed region; what is timed is exactly one tick or one baseline loop.
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createPacketCodec, type PacketCodec } from '../src/codec/packet-codec.js';
import { DEFAULT_PACKET_READ_LIMIT, P2PSendType, type Backend } from '../src/effects/backend.js';
import { VirtualClock } from '../src/effects/clock.js';
import { createSimulatedSteam, steamIdOfAccount, type SimulatedSteam } from '../src/effects/sim/network.js';
import { createLobbyRuntime, type LobbyRuntime } from '../src/runtime.js';
import { ThinMember } from '../test/helpers/thin-member.js';
import { round } from './round.js';

const FRAME_MS = 25; // > the simulator's 20 ms latency, so what is sent before a frame has arrived by it
const BUSY_ROUNDS = 3000;
const WARMUP_ROUNDS = 400;
const IDLE_BATCHES = 300;
const IDLE_BATCH = 100;
const CHANNELS = [1, 2] as const;

interface Lobby {
  readonly clock: VirtualClock;
  readonly steam: SimulatedSteam;
  readonly host: LobbyRuntime;
  readonly hostBackend: Backend;
  readonly bots: ThinMember[];
  readonly lobbyId: bigint;
  nextUser: number;
  frame(): void;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A game's per-tick state: 8 players with position, velocity, health and a name; about 200 B on the wire. */
function stateUpdate(tick: number) {
  return {
    tick,
    players: Array.from({ length: 8 }, (_, i) => ({
      name: `player${i}`,
      x: ((tick * 7 + i * 13) % 800) / 4,
      y: ((tick * 3 + i * 29) % 600) / 4,
      vx: (i % 3) - 1,
      vy: ((i + 1) % 3) - 1,
      hp: 100 - ((tick + i) % 100),
    })),
  };
}

/** Builds a lobby of `size` connected members: the measured runtime owns it, the rest are bots. */
function buildLobby(size: number): Lobby {
  const clock = new VirtualClock();
  const steam = createSimulatedSteam({ seed: 11, clock });
  const hostId = steamIdOfAccount(1);
  steam.addUser({ id: hostId, name: 'host' });
  const hostBackend = steam.backend(hostId);
  const host = createLobbyRuntime({ backend: hostBackend, clock });
  const bots: ThinMember[] = [];
  let frames = 0;
  const lobby: Lobby = {
    clock,
    steam,
    host,
    hostBackend,
    bots,
    lobbyId: 0n,
    nextUser: 1000,
    frame() {
      clock.advance(FRAME_MS);
      frames++;
      // Each bot heartbeats once a second, at its own phase, as real peers drift apart.
      const period = Math.round(1000 / FRAME_MS);
      bots.forEach((bot, i) => {
        bot.tick();
        if ((frames + i) % period === 0) bot.heartbeat();
      });
    },
  };
  void host.createLobby({ maxMembers: 250 });
  while (host.lobbyState().status !== 'joined') {
    lobby.frame();
    host.tick();
  }
  const lobbyId = host.lobbyState().lobbyId!;
  for (let i = 0; i < size - 1; i++) {
    const id = steamIdOfAccount(100 + i);
    steam.addUser({ id, name: `bot${i}` });
    const bot = new ThinMember(steam.backend(id));
    bots.push(bot);
    bot.backend.joinLobby(lobbyId);
  }
  for (let i = 0; i < 2000 && !(host.allConnected() && host.members().length === size); i++) {
    lobby.frame();
    host.tick();
  }
  if (host.members().length !== size || !host.allConnected()) throw new Error(`tick bench: lobby of ${size} did not connect`);
  return { ...lobby, lobbyId };
}

let handTurn = 0;
/**
 * The seed's loop with the same backend and codec: ≤ 32 reads (taking the channels in turn, as the runtime does,
 * so both read the same mix), decode, hand to the game. No membership check, no liveness, no streams.
 */
function handwrittenTick(backend: Backend, codec: PacketCodec, handle: (from: bigint, value: unknown) => void): number {
  backend.poll();
  backend.drainEvents(ignoreEvent);
  let read = 0;
  while (read < DEFAULT_PACKET_READ_LIMIT) {
    const open = backend.channelsWithPackets();
    if (open.length === 0) break;
    const packet = backend.readP2P(open[handTurn++ % open.length]!);
    if (packet === undefined) break;
    read++;
    const decoded = codec.decode(packet.bytes);
    if (decoded.ok && decoded.value.kind === 'application') handle(packet.from, decoded.value.value);
  }
  return read;
}
function ignoreEvent(): void {}

/** Collects garbage left by setup before a timed section, where the runtime exposes a way (else a no-op). */
const collectGarbage: () => void = (() => {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : () => {};
  } catch {
    return () => {};
  }
})();

function measureBusy(lobby: Lobby) {
  const codec = createPacketCodec();
  const frames = CHANNELS.map((channel, i) => {
    const encoded = codec.encode(stateUpdate(48213 + i), { channel, reliable: false });
    if (!encoded.ok) throw new Error(encoded.detail);
    return encoded.value;
  });
  let delivered = 0;
  let checksum = 0;
  const handle = (_from: bigint, value: unknown) => {
    delivered++;
    checksum += (value as { tick: number }).tick;
  };
  for (const channel of CHANNELS) lobby.host.messages(channel).subscribe((m) => handle(m.from, m.value));

  let next = 0;
  const fill = () => {
    for (let i = 0; i < DEFAULT_PACKET_READ_LIMIT; i++) {
      const bot = lobby.bots[next++ % lobby.bots.length]!;
      const c = i % CHANNELS.length;
      bot.sendFrame(lobby.host.selfId, frames[c]!, CHANNELS[c]!, P2PSendType.unreliable);
    }
    lobby.frame();
  };

  const runtimeTimes: number[] = [];
  const handTimes: number[] = [];
  let runtimeDelivered = 0;
  let handDelivered = 0;
  collectGarbage();
  for (let round = 0; round < WARMUP_ROUNDS + BUSY_ROUNDS; round++) {
    const useRuntime = round % 2 === 0;
    fill();
    const before = delivered;
    const t0 = performance.now();
    if (useRuntime) lobby.host.tick();
    else handwrittenTick(lobby.hostBackend, codec, handle);
    const elapsed = performance.now() - t0;
    if (round < WARMUP_ROUNDS) continue;
    if (useRuntime) {
      runtimeTimes.push(elapsed);
      runtimeDelivered += delivered - before;
    } else {
      handTimes.push(elapsed);
      handDelivered += delivered - before;
    }
  }
  if (checksum === 0) throw new Error('tick bench: nothing delivered');
  const runtimeMicros = median(runtimeTimes) * 1000;
  const handMicros = median(handTimes) * 1000;
  return {
    runtimeMicros,
    handMicros,
    ratio: runtimeMicros / handMicros,
    perTickRuntime: runtimeDelivered / runtimeTimes.length,
    perTickHand: handDelivered / handTimes.length,
    packetBytes: frames[0]!.length,
  };
}

function measureIdle(lobby: Lobby): number {
  // Drain whatever is queued, then tick with nothing to read (time stands still, so no timer adds work).
  for (let i = 0; i < 200 && lobby.hostBackend.pendingPackets() + lobby.hostBackend.pendingEvents() > 0; i++) lobby.host.tick();
  const samples: number[] = [];
  for (let b = 0; b < IDLE_BATCHES; b++) {
    const t0 = performance.now();
    for (let i = 0; i < IDLE_BATCH; i++) lobby.host.tick();
    samples.push(((performance.now() - t0) * 1000) / IDLE_BATCH);
  }
  return median(samples.slice(IDLE_BATCHES / 10));
}

/** A tick at 250 peers when only heartbeats arrive (about 6 per 25 ms frame): the everyday cost. */
function measureHeartbeatTick(lobby: Lobby): number {
  const samples: number[] = [];
  for (let i = 0; i < 600; i++) {
    lobby.frame();
    const t0 = performance.now();
    lobby.host.tick();
    samples.push((performance.now() - t0) * 1000);
  }
  return median(samples.slice(60));
}

/** Wall time of the tick in which a fresh runtime enters `lobby` (spawning a peer per member). */
function measureEnter(lobby: Lobby, repetitions: number): { readonly median: number; readonly best: number } {
  const times: number[] = [];
  for (let r = 0; r < repetitions; r++) {
    const id = steamIdOfAccount(lobby.nextUser++);
    lobby.steam.addUser({ id, name: `joiner${r}` });
    const joiner = createLobbyRuntime({ backend: lobby.steam.backend(id), clock: lobby.clock });
    void joiner.joinLobby(lobby.lobbyId);
    collectGarbage();
    let entered = false;
    for (let i = 0; i < 200 && !entered; i++) {
      lobby.clock.advance(5);
      const t0 = performance.now();
      joiner.tick();
      const elapsed = performance.now() - t0;
      entered = joiner.lobbyState().status === 'joined';
      if (entered) {
        if (joiner.members().length !== lobby.host.members().length + 1) throw new Error('tick bench: joiner saw a partial roster');
        times.push(elapsed);
      }
      lobby.host.tick();
    }
    if (!entered) throw new Error('tick bench: joiner never entered');
    joiner.dispose();
    for (let i = 0; i < 10; i++) lobby.frame(), lobby.host.tick();
  }
  return { median: median(times), best: Math.min(...times) };
}

export async function run(flags: readonly string[]): Promise<void> {
  const json = flags.includes('--json');
  const big = buildLobby(249); // the joiner of the spawn measurement makes it 250
  const busy = measureBusy(big);
  const idleMicros = measureIdle(big);
  const heartbeatMicros = measureHeartbeatTick(big);
  const spawn250Ms = measureEnter(big, 9);
  // The small lobby is measured while the big one is still alive, so both run on a heap of the same size.
  const small = buildLobby(49);
  const spawn50Ms = measureEnter(small, 9);
  small.host.dispose();
  big.host.dispose();

  const result = {
    'tick.busyVsHandwritten': round(busy.ratio, 3),
    'tick.busyMicros': round(busy.runtimeMicros, 2),
    'tick.handwrittenMicros': round(busy.handMicros, 2),
    'tick.packetsPerBusyTick': round(busy.perTickRuntime, 2),
    'tick.packetsPerHandwrittenTick': round(busy.perTickHand, 2),
    'tick.packetBytes': busy.packetBytes,
    'tick.idleMicros': round(idleMicros, 2),
    'tick.heartbeatOnlyMicros': round(heartbeatMicros, 2),
    spawn250Ms: round(spawn250Ms.median, 2),
    spawn50Ms: round(spawn50Ms.median, 2),
    spawn250BestMs: round(spawn250Ms.best, 2),
    spawn50BestMs: round(spawn50Ms.best, 2),
    /**
     * Per-member cost at 250 over per-member cost at 50, from the best runs (medians swing with GC pauses and the
     * machine's other load): 1 = linear in members; 5 would be quadratic.
     */
    spawnScaling: round(spawn250Ms.best / 249 / (spawn50Ms.best / 49), 2),
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write(
    [
      'tick — a lobby of 250 connected peers (1 runtime + 249 bots), simulated Steam, virtual time',
      `  busy tick (32 × ${busy.packetBytes} B, 2 channels): runtime ${result['tick.busyMicros']} µs, hand-written ${result['tick.handwrittenMicros']} µs → ${result['tick.busyVsHandwritten']} × (target ≤ 1.25)`,
      `  messages delivered per tick: runtime ${result['tick.packetsPerBusyTick']}, hand-written ${result['tick.packetsPerHandwrittenTick']}`,
      `  idle tick: ${result['tick.idleMicros']} µs (target ≤ 20); with only heartbeats arriving: ${result['tick.heartbeatOnlyMicros']} µs`,
      `  entering a lobby (median / best): 250 members ${result.spawn250Ms} / ${result.spawn250BestMs} ms, 50 members ${result.spawn50Ms} / ${result.spawn50BestMs} ms (per-member ratio, best runs: ${result.spawnScaling}; 1 = linear)`,
      '',
    ].join('\n'),
  );
}
