/**
 * Scripted peers for a game's tests: each bot is a real lobbykit runtime on the simulated Steam, with one-line
 * verbs for what players do — join, chat, send, leave, vanish — and a record of what it saw.
 */
import type { Subscription } from 'rxjs';
import type { VirtualClock } from '../effects/clock.js';
import type { SimulatedSteam } from '../effects/sim/network.js';
import { createLobbyRuntime, type ChatMessage, type LobbyRuntime, type LobbyRuntimeOptions, type RuntimeResult, type SendOptions } from '../runtime.js';

export interface BotOptions {
  readonly id: bigint;
  readonly name?: string;
  /** Extra runtime options (timing, retry, inspect). */
  readonly runtime?: Omit<LobbyRuntimeOptions, 'backend' | 'clock'>;
}

export interface Bot {
  readonly id: bigint;
  readonly runtime: LobbyRuntime;
  /** Chat lines the bot has seen. */
  readonly chatSeen: readonly ChatMessage[];
  tick(): void;
  join(lobbyId: bigint): Promise<RuntimeResult<{ readonly lobbyId: bigint }>>;
  host(data?: Readonly<Record<string, string>>): Promise<RuntimeResult<{ readonly lobbyId: bigint }>>;
  chat(text: string): RuntimeResult;
  send(to: bigint | 'all', message: unknown, options?: SendOptions): RuntimeResult<{ readonly recipients: number }>;
  leave(): RuntimeResult;
  /** The bot's game and connection disappear without a word; Steam drops it from the lobby later. */
  vanish(): void;
  dispose(): void;
}

/** Adds a user to the simulated Steam and runs a lobbykit runtime for it. */
export function createBot(steam: SimulatedSteam, clock: VirtualClock, options: BotOptions): Bot {
  steam.addUser({ id: options.id, name: options.name ?? `bot-${options.id}` });
  const runtime = createLobbyRuntime({ ...options.runtime, backend: steam.backend(options.id), clock });
  const chatSeen: ChatMessage[] = [];
  const subscription: Subscription = runtime.chat$.subscribe((m) => chatSeen.push(m));
  let vanished = false;
  return {
    id: options.id,
    runtime,
    chatSeen,
    tick: () => {
      if (!vanished) runtime.tick();
    },
    join: (lobbyId) => runtime.joinLobby(lobbyId),
    host: (data) => runtime.createLobby(data === undefined ? {} : { data }),
    chat: (text) => runtime.sendChat(text),
    send: (to, message, sendOptions) => runtime.send(to, message, sendOptions),
    leave: () => runtime.leaveLobby(),
    vanish: () => {
      vanished = true;
      steam.faults.vanish(options.id);
    },
    dispose: () => {
      subscription.unsubscribe();
      runtime.dispose();
    },
  };
}
