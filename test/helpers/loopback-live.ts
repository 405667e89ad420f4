/**
 * Runtimes over a real `lobbykit serve` in this process, on the system clock (real sockets, so real time): each
 * wait ticks every runtime whenever anything arrives from the service and ends on its check or its deadline, so
 * nothing sleeps.
 */
import { createLoopbackBackend } from '../../src/effects/loopback/connect.js';
import type { LoopbackBackend } from '../../src/effects/loopback/loopback-backend.js';
import { startLoopbackService, type LoopbackService } from '../../src/loopback-server/service.js';
import { createLobbyRuntime, type LobbyRuntime, type LobbyRuntimeError } from '../../src/runtime.js';

export const LOOPBACK_WAIT_MS = 5000;

export interface LoopbackPlayer {
  readonly backend: LoopbackBackend;
  readonly runtime: LobbyRuntime;
  readonly errors: LobbyRuntimeError[];
}

export interface LoopbackRuntimes {
  readonly service: LoopbackService;
  player(name: string): Promise<LoopbackPlayer>;
  /** Ticks every runtime on each arrival until `check()` holds; rejects after LOOPBACK_WAIT_MS. */
  until(what: string, check: () => boolean): Promise<void>;
  close(): Promise<void>;
}

export async function startLoopbackRuntimes(): Promise<LoopbackRuntimes> {
  const service = await startLoopbackService({ port: 0, log: () => {} });
  const players: LoopbackPlayer[] = [];
  const tickAll = (): void => {
    for (const p of players) p.runtime.tick();
  };
  return {
    service,
    async player(name) {
      const backend = await createLoopbackBackend({ url: service.url, name });
      const runtime = createLobbyRuntime({ backend });
      const errors: LobbyRuntimeError[] = [];
      runtime.errors$.subscribe((e) => errors.push(e));
      const player = { backend, runtime, errors };
      players.push(player);
      return player;
    },
    until(what, check) {
      return new Promise((resolve, reject) => {
        const stops: (() => void)[] = [];
        const end = (): void => {
          clearTimeout(timer);
          for (const stop of stops) stop();
        };
        let done = false;
        const look = (): void => {
          if (done) return;
          tickAll();
          // Results settle promises: let their callbacks run before checking.
          setImmediate(() => {
            if (done || !check()) return;
            done = true;
            end();
            resolve();
          });
        };
        const timer = setTimeout(() => {
          done = true;
          end();
          reject(new Error(`timed out after ${LOOPBACK_WAIT_MS} ms waiting for ${what}`));
        }, LOOPBACK_WAIT_MS);
        for (const p of players) stops.push(p.backend.onIncoming(() => queueMicrotask(look)));
        look();
      });
    },
    async close() {
      for (const p of players) p.runtime.dispose();
      await Promise.all(players.map((p) => p.backend.close()));
      await service.close();
    },
  };
}

/** Resolves when the runtime's actors have stopped (what dispose() ends with), or rejects after `ms`. */
export function actorsStopped(runtime: LobbyRuntime, ms = LOOPBACK_WAIT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    if (runtime.actor.getSnapshot().status === 'stopped') return resolve();
    const timer = setTimeout(() => reject(new Error(`the runtime's actors still run after ${ms} ms`)), ms);
    runtime.actor.subscribe({
      complete: () => {
        clearTimeout(timer);
        resolve();
      },
      error: () => {},
    });
  });
}
