/**
 * What dispose() leaves running for a while. A create or join still in flight is answered by Steam later, and the
 * answer puts us in a lobby nobody would leave: the lobby machine leaves it, as after leaveLobby(), if the answer
 * reaches it. So until the machine is idle again (that lobby left, or its request timeout passed) the backend's
 * events keep being read on the runtime's clock, packets not; then the actors stop. After a failure (failure.ts) the
 * same reader leaves such lobbies itself, the machines being gone.
 */
import type { Backend, BackendEvent } from '../effects/backend.js';
import type { LobbyClock } from '../effects/clock.js';
import { startAutoTicker } from './auto-ticker.js';

/** How often the backend is read meanwhile. */
const READ_HZ = 20;

export function readUntilIdle(clock: LobbyClock, backend: Backend, translate: (event: BackendEvent) => void, idle: () => boolean, done: () => void): void {
  const stop = startAutoTicker(clock, READ_HZ, () => {
    try {
      backend.poll();
      backend.drainEvents(translate);
    } catch {
      // The game has let go of this runtime: there is no stream left to report on.
    }
    if (!idle()) return;
    stop();
    done();
  });
}
