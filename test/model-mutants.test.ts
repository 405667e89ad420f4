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
import { edgePaths, runContractPath, scenarioPaths, type Contract, type ModelEvent, type RunOptions, type Subject } from './model/contract.js';
import { lobbyContract, lobbySubject, makeLobbyContract, OTHER_RULES } from './model/lobby-contract.js';
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
    id: /^lobby\.(creating \| lobby\.created #[01]|joining \| lobby\.entered #0|joined \| lobby\.entered #[01]): target → #lobby\.joined\.present$|^lobby\.joined\.reconnecting \| lobby\.entered #0: target → #lobby\.joined$/,
    why:
      "joined's initial state is present: targeting joined or joined.present enters the same states (neither has an " +
      "entry, exit or timer); joined's own LobbyEnter rows are reached only from present (reconnecting answers it itself)",
  },
  {
    id: /^lobby\.joined\.present \| steam\.serversDisconnected #0: target → #lobby\.joined\.reconnecting\.waitingForSteam$/,
    why: "reconnecting's initial state is waitingForSteam: targeting either enters the same states",
  },
  {
    id: /^lobby\.joined\.present \| lobby\.(kick|ban|start|ownerChanged) #\d: target → #lobby\.joined$/,
    why: 'these stay in present; entering joined again lands in present, and neither joined nor present has an entry, exit or timer',
  },
  {
    id: /^lobby\.idle \| lobby\.invited #0: action recordInvite dropped$/,
    why: 'an invite auto-accepted is used up by the join it starts (the join target drops the invites to its lobby), so recording it first leaves nothing',
  },
  {
    id: /^session \| peer\.closed #0: (target → #session\.outside|action markClosed dropped)$/,
    why:
      "the root-level peer.closed is taken only outside (inLobby answers it itself), where the member table is empty " +
      '(leaving cleared it) so marking a member closed changes nothing, and outside has no entry, exit or timer',
  },
  {
    id: /^session\.inLobby \| peer\.handshake #1: action forgetReconnectRounds dropped$/,
    why: "the handshake completes the fresh session at once, and its peer.connected forgets the member's reconnect rounds anyway",
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

/** One contract's paths, each able to run on any machine (the real one, or a mutant). */
interface Judged {
  readonly events: readonly unknown[];
  run(machine: AnyStateMachine, options?: RunOptions): void;
}

function judged<M, E extends ModelEvent>(contract: Contract<M, E>, subjectOf: (machine: AnyStateMachine) => Subject): Judged[] {
  return [...edgePaths(contract).flatMap((v) => v.edges), ...scenarioPaths(contract)].map((path) => ({
    events: path.events,
    run: (machine, options) => runContractPath(contract, subjectOf(machine), path, options),
  }));
}

/** Every mutant of `machine` must fail a path of one of its contracts (a machine with rules to choose has one per choice). */
function check(machine: AnyStateMachine, paths: () => Judged[]) {
  it(`${machine.id}: every mutant of the definition fails a contract path`, () => {
    const visits = (path: Judged) => {
      const recorder = new CoverageRecorder();
      path.run(machine, { recorder });
      const record = recorder.record();
      return { states: new Set(record.states[machine.id] ?? []), transitions: new Set(record.transitions[machine.id] ?? []) };
    };
    const verdict = judgeMutants(machine, paths(), visits, (mutant, path) => path.run(mutant), equivalent);
    expect(verdict.mutants).toBeGreaterThan(0);
    expect(verdict.survivors).toEqual([]);
    // The root's paths run its whole tree of actors, once per path to learn what each visits and again per mutant.
  }, 120_000);
}

describe('contract paths kill the mutants of every machine definition', () => {
  check(lobbyListMachine, () => judged(lobbyListContract, lobbyListSubject));
  check(peerSessionMachine, () => judged(peerContract, peerSubject));
  check(lobbyMachine, () => [
    ...judged(lobbyContract, lobbySubject),
    ...judged(makeLobbyContract(OTHER_RULES), (machine) => lobbySubject(machine, OTHER_RULES)),
  ]);
  check(sessionMachine, () => judged(sessionContract, sessionSubject));
  check(voteKickMachine, () => judged(voteKickContract, voteKickSubject));

  it('every equivalence listed still names a mutant', () => {
    const ids = [lobbyListMachine, peerSessionMachine, lobbyMachine, sessionMachine, voteKickMachine].flatMap((m) => configMutants(m).map((x) => x.id));
    for (const { id } of EQUIVALENT) expect(ids.filter((x) => id.test(x)), String(id)).not.toEqual([]);
  });
});
