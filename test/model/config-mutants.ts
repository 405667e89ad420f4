/**
 * Mutants of a machine's definition, made from its config: every transition retargeted to every other state (and,
 * when it has a target, to none), every guard dropped, every action of a transition and every entry and exit
 * action dropped. Each mutant is a real machine (the same implementations, a changed config), so the contract
 * paths can run on it and show that they notice: a mutant no path kills is a row the contracts lack, unless it is
 * equivalent (then test/model/mutant-suite.ts lists it with the reason).
 */
import { createMachine, type AnyStateMachine, type AnyStateNode } from 'xstate';

export interface ConfigMutant {
  /** e.g. `lobby.joined | lobby.gone #0: target → #lobby.leaving`. */
  readonly id: string;
  /** The state node the mutation sits on: only paths that visit it can notice. */
  readonly node: string;
  /** For a changed transition: its source and event as coverage keys begin (`lobby.joined | lobby.gone #`). */
  readonly transition?: string;
  readonly machine: AnyStateMachine;
}

type Plain = Record<string, unknown>;
type TransitionConfig = string | Plain | undefined;

/** Copies plain objects and arrays; functions (guards, params, inline actions) are shared. */
function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clone) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value as Plain).map(([k, v]) => [k, clone(v)])) as T;
  }
  return value;
}

function asArray<T = unknown>(value: unknown): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as T[])] : [value as T];
}

/** A place in a config where a list of transitions lives, with a way to replace it. */
interface Slot {
  readonly node: AnyStateNode;
  /** What the mutant's id calls it (event type, `after <delay>`, `(always)`, `<invoke id>.onSnapshot`). */
  readonly descriptor: string;
  /** The event type XState files these transitions under, as coverage keys write it. */
  readonly eventType: string;
  get(config: Plain): TransitionConfig[];
  set(config: Plain, transitions: TransitionConfig[]): void;
}

function nodeConfigAt(root: Plain, path: readonly string[]): Plain {
  let config = root;
  for (const key of path) config = (config.states as Record<string, Plain>)[key]!;
  return config;
}

function slotsOf(node: AnyStateNode): Slot[] {
  const path = node.path as string[];
  const slots: Slot[] = [];
  const config = node.config as Plain;
  const record = (field: 'on' | 'after', describe: (key: string) => string, eventType: (key: string) => string) => {
    for (const key of Object.keys((config[field] as Plain | undefined) ?? {})) {
      slots.push({
        node,
        descriptor: describe(key),
        eventType: eventType(key),
        get: (root) => asArray<TransitionConfig>((nodeConfigAt(root, path)[field] as Plain)[key]),
        set: (root, transitions) => void ((nodeConfigAt(root, path)[field] as Plain)[key] = transitions),
      });
    }
  };
  record('on', (key) => key, (key) => key);
  record('after', (key) => `after ${key}`, (key) => `xstate.after.${key}.${node.id}`);
  if (config.always !== undefined) {
    slots.push({
      node,
      descriptor: '(always)',
      eventType: '(always)',
      get: (root) => asArray<TransitionConfig>(nodeConfigAt(root, path).always),
      set: (root, transitions) => void (nodeConfigAt(root, path).always = transitions),
    });
  }
  asArray<Plain>(config.invoke).forEach((invoke, index) => {
    for (const field of ['onDone', 'onError', 'onSnapshot'] as const) {
      if (invoke[field] === undefined) continue;
      const invokeAt = (root: Plain) => asArray<Plain>(nodeConfigAt(root, path).invoke)[index]!;
      const prefix = { onDone: 'xstate.done.actor', onError: 'xstate.error.actor', onSnapshot: 'xstate.snapshot' }[field];
      slots.push({
        node,
        descriptor: `${String(invoke.id)}.${field}`,
        eventType: `${prefix}.${String(invoke.id)}`,
        get: (root) => asArray<TransitionConfig>(invokeAt(root)[field]),
        // The invoke array holds the very objects `invokeAt` returns, so setting the field changes the config.
        set: (root, transitions) => void (invokeAt(root)[field] = transitions),
      });
    }
  });
  return slots;
}

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states as Record<string, AnyStateNode>).flatMap(allNodes)];
}

/** The id of the state a transition config targets, or undefined for none. */
function resolvedTarget(node: AnyStateNode, transition: TransitionConfig): string | undefined {
  const target = typeof transition === 'string' ? transition : (transition?.target as string | undefined);
  if (target === undefined) return undefined;
  if (target.startsWith('#')) return target.slice(1);
  if (target.startsWith('.')) return `${node.id}${target}`;
  return `${node.parent?.id ?? node.id}.${target}`;
}

const asObject = (transition: TransitionConfig): Plain =>
  typeof transition === 'string' ? { target: transition } : { ...(transition ?? {}) };

export function configMutants(machine: AnyStateMachine): ConfigMutant[] {
  const nodes = allNodes(machine.root);
  const stateIds = nodes.filter((n) => n !== machine.root).map((n) => n.id);
  const out: ConfigMutant[] = [];
  const make = (id: string, node: AnyStateNode, change: (config: Plain) => void, transition?: string) => {
    const config = clone(machine.config as Plain);
    change(config);
    const mutated = createMachine(config as never, machine.implementations as never) as AnyStateMachine;
    out.push({ id, node: node.id, transition, machine: mutated });
  };

  for (const node of nodes) {
    for (const slot of slotsOf(node)) {
      slot.get(machine.config as Plain).forEach((transition, index) => {
        const where = `${node.id} | ${slot.descriptor} #${index}`;
        const key = `${node.id} | ${slot.eventType} #`;
        const replace = (config: Plain, next: TransitionConfig) => {
          const list = slot.get(config);
          list[index] = next;
          slot.set(config, list);
        };
        const current = resolvedTarget(node, transition);
        for (const id of stateIds) {
          // Targeting the source itself is the same as having no target (XState v5 does not re-enter it).
          if (id === current || id === node.id) continue;
          make(`${where}: target → #${id}`, node, (config) => replace(config, { ...asObject(transition), target: `#${id}` }), key);
        }
        if (current !== undefined) {
          make(`${where}: no target`, node, (config) => {
            const { target: _target, ...rest } = asObject(transition);
            replace(config, rest);
          }, key);
        }
        const object = asObject(transition);
        if (object.guard !== undefined) {
          make(`${where}: guard dropped`, node, (config) => {
            const { guard: _guard, ...rest } = asObject(transition);
            replace(config, rest);
          }, key);
        }
        asArray(object.actions as unknown).forEach((action, at) => {
          make(`${where}: action ${describeAction(action)} dropped`, node, (config) => {
            const actions = asArray(asObject(transition).actions as unknown).filter((_, i) => i !== at);
            replace(config, { ...asObject(transition), actions });
          }, key);
        });
      });
    }
    for (const field of ['entry', 'exit'] as const) {
      asArray((node.config as Plain)[field] as unknown).forEach((action, at) => {
        make(`${node.id} ${field}: ${describeAction(action)} dropped`, node, (config) => {
          const nodeConfig = nodeConfigAt(config, node.path as string[]);
          nodeConfig[field] = asArray(nodeConfig[field] as unknown).filter((_, i) => i !== at);
        });
      });
    }
  }
  return out;
}

function describeAction(action: unknown): string {
  if (typeof action === 'string') return action;
  if (action !== null && typeof action === 'object' && 'type' in action) return String((action as { type: unknown }).type);
  return typeof action === 'function' ? `${action.name || 'inline'}()` : String(action);
}

// ── judging mutants with contract paths ─────────────────────────────────────────────────────────────────────

export interface MutantVerdict {
  readonly mutants: number;
  /** Ids of the mutants no path noticed. */
  readonly survivors: readonly string[];
}

/**
 * Runs each mutant of `machine` on the paths that visit the state its change sits on (shortest first) until one
 * fails. `run(machine, path)` throws when the path fails on `machine`; `visits(path)` names the states it visits
 * on the real machine.
 */
export function judgeMutants<P extends { readonly events: readonly unknown[] }>(
  machine: AnyStateMachine,
  paths: readonly P[],
  visits: (path: P) => { readonly states: ReadonlySet<string>; readonly transitions: ReadonlySet<string> },
  run: (machine: AnyStateMachine, path: P) => void,
  skip: (id: string) => boolean = () => false,
): MutantVerdict {
  const byLength = [...paths].sort((a, b) => a.events.length - b.events.length);
  const visited = new Map(byLength.map((p) => [p, visits(p)] as const));
  const survivors: string[] = [];
  const mutants = configMutants(machine);
  for (const mutant of mutants) {
    if (skip(mutant.id)) continue;
    const relevant = byLength.filter((p) => mutant.node === machine.root.id || visited.get(p)!.states.has(mutant.node));
    // Paths that sent the changed transition's event in its state come first: they are the likely witnesses.
    const sentThere = (p: P) => mutant.transition !== undefined && [...visited.get(p)!.transitions].some((t) => t.startsWith(mutant.transition!));
    const ordered = [...relevant.filter(sentThere), ...relevant.filter((p) => !sentThere(p))];
    const killed = ordered.some((path) => {
      try {
        run(mutant.machine, path);
        return false;
      } catch {
        return true;
      }
    });
    if (!killed) survivors.push(mutant.id);
  }
  return { mutants: mutants.length, survivors };
}
