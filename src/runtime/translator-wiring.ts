/**
 * One runtime's event translator, wired to that runtime's parts: where each backend event's consequences go (the
 * machines, the streams, the directory, the expulsion list). runtime.ts builds it once, from the shared core.
 */
import type { RuntimeCore } from './core.js';
import { EventTranslator } from './event-translator.js';
import { learnExpulsions, publishedExpulsions, reExpel } from './expulsions.js';
import { declareWire } from './outcomes.js';

export function wireTranslator(core: RuntimeCore, holdsSeats: boolean): EventTranslator {
  const { backend, reporter, directory, selfId, counters, streams, router, clock } = core;
  return new EventTranslator(backend, reporter, directory, selfId, counters, {
    toMachines: (event) => core.toMachines(event),
    chat: (message) => streams.chat(message),
    lobbyDataChanged: () => {
      core.refreshLobbyData();
      learnExpulsions(core);
    },
    memberDataChanged: (id) => declareWire(core, id),
    memberGone: (id) => core.forgetPeer(id),
    // Closing a leaver's session drops its unread packets: deliver what already arrived first (from this tick's budget).
    beforeDeparture: () => void reporter.guarded('readP2P', () => router.read(clock.now())),
    publishedExpulsions: (lobbyId) => publishedExpulsions(core, lobbyId),
    reExpel: (id) => reExpel(core, id),
    refuseExpelled: (id) => {
      counters.sessionRequestsRefused++;
      reporter.report({ kind: 'session-refused', remoteId: id, code: 'expelled', reason: `${id} was kicked or banned from this lobby.` });
    },
    backendProblem: (code, detail) => void reporter.report({ kind: 'backend-problem', code, reason: detail }),
  }, holdsSeats);
}
