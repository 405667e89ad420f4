import { createLoopbackBackend } from '../src/effects/loopback/connect.js';
import type { LoopbackBackend } from '../src/effects/loopback/loopback-backend.js';
import { startLoopbackService } from '../src/loopback-server/service.js';
import { registerBackendContract, type ContractWorld, type ContractWorldFactory } from './helpers/backend-contract.js';
import { DOCUMENTED_CAPABILITIES } from './helpers/documented-capabilities.js';

/**
 * The loopback backend as a contract world: a service on a free port per test, one socket per user. Time is real,
 * so settling is a barrier rather than a wait: every backend's round trip through the service, twice — the first
 * makes the service handle all each one sent, the second makes each one receive all the service sent it since.
 */
const loopbackWorld: ContractWorldFactory = {
  name: 'loopback',
  capabilities: DOCUMENTED_CAPABILITIES.loopback,
  // The service sends every member's name with the lobby.
  namesArriveLate: false,
  cannot: {
    linkFaults: 'the loopback service relays over TCP on this machine: it cannot lose, reorder or delay packets on purpose',
    sessionFailures: 'the loopback service has no way to make a P2P session fail with a chosen Steam error (only error 4, when a peer is gone)',
    joinRequests: "there is no Steam overlay to pick 'Join game' in, so joinRequested never fires (capability absent)",
    serverOutages: "the service's socket stands in for Steam's servers, and a lost socket does not come back (see loopback-backend.test.ts)",
  },
  async create(): Promise<ContractWorld> {
    const service = await startLoopbackService({ port: 0 });
    const backends: LoopbackBackend[] = [];
    const barrier = async () => {
      for (let round = 0; round < 2; round++) await Promise.all(backends.map((b) => b.settle()));
    };
    return {
      async user(name, options = {}) {
        const backend = await createLoopbackBackend({
          url: service.url,
          name,
          ...(options.launchArgs === undefined ? {} : { launchArgs: options.launchArgs }),
        });
        backends.push(backend);
        return backend;
      },
      settle: barrier,
      faults: {},
      async close() {
        await Promise.all(backends.map((b) => b.close()));
        await service.close();
      },
    };
  },
};

registerBackendContract(loopbackWorld);
