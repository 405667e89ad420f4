// The runtime a game embeds: `createLobbyRuntime` and its public types. The parts live in src/runtime/.
export { createLobbyRuntime } from './runtime/runtime.js';
export { STARTED_LOBBY_DATA_KEY } from './runtime/lobby-state.js';
export type {
  CreateLobbyOptions,
  InviteReceived,
  LifecycleEvent,
  LobbyListing,
  LobbyRuntime,
  LobbyRuntimeOptions,
  OwnerCommandOptions,
  SendOptions,
} from './runtime/api.js';
export type { ChannelMessage } from './runtime/packet-router.js';
export type { ChatMessage } from './runtime/event-translator.js';
export type { LobbyMember } from './runtime/member-directory.js';
export type { LobbyState, LobbyStatus } from './runtime/lobby-state.js';
export type { LobbyRuntimeError, LobbyRuntimeErrorKind, RuntimeCommand, RuntimeResult } from './runtime/errors.js';
export type { RuntimeStats } from './runtime/stats.js';
export type { GodotVersion, TutorialOptions } from './runtime/peer-wire.js';
