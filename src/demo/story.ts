/**
 * The seed tutorial's whole story, played by real runtimes (`createLobbyRuntime`) on the simulated Steam, every
 * player on one VirtualClock advanced in 60 Hz frames: create and describe a public lobby, find it with filters,
 * join (one player finds it full), handshake, chat, play on two channels, lose a link and win it back through
 * retries, kick, hand ownership over, and leave until every session is closed.
 *
 * The story only reports (`onEvent`) and returns a summary; it never prints, and it never throws: a step that
 * does not happen within its virtual-time budget ends the run with a failed outcome naming the step.
 */
import type { Subscription } from 'rxjs';
import { VirtualClock } from '../effects/clock.js';
import { createSimulatedSteam, steamIdOfAccount, type SimulatedSteam } from '../effects/sim/network.js';
import { DEFAULT_PEER_TIMING } from '../machines/peer-session.machine.js';
import { createLobbyRuntime, type LobbyRuntime, type LobbyRuntimeError } from '../runtime.js';
import type { DemoEvent, DemoOutcome, DemoSummary, FailureRow, SessionFailureNote, Who } from './events.js';
import type { DemoOptions } from './options.js';
import { PlayerMotion, WireLedger, countingBackend, seedBytesOf } from './traffic.js';

export const FRAME_MS = 1000 / 60;
/** Two seconds of play at 60 Hz. */
export const PLAY_FRAMES = 120;
export const RELIABLE_CHANNEL = 1;
export const UNRELIABLE_CHANNEL = 2;
const CONTROL_CHANNEL = 0;
/** Progress reports during play, in frames. */
const TRAFFIC_REPORT_EVERY = 30;

export const STORY_STEPS = [
  'create a public lobby',
  'find it with filters',
  'join (until it is full)',
  'handshake',
  'chat',
  'play at 60 Hz on two channels',
  'lose a link, retry, recover',
  'kick',
  'owner leaves, ownership moves',
  'everyone leaves',
] as const;

export interface DemoHooks {
  readonly onEvent: (event: DemoEvent) => void;
  /** Wall-clock pacing for a human watching a terminal; tests leave it out, so the story runs flat out. */
  readonly pace?: (what: 'step' | 'frame') => Promise<void>;
  /** Called every few frames of a long wait (play, retries), for a live progress line. */
  readonly onProgress?: (progress: { readonly step: number; readonly done: number; readonly of: number }) => void;
  /** Hands over the simulated Steam the story runs on, for tools and tests that add trouble of their own. */
  readonly onSteam?: (steam: SimulatedSteam) => void;
}

const NAMES = ['Gramps', 'Ada', 'Bruno', 'Chiara', 'Dmitri', 'Esme', 'Farid', 'Greta', 'Hiro', 'Ines', 'Jonas', 'Kemi'];

function nameOf(index: number): string {
  const base = NAMES[index % NAMES.length]!;
  return index < NAMES.length ? base : `${base}${Math.floor(index / NAMES.length) + 1}`;
}

class StoryFailure extends Error {
  constructor(readonly step: string, message: string) {
    super(message);
  }
}

interface Actor extends Who {
  readonly index: number;
  readonly runtime: LobbyRuntime;
  readonly motion: PlayerMotion;
  readonly errors: LobbyRuntimeError[];
  readonly story: string[];
  /** Remotes with a connected session right now. */
  readonly open: Set<bigint>;
  chatHeard: number;
  messagesReceived: number;
  sessionsOpened: number;
  sessionsClosed: number;
  /** Connections made after a failure with the same remote. */
  reconnections: number;
  readonly failedWith: Set<bigint>;
  /** How far into `errors` the failure reporter has read. */
  errorsSeen: number;
  /** Why the lobby machine says this player left, once it has. */
  leftReason: string | undefined;
}

interface ChannelCount {
  messages: number;
  packets: number;
  delivered: number;
  seedBytes: number;
}

const who = (a: Actor): Who => ({ name: a.name, id: a.id });

/** A promise with a flag the frame loop can poll, so the story waits on virtual time, not on the promise. */
function settling<T>(promise: Promise<T>): { readonly promise: Promise<T>; readonly settled: () => boolean } {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  return { promise, settled: () => done };
}

export async function runDemoStory(options: DemoOptions, hooks: DemoHooks): Promise<DemoOutcome> {
  const story = new Story(options, hooks);
  try {
    return { ok: true, summary: await story.play() };
  } catch (error) {
    if (error instanceof StoryFailure) return { ok: false, step: error.step, problem: error.message };
    return { ok: false, step: story.currentStep, problem: error instanceof Error ? error.message : String(error) };
  } finally {
    story.dispose();
  }
}

class Story {
  private readonly clock = new VirtualClock();
  private readonly steam: SimulatedSteam;
  private readonly ledger = new WireLedger();
  private readonly actors: Actor[] = [];
  private readonly subscriptions: Subscription[] = [];
  private readonly counts = new Map<number, ChannelCount>([
    [RELIABLE_CHANNEL, { messages: 0, packets: 0, delivered: 0, seedBytes: 0 }],
    [UNRELIABLE_CHANNEL, { messages: 0, packets: 0, delivered: 0, seedBytes: 0 }],
  ]);
  private stepIndex = 0;
  private chatLines = 0;
  currentStep = 'setting up';
  /**
   * Step budgets are for a good network; a slow or lossy one stretches every round trip (a lost reliable datagram
   * costs Steam a resend after ~4 latencies), so the budgets stretch with it.
   */
  private readonly networkSlack: number;

  constructor(
    private readonly options: DemoOptions,
    private readonly hooks: DemoHooks,
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
      this.actors.push(this.watch(index, name, id, runtime));
    }
    hooks.onSteam?.(this.steam);
  }

  async play(): Promise<DemoSummary> {
    const o = this.options;
    this.emit({ type: 'world', t: 0, players: o.players, latencyMs: o.latencyMs, loss: o.loss, seed: o.seed });
    const actors = this.actors;
    const host = actors[0]!;
    const refused = actors[actors.length - 1]!;
    const guests = actors.slice(1, -1);
    const victim = guests[0]!;
    const kicked = guests[guests.length - 1]!;
    // Everyone but the last player fits: the last one meets Steam's "full".
    const memberLimit = o.players - 1;

    // 1. The seed's host: a public lobby, named, with its mode, then one more key once it exists.
    await this.step(0);
    const created = host.runtime.createLobby({ lobbyType: 2, maxMembers: memberLimit, data: { name: "Gramps' Lobby", mode: 'ctf' } });
    await this.until('the lobby to exist', () => host.runtime.lobbyState().status === 'joined', 5_000);
    const made = await created;
    if (!made.ok) throw new StoryFailure(this.currentStep, `creating the lobby failed: ${made.error.reason}`);
    const lobbyId = made.lobbyId;
    host.story.push('created the lobby');
    this.emit({ type: 'lobby-created', t: this.now(), who: who(host), lobbyId, memberLimit });
    for (const [key, value] of Object.entries(host.runtime.lobbyData())) this.emit({ type: 'lobby-data', t: this.now(), who: who(host), key, value });
    this.require(host.runtime.setLobbyData('map', 'ice'), 'setting lobby data');
    this.emit({ type: 'lobby-data', t: this.now(), who: who(host), key: 'map', value: 'ice' });

    // 2. Everyone else looks for a ctf lobby on the ice map with a free slot.
    await this.step(1);
    const filter = { strings: [{ key: 'mode', value: 'ctf' }, { key: 'map', value: 'ice' }], slotsAvailable: 1, distance: 3 as const };
    const seekers = [...guests, refused];
    const listings = seekers.map((seeker) => ({ seeker, listing: settling(seeker.runtime.findLobbies(filter)) }));
    await this.until('every lobby list', () => listings.every((l) => l.listing.settled()), 5_000);
    for (const { seeker, listing } of listings) {
      const result = await listing.promise;
      if (!result.ok) throw new StoryFailure(this.currentStep, `${seeker.name} could not list lobbies: ${result.error.reason}`);
      if (!result.lobbies.some((l) => l.lobbyId === lobbyId)) throw new StoryFailure(this.currentStep, `${seeker.name}'s list did not contain the lobby`);
      const names = result.lobbies.map((l) => l.data['name'] ?? String(l.lobbyId));
      this.emit({ type: 'lobbies-found', t: this.now(), who: who(seeker), filter: 'mode = ctf, map = ice, ≥ 1 free slot, worldwide', found: names.length, names });
    }

    // 3. The guests join together; the last player tries once they are all in, and finds the lobby full.
    await this.step(2);
    const joins = guests.map((g) => ({ guest: g, result: g.runtime.joinLobby(lobbyId) }));
    await this.until('every guest to be in the lobby', () => guests.every((g) => g.runtime.lobbyState().status === 'joined'), 10_000);
    for (const { guest, result } of joins) {
      const joined = await result;
      if (!joined.ok) throw new StoryFailure(this.currentStep, `${guest.name} could not join: ${joined.error.reason}`);
      guest.story.push('joined');
      this.emit({ type: 'joined', t: this.now(), who: who(guest), lobbyId, members: guest.runtime.members().length });
    }
    const late = refused.runtime.joinLobby(lobbyId);
    await this.until(`${refused.name}'s join to be answered`, () => refused.errors.some((e) => e.kind === 'join-failed'), 5_000);
    const answer = await late;
    if (answer.ok) throw new StoryFailure(this.currentStep, `${refused.name} got into a lobby that should have been full`);
    const refusal = answer.error;
    const response = refusal.kind === 'join-failed' ? refusal.response : undefined;
    const key = refusal.kind === 'join-failed' ? refusal.key : undefined;
    refused.story.push(`refused: ${key ?? refusal.kind}`);
    this.emit({ type: 'join-refused', t: this.now(), who: who(refused), response, key, reason: refusal.reason });
    const inLobby = [host, ...guests];

    // 4. Every pair of members handshakes.
    await this.step(3);
    await this.until(
      'every member to be connected to every other',
      () => inLobby.every((a) => a.runtime.allConnected() && a.runtime.members().length === inLobby.length),
      15_000,
    );
    this.emit({ type: 'all-connected', t: this.now(), members: inLobby.length, sessions: (inLobby.length * (inLobby.length - 1)) / 2 });

    // 5. Lobby chat: the host greets, two guests answer.
    await this.step(4);
    const talkers = [host, guests[0]!, guests[guests.length - 1]!].filter((a, i, all) => all.indexOf(a) === i);
    const lines = ["welcome to Gramps' Lobby! ctf on the ice map", 'gg! rematch on the ice map?', 'ready'];
    for (const [i, talker] of talkers.entries()) {
      const before = inLobby.map((a) => a.chatHeard);
      this.require(talker.runtime.sendChat(lines[i]!), `${talker.name}'s chat`);
      this.chatLines++;
      await this.until(`${talker.name}'s chat line to reach everyone`, () => inLobby.every((a, j) => a.chatHeard > before[j]!), 5_000);
      this.emit({ type: 'chat', t: this.now(), who: who(talker), text: lines[i]!, heardBy: inLobby.length });
    }

    // 6. Play: every member sends its input (reliable) and position (unreliable) to everyone, every frame.
    await this.step(5);
    await this.playFrames(inLobby);

    // 7. One guest's link is cut; the others notice the silence, retry, and get it back when the link heals.
    await this.step(6);
    await this.loseAndRecover(victim, inLobby);

    // 8. The owner kicks the last guest in.
    await this.step(7);
    this.require(host.runtime.kick(kicked.id), `${host.name}'s kick`);
    const staying = inLobby.filter((a) => a !== kicked);
    await this.until(
      `${kicked.name} to be out`,
      () => kicked.runtime.lobbyState().status === 'idle' && staying.every((a) => !a.runtime.members().some((m) => m.id === kicked.id)),
      5_000,
    );
    kicked.story.push(`kicked by ${host.name}`);
    host.story.push(`kicked ${kicked.name}`);
    this.emit({ type: 'kicked', t: this.now(), by: who(host), who: who(kicked), reason: kicked.leftReason ?? 'no reason reached the kicked player' });

    // 9. The owner leaves; Steam picks a new owner, and everyone hears who.
    await this.step(8);
    const heirs = staying.filter((a) => a !== host);
    this.require(host.runtime.leaveLobby(), `${host.name} leaving`);
    this.emit({ type: 'owner-left', t: this.now(), who: who(host) });
    await this.until(
      'everyone to agree on a new owner',
      () => {
        const owner = heirs[0]!.runtime.lobbyState().ownerId;
        return owner !== undefined && owner !== host.id && heirs.every((a) => a.runtime.lobbyState().ownerId === owner && a.runtime.members().length === heirs.length);
      },
      5_000,
    );
    await this.until(`${host.name}'s sessions to close`, () => host.open.size === 0 && host.runtime.lobbyState().status === 'idle', 5_000);
    host.story.push('left (ownership moved)');
    this.emit({ type: 'left', t: this.now(), who: who(host), reason: 'left; ownership passed on', sessionsClosed: host.sessionsClosed });
    const ownerId = heirs[0]!.runtime.lobbyState().ownerId!;
    const owner = heirs.find((a) => a.id === ownerId)!;
    owner.story.push('became the owner');
    this.emit({ type: 'owner-changed', t: this.now(), from: who(host), to: who(owner), seenBy: heirs.length });
    if (heirs.length > 1) {
      const before = heirs.map((a) => a.chatHeard);
      this.require(owner.runtime.sendChat(`${owner.name} is hosting now`), `${owner.name}'s announcement`);
      this.chatLines++;
      await this.until('the new owner\'s announcement to reach everyone', () => heirs.every((a, j) => a.chatHeard > before[j]!), 5_000);
      this.emit({ type: 'chat', t: this.now(), who: who(owner), text: `${owner.name} is hosting now`, heardBy: heirs.length });
    }

    // 10. Everyone leaves, the owner last; every session closes.
    await this.step(9);
    const order = [...heirs.filter((a) => a !== owner), owner];
    for (const leaver of order) {
      this.require(leaver.runtime.leaveLobby(), `${leaver.name} leaving`);
      await this.until(`${leaver.name} to leave`, () => leaver.runtime.lobbyState().status === 'idle' && leaver.open.size === 0, 5_000);
      leaver.story.push('left');
      this.emit({ type: 'left', t: this.now(), who: who(leaver), reason: leaver === owner ? 'left last; the lobby is gone' : 'left', sessionsClosed: leaver.sessionsClosed });
    }
    await this.until('every session to close', () => actors.every((a) => a.open.size === 0), 5_000);
    const opened = actors.reduce((n, a) => n + a.sessionsOpened, 0);
    const closed = actors.reduce((n, a) => n + a.sessionsClosed, 0);
    this.emit({ type: 'all-closed', t: this.now(), opened, closed });

    return this.summary(lobbyId, memberLimit, { refused, refusal: refusal.reason, kicked, host, owner });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    for (const a of this.actors) a.runtime.dispose();
  }

  // ── the story's longer steps ──────────────────────────────────────────────────────────────────────────────

  private async playFrames(inLobby: readonly Actor[]): Promise<void> {
    const reliable = this.counts.get(RELIABLE_CHANNEL)!;
    const unreliable = this.counts.get(UNRELIABLE_CHANNEL)!;
    const wireStart = this.wireBytes();
    for (let frame = 1; frame <= PLAY_FRAMES; frame++) {
      for (const actor of inLobby) {
        const { input, state } = actor.motion.step(frame);
        this.sendCounted(actor, input, RELIABLE_CHANNEL, true, reliable);
        this.sendCounted(actor, state, UNRELIABLE_CHANNEL, false, unreliable);
      }
      this.frame();
      this.hooks.onProgress?.({ step: this.stepIndex, done: frame, of: PLAY_FRAMES });
      if (this.hooks.pace !== undefined) await this.hooks.pace('frame');
      if (frame % TRAFFIC_REPORT_EVERY === 0 && frame < PLAY_FRAMES) this.reportTraffic(frame, wireStart);
    }
    // Let what is in flight land before counting it delivered (unreliable packets may be lost for good).
    await this.until('the reliable messages to arrive', () => reliable.delivered >= reliable.packets, 5_000);
    await this.run(300);
    this.reportTraffic(PLAY_FRAMES, wireStart);
  }

  private async loseAndRecover(victim: Actor, inLobby: readonly Actor[]): Promise<void> {
    const others = inLobby.filter((a) => a !== victim);
    this.steam.faults.partition([victim.id]);
    victim.story.push('lost its link');
    this.emit({ type: 'link-cut', t: this.now(), who: who(victim) });
    await this.until(
      `the others to notice ${victim.name} is gone`,
      () => others.every((a) => a.failedWith.has(victim.id)) && others.every((a) => victim.failedWith.has(a.id)),
      20_000,
      true,
    );
    this.steam.faults.heal();
    this.emit({ type: 'link-restored', t: this.now(), who: who(victim) });
    await this.until(
      `${victim.name} to reconnect`,
      () => inLobby.every((a) => a.runtime.allConnected() && a.runtime.members().length === inLobby.length),
      30_000,
      true,
    );
    const attempts = Math.max(...victim.errors.filter((e) => e.kind === 'session-failed').map((e) => (e.kind === 'session-failed' ? e.attempt : 0))) + 1;
    victim.story.push(`reconnected to ${others.length} after a retry`);
    this.emit({ type: 'reconnected', t: this.now(), who: who(victim), peers: others.length, attempts });
  }

  // ── the clock and the players ─────────────────────────────────────────────────────────────────────────────

  private frame(): void {
    this.clock.advance(FRAME_MS);
    for (const a of this.actors) a.runtime.tick();
    this.reportFailures();
  }

  private async run(ms: number): Promise<void> {
    for (let t = 0; t < ms; t += FRAME_MS) this.frame();
    await Promise.resolve();
  }

  /**
   * Runs frames until `done()` holds; a step that takes longer than `budgetMs` of virtual time fails the story.
   * With `progress`, reports how far into the budget it is (for the long waits a watcher should see moving).
   */
  private async until(what: string, done: () => boolean, budgetMs: number, progress = false): Promise<void> {
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

  private now(): number {
    return Math.round(this.clock.now());
  }

  private async step(index: number): Promise<void> {
    this.stepIndex = index + 1;
    this.currentStep = STORY_STEPS[index]!;
    if (this.hooks.pace !== undefined) await this.hooks.pace('step');
    this.emit({ type: 'step', t: this.now(), index: index + 1, total: STORY_STEPS.length, title: this.currentStep });
  }

  private emit(event: DemoEvent): void {
    this.hooks.onEvent(event);
  }

  private require(result: { readonly ok: boolean; readonly error?: LobbyRuntimeError }, what: string): void {
    if (!result.ok) throw new StoryFailure(this.currentStep, `${what} was refused: ${result.error?.reason ?? 'no reason given'}`);
  }

  private watch(index: number, name: string, id: bigint, runtime: LobbyRuntime): Actor {
    const actor: Actor = {
      index,
      name,
      id,
      runtime,
      motion: new PlayerMotion((this.options.seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0),
      errors: [],
      story: [],
      open: new Set(),
      chatHeard: 0,
      messagesReceived: 0,
      sessionsOpened: 0,
      sessionsClosed: 0,
      reconnections: 0,
      failedWith: new Set(),
      errorsSeen: 0,
      leftReason: undefined,
    };
    const delivered = (channel: number) => () => {
      this.counts.get(channel)!.delivered++;
      actor.messagesReceived++;
    };
    this.subscriptions.push(
      runtime.errors$.subscribe((e) => actor.errors.push(e)),
      runtime.chat$.subscribe(() => actor.chatHeard++),
      runtime.lifecycle$.subscribe((event) => {
        if (event.type === 'lifecycle.left') actor.leftReason = event.reason.reason;
      }),
      runtime.messages(RELIABLE_CHANNEL).subscribe(delivered(RELIABLE_CHANNEL)),
      runtime.messages(UNRELIABLE_CHANNEL).subscribe(delivered(UNRELIABLE_CHANNEL)),
      runtime.sessions$.subscribe((event) => {
        if (event.type === 'peer.connected') {
          if (!actor.open.has(event.remoteId)) actor.sessionsOpened++;
          actor.open.add(event.remoteId);
          if (actor.failedWith.has(event.remoteId)) actor.reconnections++;
        } else if (event.type === 'peer.closed') {
          if (actor.open.delete(event.remoteId)) actor.sessionsClosed++;
        }
      }),
    );
    return actor;
  }

  private sendCounted(actor: Actor, message: unknown, channel: number, reliable: boolean, count: ChannelCount): void {
    const sent = actor.runtime.send('all', message, { channel, reliable });
    if (!sent.ok) throw new StoryFailure(this.currentStep, `${actor.name}'s send on channel ${channel} was refused: ${sent.error.reason}`);
    count.messages++;
    count.packets += sent.recipients;
    count.seedBytes += seedBytesOf(message) * sent.recipients;
  }

  private wireBytes(): number {
    return this.ledger.channel(RELIABLE_CHANNEL).bytes + this.ledger.channel(UNRELIABLE_CHANNEL).bytes;
  }

  private reportTraffic(frame: number, wireStart: number): void {
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

  private summary(
    lobbyId: bigint,
    memberLimit: number,
    cast: { refused: Actor; refusal: string; kicked: Actor; host: Actor; owner: Actor },
  ): DemoSummary {
    const failures = new Map<string, { count: number; example: string }>();
    let retries = 0;
    for (const a of this.actors) {
      for (const e of a.errors) {
        const code = e.kind === 'join-failed' && e.key !== undefined ? e.key : 'code' in e ? String(e.code) : e.kind === 'session-failed' ? e.failure.code : '';
        const key = code === '' ? e.kind : `${e.kind}/${code}`;
        const row = failures.get(key) ?? { count: 0, example: e.reason };
        row.count++;
        failures.set(key, row);
        if (e.kind === 'session-failed' && e.retryInMs !== undefined) retries++;
      }
    }
    const failureRows: FailureRow[] = [...failures.entries()]
      .map(([key, row]) => ({ key, count: row.count, example: row.example }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
    const channel = (n: number, label: string, reliable: boolean) => {
      const c = this.counts.get(n)!;
      return { channel: n, label, reliable, messages: c.messages, packets: c.packets, delivered: c.delivered, bytes: this.ledger.channel(n).bytes, seedBytes: c.seedBytes };
    };
    return {
      players: this.options.players,
      seed: this.options.seed,
      latencyMs: this.options.latencyMs,
      loss: this.options.loss,
      virtualMs: this.now(),
      lobbyId,
      memberLimit,
      members: this.actors.map((a) => ({ name: a.name, id: a.id, story: [...a.story], chatHeard: a.chatHeard, messagesReceived: a.messagesReceived })),
      channels: [channel(RELIABLE_CHANNEL, 'input', true), channel(UNRELIABLE_CHANNEL, 'position', false)],
      control: { ...this.ledger.channel(CONTROL_CHANNEL) },
      chatLines: this.chatLines,
      refused: { who: who(cast.refused), reason: cast.refusal },
      kicked: { who: who(cast.kicked), by: who(cast.host) },
      ownerChange: { from: who(cast.host), to: who(cast.owner) },
      retries,
      reconnections: this.actors.reduce((n, a) => n + a.reconnections, 0),
      sessions: {
        opened: this.actors.reduce((n, a) => n + a.sessionsOpened, 0),
        closed: this.actors.reduce((n, a) => n + a.sessionsClosed, 0),
      },
      failures: failureRows,
    };
  }
}
