// `npm run bench -- scale [--json] [--players=N] [--seconds=S] [--source] [--traffic=all|state|events|none]
//   [--cpu-profile=<file>] [--workers=N]`:
// 2,000 simulated players (250 lobbies × 8), each a real runtime (root, lobby and 7 peer actors), on one simulated
// Steam and one VirtualClock, ticked at 60 Hz for 60 simulated seconds while every player sends game traffic:
//   - an unreliable state update to the lobby 20 times a second (every 3rd frame, players staggered), and
//   - a reliable "event" to the lobby once a second.
// Reported: wall time of the 60 simulated seconds (setup reported apart), events and packets per wall second, and
// heap per peer session (heap growth from building and connecting every runtime, after a forced gc, divided by
// the sessions; the simulated Steam's users already exist in the baseline, their P2P links do not), and apart from
// it the off-heap buffers per runtime. The same code takes very different wall times on different hosts, so each
// run also says what host it had: the hand-written baseline (below) and the effective cache (memory.bench.ts) read
// just before and just after the run (docs/benchmarks.md). Whether the run meets the issue's targets, and if not
// why, is judged in scale-targets.ts.
// `--traffic` takes the run apart: `state` sends only the unreliable updates, `events` only the reliable ones, and
// `none` nothing (what is left is ticking and the runtimes' heartbeat timers, which also check liveness). The targets
// are judged on `all` only, and not on a profiled run.
// Before it, in the same process, a hand-written baseline runs the same traffic with no library
// (scale-baseline.ts): `scale.overBaseline` is the run's wall time over the baseline's.
// `--cpu-profile` samples the measured run with V8's profiler, writes the profile to the file and reports the time by
// module in ns per message delivered (`scale.profileByModule`, see cpu-profile.ts); its wall time is not comparable.
// `--workers=N` splits the lobbies over N worker threads, each its own world (scale-shard.ts), started at once: what
// the machine's cores carry together. It reports wall time and traffic only, and the targets, set for one core, are
// not judged on it.
// Memory needs `--expose-gc`: when gc is missing this file re-runs itself in a child node with the flag.
//
// It measures the package as it ships: it builds dist/ (tsc) and runs the compiled modules. `--source` runs src/
// under tsx instead, which costs more heap: tsx compiles with esbuild's keepNames, so every named closure a runtime
// makes gets a `name` property defined on it (a 256 B property array each, ~40 per runtime).
import { writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { PerformanceObserver, performance, type PerformanceEntry } from 'node:perf_hooks';
import { startCpuProfile, timeByModule } from './cpu-profile.js';
import { ThinMember } from '../test/helpers/thin-member.js';
import { flagValue, positiveFlag } from './flags.js';
import { gcOrUndefined, heapAfterGc, rerunWithGc } from './gc.js';
import { probeEffectiveCacheBytes } from './memory.bench.js';
import { runHandWrittenBaseline } from './scale-baseline.js';
import type { ShardResult, ShardTask } from './scale-shard.js';
import {
  EVENT_EVERY_FRAMES,
  FIRST_ACCOUNT,
  FRAME_MS,
  HZ,
  LATENCY_MS,
  LOBBY_SIZE,
  STATE_EVERY_FRAMES,
  buildDist,
  connectRuntimes,
  countDelivered,
  createSteamWorld,
  loadLibrary,
  playFrames,
  type Library,
  type Player,
} from './scale-world.js';
import { round } from './round.js';
import { TARGET_BYTES_PER_SESSION, TARGET_WALL_SECONDS, unmetTargets } from './scale-targets.js';

interface Options {
  readonly players: number;
  readonly seconds: number;
  readonly json: boolean;
  /** Run src/ under tsx instead of the compiled dist/. */
  readonly source: boolean;
  readonly traffic: Traffic;
  /** Where to write a CPU profile of the measured run, when one is asked for. */
  readonly cpuProfile: string | undefined;
  /** Worker threads the lobbies are split over; 1 runs everything on the main thread, as the targets assume. */
  readonly workers: number;
}

type Traffic = 'all' | 'state' | 'events' | 'none';
const TRAFFIC: readonly Traffic[] = ['all', 'state', 'events', 'none'];

function parse(flags: readonly string[]): Options {
  const players = Math.max(LOBBY_SIZE, Math.round(positiveFlag(flags, 'players', 2000) / LOBBY_SIZE) * LOBBY_SIZE);
  const trafficFlag = flagValue(flags, 'traffic') ?? 'all';
  const traffic = TRAFFIC.find((t) => t === trafficFlag);
  if (traffic === undefined) throw new Error(`scale bench: --traffic is one of ${TRAFFIC.join(', ')}, got "${trafficFlag}"`);
  return {
    players,
    seconds: positiveFlag(flags, 'seconds', 60),
    json: flags.includes('--json'),
    source: flags.includes('--source'),
    traffic,
    cpuProfile: flagValue(flags, 'cpu-profile'),
    workers: Math.min(players / LOBBY_SIZE, Math.max(1, Math.round(positiveFlag(flags, 'workers', 1)))),
  };
}

/** Which of the two kinds of game traffic `--traffic` sends. */
function trafficSent(traffic: Traffic): { readonly sendState: boolean; readonly sendEvents: boolean } {
  return { sendState: traffic === 'all' || traffic === 'state', sendEvents: traffic === 'all' || traffic === 'events' };
}

/**
 * What the simulated Steam itself keeps per peer session (lobby rosters, P2P links, inbox queues), measured the same
 * way on the same lobbies formed by protocol-level members with no runtime: subtracted from the total, it leaves
 * what the runtime costs.
 */
function simulatorBytesPerSession(lib: Library, players: number, gc: () => void): number {
  const { createPacketCodec } = lib;
  const { clock, ids, backends } = createSteamWorld(lib, players);
  const members = backends.map((backend) => new ThinMember(backend, createPacketCodec()));
  const before = heapAfterGc(gc);
  const frames = [0, 1, 2].map((channel) => {
    const codec = createPacketCodec();
    const frame = channel === 0 ? codec.encodeControl({ type: 'heartbeat', seq: 1 }, 0) : codec.encode({ hello: channel }, { channel });
    if (!frame.ok) throw new Error(frame.detail);
    return frame.value;
  });
  const lobbyIds: bigint[] = [];
  for (let i = 0; i < players; i += LOBBY_SIZE) members[i]!.backend.createLobby(2, LOBBY_SIZE);
  clock.advance(100);
  for (let i = 0; i < players; i += LOBBY_SIZE) {
    members[i]!.backend.poll();
    members[i]!.backend.drainEvents((event) => {
      if (event.type === 'lobbyCreated') lobbyIds.push(event.lobbyId);
    });
  }
  members.forEach((m, i) => {
    if (i % LOBBY_SIZE !== 0) m.backend.joinLobby(lobbyIds[Math.floor(i / LOBBY_SIZE)]!);
  });
  clock.advance(100);
  for (let round = 0; round < 3; round++) {
    members.forEach((m, i) => {
      const base = i - (i % LOBBY_SIZE);
      for (let j = base; j < base + LOBBY_SIZE; j++) {
        if (j !== i) frames.forEach((frame, channel) => m.backend.sendP2P(ids[j]!, frame, 2, channel));
      }
    });
    for (let f = 0; f < 10; f++) {
      clock.advance(FRAME_MS);
      for (const m of members) m.tick();
    }
  }
  const after = heapAfterGc(gc);
  if (members.some((m) => m.received.size === 0)) throw new Error('scale bench: the simulator-only lobbies did not form');
  return (after - before) / (players * (LOBBY_SIZE - 1));
}

export async function run(flags: readonly string[]): Promise<void> {
  const options = parse(flags);
  if (!options.source && process.env.LOBBYKIT_BENCH_CHILD !== '1') buildDist();
  if (options.workers > 1) {
    await runSharded(options);
    return;
  }
  if (rerunWithGc('scale', flags)) return;
  const lib = await loadLibrary(options.source ? 'src' : 'dist');
  const gc = gcOrUndefined();
  const frames = Math.round(options.seconds * HZ);
  const { sendState, sendEvents } = trafficSent(options.traffic);
  // The baseline first, on a heap that holds nothing else yet: run after the runtimes (with the simulated Steam's
  // users still live), its time swung from run to run by as much as the library's own cost.
  const baseline = runHandWrittenBaseline({
    players: options.players,
    lobbySize: LOBBY_SIZE,
    frames,
    frameMs: FRAME_MS,
    latencyMs: LATENCY_MS,
    stateEveryFrames: STATE_EVERY_FRAMES,
    eventEveryFrames: EVENT_EVERY_FRAMES,
    sendState,
    sendEvents,
    firstId: lib.steamIdOfAccount(FIRST_ACCOUNT),
  });
  gc?.();
  const world = createSteamWorld(lib, options.players);
  const { clock, steam } = world;
  const heapBefore = gc === undefined ? 0 : heapAfterGc(gc);
  const buffersBefore = process.memoryUsage().arrayBuffers;

  const setupStart = performance.now();
  const { players, setupFrames } = await connectRuntimes(lib, world);
  const setupSeconds = (performance.now() - setupStart) / 1000;
  const sessions = options.players * (LOBBY_SIZE - 1);
  const heapConnected = gc === undefined ? 0 : heapAfterGc(gc);
  // Off-heap buffers are not in heapUsed: the default codec's 64 KB output slab and 4 KB scratch, one per process.
  const buffersConnected = process.memoryUsage().arrayBuffers;
  // Counted on both sides of that difference; from here on nothing measures off-heap memory.
  baseline.release();

  let errors = 0;
  for (const p of players) p.runtime.errors$.subscribe(() => void errors++);
  const counter = countDelivered(players);
  const statsBefore = sumStats(players);
  // The wall time moves with the host (docs/benchmarks.md), so the run says what share of the cache it had on
  // either side of it. The probe's 128 MB chase is off-heap, and made after the off-heap figures were read.
  const cacheBefore = probeEffectiveCacheBytes();
  const netBefore = { ...steam.stats };
  const firedBefore = clock.fired;
  const gcPauses = observeGc();
  const stopProfile = options.cpuProfile === undefined ? undefined : await startCpuProfile();
  const start = performance.now();
  const sendFailures = playFrames(world, players, 0, frames, { sendState, sendEvents });
  const end = performance.now();
  const profile = await stopProfile?.();
  const cacheAfter = probeEffectiveCacheBytes();
  const delivered = counter.delivered;
  const wallSeconds = (end - start) / 1000;
  const timersFired = clock.fired - firedBefore;
  const runGc = await gcPauses.stop(start, end);
  const statsAfter = sumStats(players);
  const heapEnd = gc === undefined ? 0 : heapAfterGc(gc);
  const stillConnected = players.filter((p) => p.runtime.allConnected()).length;
  const sessionFailures = errors;
  for (const p of players) p.runtime.dispose();
  players.length = 0;
  const simulatorPerSession = gc === undefined ? undefined : simulatorBytesPerSession(lib, options.players, gc);
  const totalPerSession = gc === undefined ? undefined : (heapConnected - heapBefore) / sessions;

  // With no game traffic there are no messages to divide by: the profile is then per runtime tick.
  const profileUnit = delivered > 0 ? 'message' : 'tick';
  let profileByModule: Record<string, number> | null = null;
  if (profile !== undefined && options.cpuProfile !== undefined) {
    writeFileSync(options.cpuProfile, JSON.stringify(profile));
    const units = delivered > 0 ? delivered : frames * options.players;
    const byModule = timeByModule(profile, units, new URL('..', import.meta.url).href);
    profileByModule = Object.fromEntries(byModule.map((m) => [m.module, Math.round(m.nanosPerUnit)]));
  }
  const unmet = unmetTargets({
    players: options.players,
    simulatedSeconds: options.seconds,
    traffic: options.traffic,
    profiled: options.cpuProfile !== undefined,
    wallSeconds,
    bytesPerPeerSession: totalPerSession,
    delivered,
    baselineDelivered: baseline.delivered,
    stillConnected,
    sessionErrors: sessionFailures,
    sendFailures,
  });
  const events = statsAfter.backendEvents - statsBefore.backendEvents + (statsAfter.controlFrames - statsBefore.controlFrames) + delivered;
  const packets = steam.stats.delivered - netBefore.delivered;
  const result = {
    'scale.players': options.players,
    /** What ran: the compiled package (dist, as shipped) or the sources under tsx. */
    'scale.build': options.source ? 'src (tsx)' : 'dist',
    /** Which game traffic was sent: the targets are judged on 'all' only. */
    'scale.traffic': options.traffic,
    'scale.lobbies': options.players / LOBBY_SIZE,
    'scale.simulatedSeconds': options.seconds,
    'scale.hz': HZ,
    'scale.wallSeconds': round(wallSeconds, 2),
    'scale.realTimeFactor': round(options.seconds / wallSeconds, 2),
    'scale.setupWallSeconds': round(setupSeconds, 2),
    'scale.setupSimulatedSeconds': round((setupFrames * FRAME_MS) / 1000, 2),
    'scale.ticks': frames * options.players,
    /** The same traffic written by hand with no library (scale-baseline.ts), run before this one in this process. */
    'scale.baselineWallSeconds': round(baseline.wallSeconds, 2),
    'scale.overBaseline': round(wallSeconds / baseline.wallSeconds, 2),
    /** False would mean the baseline delivered a different number of messages, so the ratio compares unlike work. */
    'scale.baselineSameWork': baseline.delivered === delivered,
    'scale.microsPerTick': round((wallSeconds * 1e6) / (frames * options.players), 2),
    /**
     * Wall time per message delivered, all in, and the baseline's. Compared across `--players` (same players × seconds),
     * they show what the cache costs (`npm run bench -- memory` measures the host's side of it).
     */
    'scale.microsPerMessage': delivered === 0 ? null : round((wallSeconds * 1e6) / delivered, 2),
    'scale.baselineMicrosPerMessage': baseline.delivered === 0 ? null : round((baseline.wallSeconds * 1e6) / baseline.delivered, 2),
    'scale.messagesDelivered': delivered,
    'scale.eventsPerSecond': Math.round(events / wallSeconds),
    'scale.packetsPerSecond': Math.round(packets / wallSeconds),
    'scale.packetsDelivered': packets,
    /** Virtual-clock timers fired during the run (XState delays and the simulator's delivery times), per simulated second. */
    'scale.timersPerSimulatedSecond': Math.round(timersFired / options.seconds),
    /** Garbage-collection pauses on the main thread during the run (PerformanceObserver 'gc' entries). */
    'scale.gcPauses': runGc.count,
    'scale.gcPauseSeconds': round(runGc.ms / 1000, 2),
    'scale.sendFailures': sendFailures,
    'scale.playersStillAllConnected': stillConnected,
    'scale.sessionErrors': sessionFailures,
    'scale.peerSessions': sessions,
    /** Everything: runtimes and what the simulated Steam keeps for their sessions. */
    'scale.bytesPerPeerSession': totalPerSession === undefined ? null : Math.round(totalPerSession),
    'scale.simulatorBytesPerPeerSession': simulatorPerSession === undefined ? null : Math.round(simulatorPerSession),
    'scale.runtimeBytesPerPeerSession':
      totalPerSession === undefined || simulatorPerSession === undefined ? null : Math.round(totalPerSession - simulatorPerSession),
    'scale.offHeapBytesPerRuntime': Math.round((buffersConnected - buffersBefore) / options.players),
    /** The effective cache (`npm run bench -- memory`) just before and just after the run: the host's side of the wall time. */
    'scale.effectiveCacheBytesBefore': cacheBefore,
    'scale.effectiveCacheBytesAfter': cacheAfter,
    'scale.heapGrowthDuringRunBytes': gc === undefined ? null : heapEnd - heapConnected,
    'scale.gc': gc !== undefined,
    /** With --cpu-profile: sampled ns per profileUnit, by module, largest first (the profiler slows the run). */
    'scale.profileByModule': profileByModule,
    'scale.profileUnit': profileByModule === null ? null : profileUnit,
    'scale.targetsMet': unmet.length === 0,
    /** Why not, when they are not met (scale-targets.ts). */
    'scale.targetsUnmet': unmet,
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write(
    [
      `scale — ${options.players} players (${result['scale.lobbies']} lobbies × ${LOBBY_SIZE}), each a real runtime, ${options.seconds} simulated s at ${HZ} Hz (${result['scale.build']})`,
      `  traffic (${options.traffic}): ${sendState ? `unreliable state to the lobby every ${STATE_EVERY_FRAMES} frames` : 'no state updates'}, ${sendEvents ? `a reliable event every ${EVENT_EVERY_FRAMES} frames` : 'no events'}, per player`,
      `  setup (create, join, connect everyone): ${result['scale.setupWallSeconds']} s wall for ${result['scale.setupSimulatedSeconds']} simulated s`,
      `  run: ${result['scale.wallSeconds']} s wall (target ≤ ${TARGET_WALL_SECONDS}), ${result['scale.realTimeFactor']}× real time, ${result['scale.microsPerTick']} µs per runtime tick`,
      `  hand-written baseline, same traffic, no library: ${result['scale.baselineWallSeconds']} s wall; the run is ${result['scale.overBaseline']}× it${baseline.delivered === delivered ? '' : ` (it delivered ${baseline.delivered} messages, not ${delivered}: unlike work)`}`,
      `  per message delivered, all in: ${result['scale.microsPerMessage'] ?? 'n/a'} µs; the baseline ${result['scale.baselineMicrosPerMessage'] ?? 'n/a'} µs`,
      `  ${result['scale.eventsPerSecond']} events/s and ${result['scale.packetsPerSecond']} packets/s (wall); ${delivered} messages delivered, ${sendFailures} sends refused`,
      `  memory: ${result['scale.bytesPerPeerSession'] ?? 'n/a (no gc)'} B per peer session over ${sessions} sessions (target ≤ ${TARGET_BYTES_PER_SESSION}): the runtime ${result['scale.runtimeBytesPerPeerSession'] ?? 'n/a'} B, the simulated Steam ${result['scale.simulatorBytesPerPeerSession'] ?? 'n/a'} B;`,
      `          plus ${result['scale.offHeapBytesPerRuntime']} B off-heap per runtime; heap change during the run ${result['scale.heapGrowthDuringRunBytes'] ?? 'n/a'} B`,
      `  ${result['scale.timersPerSimulatedSecond']} clock timers fired per simulated s; GC paused the run ${result['scale.gcPauses']} times, ${result['scale.gcPauseSeconds']} s in all`,
      `  still all connected: ${stillConnected}/${options.players}; errors reported: ${sessionFailures}`,
      `  targets: ${unmet.length === 0 ? 'met' : `not met: ${unmet.join('; ')}`}`,
      `  host: effective cache ${mebibytes(cacheBefore)} before the run, ${mebibytes(cacheAfter)} after (a pointer chase, see \`npm run bench -- memory\`)`,
      ...(profileByModule === null
        ? []
        : [
            `  CPU profile in ${options.cpuProfile}; sampled ns per ${profileUnit} by module (profiled, so the wall time above is not comparable):`,
            ...Object.entries(profileByModule)
              .slice(0, 12)
              .map(([module, nanos]) => `    ${String(nanos).padStart(6)}  ${module}`),
          ]),
      '',
    ].join('\n'),
  );
}

/**
 * A worker thread running scale-shard.ts. A worker of Node 20 does not get the `--import tsx` hooks of the process,
 * so its entry registers tsx through its API and then imports the shard.
 */
function shardWorker(task: ShardTask): Worker {
  const shard = new URL('./scale-shard.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = `import { tsImport } from ${JSON.stringify(tsx)}; await tsImport(${JSON.stringify(shard)}, ${JSON.stringify(shard)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(entry)}`), { workerData: task });
}

/**
 * The lobbies split over `options.workers` worker threads as evenly as whole lobbies allow, each shard a world of its
 * own numbered on from the shard before it, so together they are the players of one world and send on the same
 * frames. Every shard builds and connects first; the wall time runs from the one "go" to the last shard's end.
 */
async function runSharded(options: Options): Promise<void> {
  if (options.cpuProfile !== undefined) throw new Error('scale bench: --cpu-profile samples the main thread only, so it does not go with --workers');
  const frames = Math.round(options.seconds * HZ);
  const lobbies = options.players / LOBBY_SIZE;
  const shards: Worker[] = [];
  let firstPlayer = 0;
  for (let k = 0; k < options.workers; k++) {
    const players = (Math.floor((lobbies * (k + 1)) / options.workers) - Math.floor((lobbies * k) / options.workers)) * LOBBY_SIZE;
    const task: ShardTask = {
      dir: options.source ? 'src' : 'dist',
      players,
      firstAccount: FIRST_ACCOUNT + firstPlayer,
      firstPlayer,
      frames,
      ...trafficSent(options.traffic),
    };
    shards.push(shardWorker(task));
    firstPlayer += players;
  }
  // A shard posts twice: once connected, once played.
  const next = (worker: Worker) =>
    new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  await Promise.all(shards.map(next));
  const start = performance.now();
  const ends: number[] = [];
  const done = shards.map((worker) =>
    next(worker).then((result) => {
      ends.push(performance.now());
      return result as ShardResult;
    }),
  );
  for (const worker of shards) worker.postMessage('go');
  const results = await Promise.all(done);
  await Promise.all(shards.map((worker) => worker.terminate()));
  const wallSeconds = (Math.max(...ends) - start) / 1000;
  const sum = (pick: (r: ShardResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  const delivered = sum((r) => r.delivered);
  const result = {
    'scale.players': options.players,
    'scale.build': options.source ? 'src (tsx)' : 'dist',
    'scale.traffic': options.traffic,
    'scale.workers': options.workers,
    'scale.lobbies': lobbies,
    'scale.simulatedSeconds': options.seconds,
    'scale.hz': HZ,
    /** From the one "go" to the last shard's end. */
    'scale.wallSeconds': round(wallSeconds, 2),
    'scale.realTimeFactor': round(options.seconds / wallSeconds, 2),
    'scale.shardWallSeconds': results.map((r) => round(r.wallSeconds, 2)),
    'scale.messagesDelivered': delivered,
    /** Wall time per message, all shards together: it falls as threads are added, unlike the one-thread figure. */
    'scale.microsPerMessage': delivered === 0 ? null : round((wallSeconds * 1e6) / delivered, 2),
    'scale.sendFailures': sum((r) => r.sendFailures),
    'scale.playersStillAllConnected': sum((r) => r.stillConnected),
    'scale.sessionErrors': sum((r) => r.sessionErrors),
    /** Memory is measured on one thread only (without --workers). */
    'scale.bytesPerPeerSession': null,
    /** The targets are for one core, so a sharded run never meets them. */
    'scale.targetsMet': false,
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write(
    [
      `scale — ${options.players} players (${lobbies} lobbies × ${LOBBY_SIZE}) over ${options.workers} worker threads, each its own simulated Steam, ${options.seconds} simulated s at ${HZ} Hz (${result['scale.build']})`,
      `  run: ${result['scale.wallSeconds']} s wall from one start to the last shard's end (shards ${result['scale.shardWallSeconds'].join(', ')} s), ${result['scale.realTimeFactor']}× real time`,
      `  ${delivered} messages delivered, ${result['scale.microsPerMessage'] ?? 'n/a'} µs of wall time each, all shards together; ${result['scale.sendFailures']} sends refused`,
      `  still all connected: ${result['scale.playersStillAllConnected']}/${options.players}; errors reported: ${result['scale.sessionErrors']}`,
      `  the targets (≤ ${TARGET_WALL_SECONDS} s, ≤ ${TARGET_BYTES_PER_SESSION} B per session) are for one core: run without --workers to judge them`,
      '',
    ].join('\n'),
  );
}

/** Collects GC pause entries; `stop` waits for a timer turn of the event loop, where a synchronous run's entries arrive. */
function observeGc(): { stop(from: number, to: number): Promise<{ count: number; ms: number }> } {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    async stop(from, to) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      observer.disconnect();
      const during = entries.filter((e) => e.startTime >= from && e.startTime <= to);
      return { count: during.length, ms: during.reduce((sum, e) => sum + e.duration, 0) };
    },
  };
}

function mebibytes(bytes: number): string {
  return `${round(bytes / (1 << 20), 2)} MiB`;
}

function sumStats(players: readonly Player[]): { backendEvents: number; controlFrames: number } {
  let backendEvents = 0;
  let controlFrames = 0;
  for (const p of players) {
    const s = p.runtime.stats();
    backendEvents += s.backendEvents;
    controlFrames += s.controlFrames;
  }
  return { backendEvents, controlFrames };
}
