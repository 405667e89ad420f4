// `npm run bench -- sim [--json]`: the simulated Steam carrying 2,000 players at 60 Hz.
// Each player sits in a group of 4 and sends one 64-byte unreliable packet per tick to each of the 3 others;
// every player pumps its backend each tick (events, then ≤ 32 packets). Reported against a baseline measured in
// the same process: the same packets pushed straight into per-player inboxes and read back (no network model).
import { VirtualClock } from '../src/effects/clock.js';
import { FairInbox } from '../src/effects/inbox.js';
import { createSimulatedSteam } from '../src/effects/sim/network.js';
import { DEFAULT_PACKET_READ_LIMIT, type Backend } from '../src/effects/backend.js';

const PLAYERS = 2000;
const GROUP = 4;
const HZ = 60;
const SECONDS = 3;

function simulated(): { ms: number; delivered: number } {
  const clock = new VirtualClock();
  const steam = createSimulatedSteam({ seed: 1, clock, latencyMs: 30 });
  const ids: bigint[] = [];
  for (let i = 0; i < PLAYERS; i++) {
    const id = 76561198000000000n + BigInt(i + 1);
    steam.addUser({ id, name: `p${i}` });
    ids.push(id);
  }
  const backends: Backend[] = ids.map((id) => steam.backend(id));
  steam.faults.setUser(ids[0]!, { jitterMs: 5 });
  let delivered = 0;
  const ignore = (): void => {};
  for (let i = 0; i < PLAYERS; i++) {
    const base = i - (i % GROUP);
    for (let j = base; j < base + GROUP; j++) if (j !== i) backends[i]!.acceptSession(ids[j]!);
  }
  const payload = new Uint8Array(64);
  const start = performance.now();
  for (let tick = 0; tick < HZ * SECONDS; tick++) {
    for (let i = 0; i < PLAYERS; i++) {
      const base = i - (i % GROUP);
      for (let j = base; j < base + GROUP; j++) if (j !== i) backends[i]!.sendP2P(ids[j]!, payload, 0, 0);
    }
    clock.advance(1000 / HZ);
    // Each player's frame, as a game loop without the runtime would do it: events, then ≤ 32 packets.
    for (const backend of backends) {
      backend.poll();
      backend.drainEvents(ignore);
      for (let n = 0; n < DEFAULT_PACKET_READ_LIMIT && backend.readP2P(0) !== undefined; n++) delivered++;
    }
  }
  return { ms: performance.now() - start, delivered };
}

function baseline(): { ms: number; delivered: number } {
  const inboxes = Array.from({ length: PLAYERS }, () => new FairInbox());
  const ids = Array.from({ length: PLAYERS }, (_, i) => 76561198000000000n + BigInt(i + 1));
  const payload = new Uint8Array(64);
  let delivered = 0;
  const start = performance.now();
  for (let tick = 0; tick < HZ * SECONDS; tick++) {
    for (let i = 0; i < PLAYERS; i++) {
      const base = i - (i % GROUP);
      for (let j = base; j < base + GROUP; j++) if (j !== i) inboxes[j]!.push(0, { from: ids[i]!, bytes: payload.slice() });
    }
    for (const inbox of inboxes) for (let n = 0; n < 32 && inbox.read(0) !== undefined; n++) delivered++;
  }
  return { ms: performance.now() - start, delivered };
}

export async function run(flags: readonly string[]): Promise<void> {
  baseline();
  const base = baseline();
  const sim = simulated();
  const virtualMs = SECONDS * 1000;
  const result = {
    suite: 'sim',
    players: PLAYERS,
    hz: HZ,
    packetsPerSecond: (PLAYERS * (GROUP - 1) * HZ),
    simulatedMs: Math.round(sim.ms),
    baselineMs: Math.round(base.ms),
    realTimeFactor: +(virtualMs / sim.ms).toFixed(2),
    simOverBaseline: +(sim.ms / base.ms).toFixed(2),
    delivered: sim.delivered,
  };
  if (flags.includes('--json')) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write(
    `sim: ${PLAYERS} players × ${HZ} Hz, ${result.packetsPerSecond} packets/s for ${SECONDS} s of virtual time\n` +
      `  simulated network: ${result.simulatedMs} ms wall (${result.realTimeFactor}× real time), ${sim.delivered} packets delivered\n` +
      `  baseline (inboxes only): ${result.baselineMs} ms — simulator costs ${result.simOverBaseline}× the bare queueing\n`,
  );
}
