/** A small harness over the simulated Steam: users, backends of one kind, and virtual time that also lets promises settle. */
import { VirtualClock } from '../../src/effects/clock.js';
import type { Backend, BackendEvent } from '../../src/effects/backend.js';
import { createSimulatedSteam, type SimulatedSteam, type SimulatedSteamOptions, type SimulatedUserOptions } from '../../src/effects/sim/network.js';
import { wrapSteamworksClient } from '../../src/effects/steamworks/adapter.js';

/** The simulator's own backend, or the steamworks.js adapter over its steamworks.js-shaped client (0.4, or the @pipelab fork). */
export type BackendFlavour = 'simulated' | 'steamworks-adapter' | 'steamworks-pipelab';

export interface SimWorld {
  readonly clock: VirtualClock;
  readonly steam: SimulatedSteam;
  /** Adds a user and returns their backend of this world's flavour. */
  user(options: SimulatedUserOptions): Backend;
  /** Advances virtual time in small steps, letting promise callbacks (steamworks.js-style) run between them. */
  settle(ms?: number): Promise<void>;
  /** poll() then drainEvents() into an array. */
  events(backend: Backend): BackendEvent[];
}

const flushMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function createSimWorld(flavour: BackendFlavour, overrides: Partial<Omit<SimulatedSteamOptions, 'clock'>> = {}): SimWorld {
  const clock = new VirtualClock();
  const steam = createSimulatedSteam({ seed: 7, clock, ...overrides });
  return {
    clock,
    steam,
    user(options) {
      steam.addUser(options);
      if (flavour === 'simulated') return steam.backend(options.id);
      const binding = flavour === 'steamworks-pipelab' ? '@pipelab/steamworks.js' : 'steamworks.js';
      return wrapSteamworksClient(steam.steamworksClient(options.id, binding), { argv: options.launchArgs ?? [] });
    },
    async settle(ms = 500) {
      await flushMicrotasks();
      for (let t = 0; t < ms; t += 10) {
        clock.advance(10);
        await flushMicrotasks();
      }
    },
    events(backend) {
      backend.poll();
      const out: BackendEvent[] = [];
      backend.drainEvents((e) => out.push(e));
      return out;
    },
  };
}

export function ofType<T extends BackendEvent['type']>(events: readonly BackendEvent[], type: T): Extract<BackendEvent, { type: T }>[] {
  return events.filter((e): e is Extract<BackendEvent, { type: T }> => e.type === type);
}

/** Reads every packet on `channel` after a poll. */
export function readAll(backend: Backend, channel: number): { from: bigint; bytes: Uint8Array }[] {
  backend.poll();
  const out: { from: bigint; bytes: Uint8Array }[] = [];
  for (let p = backend.readP2P(channel); p !== undefined; p = backend.readP2P(channel)) out.push({ from: p.from, bytes: p.bytes });
  return out;
}

export const ALICE = 76561198000000001n;
export const BOB = 76561198000000002n;
export const CAROL = 76561198000000003n;
export const DAVE = 76561198000000004n;

/**
 * Alice, Bob and Carol signed in to a simulated Steam of their own clock, for tests that drive the steamworks.js-shaped
 * client directly; `settle` lets promise callbacks run before and between 10 ms steps of virtual time.
 */
export function simulatedSteamWithAliceBobCarol(seed: number): { clock: VirtualClock; steam: SimulatedSteam; settle(ms?: number): Promise<void> } {
  const clock = new VirtualClock();
  const steam = createSimulatedSteam({ seed, clock });
  for (const [id, name] of [
    [ALICE, 'Alice'],
    [BOB, 'Bob'],
    [CAROL, 'Carol'],
  ] as const) {
    steam.addUser({ id, name });
  }
  const settle = async (ms = 300): Promise<void> => {
    await flushMicrotasks();
    for (let t = 0; t < ms; t += 10) {
      clock.advance(10);
      await flushMicrotasks();
    }
  };
  return { clock, steam, settle };
}
