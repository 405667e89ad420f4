// The preload script (docs/electron.md): the renderer's only door to the lobby — a few invoke calls and event
// subscriptions, exposed as `window.lobby`. The renderer never sees steamworks.js or Node.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type {
  ChannelMessage,
  ChatMessage,
  CreateLobbyOptions,
  LobbyListFilters,
  LobbyMember,
  LobbyRuntimeError,
  LobbyState,
  SendOptions,
} from 'lobbykit';

/** What the main process sends on each channel (lobby-host.ts). */
export interface LobbyEvents {
  'lobby:state': LobbyState;
  'lobby:members': readonly LobbyMember[];
  'lobby:chat': ChatMessage;
  'lobby:error': LobbyRuntimeError;
  'lobby:message': ChannelMessage;
}

const bridge = {
  createLobby: (options?: CreateLobbyOptions) => ipcRenderer.invoke('lobby:create', options),
  findLobbies: (filters?: LobbyListFilters) => ipcRenderer.invoke('lobby:find', filters),
  joinLobby: (lobbyId: bigint) => ipcRenderer.invoke('lobby:join', lobbyId),
  leaveLobby: () => ipcRenderer.invoke('lobby:leave'),
  sendChat: (text: string) => ipcRenderer.invoke('lobby:chat', text),
  send: (to: bigint | 'all', message: unknown, options?: SendOptions) => ipcRenderer.invoke('lobby:send', to, message, options),
  /** Subscribes to one of the main process's streams; returns the unsubscribe. */
  on<K extends keyof LobbyEvents>(channel: K, listener: (value: LobbyEvents[K]) => void): () => void {
    const wrapped = (_event: IpcRendererEvent, ...args: unknown[]): void => listener(args[0] as LobbyEvents[K]);
    ipcRenderer.on(channel, wrapped);
    return () => ipcRenderer.removeListener(channel, wrapped);
  },
};

export type LobbyBridge = typeof bridge;

contextBridge.exposeInMainWorld('lobby', bridge);
