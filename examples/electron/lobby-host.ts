// The main-process half of an Electron game on Steam (docs/electron.md): the game's steamworks.js client, a lobbykit
// runtime over it ticking on its own, and IPC for the renderer — commands in through `ipcMain.handle`, streams out
// through the window's `webContents.send`. Nothing here imports Electron, so it runs under plain Node in a test
// (test/electron-example.test.ts) with the simulator's steamworks.js-shaped client.
import type { Subscription } from 'rxjs';
import {
  createLobbyRuntime,
  createSteamworksBackend,
  type CreateLobbyOptions,
  type LobbyClock,
  type LobbyListFilters,
  type LobbyRuntime,
  type SendOptions,
  type SteamworksClient,
} from 'lobbykit';

/** What the main process offers the renderer: Electron's `ipcMain` fits. */
export interface MainIpc {
  handle(channel: string, listener: (event: unknown, ...args: never[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** Where the renderer's events go: a window's `webContents` fits. */
export interface RendererPort {
  send(channel: string, ...args: unknown[]): void;
}

export interface LobbyHostOptions {
  /** The game's one steamworks.js client: lobbykit never calls init() itself when given one. */
  readonly client: SteamworksClient;
  readonly ipc: MainIpc;
  readonly renderer: RendererPort;
  /** Game channels whose messages go to the renderer (default: 0 and 1). */
  readonly channels?: readonly number[];
  /** Default `process.argv`: packaged Electron's is [exe, ...args], and `+connect_lobby <id>` is found anywhere in it. */
  readonly argv?: readonly string[];
  /** Default: the system clock (a test passes a virtual one). */
  readonly clock?: LobbyClock;
}

export interface LobbyHost {
  readonly runtime: LobbyRuntime;
  /** Stops ticking, unhooks IPC, leaves the lobby and lets go of Steam's callbacks (the client stays the game's). */
  stop(): void;
}

export async function startLobbyHost(options: LobbyHostOptions): Promise<LobbyHost> {
  const { ipc, renderer } = options;
  const backend = await createSteamworksBackend({ client: options.client, argv: options.argv ?? process.argv });
  const runtime = createLobbyRuntime({ backend, ...(options.clock === undefined ? {} : { clock: options.clock }) });
  // Structured clone carries bigint ids and plain values over IPC as they are.
  const subscriptions: Subscription[] = [
    runtime.lobby$.subscribe((state) => renderer.send('lobby:state', state)),
    runtime.members$.subscribe((members) => renderer.send('lobby:members', members)),
    runtime.chat$.subscribe((message) => renderer.send('lobby:chat', message)),
    runtime.errors$.subscribe((error) => renderer.send('lobby:error', error)),
    ...(options.channels ?? [0, 1]).map((channel) => runtime.messages(channel).subscribe((message) => renderer.send('lobby:message', message))),
  ];
  // The renderer is another process: what it sends is checked by the runtime, which answers with typed results.
  const handlers: Record<string, (event: unknown, ...args: never[]) => unknown> = {
    'lobby:create': (_event, request?: CreateLobbyOptions) => runtime.createLobby(request),
    'lobby:find': (_event, filters?: LobbyListFilters) => runtime.findLobbies(filters),
    'lobby:join': (_event, lobbyId: bigint) => runtime.joinLobby(lobbyId),
    'lobby:leave': () => runtime.leaveLobby(),
    'lobby:chat': (_event, text: string) => runtime.sendChat(text),
    'lobby:send': (_event, to: bigint | 'all', message: unknown, sendOptions?: SendOptions) => runtime.send(to, message, sendOptions),
  };
  for (const [channel, handler] of Object.entries(handlers)) ipc.handle(channel, handler);
  const stopTicking = runtime.startAutoTick(60);
  return {
    runtime,
    stop() {
      stopTicking();
      for (const channel of Object.keys(handlers)) ipc.removeHandler(channel);
      for (const subscription of subscriptions) subscription.unsubscribe();
      runtime.dispose();
      backend.dispose();
    },
  };
}
