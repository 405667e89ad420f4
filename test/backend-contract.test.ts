import { registerBackendContract, simContractWorld } from './helpers/backend-contract.js';
import { DOCUMENTED_CAPABILITIES } from './helpers/documented-capabilities.js';

// The same rules, on the simulator's own backend and on the steamworks.js adapter over the simulator's
// steamworks.js-shaped client (the adapter lines that run in games), as steamworks.js 0.4 and as the @pipelab fork. The loopback backend runs them in
// loopback-contract.test.ts, over real sockets.
registerBackendContract(simContractWorld('simulated', DOCUMENTED_CAPABILITIES.simulated));
registerBackendContract(simContractWorld('steamworks-adapter', DOCUMENTED_CAPABILITIES.steamworks));
registerBackendContract(simContractWorld('steamworks-pipelab', DOCUMENTED_CAPABILITIES.steamworksPipelab));
