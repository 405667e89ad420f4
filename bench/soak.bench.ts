// `npm run bench -- soak [--json] [--real=N] [--thin=N] [--minutes=M]`: one lobby of 250 members on the simulated
// Steam for 10 simulated minutes under 20% loss, 200 ms jitter, reordering and duplication of unreliable traffic,
// members leaving and joining all the time, the owner leaving several times and one partition that heals.
// `real` members run a full runtime each and check every reliable message they get; the others are protocol-level
// members (test/helpers/thin-member.ts) that answer handshakes, heartbeat, churn and can become owner — 250 full
// runtimes would be 62,000 peer actors, which is the scale bench's business, not a soak's.
// The fast version of this run (20 runtimes, 60 s) is test/reliability-soak.test.ts, through `runSoak` below.
import { performance } from 'node:perf_hooks';
import { VirtualClock } from '../src/effects/clock.js';
import { createSimulatedSteam, steamIdOfAccount } from '../src/effects/sim/network.js';
import { createRandom } from '../src/effects/sim/random.js';
import { peerSystemId } from '../src/machines/peer-pool.js';
import { createLobbyRuntime, type LobbyRuntime } from '../src/runtime.js';
import { ThinMember } from '../test/helpers/thin-member.js';
import { numberFlag } from './flags.js';
import { gcOrUndefined, heapAfterGc, rerunWithGc } from './gc.js';

const FRAME_MS = 1000 / 60;

export interface SoakConfig {
  readonly seed: number;
  /** Members running a full runtime (the first creates the lobby). */
  readonly real: number;
  /** Protocol-level members (handshake, heartbeat, churn). */
  readonly thin: number;
  readonly seconds: number;
  /** Per link, both directions combined: probability a datagram is lost (reliable ones are retransmitted). */
  readonly loss: number;
  /** Per link: extra uniform delay in [0, jitterMs). */
  readonly jitterMs: number;
  /** Per link, unreliable only. */
  readonly reorder: number;
  readonly duplication: number;
  /** A member leaves and another (re)joins this often. */
  readonly churnEveryMs: number;
  /** How many times the current owner leaves, spread over the run. */
  readonly ownerLeaves: number;
  /** One partition of this fraction of the members, from `atMs` for `forMs`, then healed. */
  readonly partition: { readonly atMs: number; readonly forMs: number; readonly fraction: number };
  /** Each runtime sends a reliable message on channels 1 and 2 (and an unreliable one on 3) this often. */
  readonly sendEveryFrames: number;
  /** Called with a heap reading hook; absent: no heap figures. */
  readonly heap?: () => number;
}

export interface SoakResult {
  readonly members: number;
  readonly realMembers: number;
  readonly simulatedSeconds: number;
  readonly reliableSent: number;
  /** Recipients counted at send time (members, as the sender saw them, still in the lobby). */
  readonly reliableExpected: number;
  /** Of those, owed no more because either end left before it arrived. */
  readonly reliableForgiven: number;
  readonly reliableDelivered: number;
  readonly reliableLost: number;
  readonly reliableDuplicated: number;
  readonly reliableOutOfOrder: number;
  readonly unreliableDelivered: number;
  readonly leaves: number;
  readonly joins: number;
  readonly ownerChanges: number;
  readonly sessionFailuresReported: number;
  readonly sessionsClosed: number;
  readonly closedWithoutReason: number;
  /** Members (seen by a runtime) whose session was still 'connecting' after the run settled. */
  readonly sessionsUnresolved: number;
  /** Peer actors, lobby and root actors, per runtime summed: baseline vs after everyone left. */
  readonly actorsBaseline: number;
  readonly actorsAfter: number;
  readonly leakedActors: number;
  /** Timers on the clock (actor delays, the simulator's schedule). */
  readonly timersBaseline: number;
  readonly timersAfter: number;
  readonly leakedTimers: number;
  readonly internalErrors: number;
  readonly heapBaselineBytes: number | undefined;
  readonly heapGrowthBytes: number | undefined;
  readonly wallSeconds: number;
}

interface Member {
  readonly index: number;
  readonly id: bigint;
  readonly runtime: LobbyRuntime | undefined;
  readonly thin: ThinMember | undefined;
  /** Bumped every time the member leaves: reliable messages are only owed within one stay of both ends. */
  generation: number;
  inLobby: boolean;
  /** Virtual time before which the member does not rejoin. */
  awayUntil: number;
}

/** What one receiver still expects from one sender on one channel (sent in the current stays of both). */
interface Pair {
  expected: number[];
  head: number;
  last: number;
}

export async function runSoak(config: SoakConfig): Promise<SoakResult> {
  const wallStart = performance.now();
  const clock = new VirtualClock();
  const steam = createSimulatedSteam({ seed: config.seed, clock });
  const random = createRandom(config.seed ^ 0x5eed);
  const total = config.real + config.thin;
  const members: Member[] = [];
  for (let i = 0; i < total; i++) {
    const id = steamIdOfAccount(50_000 + i);
    steam.addUser({ id, name: `m${i}` });
    const backend = steam.backend(id);
    const real = i < config.real;
    members.push({
      index: i,
      id,
      runtime: real ? createLobbyRuntime({ backend, clock }) : undefined,
      thin: real ? undefined : new ThinMember(backend),
      generation: 0,
      inLobby: false,
      awayUntil: 0,
    });
  }
  const reals = members.filter((m) => m.runtime !== undefined);
  const byId = new Map(members.map((m) => [m.id, m]));
  const realIndex = new Map(reals.map((m, i) => [m.id, i]));

  // ── counters and per-pair ledgers (allocated up front so the heap reading is not our own bookkeeping) ──
  const CHANNELS = [1, 2] as const;
  const pairs: Pair[] = Array.from({ length: reals.length * reals.length * CHANNELS.length }, () => ({ expected: [], head: 0, last: -1 }));
  const pairOf = (sender: number, receiver: number, channel: number) =>
    pairs[(sender * reals.length + receiver) * CHANNELS.length + (channel - 1)]!;
  const seqs = new Array<number>(reals.length * CHANNELS.length).fill(0);
  let reliableSent = 0;
  let reliableExpected = 0;
  let reliableForgiven = 0;
  let reliableDelivered = 0;
  let reliableLost = 0;
  let reliableDuplicated = 0;
  let reliableOutOfOrder = 0;
  let unreliableDelivered = 0;
  let leaves = 0;
  let joins = 0;
  let ownerChanges = 0;
  let sessionFailures = 0;
  let sessionsClosed = 0;
  let closedWithoutReason = 0;
  let internalErrors = 0;

  /** Messages owed between two members are forgiven once either leaves. */
  const forgive = (member: Member) => {
    const r = realIndex.get(member.id);
    if (r === undefined) return;
    for (let other = 0; other < reals.length; other++) {
      for (const channel of CHANNELS) {
        for (const pair of [pairOf(r, other, channel), pairOf(other, r, channel)]) {
          reliableForgiven += pair.expected.length - pair.head;
          pair.expected.length = 0;
          pair.head = 0;
        }
      }
    }
  };

  reals.forEach((member, receiver) => {
    const runtime = member.runtime!;
    for (const channel of CHANNELS) {
      runtime.messages<{ seq: number }>(channel).subscribe(({ from, value }) => {
        const sender = realIndex.get(from);
        if (sender === undefined) return;
        reliableDelivered++;
        const pair = pairOf(sender, receiver, channel);
        const seq = value.seq;
        if (seq === pair.last) reliableDuplicated++;
        else if (seq < pair.last) reliableOutOfOrder++;
        else pair.last = seq;
        // Delivery is in order, so whatever is owed before `seq` was skipped: lost (unless it turns up later,
        // which the out-of-order count catches).
        const expected = pair.expected;
        while (pair.head < expected.length && expected[pair.head]! < seq) {
          reliableLost++;
          pair.head++;
        }
        if (pair.head < expected.length && expected[pair.head] === seq) pair.head++;
        if (pair.head === expected.length) {
          expected.length = 0;
          pair.head = 0;
        }
      });
    }
    runtime.messages(3).subscribe(() => void unreliableDelivered++);
    runtime.sessions$.subscribe((event) => {
      if (event.type === 'peer.attemptFailed') sessionFailures++;
      if (event.type === 'peer.closed') {
        sessionsClosed++;
        if (event.reason === undefined) closedWithoutReason++;
      }
    });
    runtime.errors$.subscribe((error) => {
      if (error.kind === 'internal') internalErrors++;
    });
  });

  // ── the world's frame ─────────────────────────────────────────────────────────────────────────────────────
  let frame = 0;
  let sending = false;
  const payload = { seq: 0, body: 'reliable game event' };
  const noise = { tick: 0, x: 0, y: 0 };
  const step = () => {
    clock.advance(FRAME_MS);
    frame++;
    for (const m of reals) m.runtime!.tick();
    for (const m of members) {
      if (m.thin === undefined) continue;
      m.thin.tick();
      if (m.inLobby && (frame + m.index) % 60 === 0) m.thin.heartbeat();
    }
    if (!sending) return;
    for (let r = 0; r < reals.length; r++) {
      const member = reals[r]!;
      const runtime = member.runtime!;
      if (!member.inLobby || runtime.lobbyState().status !== 'joined' || (frame + r) % config.sendEveryFrames !== 0) continue;
      const recipients: number[] = [];
      for (const other of runtime.members()) {
        const o = realIndex.get(other.id);
        // The sender may not have heard yet that someone left: nothing is owed to who is gone.
        if (o !== undefined && o !== r && reals[o]!.inLobby) recipients.push(o);
      }
      for (const channel of CHANNELS) {
        const slot = r * CHANNELS.length + (channel - 1);
        const seq = ++seqs[slot]!;
        payload.seq = seq;
        if (!runtime.send('all', payload, { channel }).ok) continue;
        reliableSent++;
        for (const o of recipients) {
          pairOf(r, o, channel).expected.push(seq);
          reliableExpected++;
        }
      }
      noise.tick = frame;
      runtime.send('all', noise, { channel: 3, reliable: false });
    }
  };
  const runFor = (ms: number, every?: () => void) => {
    const frames = Math.round(ms / FRAME_MS);
    for (let i = 0; i < frames; i++) {
      step();
      every?.();
    }
  };
  const runUntil = (done: () => boolean, maxMs: number) => {
    const frames = Math.round(maxMs / FRAME_MS);
    for (let i = 0; i < frames && !done(); i++) step();
    return done();
  };

  // ── joining and leaving ───────────────────────────────────────────────────────────────────────────────────
  const owner = reals[0]!;
  let lobbyId = 0n;
  const openLobby = async () => {
    const created = owner.runtime!.createLobby({ maxMembers: 250 });
    if (!runUntil(() => owner.runtime!.lobbyState().status === 'joined', 5_000)) throw new Error('soak: no lobby');
    const result = await created;
    if (!result.ok) throw new Error(result.error.reason);
    lobbyId = result.lobbyId;
    owner.inLobby = true;
  };
  const join = (m: Member) => {
    if (m.inLobby) return;
    if (m.runtime !== undefined) {
      if (m.runtime.lobbyState().status !== 'idle') return;
      void m.runtime.joinLobby(lobbyId);
    } else {
      m.thin!.peers.clear();
      m.thin!.backend.joinLobby(lobbyId);
    }
    m.inLobby = true;
    joins++;
  };
  const leave = (m: Member) => {
    if (!m.inLobby) return;
    m.generation++;
    forgive(m);
    if (m.runtime !== undefined) m.runtime.leaveLobby();
    else {
      const thin = m.thin!;
      thin.backend.leaveLobby(lobbyId);
      // A real client closes its sessions on leaving; the thin one forgets whom it talked to.
      for (const peer of thin.peers) thin.backend.closeSession(peer);
      thin.peers.clear();
    }
    m.inLobby = false;
    m.awayUntil = clock.now() + 2_000 + random.int(8_000);
    leaves++;
  };
  const everyoneIn = () => {
    const size = members.filter((m) => m.inLobby).length;
    return reals.every(
      (m) => !m.inLobby || (m.runtime!.lobbyState().status === 'joined' && m.runtime!.members().length === size && m.runtime!.allConnected()),
    );
  };
  const countActors = () => {
    let actors = 0;
    for (const m of reals) {
      const system = m.runtime!.actor.system;
      actors += 1; // the root
      if (system.get('lobby') !== undefined) actors++;
      for (const other of members) if (system.get(peerSystemId(other.id)) !== undefined) actors++;
    }
    return actors;
  };
  const everyoneLeaves = () => {
    for (const m of members) leave(m);
    // Long enough for every session timeout and disconnect detection in the simulator to run out.
    runFor(45_000);
  };

  // Warm-up: everyone joins, connects and leaves once, so what the simulator keeps per link exists in the baseline.
  await openLobby();
  for (const m of members) join(m);
  if (!runUntil(everyoneIn, 60_000)) throw new Error('soak: the lobby did not connect (warm-up)');
  everyoneLeaves();
  const actorsBaseline = countActors();
  const timersBaseline = clock.pending;
  const heapBaseline = config.heap?.();
  leaves = 0;
  joins = 0;

  // The measured run.
  await openLobby();
  for (const m of members) m.awayUntil = 0;
  for (const m of members) join(m);
  if (!runUntil(everyoneIn, 60_000)) throw new Error('soak: the lobby did not connect');

  // Faults on every user: a link combines both ends, so each end gets the share that compounds to the target.
  const share = (p: number) => 1 - Math.sqrt(1 - p);
  for (const m of members) {
    steam.faults.setUser(m.id, {
      loss: share(config.loss),
      jitterMs: config.jitterMs / 2,
      reorder: share(config.reorder),
      duplication: share(config.duplication),
    });
  }

  sending = true;
  const durationMs = config.seconds * 1000;
  const start = clock.now();
  const ownerLeaveTimes = Array.from({ length: config.ownerLeaves }, (_, k) => start + ((k + 1) * durationMs) / (config.ownerLeaves + 1));
  let nextChurn = start + config.churnEveryMs;
  let partitioned = false;
  let healed = false;
  let lastOwner: bigint | undefined;
  while (clock.now() - start < durationMs) {
    step();
    const now = clock.now();
    const lobbyOwner = steam.lobby(lobbyId)?.owner;
    if (lobbyOwner !== undefined && lobbyOwner !== lastOwner) {
      if (lastOwner !== undefined) ownerChanges++;
      lastOwner = lobbyOwner;
    }
    if (now >= nextChurn) {
      nextChurn += config.churnEveryMs;
      const present = members.filter((m) => m.inLobby && m.id !== lobbyOwner);
      const away = members.filter((m) => !m.inLobby && m.awayUntil <= now);
      if (present.length > 2) leave(present[random.int(present.length)]!);
      if (away.length > 0) join(away[random.int(away.length)]!);
    }
    if (ownerLeaveTimes.length > 0 && now >= ownerLeaveTimes[0]!) {
      ownerLeaveTimes.shift();
      const current = byId.get(steam.lobby(lobbyId)?.owner ?? 0n);
      if (current !== undefined) leave(current);
    }
    if (!partitioned && now - start >= config.partition.atMs) {
      partitioned = true;
      const cut = members.filter((m) => m.inLobby).filter((_, i) => i % Math.round(1 / config.partition.fraction) === 1);
      steam.faults.partition(cut.map((m) => m.id));
    }
    if (partitioned && !healed && now - start >= config.partition.atMs + config.partition.forMs) {
      healed = true;
      steam.faults.heal();
    }
  }
  sending = false;
  if (!healed) steam.faults.heal();

  // Settle: no new traffic, everyone away comes back, everything owed arrives or is counted lost.
  for (const m of members) if (!m.inLobby) m.awayUntil = 0;
  for (const m of members) join(m);
  runUntil(everyoneIn, 120_000);
  runFor(10_000);
  for (const pair of pairs) reliableLost += pair.expected.length - pair.head;

  let sessionsUnresolved = 0;
  for (const m of reals) {
    if (!m.inLobby) continue;
    for (const member of m.runtime!.members()) if (member.session === 'connecting') sessionsUnresolved++;
  }

  // Everyone leaves; what they had must be gone.
  for (const m of members) leave(m);
  for (const m of members) m.awayUntil = Infinity;
  runFor(45_000);
  const actorsAfter = countActors();
  const timersAfter = clock.pending;
  const heapAfter = config.heap?.();
  for (const m of reals) m.runtime!.dispose();

  return {
    members: total,
    realMembers: reals.length,
    simulatedSeconds: config.seconds,
    reliableSent,
    reliableExpected,
    reliableForgiven,
    reliableDelivered,
    reliableLost,
    reliableDuplicated,
    reliableOutOfOrder,
    unreliableDelivered,
    leaves,
    joins,
    ownerChanges,
    sessionFailuresReported: sessionFailures,
    sessionsClosed,
    closedWithoutReason,
    sessionsUnresolved,
    actorsBaseline,
    actorsAfter,
    leakedActors: actorsAfter - actorsBaseline,
    timersBaseline,
    timersAfter,
    leakedTimers: timersAfter - timersBaseline,
    internalErrors,
    heapBaselineBytes: heapBaseline,
    heapGrowthBytes: heapAfter === undefined || heapBaseline === undefined ? undefined : heapAfter - heapBaseline,
    wallSeconds: (performance.now() - wallStart) / 1000,
  };
}

/** The full run's configuration: 250 members, 10 simulated minutes. */
export const FULL_SOAK: SoakConfig = {
  seed: 250,
  real: 25,
  thin: 225,
  seconds: 600,
  loss: 0.2,
  jitterMs: 200,
  reorder: 0.1,
  duplication: 0.05,
  churnEveryMs: 1_000,
  ownerLeaves: 4,
  partition: { atMs: 240_000, forMs: 8_000, fraction: 0.25 },
  sendEveryFrames: 30,
};

export async function run(flags: readonly string[]): Promise<void> {
  if (rerunWithGc('soak', flags)) return;
  const number = (name: string) => {
    const value = numberFlag(flags, name);
    return value !== undefined && value >= 0 ? value : undefined;
  };
  const gc = gcOrUndefined();
  const minutes = number('minutes');
  const config: SoakConfig = {
    ...FULL_SOAK,
    real: number('real') ?? FULL_SOAK.real,
    thin: number('thin') ?? FULL_SOAK.thin,
    seconds: minutes === undefined ? FULL_SOAK.seconds : minutes * 60,
    ...(gc === undefined ? {} : { heap: () => heapAfterGc(gc) }),
  };
  const result = await runSoak(config);
  const json: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result)) json[`soak.${key}`] = value ?? null;
  if (flags.includes('--json')) {
    process.stdout.write(`${JSON.stringify(json)}\n`);
    return;
  }
  process.stdout.write(
    [
      `soak — ${result.members} members (${result.realMembers} full runtimes), ${result.simulatedSeconds} simulated s, ${config.loss * 100}% loss, ${config.jitterMs} ms jitter, reorder + duplication on unreliable`,
      `  churn: ${result.leaves} leaves, ${result.joins} joins, ${result.ownerChanges} owner changes, one partition of ${config.partition.forMs} ms`,
      `  reliable: ${result.reliableSent} sent, ${result.reliableExpected - result.reliableForgiven} owed (${result.reliableForgiven} forgiven: an end left first), ${result.reliableDelivered} delivered — lost ${result.reliableLost}, duplicated ${result.reliableDuplicated}, out of order ${result.reliableOutOfOrder}`,
      `  sessions: ${result.sessionFailuresReported} attempt failures reported, ${result.sessionsClosed} closed (${result.closedWithoutReason} without a reason), ${result.sessionsUnresolved} unresolved`,
      `  after everyone left: actors ${result.actorsAfter} (baseline ${result.actorsBaseline}), timers ${result.timersAfter} (baseline ${result.timersBaseline}), heap growth ${result.heapGrowthBytes ?? 'n/a'} B`,
      `  internal errors: ${result.internalErrors}; wall ${result.wallSeconds.toFixed(1)} s`,
      '',
    ].join('\n'),
  );
}
