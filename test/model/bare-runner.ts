/**
 * Runs a generated path on a BARE machine (no runtime): the machine's injected effects are replaced by recorders,
 * time is a VirtualClock, and an `xstate.after.*` step is caused by advancing virtual time until that delayed
 * transition is really taken (never by sending the event), so the timers themselves are under test. After every
 * step the actor's state value, context and status must equal the generated step's, and `check` judges the
 * effects called and the events emitted during that step against an oracle written from the machine's spec.
 */
import { expect } from 'vitest';
import { createActor, type AnyStateMachine, type InspectionEvent } from 'xstate';
import { VirtualClock } from '../../src/effects/clock.js';
import type { CoverageRecorder } from './recorder.js';

/** A generated path, reduced to what the runner reads (xstate/graph's StatePath fits). */
export interface BarePath<TSnapshot, TEvent> {
  readonly steps: readonly { readonly state: TSnapshot; readonly event: TEvent }[];
}

export interface EffectCall {
  readonly type: string;
  readonly params: unknown;
}

export interface BareStep<TSnapshot, TEvent> {
  readonly before: TSnapshot;
  readonly event: TEvent;
  readonly after: TSnapshot;
  /** Injected effects called during this step, in order. */
  readonly calls: readonly EffectCall[];
  /** Events the machine emitted during this step, in order. */
  readonly emitted: readonly { readonly type: string }[];
  /** "step i (label)" for failure messages. */
  readonly where: string;
}

export interface BareRunOptions<TSnapshot, TEvent> {
  readonly machine: AnyStateMachine;
  readonly input: unknown;
  readonly path: BarePath<TSnapshot, TEvent>;
  readonly recorder: CoverageRecorder;
  /** Names of the machine's injected effects (actions the runtime provides). */
  readonly effects: readonly string[];
  readonly label: (event: TEvent) => string;
  readonly check: (step: BareStep<TSnapshot, TEvent>) => void;
}

/** Longest virtual wait for one delayed transition: far beyond every delay the models configure. */
const TIMER_LIMIT_MS = 600_000;

interface Comparable {
  readonly value: unknown;
  readonly context: unknown;
  readonly status: string;
}

export function runBarePath<TSnapshot extends Comparable, TEvent extends { readonly type: string }>(
  options: BareRunOptions<TSnapshot, TEvent>,
): void {
  const { path, recorder } = options;
  const clock = new VirtualClock();
  const calls: EffectCall[] = [];
  const emitted: { type: string }[] = [];
  let awaited: string | undefined;
  let awaitedTaken = false;
  const effects = Object.fromEntries(
    options.effects.map((name) => [name, (_: unknown, params: unknown) => void calls.push({ type: name, params })]),
  );
  const machine = options.machine.provide({ actions: effects });
  const actor = createActor(machine, {
    clock,
    input: options.input,
    inspect: (event: InspectionEvent) => {
      recorder.inspect(event);
      if (event.type === '@xstate.microstep' && event.actorRef === actor && event.event.type === awaited) {
        awaitedTaken = true;
      }
    },
  });
  actor.on('*', (event: { type: string }) => void emitted.push(event));
  actor.start();

  const expectSame = (actual: Comparable, expected: Comparable, where: string): void => {
    expect(actual.value, `${where}: state`).toEqual(expected.value);
    expect(actual.context, `${where}: context`).toEqual(expected.context);
    expect(actual.status, `${where}: status`).toBe(expected.status);
  };
  expectSame(actor.getSnapshot() as Comparable, path.steps[0]!.state, 'start');

  for (let i = 1; i < path.steps.length; i++) {
    const { event, state: expected } = path.steps[i]!;
    const before = path.steps[i - 1]!.state;
    const where = `step ${i} (${options.label(event)})`;
    calls.length = 0;
    emitted.length = 0;
    if (event.type.startsWith('xstate.after.')) {
      awaited = event.type;
      awaitedTaken = false;
      // One millisecond at a time, so we stop right after the awaited timer and no later one fires with it.
      for (let waited = 0; !awaitedTaken; waited++) {
        if (waited > TIMER_LIMIT_MS) throw new Error(`${where}: the delayed transition was never taken`);
        clock.advance(1);
      }
      awaited = undefined;
    } else {
      actor.send(event);
    }
    const after = actor.getSnapshot() as unknown as TSnapshot;
    expectSame(after, expected, where);
    options.check({ before, event, after, calls: [...calls], emitted: [...emitted], where });
  }
  actor.stop();
}
