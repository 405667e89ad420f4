// `lobbykit/testing`: what a game's own tests need to run lobbykit without Steam — the simulated network with its
// fault injection (`steam.faults`), the virtual clock and helpers to move it, scripted peers built on the runtime,
// paths generated from lobbykit's machines (join failures, session failures, invites, reconnecting, vote-kick), each
// with a world that plays it, and the machines with inputs and event alphabets ready for xstate/graph. Product code
// never imports this module.
export { VirtualClock } from './effects/clock.js';
export {
  createSimulatedSteam,
  connectLobbyArgs,
  steamIdOfAccount,
} from './effects/index.js';
export type { SimulatedSteam } from './effects/index.js';
export type { SimulatedFaults, LinkFaults, SimulatedSteamOptions, SimulatedUserOptions } from './effects/sim/network.js';
export { advanceUntil, tickFor, flushPromises, DEFAULT_FRAME_MS, type AdvanceOptions, type Tickable } from './testing/virtual-time.js';
export { createBot, type Bot, type BotOptions } from './testing/bots.js';
export { joinFailurePaths, type JoinFailurePath, type JoinFailureWorld } from './testing/join-failures.js';
export {
  sessionFailurePaths,
  type SessionFailureKind,
  type SessionFailurePath,
  type SessionFailureWorld,
} from './testing/session-failures.js';
export {
  inviteFlowPaths,
  reconnectPaths,
  voteKickPaths,
  type FlowPath,
  type FlowRecord,
  type FlowWorld,
  type InviteOutcome,
  type ReconnectOutcome,
  type VoteKickOutcome,
} from './testing/flows.js';
export { MACHINE_GRAPHS, lobbyGraph, lobbyListGraph, peerSessionGraph, voteKickGraph } from './testing/graphs.js';
