/**
 * Runtimes on the simulated Steam: one runtime per user, all on one VirtualClock, ticked together like game loops
 * at 60 Hz of virtual time. Every stream a runtime has is recorded, so tests assert on what a game would see.
 */
import type { Subscription } from 'rxjs';
import type { Backend } from '../../src/effects/backend.js';
import type { SimulatedUserOptions } from '../../src/effects/sim/network.js';
import type { LifecycleEvent } from '../../src/runtime/api.js';
import type { SessionEmitted } from '../../src/machines/session.machine.js';
import {
  createLobbyRuntime,
  type ChannelMessage,
  type ChatMessage,
  type CreateLobbyOptions,
  type LobbyRuntime,
  type LobbyRuntimeError,
  type LobbyRuntimeOptions,
} from '../../src/runtime.js';
import { createSimWorld, type BackendFlavour, type SimWorld } from './sim-world.js';

export const FRAME_MS = 1000 / 60;

export interface Player {
  readonly id: bigint;
  readonly backend: Backend;
  readonly runtime: LobbyRuntime;
  readonly errors: LobbyRuntimeError[];
  readonly lifecycle: LifecycleEvent[];
  readonly sessions: SessionEmitted[];
  readonly chat: ChatMessage[];
  /** Messages per channel, for the channels `listen` subscribed. */
  readonly inbox: Map<number, ChannelMessage[]>;
  listen(channel: number): ChannelMessage[];
  errorsOf<K extends LobbyRuntimeError['kind']>(kind: K): Extract<LobbyRuntimeError, { kind: K }>[];
  lifecycleOf<T extends LifecycleEvent['type']>(type: T): Extract<LifecycleEvent, { type: T }>[];
  sessionsOf<T extends SessionEmitted['type']>(type: T): Extract<SessionEmitted, { type: T }>[];
}

export interface RuntimeWorld {
  readonly sim: SimWorld;
  readonly flavour: BackendFlavour;
  readonly players: Player[];
  /** A user with a running runtime. */
  player(index: number, options?: Partial<SimulatedUserOptions>, runtime?: Partial<LobbyRuntimeOptions>): Player;
  /** Runs `fn` every frame after the runtimes tick (bare backends, bots). */
  everyFrame(fn: () => void): void;
  /** Advances virtual time by `ms`, ticking every runtime each frame (and letting promises settle). */
  run(ms: number): Promise<void>;
  /** Runs frames until `done()` or `maxMs` of virtual time; returns whether `done()` became true. */
  runUntil(done: () => boolean, maxMs?: number): Promise<boolean>;
  dispose(): void;
}

export function userId(index: number): bigint {
  return 76561198000000000n + BigInt(index + 1);
}

const flushMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function createRuntimeWorld(flavour: BackendFlavour, seed = 7): RuntimeWorld {
  const sim = createSimWorld(flavour, { seed });
  const players: Player[] = [];
  const subscriptions: Subscription[] = [];
  // Steamworks.js is promise based: its results need microtasks between frames; the simulated backend does not.
  const flushEveryFrame = flavour !== 'simulated';
  const frameHooks: (() => void)[] = [];

  const frame = async () => {
    sim.clock.advance(FRAME_MS);
    for (const p of players) p.runtime.tick();
    for (const hook of frameHooks) hook();
    if (flushEveryFrame) await flushMicrotasks();
  };

  const world: RuntimeWorld = {
    sim,
    flavour,
    players,
    everyFrame(fn) {
      frameHooks.push(fn);
    },
    player(index, options = {}, runtimeOptions = {}) {
      const id = userId(index);
      const backend = sim.user({ id, name: `player${index}`, ...options });
      const runtime = createLobbyRuntime({ backend, clock: sim.clock, ...runtimeOptions });
      const errors: LobbyRuntimeError[] = [];
      const lifecycle: LifecycleEvent[] = [];
      const sessions: SessionEmitted[] = [];
      const chat: ChatMessage[] = [];
      const inbox = new Map<number, ChannelMessage[]>();
      subscriptions.push(
        runtime.errors$.subscribe((e) => errors.push(e)),
        runtime.lifecycle$.subscribe((e) => lifecycle.push(e)),
        runtime.sessions$.subscribe((e) => sessions.push(e)),
        runtime.chat$.subscribe((m) => chat.push(m)),
      );
      const player: Player = {
        id,
        backend,
        runtime,
        errors,
        lifecycle,
        sessions,
        chat,
        inbox,
        listen(channel) {
          let list = inbox.get(channel);
          if (list === undefined) {
            const received: ChannelMessage[] = [];
            list = received;
            inbox.set(channel, received);
            subscriptions.push(runtime.messages(channel).subscribe((m) => received.push(m)));
          }
          return list;
        },
        errorsOf: (kind) => errors.filter((e) => e.kind === kind) as never,
        lifecycleOf: (type) => lifecycle.filter((e) => e.type === type) as never,
        sessionsOf: (type) => sessions.filter((e) => e.type === type) as never,
      };
      players.push(player);
      return player;
    },
    async run(ms) {
      const frames = Math.max(1, Math.round(ms / FRAME_MS));
      for (let i = 0; i < frames; i++) await frame();
      await flushMicrotasks();
    },
    async runUntil(done, maxMs = 60_000) {
      const frames = Math.round(maxMs / FRAME_MS);
      for (let i = 0; i < frames; i++) {
        if (done()) return true;
        await frame();
        if (!flushEveryFrame && i % 8 === 0) await flushMicrotasks();
      }
      await flushMicrotasks();
      return done();
    },
    dispose() {
      for (const s of subscriptions) s.unsubscribe();
      for (const p of players) p.runtime.dispose();
    },
  };
  return world;
}

/** The player creates a lobby; resolves with its id once the player is in it (throws if Steam refuses the lobby). */
export async function hostLobby(w: RuntimeWorld, host: Player, options?: CreateLobbyOptions): Promise<bigint> {
  const created = host.runtime.createLobby(options);
  await w.runUntil(() => host.runtime.lobbyState().status === 'joined', 5_000);
  const result = await created;
  if (!result.ok) throw new Error(result.error.reason);
  return result.lobbyId;
}

/**
 * The first player creates a lobby and the others join it; resolves with its id once everyone is connected to
 * everyone (throws if that does not happen within 15 s of virtual time).
 */
export async function connectAll(w: RuntimeWorld, players: readonly Player[], maxMembers = 8): Promise<bigint> {
  const lobbyId = await hostLobby(w, players[0]!, { maxMembers });
  for (const p of players.slice(1)) void p.runtime.joinLobby(lobbyId);
  const size = players.length;
  const all = () => players.every((p) => p.runtime.allConnected() && p.runtime.members().length === size);
  if (!(await w.runUntil(all, 15_000))) throw new Error('lobby did not connect');
  return lobbyId;
}
