/**
 * A lobbykit runtime on the loopback backend, for tests that play it against real processes (Godot games, a
 * `lobbykit bot`): it ticks whenever the service sends something (and at 60 Hz for its timers), records what its
 * streams publish, and lets a test wait on a condition over those records — checked after every tick and
 * rejected past a deadline, so nothing sleeps and nothing hangs. Beside it, the same kind of wait on a bare backend.
 */
import { createLoopbackBackend } from '../../src/effects/loopback/connect.js';
import type { BackendEvent } from '../../src/effects/backend.js';
import type { LoopbackBackend } from '../../src/effects/loopback/loopback-backend.js';
import type { SessionEmitted } from '../../src/machines/session.machine.js';
import { createLobbyRuntime, type ChannelMessage, type ChatMessage, type LobbyRuntime, type LobbyRuntimeError, type LobbyRuntimeOptions } from '../../src/runtime.js';

export class LoopbackPlayer {
  readonly messages: ChannelMessage[] = [];
  readonly chat: ChatMessage[] = [];
  readonly sessions: SessionEmitted[] = [];
  readonly errors: LobbyRuntimeError[] = [];
  /** Every member list `members$` published, as [id, name] pairs of the others. */
  readonly memberLists: (readonly (readonly [string, string])[])[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly stopTicking: () => void;
  private readonly stopListening: () => void;
  private closed = false;

  private constructor(
    readonly label: string,
    readonly backend: LoopbackBackend,
    readonly runtime: LobbyRuntime,
    channels: readonly number[],
  ) {
    for (const channel of channels) runtime.messages(channel).subscribe((m) => this.messages.push(m));
    runtime.chat$.subscribe((c) => this.chat.push(c));
    runtime.sessions$.subscribe((e) => this.sessions.push(e));
    runtime.errors$.subscribe((e) => this.errors.push(e));
    runtime.members$.subscribe((list) => this.memberLists.push(list.filter((m) => !m.isSelf).map((m) => [String(m.id), m.name] as const)));
    this.stopTicking = runtime.startAutoTick(60);
    this.stopListening = backend.onIncoming(() => queueMicrotask(() => this.tick()));
  }

  /** `options`: runtime options beside the backend, e.g. `tutorial: { godotVersion: 4 }`. */
  static async start(
    label: string,
    url: string,
    name: string,
    channels: readonly number[] = [0],
    options: Omit<LobbyRuntimeOptions, 'backend'> = {},
  ): Promise<LoopbackPlayer> {
    const backend = await createLoopbackBackend({ url, name });
    return new LoopbackPlayer(label, backend, createLobbyRuntime({ ...options, backend }), channels);
  }

  get id(): bigint {
    return this.runtime.selfId;
  }

  tick(): void {
    if (this.closed) return;
    this.runtime.tick();
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves once `check` holds (checked now and after every tick); rejects after `timeoutMs`. */
  until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const test = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters.delete(test);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(test);
        reject(new Error(`${this.label}: timed out after ${timeoutMs} ms waiting for ${what}; errors: ${this.errors.map((e) => e.reason).join(' | ')}`));
      }, timeoutMs);
      this.waiters.add(test);
      test();
    });
  }

  /** The sessions$ events of `type` about `remoteId`. */
  sessionEvents(type: SessionEmitted['type'], remoteId: bigint): SessionEmitted[] {
    return this.sessions.filter((e) => e.type === type && 'remoteId' in e && e.remoteId === remoteId);
  }

  /** Quits as a game does: the runtime is disposed (leaving its lobby) and the connection closed cleanly. */
  async quit(): Promise<void> {
    if (this.closed) return;
    this.tick();
    this.closed = true;
    this.stopTicking();
    this.stopListening();
    this.runtime.dispose();
    await this.backend.close();
  }
}

/** Drains a bare loopback `backend` into `seen` on every arrival until `check` holds; rejects after `timeoutMs`. */
export function drainUntil(backend: LoopbackBackend, seen: BackendEvent[], what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const test = (): boolean => {
      backend.drainEvents((e) => seen.push(e));
      return check();
    };
    if (test()) return resolve();
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const stop = backend.onIncoming(() =>
      queueMicrotask(() => {
        if (test()) {
          clearTimeout(timer);
          stop();
          resolve();
        }
      }),
    );
  });
}
