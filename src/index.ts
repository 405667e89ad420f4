/**
 * The package root: the runtime a game embeds, the backends it runs on, and the machines behind it.
 * @module lobbykit
 */
export { createLobbyRuntime, STARTED_LOBBY_DATA_KEY } from './runtime.js';
export type {
  LobbyRuntime,
  LobbyRuntimeOptions,
  CreateLobbyOptions,
  SendOptions,
  OwnerCommandOptions,
  LobbyListing,
  ChannelMessage,
  ChatMessage,
  LobbyMember,
  LobbyState,
  LobbyStatus,
  LobbyRuntimeError,
  LobbyRuntimeErrorKind,
  RuntimeCommand,
  RuntimeResult,
  RuntimeStats,
  LifecycleEvent,
  InviteReceived,
  TutorialOptions,
  GodotVersion,
} from './runtime.js';
export * from './effects/index.js';
export * from './effects/loopback/index.js';
export * from './machines/index.js';
