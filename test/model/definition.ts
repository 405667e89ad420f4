/**
 * What a machine DEFINES, counted from its state nodes: every state (the root excluded: it is always active) and
 * every transition — `on` events, `after` delays, `always`, and invoke onDone/onError/onSnapshot, which XState
 * keeps in the same per-node transition map. A transition's key is its source node, its event descriptor and its
 * position among that node's candidates for that descriptor, so a machine made with `.provide()` (the runtime's)
 * yields the same keys as the bare definition.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

export interface MachineDefinition {
  readonly id: string;
  /** State node ids, e.g. `lobby.membership.joined`. */
  readonly states: readonly string[];
  /** Transition keys, e.g. `lobby.membership.idle | lobby.join #0`. */
  readonly transitions: readonly string[];
}

const ALWAYS = '(always)';

function descriptorOf(transition: AnyTransitionDefinition): string {
  return transition.eventType === '' ? ALWAYS : transition.eventType;
}

/** The key of a transition XState selected (from an `@xstate.microstep` inspection event), or undefined. */
export function transitionKey(transition: AnyTransitionDefinition): string | undefined {
  const source = transition.source;
  const candidates =
    transition.eventType === '' ? (source.always ?? []) : (source.transitions.get(transition.eventType) ?? []);
  const index = candidates.indexOf(transition);
  return index < 0 ? undefined : `${source.id} | ${descriptorOf(transition)} #${index}`;
}

function walk(node: AnyStateNode, states: string[], transitions: string[], isRoot: boolean): void {
  if (!isRoot) states.push(node.id);
  for (const [eventType, candidates] of node.transitions) {
    candidates.forEach((_, index) => transitions.push(`${node.id} | ${eventType === '' ? ALWAYS : eventType} #${index}`));
  }
  (node.always ?? []).forEach((_, index) => transitions.push(`${node.id} | ${ALWAYS} #${index}`));
  for (const child of Object.values(node.states)) walk(child, states, transitions, false);
}

export function machineDefinition(machine: AnyStateMachine): MachineDefinition {
  const states: string[] = [];
  const transitions: string[] = [];
  walk(machine.root, states, transitions, true);
  return { id: machine.id, states, transitions };
}

/** Ids of every state node a state value makes active (the root excluded), e.g. `{ a: 'b' }` → `m.a`, `m.a.b`. */
export function activeStateIds(machineId: string, value: unknown): string[] {
  const out: string[] = [];
  const visit = (prefix: string, v: unknown): void => {
    if (typeof v === 'string') {
      out.push(`${prefix}.${v}`);
      return;
    }
    if (v === null || typeof v !== 'object') return;
    for (const [key, child] of Object.entries(v as Record<string, unknown>)) {
      out.push(`${prefix}.${key}`);
      visit(`${prefix}.${key}`, child);
    }
  };
  visit(machineId, value);
  return out;
}
