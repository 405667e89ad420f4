import { SIMULATED_CAPABILITIES } from '../src/effects/sim/backend.js';
import { STEAMWORKS_CAPABILITIES } from '../src/effects/steamworks/adapter.js';
import { registerBackendContract } from './helpers/backend-contract.js';

// The same rules, on the simulator's own backend and on the steamworks.js adapter over the simulator's
// steamworks.js-shaped client (the adapter lines that run in games).
registerBackendContract('simulated', SIMULATED_CAPABILITIES);
registerBackendContract('steamworks-adapter', STEAMWORKS_CAPABILITIES);
