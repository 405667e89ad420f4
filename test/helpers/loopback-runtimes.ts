/**
 * Runtimes on the loopback backend against a real `lobbykit serve` service on port 0: the sockets are real, the
 * runtimes' clock is virtual. A frame advances the clock, ticks every runtime, then waits for a round trip of every
 * backend through the service (twice: the service handles what each sent, then each receives what it sent back),
 * so nothing sleeps and timers (seat windows, vote timeouts) run on virtual time.
 */
import type { Subscription } from 'rxjs';
import { VirtualClock } from '../../src/effects/clock.js';
import { createLoopbackBackend } from '../../src/effects/loopback/connect.js';
import type { LoopbackBackend, LoopbackTransport } from '../../src/effects/loopback/loopback-backend.js';
import type { SessionEmitted } from '../../src/machines/session.machine.js';
import type { VoteKickEmitted } from '../../src/machines/vote-kick.machine.js';
import { startLoopbackService, type LoopbackService } from '../../src/loopback-server/service.js';
import { createLobbyRuntime, type LifecycleEvent, type LobbyRuntime, type LobbyRuntimeOptions } from '../../src/runtime.js';

export const FRAME_MS = 1000 / 60;

export interface LoopbackPlayer {
  readonly id: bigint;
  readonly backend: LoopbackBackend;
  readonly runtime: LobbyRuntime;
  readonly lifecycle: LifecycleEvent[];
  readonly sessions: SessionEmitted[];
  readonly votes: VoteKickEmitted[];
  lifecycleOf<T extends LifecycleEvent['type']>(type: T): Extract<LifecycleEvent, { type: T }>[];
  sessionsOf<T extends SessionEmitted['type']>(type: T): Extract<SessionEmitted, { type: T }>[];
  /** The socket breaks without a close handshake: the service reports this player "disconnected" to the others. */
  dropConnection(): Promise<void>;
}

export interface LoopbackRuntimes {
  readonly clock: VirtualClock;
  readonly service: LoopbackService;
  player(name: string, options?: Partial<LobbyRuntimeOptions>): Promise<LoopbackPlayer>;
  run(ms: number): Promise<void>;
  runUntil(done: () => boolean, maxMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function startLoopbackRuntimes(): Promise<LoopbackRuntimes> {
  const service = await startLoopbackService({ port: 0 });
  const clock = new VirtualClock();
  const players: LoopbackPlayer[] = [];
  const subscriptions: Subscription[] = [];
  const live = new Set<LoopbackBackend>();

  const frame = async (): Promise<void> => {
    clock.advance(FRAME_MS);
    for (const p of players) p.runtime.tick();
    for (let round = 0; round < 2; round++) await Promise.all([...live].map((b) => b.settle().catch(() => live.delete(b))));
  };

  return {
    clock,
    service,
    async player(name, options = {}) {
      const backend = await createLoopbackBackend({ url: service.url, name });
      live.add(backend);
      const runtime = createLobbyRuntime({ backend, clock, ...options });
      const lifecycle: LifecycleEvent[] = [];
      const sessions: SessionEmitted[] = [];
      const votes: VoteKickEmitted[] = [];
      subscriptions.push(
        runtime.lifecycle$.subscribe((e) => lifecycle.push(e)),
        runtime.sessions$.subscribe((e) => sessions.push(e)),
        runtime.votes$.subscribe((e) => votes.push(e)),
      );
      const player: LoopbackPlayer = {
        id: backend.localUserId(),
        backend,
        runtime,
        lifecycle,
        sessions,
        votes,
        lifecycleOf: (type) => lifecycle.filter((e) => e.type === type) as never,
        sessionsOf: (type) => sessions.filter((e) => e.type === type) as never,
        async dropConnection() {
          live.delete(backend);
          // Code 4000 is no clean close (1000): the service treats the player as disconnected, as Steam would.
          await (backend as unknown as { readonly transport: LoopbackTransport }).transport.close(4000, 'connection dropped');
        },
      };
      players.push(player);
      return player;
    },
    async run(ms) {
      const frames = Math.max(1, Math.round(ms / FRAME_MS));
      for (let i = 0; i < frames; i++) await frame();
    },
    async runUntil(done, maxMs = 10_000) {
      const frames = Math.round(maxMs / FRAME_MS);
      for (let i = 0; i < frames; i++) {
        if (done()) return true;
        await frame();
      }
      return done();
    },
    async close() {
      for (const s of subscriptions) s.unsubscribe();
      for (const p of players) p.runtime.dispose();
      await Promise.all(players.map((p) => p.backend.close()));
      await service.close();
    },
  };
}
