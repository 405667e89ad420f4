// `lobbykit/testing`: what a game's own tests need to run lobbykit without Steam — the simulated network with its
// fault injection and the virtual clock. Product code never imports this module.
export { VirtualClock } from './effects/clock.js';
export {
  createSimulatedSteam,
  connectLobbyArgs,
  steamIdOfAccount,
} from './effects/index.js';
export type { SimulatedSteam } from './effects/index.js';
