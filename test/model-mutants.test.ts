/**
 * The contracts notice every change to a machine's definition: each transition retargeted (to every other state,
 * or to none), each guard dropped, each action dropped (entry and exit included) fails at least one contract path.
 * A mutant that changes nothing observable is listed in EQUIVALENT with the reason; it is not run.
 */
import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { lobbyListMachine } from '../src/machines/lobby-list.machine.js';
import { lobbyMachine } from '../src/machines/lobby.machine.js';
import { peerSessionMachine } from '../src/machines/peer-session.machine.js';
import { sessionMachine } from '../src/machines/session.machine.js';
import { voteKickMachine } from '../src/machines/vote-kick.machine.js';
import { configMutants, judgeMutants } from './model/config-mutants.js';
import { edgePaths, runContractPath, scenarioPaths, type Contract, type ContractPath, type ModelEvent, type Subject } from './model/contract.js';
import { lobbyContract, lobbySubject } from './model/lobby-contract.js';
import { lobbyListContract, lobbyListSubject } from './model/lobby-list-contract.js';
import { peerContract, peerSubject } from './model/peer-contract.js';
import { CoverageRecorder } from './model/recorder.js';
import { sessionContract, sessionSubject } from './model/session-contract.js';
import { voteKickContract, voteKickSubject } from './model/vote-kick-contract.js';

/** Mutants that change nothing a contract could see (matched by id), and why. */
const EQUIVALENT: readonly { readonly id: RegExp; readonly why: string }[] = [
  {
    id: /^session(\.inLobby)? \| (?!\(always\)).*: target → #session\.inLobby\.(connecting|allConnected)$|^session \| lobby\.onSnapshot #0: target → #session\.inLobby\.(connecting|allConnected)$/,
    why:
      "inLobby's children are derived from the member table by eventless transitions: a transition that lands in " +
      'either of them from inside the lobby (or on entering it) settles in the same one',
  },
  {
    id: /^session \| steam\.serversDisconnected #0: target → /,
    why:
      'where the root is follows the lobby: the lobby answers every forwarded event with a snapshot (XState sends one ' +
      'after each event), and losing Steam takes the lobby to idle, so the root ends outside whatever the target',
  },
  {
    id: /^session\.outside \| member\.changed #0: /,
    why:
      'outside a lobby the lobby machine is not joined, and it acts on member changes only when joined, so forwarding ' +
      'them there (or not, or any of them) changes nothing; a target into the lobby is undone by the snapshot that follows',
  },
  {
    id: /^voteKick \| vote\.owner #0: target → #voteKick\.idle$/,
    why:
      'the root-level owner update is taken only in idle (open and passed answer it themselves), and idle has no ' +
      'entry, exit or timer, so entering it again changes nothing',
  },
  {
    id: /^voteKick\.passed \| vote\.owner #1: guard dropped$/,
    why: 'the branch before it takes every owner update that makes the target owner, so its guard is always true when reached',
  },
];

const equivalent = (id: string) => EQUIVALENT.some((e) => e.id.test(id));

function check<M, E extends ModelEvent>(contract: Contract<M, E>, subjectOf: (machine: AnyStateMachine) => Subject, machine: AnyStateMachine) {
  it(`${machine.id}: every mutant of the definition fails a contract path`, () => {
    const paths = [...edgePaths(contract).flatMap((v) => v.edges), ...scenarioPaths(contract)];
    const visits = (path: ContractPath<M, E>) => {
      const recorder = new CoverageRecorder();
      runContractPath(contract, subjectOf(machine), path, { recorder });
      const record = recorder.record();
      return { states: new Set(record.states[machine.id] ?? []), transitions: new Set(record.transitions[machine.id] ?? []) };
    };
    const verdict = judgeMutants(machine, paths, visits, (mutant, path) => runContractPath(contract, subjectOf(mutant), path), equivalent);
    expect(verdict.mutants).toBeGreaterThan(0);
    expect(verdict.survivors).toEqual([]);
  });
}

describe('contract paths kill the mutants of every machine definition', () => {
  check(lobbyListContract, lobbyListSubject, lobbyListMachine);
  check(peerContract, peerSubject, peerSessionMachine);
  check(lobbyContract, lobbySubject, lobbyMachine);
  check(sessionContract, sessionSubject, sessionMachine);
  check(voteKickContract, voteKickSubject, voteKickMachine);

  it('every equivalence listed still names a mutant', () => {
    const ids = [lobbyListMachine, peerSessionMachine, lobbyMachine, sessionMachine, voteKickMachine].flatMap((m) => configMutants(m).map((x) => x.id));
    for (const { id } of EQUIVALENT) expect(ids.filter((x) => id.test(x)), String(id)).not.toEqual([]);
  });
});
