/**
 * What a runtime does when its root actor stops on an error (an action that threw): the machines that would leave
 * Steam's lobby, close the peer sessions and leave the lobby a create or join in flight lands in are gone, so the
 * runtime does those three things itself, straight on the backend, and then answers like a disposed one.
 */
import type { Backend, BackendEvent } from '../effects/backend.js';
import type { LobbyClock } from '../effects/clock.js';
import { EnterResponse } from '../steam/index.js';
import { readUntilIdle } from './after-dispose.js';
import type { RuntimeCore } from './core.js';
import type { RuntimeEffects } from './machine-effects.js';

/**
 * Leaves the lobby we are in and closes the sessions with its members, through the effects the machines would have
 * used; each call guarded, since this runs in the root actor's error observer, where a throw would escape to XState.
 */
export function abandonLobby(core: RuntimeCore, effects: RuntimeEffects): void {
  const { directory, reporter, selfId } = core;
  const lobbyId = directory.lobbyId;
  if (lobbyId === undefined) return;
  for (const member of directory.list()) {
    if (member.id !== selfId) reporter.guarded('closeSession', () => effects.closeSession({ remoteId: member.id }));
  }
  effects.leaveStrayLobby({ lobbyId });
}

/**
 * Reads the backend's events until `timeoutMs` has passed, leaving every lobby Steam says we entered meanwhile: a
 * create or join was in flight (or being abandoned) when the machines stopped, and its answer would keep us there.
 * A create's success is always followed by its LobbyEnter (Backend's `lobbyCreated`), so entries are enough.
 */
export function leaveLateArrivals(clock: LobbyClock, backend: Backend, timeoutMs: number): void {
  const until = clock.now() + timeoutMs;
  const leaveEntered = (event: BackendEvent) => {
    if (event.type === 'lobbyEntered' && event.response === EnterResponse.success) backend.leaveLobby(event.lobbyId);
  };
  readUntilIdle(clock, backend, leaveEntered, () => clock.now() >= until, () => {});
}
