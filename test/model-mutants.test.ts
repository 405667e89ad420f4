/**
 * The contracts notice every change to a machine's definition: each transition retargeted (to every other state,
 * or to none), each guard dropped, each action dropped (entry and exit included) fails at least one contract path.
 * A mutant that changes nothing observable is listed in EQUIVALENT (test/model/mutant-suite.ts) with the reason; it
 * is not run. The lobby and root machines have files of their own (model-mutants-lobby, -session), so the
 * three run side by side.
 */
import { describe, expect, it } from 'vitest';
import { lobbyListMachine } from '../src/machines/lobby-list.machine.js';
import { lobbyMachine } from '../src/machines/lobby.machine.js';
import { peerSessionMachine } from '../src/machines/peer-session.machine.js';
import { sessionMachine } from '../src/machines/session.machine.js';
import { voteKickMachine } from '../src/machines/vote-kick.machine.js';
import { configMutants } from './model/config-mutants.js';
import { lobbyListContract, lobbyListSubject } from './model/lobby-list-contract.js';
import { checkMutants, EQUIVALENT, judged } from './model/mutant-suite.js';
import { peerContract, peerSubject } from './model/peer-contract.js';
import { voteKickContract, voteKickSubject } from './model/vote-kick-contract.js';

describe('contract paths kill the mutants of every machine definition', () => {
  checkMutants(lobbyListMachine, () => judged(lobbyListContract, lobbyListSubject));
  checkMutants(peerSessionMachine, () => judged(peerContract, peerSubject));
  checkMutants(voteKickMachine, () => judged(voteKickContract, voteKickSubject));

  it('every equivalence listed still names a mutant', () => {
    const ids = [lobbyListMachine, peerSessionMachine, lobbyMachine, sessionMachine, voteKickMachine].flatMap((m) => configMutants(m).map((x) => x.id));
    for (const { id } of EQUIVALENT) expect(ids.filter((x) => id.test(x)), String(id)).not.toEqual([]);
  });
});
