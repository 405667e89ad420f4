/**
 * The simulated Steam's one world: its options, the scheduler on the virtual clock, the seeded random source, and
 * how events reach a user's listeners. The rooms hang off it (users, directory, p2p, faults); backends and
 * steamworks.js-shaped clients are thin views over it.
 */
import type { LobbyClock } from '../clock.js';
import { MAX_UNRELIABLE_BYTES, type BackendEvent } from '../backend.js';
import { FaultInjector } from './faults/injector.js';
import { LobbyDirectory } from './lobbies/directory.js';
import { P2PTransport } from './p2p/transport.js';
import { createRandom, type Random } from './random.js';
import { Scheduler } from './scheduler.js';
import { UserRegistry } from './users/registry.js';
import type { SimUser } from './users/user.js';

export interface SimulatedSteamOptions {
  readonly seed: number;
  readonly clock: LobbyClock;
  /** Base one-way P2P latency, ms (default 20). */
  readonly latencyMs?: number;
  /** Time Steam's servers take to answer a lobby operation, ms (default 40). */
  readonly serverLatencyMs?: number;
  /** Delay before a stranger's persona name arrives, ms (default 250). */
  readonly personaDelayMs?: number;
  /** A session with undeliverable reliable data, or an unanswered session request, fails after this, ms (default 10 000). */
  readonly sessionTimeoutMs?: number;
  /** How long Steam takes to notice a vanished user and drop them from lobbies, ms (default 30 000). */
  readonly disconnectDetectMs?: number;
  /** Send type 3 holds messages until this much is buffered (default 1200 B) … */
  readonly bufferBytes?: number;
  /** … or this long has passed, ms (default 200). */
  readonly bufferMs?: number;
  /** Delay one lost reliable datagram costs (default max(100, 4 × latency)), ms. */
  readonly retransmitMs?: number;
}

export class SimCore {
  readonly scheduler: Scheduler;
  readonly random: Random;
  // Steam publishes no latencies or timeouts: these defaults are modelling choices unless a source is given.
  readonly latencyMs: number;
  readonly serverLatencyMs: number;
  readonly personaDelayMs: number;
  readonly sessionTimeoutMs: number;
  /** Games observe a vanished member dropped about 30 s later. */
  readonly disconnectDetectMs: number;
  /** Send type 3 waits for about an MTU (~1200 B) or ~200 ms (sdk isteamnetworking.h:51-52). */
  readonly bufferBytes: number;
  readonly bufferMs: number;
  readonly retransmitMs: number;
  readonly directory: LobbyDirectory;
  readonly p2p: P2PTransport;
  readonly users: UserRegistry;
  readonly faults: FaultInjector;

  constructor(options: SimulatedSteamOptions) {
    this.scheduler = new Scheduler(options.clock);
    this.random = createRandom(options.seed);
    this.latencyMs = options.latencyMs ?? 20;
    this.serverLatencyMs = options.serverLatencyMs ?? 40;
    this.personaDelayMs = options.personaDelayMs ?? 250;
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
    this.disconnectDetectMs = options.disconnectDetectMs ?? 30_000;
    this.bufferBytes = options.bufferBytes ?? MAX_UNRELIABLE_BYTES;
    this.bufferMs = options.bufferMs ?? 200;
    this.retransmitMs = options.retransmitMs ?? Math.max(100, 4 * this.latencyMs);
    // The directory draws its first lobby id from the seed: it comes first, so the ids a seed gives stay the same.
    this.directory = new LobbyDirectory(this);
    this.p2p = new P2PTransport(this);
    this.users = new UserRegistry(this, this.p2p.table);
    this.faults = new FaultInjector(this);
  }

  now(): number {
    return this.scheduler.now();
  }

  /** Delivers `event` to the user's listeners at once; a vanished user's game hears nothing. */
  emit(user: SimUser, event: BackendEvent): void {
    if (user.vanished) return;
    for (const listener of user.listeners) listener(event);
  }

  /** Delivers `event` after Steam's servers had their time to answer. */
  emitLater(user: SimUser, event: BackendEvent, delayMs = this.serverLatencyMs): void {
    this.scheduler.at(this.now() + delayMs, () => this.emit(user, event));
  }
}
