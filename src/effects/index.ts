// The effects layer: the Backend port and its backends (simulated Steam, steamworks.js, loopback), and the clock.
export * from './backend.js';
export { FairInbox } from './inbox.js';
export { applyLobbyListFilters, DEFAULT_LOBBY_LIST_COUNT, type LobbySummary } from './list-filters.js';
export {
  createSimulatedSteam,
  connectLobbyArgs,
  steamIdOfAccount,
  type SimulatedSteam,
  type SimulatedSteamOptions,
  type SimulatedUserOptions,
  type SimulatedUser,
  type SimulatedFaults,
  type LinkFaults,
  type LobbySnapshot,
  type NetworkStats,
  type SimulatedSteamError,
} from './sim/network.js';
export { SimulatedBackend, SIMULATED_CAPABILITIES } from './sim/backend.js';
export {
  SimulatedSteamworksModule,
  SimulatedNativeAbort,
  type SimulatedSteamworksClient,
  type SteamworksBindingName,
} from './sim/steamworks/client.js';
export { createRandom, type Random } from './sim/random.js';
export {
  createSteamworksBackend,
  wrapSteamworksClient,
  STEAMWORKS_CAPABILITIES,
  PIPELAB_STEAMWORKS_CAPABILITIES,
  type SteamworksBackendOptions,
} from './steamworks/adapter.js';
export { steamworksCallbacks, type SteamworksCallbackHub } from './steamworks/callbacks.js';
export type { SteamworksPacketOptions } from './steamworks/packets.js';
export { SteamNotRunningError, loadSteamworksClient, type SteamNotRunningCause } from './steamworks/load.js';
export {
  SteamCallbackId,
  type SteamworksClient,
  type SteamworksLobby,
  type SteamworksCallbackId,
  type SteamworksCallbackPayloads,
  type SteamworksCallbackHandle,
  type SteamworksCallbacks,
  type SteamworksFriends,
  type SteamworksPayloadId,
  type SteamworksLobbyType,
  type SteamworksLocalPlayer,
  type SteamworksMatchmaking,
  type SteamworksNetworking,
  type SteamworksOverlay,
  type SteamworksP2PPacket,
  type SteamworksPlayerSteamId,
  type SteamworksSendType,
} from './steamworks/client-types.js';
export { encodeChatFrame, decodeChatFrame } from './steamworks/chat-frame.js';
export { createSystemClock, VirtualClock, type LobbyClock, type Clock } from './clock.js';
