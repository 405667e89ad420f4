/**
 * A machine's definition as plain JSON that `createMachine(json)` loads and starts: what Stately Studio imports
 * (wrapped in `createMachine(...)`) and what `@xstate`-based tools read. It is the config the machine was written
 * with, made data: composite guards (`and`, `not`, `stateIn`, which are functions) become their readable text,
 * actions their name (and their params when those are data), named delays their default in milliseconds (the
 * name kept in the transition's `description`), and functions that only run with real input (context, input and
 * params mappers) are left out. Steam IDs (bigint) become `"<digits>n"`.
 *
 * What stays out is behaviour, not structure: guards and actions are names to implement with `.provide()`. Started
 * as is, the machine reaches its initial states; an event whose transition needs a guard names the guard missing.
 */
import type { AnyStateMachine } from 'xstate';
import { actionName, guardText } from './chart.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Named delays' defaults, by name: the `after` keys a loadable config needs instead of names. */
export type DelayDefaults = Readonly<Record<string, number>>;

/**
 * The machine's config as JSON text (two-space indented, newline-terminated, the same bytes for the same machine),
 * its top-level `description` saying how to load it: as is, or with the actors it invokes provided.
 */
export function machineConfigJson(machine: AnyStateMachine, delays: DelayDefaults = {}): string {
  const config = stateConfig(machine.config as Record<string, unknown>, delays, machine.id) as Record<string, Json>;
  const invokes = invokesOf(config);
  const invoked = [...new Set(invokes.map((i) => String(i['src'])))];
  // An invoked actor reports its first snapshot as it starts, so those transitions' guards run at once.
  const snapshotGuards = [...new Set(invokes.flatMap((i) => guardsIn(i['onSnapshot'])))];
  const description =
    invoked.length === 0
      ? 'createMachine(json) loads and starts this machine as is. Guards and actions are names: give them with .provide() to run the transitions that need them.'
      : `createMachine(json) loads this machine; it invokes ${invoked.join(', ')}, so starting it needs them and the guards their snapshots meet at once (${snapshotGuards.map((g) => JSON.stringify(g)).join(', ')}) given with .provide({ actors, guards }). Other guards and actions are names, as in the invoked machines' own files.`;
  return `${JSON.stringify({ id: config['id'] ?? machine.id, description, ...config }, undefined, 2)}\n`;
}

type JsonObject = Record<string, Json>;

/** Every invoke in a state config (already made JSON) and its children, depth-first. */
function invokesOf(config: JsonObject): JsonObject[] {
  const here = (config['invoke'] ?? []) as JsonObject[];
  const states = (config['states'] ?? {}) as Record<string, JsonObject>;
  return [...here, ...Object.values(states).flatMap(invokesOf)];
}

function guardsIn(list: Json | undefined): string[] {
  const all = Array.isArray(list) ? list : list === undefined ? [] : [list];
  return all.flatMap((t) => (t !== null && typeof t === 'object' && !Array.isArray(t) && typeof t['guard'] === 'string' ? [t['guard']] : []));
}

const TRANSITION_MAPS = new Set(['on', 'onDone', 'onError', 'onSnapshot']);

function stateConfig(config: Record<string, unknown>, delays: DelayDefaults, machineId: string): Json {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined || typeof value === 'function') continue;
    switch (key) {
      case 'context':
        continue;
      case 'states':
        out[key] = mapValues(value as Record<string, Record<string, unknown>>, (child) => stateConfig(child, delays, machineId));
        continue;
      case 'on':
        out[key] = mapValues(value as Record<string, unknown>, transitions);
        continue;
      case 'after':
        out[key] = afterConfig(value as Record<string, unknown>, delays, machineId);
        continue;
      case 'always':
        out[key] = transitions(value);
        continue;
      case 'entry':
      case 'exit':
        out[key] = actions(value);
        continue;
      case 'invoke':
        out[key] = (Array.isArray(value) ? value : [value]).map((invoke: Record<string, unknown>) => invokeConfig(invoke));
        continue;
      default:
        out[key] = data(value);
    }
  }
  return out;
}

function invokeConfig(invoke: Record<string, unknown>): Json {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(invoke)) {
    if (value === undefined || key === 'input' || typeof value === 'function') continue;
    out[key] = TRANSITION_MAPS.has(key) ? transitions(value) : data(value);
  }
  return out;
}

/** Named delays become their default (a number key XState runs as is); the name stays in the description. */
function afterConfig(after: Record<string, unknown>, delays: DelayDefaults, machineId: string): Json {
  const out: Record<string, Json> = {};
  for (const [delay, value] of Object.entries(after)) {
    const named = !/^\d+$/.test(delay);
    const ms = named ? delays[delay] : Number(delay);
    if (ms === undefined) throw new Error(`${machineId}: no default for the delay "${delay}"`);
    if (String(ms) in out) throw new Error(`${machineId}: two delays of ${ms} ms leave one state`);
    const described = (t: Json): Json =>
      named && t !== null && typeof t === 'object' && !Array.isArray(t) ? { ...t, description: `after ${delay} (default ${ms} ms)` } : t;
    const list = transitions(value);
    out[String(ms)] = Array.isArray(list) ? list.map(described) : described(list);
  }
  return out;
}

function transitions(value: unknown): Json {
  if (Array.isArray(value)) return value.map(transition);
  return transition(value);
}

function transition(value: unknown): Json {
  if (typeof value === 'string') return value;
  const out: Record<string, Json> = {};
  for (const [key, part] of Object.entries(value as Record<string, unknown>)) {
    if (part === undefined) continue;
    if (key === 'guard') out[key] = guardText(part);
    else if (key === 'actions') out[key] = actions(part);
    else if (typeof part !== 'function') out[key] = data(part);
  }
  return out;
}

function actions(value: unknown): Json {
  return (Array.isArray(value) ? value : [value]).map(action);
}

/** An action as its name, with its params when those are data (a params mapper runs only with real events). */
function action(value: unknown): Json {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'params' in value && typeof value.params !== 'function') {
    return { type: actionName(value), params: data(value.params) };
  }
  return actionName(value);
}

function data(value: unknown): Json {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'function' ? undefined : v))) as Json;
}

function mapValues<T>(record: Record<string, T>, fn: (value: T) => Json): Json {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(record)) out[key] = fn(value);
  return out;
}
