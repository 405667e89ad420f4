/** The root machine's config mutants, judged by its contract (see model-mutants.test.ts). */
import { describe } from 'vitest';
import { sessionMachine } from '../src/machines/session.machine.js';
import { checkMutants, judged } from './model/mutant-suite.js';
import { sessionContract, sessionSubject } from './model/session-contract.js';

describe('contract paths kill the mutants of the root machine', () => {
  checkMutants(sessionMachine, () => judged(sessionContract, sessionSubject));
});
