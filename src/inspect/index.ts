// Seeing the machines: drawings generated from their definitions, and the offline live viewer.
export {
  chartOf,
  statesOf,
  type Chart,
  type ChartState,
  type ChartStateType,
  type ChartTransition,
  type ChartTriggerKind,
  type NamedMachine,
} from './chart.js';
export { chartToDot } from './dot.js';
export { chartToMermaid } from './mermaid.js';
export {
  LOBBYKIT_MACHINES,
  machineJson,
  loadSvgRenderer,
  type SvgRenderer,
  renderVisualizations,
  writeVisualizations,
  SvgRendererMissingError,
  type GeneratedFile,
} from './visualize.js';
export { InspectFeed, type ActorStatus, type ActorView, type FeedUpdate, type InspectFeedOptions, type LogEntry } from './feed.js';
export {
  createInspectServer,
  InspectServerError,
  type InspectServer,
  type InspectServerOptions,
} from './server.js';
export { startScriptedLobby, type ScriptedLobby, type ScriptedLobbyOptions } from './scripted-lobby.js';
export { startSimulatedLobby, SIMULATED_SELF_ID, type SimulatedLobby, type SimulatedLobbyOptions } from './simulated-lobby.js';
export { statelySanitizers } from './stately.js';
