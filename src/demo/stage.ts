/**
 * Where the demo story is played: the simulated Steam and one runtime per player on one VirtualClock advanced in
 * 60 Hz frames, waiting on virtual time with a budget per step, counting game traffic, and reporting events and
 * session failures as they happen. A step that overruns its budget throws a StoryFailure naming it.
 */
import type { Subscription } from 'rxjs';
import { VirtualClock } from '../effects/clock.js';
import { createSimulatedSteam, steamIdOfAccount, type SimulatedSteam } from '../effects/sim/network.js';
import { DEFAULT_PEER_TIMING } from '../machines/peer-session.machine.js';
import { createLobbyRuntime, type LobbyRuntimeError } from '../runtime.js';
import { RELIABLE_CHANNEL, UNRELIABLE_CHANNEL, castActor, nameOf, who, type Actor, type ChannelCount } from './cast.js';
import type { DemoEvent, SessionFailureNote } from './events.js';
import type { DemoOptions } from './options.js';
import { WireLedger, countingBackend, seedBytesOf } from './traffic.js';

export const FRAME_MS = 1000 / 60;
/** Two seconds of play at 60 Hz. */
export const PLAY_FRAMES = 120;
export const CONTROL_CHANNEL = 0;
/** Progress reports during play, in frames. */
export const TRAFFIC_REPORT_EVERY = 30;

export interface DemoHooks {
  readonly onEvent: (event: DemoEvent) => void;
  /** Wall-clock pacing for a human watching a terminal; tests leave it out, so the story runs flat out. */
  readonly pace?: (what: 'step' | 'frame') => Promise<void>;
  /** Called every few frames of a long wait (play, retries), for a live progress line. */
  readonly onProgress?: (progress: { readonly step: number; readonly done: number; readonly of: number }) => void;
  /** Hands over the simulated Steam the story runs on, for tools and tests that add trouble of their own. */
  readonly onSteam?: (steam: SimulatedSteam) => void;
}

export class StoryFailure extends Error {
  constructor(readonly step: string, message: string) {
    super(message);
  }
}

/** A promise with a flag the frame loop can poll, so the story waits on virtual time, not on the promise. */
export function settling<T>(promise: Promise<T>): { readonly promise: Promise<T>; readonly settled: () => boolean } {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  return { promise, settled: () => done };
}

export class Stage {
  private readonly clock = new VirtualClock();
  readonly steam: SimulatedSteam;
  readonly ledger = new WireLedger();
  readonly actors: Actor[] = [];
  private readonly subscriptions: Subscription[] = [];
  readonly counts = new Map<number, ChannelCount>([
    [RELIABLE_CHANNEL, { messages: 0, packets: 0, delivered: 0, seedBytes: 0 }],
    [UNRELIABLE_CHANNEL, { messages: 0, packets: 0, delivered: 0, seedBytes: 0 }],
  ]);
  stepIndex = 0;
  chatLines = 0;
  currentStep = 'setting up';
  /**
   * Step budgets are for a good network; a slow or lossy one stretches every round trip (a lost reliable datagram
   * costs Steam a resend after ~4 latencies), so the budgets stretch with it.
   */
  private readonly networkSlack: number;

  constructor(
    readonly options: DemoOptions,
    readonly hooks: DemoHooks,
    private readonly steps: readonly string[],
  ) {
    this.networkSlack = (1 + options.latencyMs / 100) / (1 - options.loss) ** 2;
    this.steam = createSimulatedSteam({ seed: options.seed, clock: this.clock, latencyMs: options.latencyMs });
    // A big lobby sends more than the seed's 32 packets per frame to each member; read what a frame brings.
    const packetReadLimit = Math.max(32, 4 * options.players);
    // As a game on a poor network would: give handshakes and silence room for several lossy round trips.
    const patienceMs = Math.max(DEFAULT_PEER_TIMING.handshakeTimeoutMs, (20 * options.latencyMs) / (1 - options.loss) ** 2);
    const peerTiming = { handshakeTimeoutMs: patienceMs, livenessTimeoutMs: Math.max(DEFAULT_PEER_TIMING.livenessTimeoutMs, patienceMs) };
    for (let index = 0; index < options.players; index++) {
      const name = nameOf(index);
      const id = steamIdOfAccount(62_191_061 + index);
      this.steam.addUser({ id, name });
      // A user's faults apply to what it sends and to what it receives, so each side takes the share that makes
      // one datagram's chance of loss, sender to receiver, the --loss asked for.
      if (options.loss > 0) this.steam.faults.setUser(id, { loss: 1 - Math.sqrt(1 - options.loss) });
      const backend = countingBackend(this.steam.backend(id), this.ledger);
      const runtime = createLobbyRuntime({ backend, clock: this.clock, packetReadLimit, timing: { peer: peerTiming } });
      this.actors.push(castActor({ index, name, id, runtime, seed: options.seed }, this.counts, this.subscriptions));
    }
    hooks.onSteam?.(this.steam);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    for (const a of this.actors) a.runtime.dispose();
  }

  // ── the clock ─────────────────────────────────────────────────────────────────────────────────────────────

  frame(): void {
    this.clock.advance(FRAME_MS);
    for (const a of this.actors) a.runtime.tick();
    this.reportFailures();
  }

  async run(ms: number): Promise<void> {
    for (let t = 0; t < ms; t += FRAME_MS) this.frame();
    await Promise.resolve();
  }

  /**
   * Runs frames until `done()` holds; a step that takes longer than `budgetMs` of virtual time fails the story.
   * With `progress`, reports how far into the budget it is (for the long waits a watcher should see moving).
   */
  async until(what: string, done: () => boolean, budgetMs: number, progress = false): Promise<void> {
    const scaledMs = budgetMs * this.networkSlack;
    const frames = Math.ceil(scaledMs / FRAME_MS);
    for (let i = 0; i < frames; i++) {
      if (done()) return;
      this.frame();
      if (i % 6 === 0) {
        // Lets command promises settle; the story reads state, not promises, to decide.
        await Promise.resolve();
        if (progress) this.hooks.onProgress?.({ step: this.stepIndex, done: i, of: frames });
      }
      if (progress && this.hooks.pace !== undefined && i % 6 === 0) await this.hooks.pace('frame');
    }
    await Promise.resolve();
    if (done()) return;
    const o = this.options;
    const network = o.latencyMs > 100 || o.loss > 0 ? ` (the network was set to ${o.latencyMs} ms latency and ${(o.loss * 100).toFixed(0)}% loss: try less)` : '';
    throw new StoryFailure(this.currentStep, `waited ${(scaledMs / 1000).toFixed(1)} s of virtual time for ${what}, and it did not happen${network}`);
  }

  now(): number {
    return Math.round(this.clock.now());
  }

  // ── telling the story ─────────────────────────────────────────────────────────────────────────────────────

  async step(index: number): Promise<void> {
    this.stepIndex = index + 1;
    this.currentStep = this.steps[index]!;
    if (this.hooks.pace !== undefined) await this.hooks.pace('step');
    this.emit({ type: 'step', t: this.now(), index: index + 1, total: this.steps.length, title: this.currentStep });
  }

  emit(event: DemoEvent): void {
    this.hooks.onEvent(event);
  }

  require(result: { readonly ok: boolean; readonly error?: LobbyRuntimeError }, what: string): void {
    if (!result.ok) throw new StoryFailure(this.currentStep, `${what} was refused: ${result.error?.reason ?? 'no reason given'}`);
  }

  // ── game traffic ──────────────────────────────────────────────────────────────────────────────────────────

  sendCounted(actor: Actor, message: unknown, channel: number, reliable: boolean, count: ChannelCount): void {
    const sent = actor.runtime.send('all', message, { channel, reliable });
    if (!sent.ok) throw new StoryFailure(this.currentStep, `${actor.name}'s send on channel ${channel} was refused: ${sent.error.reason}`);
    count.messages++;
    count.packets += sent.recipients;
    count.seedBytes += seedBytesOf(message) * sent.recipients;
  }

  wireBytes(): number {
    return this.ledger.channel(RELIABLE_CHANNEL).bytes + this.ledger.channel(UNRELIABLE_CHANNEL).bytes;
  }

  reportTraffic(frame: number, wireStart: number): void {
    let messages = 0;
    let delivered = 0;
    let seedBytes = 0;
    for (const c of this.counts.values()) {
      messages += c.messages;
      delivered += c.delivered;
      seedBytes += c.seedBytes;
    }
    this.emit({ type: 'traffic', t: this.now(), frame, frames: PLAY_FRAMES, messages, delivered, bytes: this.wireBytes() - wireStart, seedBytes });
  }

  /** Session failures from this frame, one event for all of them (a lost link fails many sessions at once). */
  private reportFailures(): void {
    const notes: SessionFailureNote[] = [];
    for (const a of this.actors) {
      for (; a.errorsSeen < a.errors.length; a.errorsSeen++) {
        const e = a.errors[a.errorsSeen]!;
        if (e.kind !== 'session-failed') continue;
        a.failedWith.add(e.remoteId);
        const remote = this.actors.find((r) => r.id === e.remoteId);
        notes.push({
          who: who(a),
          remote: remote === undefined ? { name: String(e.remoteId), id: e.remoteId } : who(remote),
          attempt: e.attempt,
          code: e.failure.code,
          reason: e.reason,
          retryInMs: e.retryInMs,
        });
      }
    }
    if (notes.length > 0) this.emit({ type: 'sessions-failed', t: this.now(), failures: notes });
  }
}
