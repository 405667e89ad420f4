/**
 * What the steamworks.js native module keeps for one game process, as the simulator models it: the one Steam client
 * `init()` made (or none), the one handler per callback id, the async calls waiting for Steam, what the last lobby
 * list showed of lobbies the user is not in, and the 33 ms timer through which every callback and every async
 * result reaches JavaScript. A second `init()` drops all of it; a call with no client at all is a native abort.
 */
import { steamErrorByResult, type BackendEvent } from '../../backend.js';
import type { SteamworksLobby } from '../../steamworks/client-types.js';
import type { SimCore } from '../core.js';
import type { SimUser } from '../users/user.js';
import { SimulatedNativeAbort, napiError } from './native-errors.js';
import { callbackOf } from './payloads.js';

/** What a lobby list showed of a lobby the user is not in: Steam's copy at list time, refreshed only by RequestLobbyData (sdk isteammatchmaking.h:208-216). */
export interface ListedLobby {
  readonly memberCount: number;
  readonly memberLimit: number;
  readonly data: ReadonlyMap<string, string>;
}

type Handler = (value: unknown) => void;

interface Deferred<T> {
  readonly generation: number;
  resolve(value: T): void;
  reject(error: Error): void;
}

/** runCallbacks every 1000 / 30 ms (steamworks.js index.js:33-34). */
export const RUN_CALLBACKS_MS = 1000 / 30;

export class SimSteamworksProcess {
  /** Bumped by every `init()`; 0 before the first. Handles and async calls of an older generation are dead. */
  generation = 0;
  /** Whether a client exists (steamworks.js client.rs:5-26): false before `init()` and after a failed re-init. */
  live = false;
  /** One handler per callback id, whoever registered it (steamworks-rs callback.rs:45-53). */
  readonly handlers = new Map<number, Handler>();
  readonly creates: Deferred<SteamworksLobby>[] = [];
  readonly joins = new Map<bigint, Deferred<SteamworksLobby>[]>();
  readonly lists: Deferred<readonly bigint[]>[] = [];
  readonly listed = new Map<bigint, ListedLobby>();
  private startedAt = 0;
  private readonly listener = (event: BackendEvent): void => this.onEvent(event);

  constructor(
    readonly core: SimCore,
    readonly user: SimUser,
    /** Settles a lobby list with lobby handles (the client's to make). */
    private readonly settleList: (deferred: Deferred<readonly bigint[]>, ids: readonly bigint[]) => void,
    private readonly settleLobby: (deferred: Deferred<SteamworksLobby>, id: bigint) => void,
  ) {}

  /**
   * steamworks.js lib.rs:13-31: a client already there is dropped first (client.rs:23-26), and with it every
   * callback registered through it and the results of its pending calls (steamworks-rs lib.rs:89-98 keeps both
   * inside the dropped client): those promises never settle. `started` is false when the new init() failed.
   */
  restart(started: boolean): void {
    this.generation++;
    this.handlers.clear();
    this.listed.clear();
    this.live = started;
    const listening = this.user.listeners.includes(this.listener);
    if (started && !listening) this.user.listeners.push(this.listener);
    if (!started && listening) this.user.listeners.splice(this.user.listeners.indexOf(this.listener), 1);
    this.startedAt = this.core.now();
  }

  /** The game process ends: nothing is delivered any more. */
  exit(): void {
    this.restart(false);
  }

  /** Every synchronous native call starts with get_client(), which panics without one (steamworks.js client.rs:13-16). */
  requireLive(call: string): void {
    if (!this.live) throw new SimulatedNativeAbort(`${call}: steamworks.js has no Steam client (init() failed or was never called); the process aborts`);
  }

  deferred<T>(resolve: (value: T) => void, reject: (error: Error) => void): Deferred<T> {
    return { generation: this.generation, resolve, reject };
  }

  /** `callback.register` (steamworks.js callback.rs:39-85): replaces that id's handler, whoever set it. */
  register(id: number, handler: Handler): { disconnect(): void } {
    this.handlers.set(id, handler);
    const generation = this.generation;
    let connected = true;
    return {
      // Removes the id's entry whoever registered it (steamworks-rs callback.rs:23-28); once only (steamworks.js
      // callback.rs:17-22); a no-op once its client is gone (the Weak upgrade fails: callback.rs:24).
      disconnect: () => {
        if (!connected || generation !== this.generation) return;
        connected = false;
        this.handlers.delete(id);
      },
    };
  }

  /**
   * Runs `deliver` at the next runCallbacks: Steam's callbacks and call results reach JavaScript only there
   * (steamworks-rs lib.rs:221-255, run from steamworks.js index.js:33-34), each as its own call into JavaScript
   * (a threadsafe function: steamworks.js callback.rs:44-47, 94-97), so one handler that throws does not stop
   * the next; the simulator reports it on `steam.errors`. Nothing of a dropped client is delivered.
   */
  private later(deliver: () => void): void {
    const generation = this.generation;
    const ticks = Math.floor((this.core.now() - this.startedAt) / RUN_CALLBACKS_MS) + 1;
    this.core.scheduler.at(this.startedAt + ticks * RUN_CALLBACKS_MS, () => {
      if (generation === this.generation) deliver();
    });
  }

  private call(id: number, payload: unknown): void {
    this.handlers.get(id)?.(payload);
  }

  private onEvent(event: BackendEvent): void {
    const generation = this.generation;
    const current = <T>(d: Deferred<T> | undefined): d is Deferred<T> => d !== undefined && d.generation === generation;
    switch (event.type) {
      case 'lobbyCreated': {
        const waiting = this.creates.shift();
        if (!current(waiting)) return;
        // A failure rejects with the SteamError's message (steamworks.js matchmaking.rs:153-159; steamworks-rs
        // matchmaking.rs:104-111, error.rs:16-388).
        this.later(() => (event.result === 1 ? this.settleLobby(waiting, event.lobbyId) : waiting.reject(createFailure(event.result))));
        return;
      }
      case 'lobbyEntered': {
        const waiting = this.joins.get(event.lobbyId)?.shift();
        if (!current(waiting)) return;
        // No enter response code reaches the game (steamworks.js matchmaking.rs:181; steamworks-rs matchmaking.rs:129-133).
        this.later(() => (event.response === 1 ? this.settleLobby(waiting, event.lobbyId) : waiting.reject(napiError('Failed to join lobby'))));
        return;
      }
      case 'lobbyList': {
        const waiting = this.lists.shift();
        if (current(waiting)) this.later(() => this.settleList(waiting, event.lobbyIds));
        return;
      }
      default: {
        const callback = callbackOf(event);
        if (callback !== undefined) this.later(() => this.call(callback.id, callback.payload()));
      }
    }
  }
}

function createFailure(result: number): Error {
  return napiError(steamErrorText(result));
}

/** The message steamworks.js rejects with for an EResult (its SteamError's Display: steamworks-rs error.rs:16-388). */
function steamErrorText(result: number): string {
  return steamErrorByResult(result)?.text ?? 'a generic failure from the steamworks API';
}
