/** The lobby machine's config mutants, judged by both rule sets of its contract (see model-mutants.test.ts). */
import { describe } from 'vitest';
import { lobbyMachine } from '../src/machines/lobby.machine.js';
import { lobbyContract, lobbySubject, makeLobbyContract, OTHER_RULES } from './model/lobby-contract.js';
import { checkMutants, judged } from './model/mutant-suite.js';

describe('contract paths kill the mutants of the lobby machine', () => {
  checkMutants(lobbyMachine, () => [
    ...judged(lobbyContract, lobbySubject),
    ...judged(makeLobbyContract(OTHER_RULES), (machine) => lobbySubject(machine, OTHER_RULES)),
  ]);
});
