/**
 * A plain, renderer-neutral picture of a machine, read from its definition (`machine.root`): the state tree and
 * every transition with a readable event, guard and action list. The DOT, Mermaid and live-viewer outputs are all
 * drawn from this, so they can never disagree with the machine, nor with each other.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';

export type ChartStateType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface ChartState {
  /** The state node's id, e.g. `peerSession.connected.listening` (unique within the machine). */
  readonly id: string;
  readonly key: string;
  readonly type: ChartStateType;
  /** The id of the initial child (compound states only). */
  readonly initial: string | undefined;
  readonly children: readonly ChartState[];
  readonly entry: readonly string[];
  readonly exit: readonly string[];
  /** Names of the actors this state invokes. */
  readonly invokes: readonly string[];
}

export type ChartTriggerKind = 'event' | 'after' | 'always' | 'snapshot' | 'done' | 'error';

export interface ChartTransition {
  readonly source: string;
  /** Target state ids; empty for a transition that only runs actions (stays where it is). */
  readonly targets: readonly string[];
  readonly kind: ChartTriggerKind;
  /** What a reader sees: the event type, `after handshakeTimeout`, `always`, `snapshot: lobby`, … */
  readonly label: string;
  readonly guard: string | undefined;
  readonly actions: readonly string[];
  readonly reenter: boolean;
}

export interface Chart {
  /** The name the files are written under (`lobby`, `peerSession`, `session`). */
  readonly name: string;
  /** The machine's id (`machine.id`), the key the inspector matches live actors by. */
  readonly machineId: string;
  readonly root: ChartState;
  /** In definition order: states depth-first, each state's transitions in the order XState checks them. */
  readonly transitions: readonly ChartTransition[];
}

/** A machine to draw, under the name its files get. */
export interface NamedMachine {
  readonly name: string;
  readonly machine: AnyStateMachine;
}

export function chartOf({ name, machine }: NamedMachine): Chart {
  const transitions: ChartTransition[] = [];
  const root = walk(machine.root, transitions);
  return { name, machineId: machine.id, root, transitions };
}

/** Every state of the chart, depth-first, the root first. */
export function statesOf(chart: Chart): ChartState[] {
  const out: ChartState[] = [];
  const visit = (state: ChartState): void => {
    out.push(state);
    state.children.forEach(visit);
  };
  visit(chart.root);
  return out;
}

function walk(node: AnyStateNode, transitions: ChartTransition[]): ChartState {
  for (const list of node.transitions.values()) {
    for (const t of list) transitions.push(transitionOf(node, t));
  }
  for (const t of node.always ?? []) transitions.push(transitionOf(node, t, 'always'));
  const children = Object.values(node.states).map((child) => walk(child, transitions));
  const initialTarget = node.type === 'compound' ? node.initial.target[0] : undefined;
  return {
    id: node.id,
    key: node.key,
    type: node.type,
    initial: initialTarget?.id,
    children,
    entry: ownActions(node.entry),
    exit: ownActions(node.exit),
    invokes: node.invoke.map((invoke) => (typeof invoke.src === 'string' ? invoke.src : invoke.id)),
  };
}

interface RawTransition {
  readonly target?: readonly AnyStateNode[] | undefined;
  readonly eventType: string;
  readonly guard?: unknown;
  readonly actions: readonly unknown[];
  readonly reenter: boolean;
  readonly delay?: unknown;
}

function transitionOf(node: AnyStateNode, t: RawTransition, always?: 'always'): ChartTransition {
  const trigger = always === 'always' ? { kind: 'always' as const, label: 'always' } : triggerOf(t);
  return {
    source: node.id,
    targets: (t.target ?? []).map((target) => target.id),
    kind: trigger.kind,
    label: trigger.label,
    guard: t.guard === undefined ? undefined : guardText(t.guard),
    actions: t.actions.map(actionName),
    reenter: t.reenter,
  };
}

const PREFIXES: readonly (readonly [string, ChartTriggerKind, string])[] = [
  ['xstate.snapshot.', 'snapshot', 'snapshot: '],
  ['xstate.done.actor.', 'done', 'done: '],
  ['xstate.done.state.', 'done', 'done: '],
  ['xstate.error.actor.', 'error', 'error: '],
];

function triggerOf(t: RawTransition): { kind: ChartTriggerKind; label: string } {
  if (t.delay !== undefined) {
    // Named delays stay named: the reader looks the duration up in the machine's `delays` (or the timing input).
    const delay = typeof t.delay === 'number' ? `${t.delay} ms` : typeof t.delay === 'string' ? t.delay : 'delay';
    return { kind: 'after', label: `after ${delay}` };
  }
  for (const [prefix, kind, shown] of PREFIXES) {
    if (t.eventType.startsWith(prefix)) return { kind, label: shown + t.eventType.slice(prefix.length) };
  }
  return { kind: 'event', label: t.eventType };
}

interface GuardFunction {
  readonly name: string;
  readonly guards?: readonly unknown[];
  readonly stateValue?: unknown;
}

/** `and`, `or`, `not` and `stateIn` guards are functions carrying their parts; the rest are names or objects. */
export function guardText(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const g = guard as GuardFunction;
    const parts = (g.guards ?? []).map(guardText);
    switch (g.name) {
      case 'and':
        return parts.map(wrapCompound).join(' && ');
      case 'or':
        return parts.map(wrapCompound).join(' || ');
      case 'not':
        return `!${wrapCompound(parts[0] ?? '?')}`;
      case 'stateIn':
        return `in(${stateInTarget(g.stateValue)})`;
      default:
        return g.name === '' ? 'inline guard' : g.name;
    }
  }
  if (typeof guard === 'object' && guard !== null && 'type' in guard) return String(guard.type);
  return 'guard';
}

function wrapCompound(text: string): string {
  return / (&&|\|\|) /.test(text) ? `(${text})` : text;
}

function stateInTarget(value: unknown): string {
  if (typeof value === 'string') return value.startsWith('#') ? value.slice(1) : value;
  return JSON.stringify(value);
}

/** Entry/exit actions without the timer bookkeeping XState adds for `after` (shown on the edges instead). */
function ownActions(actions: readonly unknown[]): string[] {
  return actions.map(actionName).filter((name) => name !== 'xstate.raise' && name !== 'xstate.cancel');
}

/** A readable name for an action: its `type` when it has one, the function's name, or `inline`. */
export function actionName(action: unknown): string {
  if (typeof action === 'string') return action;
  if (typeof action === 'object' && action !== null && 'type' in action) return String(action.type);
  if (typeof action === 'function') {
    const fn = action as { readonly name: string; readonly type?: unknown };
    if (typeof fn.type === 'string') return fn.type;
    return fn.name === '' ? 'inline' : fn.name;
  }
  return 'action';
}
