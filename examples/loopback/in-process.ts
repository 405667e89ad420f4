// docs/loopback.md's in-process example, as written there (test/docs-loopback.test.ts keeps the two the same and
// runs this file): a service on a free port, one player creating a lobby, then both closed.
import { createLoopbackBackend } from '../../src/index.js';
import { startLoopbackService } from '../../src/loopback-server/index.js';

const service = await startLoopbackService({
  port: 0, // any free port
  allowOrigins: ['https://game.example'],
  deadAfterMs: 30_000,
  maxOutgoingBytes: 16 * 1024 * 1024,
  log: (line) => console.log(line),
});
const host = await createLoopbackBackend({ url: service.url, name: 'Host' });
host.createLobby(2, 4);
await host.settle(); // one round trip: the service has answered
host.drainEvents((event) => console.log(event.type)); // lobbyCreated, lobbyEntered
console.log(service.stats().lobbies); // 1
await host.close();
await service.close();
