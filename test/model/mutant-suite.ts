/**
 * The config-mutant check shared by the model-mutants suites (one file per large machine, so they run side by side):
 * every mutant of a machine's definition must fail a path of one of its contracts, unless EQUIVALENT says why not.
 */
import { expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { judgeMutants } from './config-mutants.js';
import { edgePaths, runContractPath, scenarioPaths, type Contract, type ModelEvent, type RunOptions, type Subject } from './contract.js';
import { CoverageRecorder } from './recorder.js';

/** Mutants that change nothing a contract could see (matched by id), and why. */
export const EQUIVALENT: readonly { readonly id: RegExp; readonly why: string }[] = [
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
export interface Judged {
  readonly events: readonly unknown[];
  run(machine: AnyStateMachine, options?: RunOptions): void;
}

export function judged<M, E extends ModelEvent>(contract: Contract<M, E>, subjectOf: (machine: AnyStateMachine) => Subject): Judged[] {
  return [...edgePaths(contract).flatMap((v) => v.edges), ...scenarioPaths(contract)].map((path) => ({
    events: path.events,
    run: (machine, options) => runContractPath(contract, subjectOf(machine), path, options),
  }));
}

/** Every mutant of `machine` must fail a path of one of its contracts (a machine with rules to choose has one per choice). */
export function checkMutants(machine: AnyStateMachine, paths: () => Judged[]): void {
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
    // The root's paths run its whole tree of actors, once per path to learn what each visits and again per mutant:
    // the bound leaves room for a shared 2-core box running another suite beside it.
  }, 300_000);
}

