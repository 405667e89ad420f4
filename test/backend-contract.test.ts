import { SIMULATED_CAPABILITIES } from '../src/effects/sim/backend.js';
import { PIPELAB_STEAMWORKS_CAPABILITIES, STEAMWORKS_CAPABILITIES } from '../src/effects/steamworks/adapter.js';
import { registerBackendContract, simContractWorld } from './helpers/backend-contract.js';

// The same rules, on the simulator's own backend and on the steamworks.js adapter over the simulator's
// steamworks.js-shaped client (the adapter lines that run in games), as steamworks.js 0.4 and as the @pipelab fork. The loopback backend runs them in
// loopback-contract.test.ts, over real sockets.
registerBackendContract(simContractWorld('simulated', SIMULATED_CAPABILITIES));
registerBackendContract(simContractWorld('steamworks-adapter', STEAMWORKS_CAPABILITIES));
registerBackendContract(simContractWorld('steamworks-pipelab', PIPELAB_STEAMWORKS_CAPABILITIES));
