/**
 * Every machine judged by its contract (test/model/*-contract.ts): `xstate/graph` walks each contract's model for
 * the shortest path to each of its states, every event of the alphabet extends each of those paths, and each path
 * drives the real machine (a bare actor, recording effects, virtual time) with every step checked against the
 * contract's table. Coverage is recorded from XState's inspection like the runtime's models; the last test of the
 * file fails, naming them, while a machine has a state or transition no row of its contract exercises.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { lobbyListMachine } from '../src/machines/lobby-list.machine.js';
import { lobbyMachine } from '../src/machines/lobby.machine.js';
import { peerSessionMachine } from '../src/machines/peer-session.machine.js';
import { sessionMachine } from '../src/machines/session.machine.js';
import { voteKickMachine } from '../src/machines/vote-kick.machine.js';
import { describePath, edgePaths, runContractPath, scenarioPaths, type Contract, type ModelEvent, type Subject } from './model/contract.js';
import { machineDefinition } from './model/definition.js';
import { lobbyContract, lobbySubject, makeLobbyContract, OTHER_RULES } from './model/lobby-contract.js';
import { lobbyListContract, lobbyListSubject } from './model/lobby-list-contract.js';
import { peerContract, peerSubject } from './model/peer-contract.js';
import { BARE_MACHINES_RECORD, CoverageRecorder } from './model/recorder.js';
import { sessionContract, sessionSubject } from './model/session-contract.js';
import { voteKickContract, voteKickSubject } from './model/vote-kick-contract.js';

const recorder = new CoverageRecorder();
afterAll(() => recorder.save(BARE_MACHINES_RECORD.replace(/\.json$/, '')));

function judge<M, E extends ModelEvent>(contract: Contract<M, E>, subject: Subject): void {
  describe(`${contract.name} machine, judged by its contract`, () => {
    const vertices = edgePaths(contract);
    it.each(vertices.map((v) => [describePath(v.vertex), contract.key(v.vertex.states.at(-1)!), v.edges] as const))(
      'after %s (%s): every event',
      (_path, _key, edges) => {
        // Every edge runs even when one fails, so a failure report lists all the rows the machine breaks.
        const failures: string[] = [];
        for (const path of edges) {
          try {
            runContractPath(contract, subject, path, { recorder });
          } catch (error) {
            failures.push(error instanceof Error ? error.message : String(error));
          }
        }
        expect(failures, failures.join('\n\n')).toEqual([]);
      },
    );
    it.each(scenarioPaths(contract).map((p) => [describePath(p), p] as const))('scenario %s', (_label, path) => {
      runContractPath(contract, subject, path, { recorder });
    });
  });
}

judge(lobbyContract, lobbySubject(lobbyMachine));
judge(makeLobbyContract(OTHER_RULES), lobbySubject(lobbyMachine, OTHER_RULES));
judge(lobbyListContract, lobbyListSubject(lobbyListMachine));
judge(peerContract, peerSubject(peerSessionMachine));
judge(sessionContract, sessionSubject(sessionMachine));
judge(voteKickContract, voteKickSubject(voteKickMachine));

describe('the contracts exercise every state and transition of their machines', () => {
  it.each([lobbyMachine, lobbyListMachine, peerSessionMachine, sessionMachine, voteKickMachine].map((m) => [m.id, m] as const))('%s', (_id, machine) => {
    const definition = machineDefinition(machine);
    const record = recorder.record();
    const states = new Set(record.states[machine.id] ?? []);
    const transitions = new Set(record.transitions[machine.id] ?? []);
    expect(definition.states.filter((s) => !states.has(s)), 'states no contract row reaches').toEqual([]);
    expect(definition.transitions.filter((t) => !transitions.has(t)), 'transitions no contract row takes').toEqual([]);
  });
});
