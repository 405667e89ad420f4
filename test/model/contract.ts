/**
 * Contract-based model tests. A contract is a model of one machine written from Steam's and the seed tutorial's
 * rules and the machine's documented behaviour, as a table: for each state and each event the world can send, the
 * next state, the effects the machine must call and the events it must emit. `xstate/graph` walks the model (never
 * the machine) for the shortest path to each of its states; each path, extended by every event of the alphabet in
 * its last state, is one path per edge of the model. Every path then drives the REAL machine (a bare actor on
 * virtual time with recording effects) and each step is judged against the table. A transition the machine lacks,
 * a wrong target, a dropped guard or action all show up as a step that does not match.
 */
import { expect } from 'vitest';
import { createActor, fromTransition, type AnyActorRef, type AnyStateMachine, type EventObject, type InspectionEvent } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { VirtualClock } from '../../src/effects/clock.js';
import type { MachineEffects } from '../../src/machines/effects.js';
import { toStableJson } from '../../src/machines/serialize.js';
import { recordingEffects, type EffectName } from '../helpers/recording-effects.js';
import type { CoverageRecorder } from './recorder.js';

/** An effect the machine must call: its port name and its parameters. */
export type Effect = readonly [name: EffectName, params?: unknown];

/** What one event does, per the contract. */
export interface Outcome<M> {
  readonly next: M;
  /** Effect calls, in any order (one step's calls are one decision). */
  readonly effects?: readonly Effect[];
  /** Emitted events, in order (asymmetric matchers such as `expect.any(String)` allowed). */
  readonly emits?: readonly unknown[];
}

/** How an event of the model reaches the actor: events sent in order, or virtual time advanced. */
export type Stimulus = { readonly send: readonly EventObject[] } | { readonly wait: number };

/** An event of a model's alphabet: `type` is its label (unique within the alphabet of one state). */
export interface ModelEvent {
  readonly type: string;
  readonly stimulus: Stimulus;
}

export interface Contract<M, E extends ModelEvent> {
  readonly name: string;
  readonly initial: M;
  /** What starting the actor does (effects, emits), when it does anything. */
  readonly start?: Omit<Outcome<M>, 'next'>;
  /** Every event the world could send in `m`. */
  alphabet(m: M): readonly E[];
  /** The table: what `e` does in `m`. */
  step(m: M, e: E): Outcome<M>;
  /** What decides the model's future: states with the same key behave alike (counters such as an epoch excluded). */
  key(m: M): string;
  /** What the actor must show in `m` (compared with the subject's `observe`). */
  view(m: M): unknown;
  /**
   * Paths the shortest-path walk cannot produce because their point is history the model does not keep (a timer of
   * an earlier visit must not outlive it), as event labels; their steps are judged by the same table.
   */
  readonly scenarios?: readonly (readonly string[])[];
}

/** The machine a contract judges, and how to read it. */
export interface Subject {
  readonly machine: AnyStateMachine;
  /** The actor's input, given the recording effects. */
  input(effects: MachineEffects): unknown;
  /** The effect ports the contract speaks about; calls to others are not judged. */
  readonly effects: readonly EffectName[];
  /** The actor's state in the shape of the contract's `view`. */
  observe(actor: AnyActorRef): unknown;
  /** Emitted events judged as a multiset: for a root whose children report through their own mailboxes. */
  readonly unorderedEmits?: boolean;
  /** Puts an effect call in the form the contract writes it in (e.g. a list of ids in a set's order). */
  normalise?(call: Effect): Effect;
}

export interface ContractPath<M, E> {
  /** `states[0]` is the initial state; `events[i]` leads from `states[i]` to `states[i + 1]`. */
  readonly states: readonly M[];
  readonly events: readonly E[];
}

/** The shortest path (from `xstate/graph`, walking the model) to every state of the model, by key. */
export function vertexPaths<M, E extends ModelEvent>(contract: Contract<M, E>): ContractPath<M, E>[] {
  const logic = fromTransition((m: M, e: E) => contract.step(m, e).next, contract.initial);
  const paths = getShortestPaths(logic, {
    events: (snapshot) => [...contract.alphabet(snapshot.context)],
    serializeState: (snapshot) => contract.key(snapshot.context),
    serializeEvent: (event) => event.type,
  });
  // The graph keeps one snapshot per key (the epoch of whichever run got there), so the states are replayed.
  return paths.map((path) => replay(contract, path.steps.slice(1).map((s) => s.event as E)));
}

/** The model's states along `events`, from its initial state. */
export function replay<M, E extends ModelEvent>(contract: Contract<M, E>, events: readonly E[]): ContractPath<M, E> {
  const states = [contract.initial];
  for (const event of events) states.push(contract.step(states[states.length - 1]!, event).next);
  return { states, events };
}

/** One path per edge of the model: each state's shortest path, extended by each event of its alphabet. */
export function edgePaths<M, E extends ModelEvent>(contract: Contract<M, E>): { vertex: ContractPath<M, E>; edges: ContractPath<M, E>[] }[] {
  return vertexPaths(contract).map((vertex) => {
    const last = vertex.states[vertex.states.length - 1]!;
    const edges = contract.alphabet(last).map((event) => ({
      states: [...vertex.states, contract.step(last, event).next],
      events: [...vertex.events, event],
    }));
    return { vertex, edges };
  });
}

/** The contract's scenarios as paths (each label looked up in the alphabet of the state it is sent in). */
export function scenarioPaths<M, E extends ModelEvent>(contract: Contract<M, E>): ContractPath<M, E>[] {
  return (contract.scenarios ?? []).map((labels) => {
    const events: E[] = [];
    let m = contract.initial;
    for (const label of labels) {
      const event = contract.alphabet(m).find((e) => e.type === label);
      if (event === undefined) throw new Error(`${contract.name} scenario ${labels.join(' → ')}: no ${label} in ${contract.key(m)}`);
      events.push(event);
      m = contract.step(m, event).next;
    }
    return replay(contract, events);
  });
}

export function describePath<E extends ModelEvent>(path: { readonly events: readonly E[] }): string {
  return path.events.length === 0 ? '(start)' : path.events.map((e) => e.type).join(' → ');
}

/** Longest chain of microsteps one step may take: a machine looping on eventless transitions is stopped there. */
const MICROSTEP_LIMIT = 1_000;

export interface RunOptions {
  readonly recorder?: CoverageRecorder;
  /** Every state node id the actor entered and every transition key it took are reported here. */
  readonly inspect?: (event: InspectionEvent) => void;
}

const sortedCalls = (calls: readonly Effect[]): string[] => calls.map((c) => toStableJson([c[0], c[1]])).sort();

/**
 * Drives the subject's machine along `path` and judges every step against the contract: the actor's view, the
 * effects called (of those the contract speaks about) and the events emitted. A wait is judged twice: one
 * millisecond before it is due nothing may have happened, and at the due time the outcome must have.
 */
export function runContractPath<M, E extends ModelEvent>(
  contract: Contract<M, E>,
  subject: Subject,
  path: ContractPath<M, E>,
  options: RunOptions = {},
): void {
  const clock = new VirtualClock();
  const recording = recordingEffects();
  const judged = new Set<string>(subject.effects);
  const emitted: unknown[] = [];
  let microsteps = 0;
  const actor = createActor(subject.machine, {
    clock,
    input: subject.input(recording.effects),
    inspect: (event: InspectionEvent) => {
      options.recorder?.inspect(event);
      options.inspect?.(event);
      if (event.type === '@xstate.microstep' && ++microsteps > MICROSTEP_LIMIT) {
        throw new Error('the machine loops on eventless transitions');
      }
    },
  });
  actor.on('*', (event: unknown) => void emitted.push(event));
  // An actor that fails (a mutant's action throwing, a loop stopped) shows status 'error', which the view compares;
  // observing the error here keeps XState from rethrowing it later, outside the test.
  actor.subscribe({ error: () => {} });
  const label = `${contract.name}: ${describePath(path)}`;
  const normalise = subject.normalise ?? ((call: Effect) => call);
  const calls = (): Effect[] => recording.calls.filter(([name]) => judged.has(name)).map(([name, params]) => normalise([name, params]));
  const expectEmitted = (expected: readonly unknown[], where: string) => {
    if (subject.unorderedEmits !== true) return expect(emitted, `${label}\n${where}: emitted`).toEqual(expected);
    expect(emitted, `${label}\n${where}: emitted`).toHaveLength(expected.length);
    expect(emitted, `${label}\n${where}: emitted`).toEqual(expect.arrayContaining([...expected]));
  };
  const expectAt = (m: M, where: string) => expect(subject.observe(actor), `${label}\n${where}: state`).toEqual(contract.view(m));
  try {
    actor.start();
    expectAt(path.states[0]!, 'start');
    expect(sortedCalls(calls()), `${label}\nstart: effects`).toEqual(sortedCalls(contract.start?.effects ?? []));
    expectEmitted(contract.start?.emits ?? [], 'start');
    for (let i = 0; i < path.events.length; i++) {
      const event = path.events[i]!;
      const before = path.states[i]!;
      const outcome = contract.step(before, event);
      const where = `step ${i + 1} (${event.type})`;
      recording.calls.length = 0;
      emitted.length = 0;
      microsteps = 0;
      const stimulus = event.stimulus;
      if ('wait' in stimulus) {
        clock.advance(stimulus.wait - 1);
        expectAt(before, `${where}, 1 ms before it is due`);
        expect(sortedCalls(calls()), `${label}\n${where}, 1 ms before it is due: effects`).toEqual([]);
        expect(emitted, `${label}\n${where}, 1 ms before it is due: emitted`).toEqual([]);
        clock.advance(1);
      } else {
        for (const e of stimulus.send) actor.send(e);
      }
      expectAt(outcome.next, where);
      expect(sortedCalls(calls()), `${label}\n${where}: effects`).toEqual(sortedCalls((outcome.effects ?? []).map(normalise)));
      expectEmitted(outcome.emits ?? [], where);
    }
  } finally {
    actor.stop();
  }
}

/** The actor's status and, for a machine actor, its state value: the common part of every subject's `observe`. */
export function statusAndValue(actor: AnyActorRef): { status: string; value: unknown } {
  const snapshot = actor.getSnapshot() as { status: string; value?: unknown };
  return { status: snapshot.status, value: snapshot.value };
}
