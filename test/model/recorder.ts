/**
 * Records what the runtime's actors really did, from XState inspection: every `@xstate.microstep` names the
 * transitions XState selected and the state it reached (so states passed through in one macrostep, like a peer's
 * `failed`, count too). Attach `recorder.inspect` as the runtime's `inspect` option.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyTransitionDefinition, InspectionEvent } from 'xstate';
import { activeStateIds, transitionKey } from './definition.js';

export const COVERAGE_DIR = 'test-output/model-coverage';
export const COVERAGE_FILE = 'test-output/model-coverage.json';

export interface CoverageRecord {
  /** Machine id → state ids seen active. */
  readonly states: Record<string, string[]>;
  /** Machine id → transition keys XState took. */
  readonly transitions: Record<string, string[]>;
}

interface MachineLike {
  readonly id: string;
}

export class CoverageRecorder {
  private readonly states = new Map<string, Set<string>>();
  private readonly transitions = new Map<string, Set<string>>();

  readonly inspect = (event: InspectionEvent): void => {
    if (event.type !== '@xstate.microstep' && event.type !== '@xstate.snapshot') return;
    const snapshot = event.snapshot as { machine?: MachineLike; value?: unknown };
    const machineId = snapshot.machine?.id;
    if (machineId === undefined) return;
    const states = this.setOf(this.states, machineId);
    for (const id of activeStateIds(machineId, snapshot.value)) states.add(id);
    if (event.type !== '@xstate.microstep') return;
    const taken = this.setOf(this.transitions, machineId);
    for (const transition of event._transitions as AnyTransitionDefinition[]) {
      const key = transitionKey(transition);
      if (key !== undefined) taken.add(key);
    }
  };

  /** Transition keys taken by `machineId` so far (for assertions). */
  taken(machineId: string): ReadonlySet<string> {
    return this.transitions.get(machineId) ?? new Set();
  }

  record(): CoverageRecord {
    const plain = (map: Map<string, Set<string>>) =>
      Object.fromEntries([...map].map(([id, set]) => [id, [...set].sort()]));
    return { states: plain(this.states), transitions: plain(this.transitions) };
  }

  /** Writes this file's record where `npm run coverage:model` collects it (one file per test file: workers run in parallel). */
  save(name: string): void {
    mkdirSync(COVERAGE_DIR, { recursive: true });
    writeFileSync(join(COVERAGE_DIR, `${name}.json`), JSON.stringify(this.record(), null, 1));
  }

  private setOf(map: Map<string, Set<string>>, id: string): Set<string> {
    let set = map.get(id);
    if (set === undefined) {
      set = new Set();
      map.set(id, set);
    }
    return set;
  }
}

/** The record name of the bare-machine paths (test/model-machines.test.ts), which run no runtime. */
export const BARE_MACHINES_RECORD = 'machines.json';

/** Every saved record (or those `include` keeps, by file name) merged into one. */
export function mergeSavedRecords(dir = COVERAGE_DIR, include: (file: string) => boolean = () => true): CoverageRecord {
  const states: Record<string, Set<string>> = {};
  const transitions: Record<string, Set<string>> = {};
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json') && include(f));
  } catch {
    files = [];
  }
  for (const file of files) {
    const record = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CoverageRecord;
    for (const [target, source] of [
      [states, record.states],
      [transitions, record.transitions],
    ] as const) {
      for (const [id, keys] of Object.entries(source)) {
        const set = (target[id] ??= new Set());
        for (const key of keys) set.add(key);
      }
    }
  }
  const plain = (r: Record<string, Set<string>>) => Object.fromEntries(Object.entries(r).map(([id, s]) => [id, [...s].sort()]));
  return { states: plain(states), transitions: plain(transitions) };
}
