// `lobbykit/testing`: what a game's own tests need to run lobbykit without Steam — the simulated network with its
// fault injection (`steam.faults`), the virtual clock and helpers to move it, scripted peers built on the runtime,
// and join-failure paths generated from lobbykit's lobby machine. Product code never imports this module.
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
