// The JSON files in visualizations/ say they can be imported (docs/visualizations.md): each must load with XState's
// own createMachine, start, and keep the machine's states, initial states and transitions. Checked against the
// machines themselves through XState's state nodes, not through the code that wrote the files.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createActor, createMachine, fromCallback, type AnyStateMachine, type AnyStateNode } from 'xstate';
import { LOBBYKIT_MACHINES } from '../src/inspect/visualize.js';

const folder = fileURLToPath(new URL('../visualizations/', import.meta.url));

function nodesOf(machine: AnyStateMachine): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  const visit = (node: AnyStateNode): void => {
    out.push(node);
    Object.values(node.states).forEach(visit);
  };
  visit(machine.root);
  return out;
}

/** Each state's transitions as "event → targets", the way XState resolved them (after-delays by their number). */
function edges(machine: AnyStateMachine): string[] {
  const out: string[] = [];
  for (const node of nodesOf(machine)) {
    for (const [event, list] of node.transitions) {
      const shown = event.startsWith('xstate.after.') ? 'after' : event;
      for (const t of list) out.push(`${node.id}: ${shown} → ${(t.target ?? []).map((n: AnyStateNode) => n.id).join(',')}`);
    }
    for (const t of node.always ?? []) out.push(`${node.id}: always → ${(t.target ?? []).map((n: AnyStateNode) => n.id).join(',')}`);
  }
  return out.sort();
}

const fileOf = (name: string) => JSON.parse(readFileSync(`${folder}${name}.json`, 'utf8')) as Record<string, unknown>;

/** What the session file's description says to provide: the other files' machines, and any logic for the pool. */
const provided = {
  actors: {
    lobby: createMachine(fileOf('lobby')),
    lobbyList: createMachine(fileOf('lobbyList')),
    voteKick: createMachine(fileOf('voteKick')),
    peerPool: fromCallback(() => {}),
  },
};

describe.each(LOBBYKIT_MACHINES.map((m) => [m.name, m.machine] as const))('visualizations/%s.json', (name, machine) => {
  const json = fileOf(name);
  const invokes = nodesOf(machine).some((n) => n.invoke.length > 0);

  const description = String(json['description']);
  // The guards the description names, each as a guard that never passes (the machine must only start).
  const namedGuards = Object.fromEntries([...description.matchAll(/"([^"]+)"/g)].map((m) => [m[1]!, () => false]));

  it('says how it loads: as is, or with the actors it invokes and the guards they meet at once', () => {
    if (!invokes) expect(description).toMatch(/^createMachine\(json\) loads and starts this machine as is/);
    else {
      expect(description).toMatch(/it invokes lobby, lobbyList, voteKick, peerPool, so starting it needs them/);
      // Exactly the guards on the lobby actor's snapshot transitions, which run as soon as it starts.
      const onSnapshot = (json['invoke'] as { onSnapshot?: { guard?: string }[] }[]).flatMap((i) => i.onSnapshot ?? []);
      expect(Object.keys(namedGuards).sort()).toEqual(onSnapshot.flatMap((t) => (t.guard === undefined ? [] : [t.guard])).sort());
    }
  });

  it('loads with createMachine and starts in the machine\'s initial state', () => {
    const loaded = invokes ? createMachine(json).provide({ ...provided, guards: namedGuards }) : createMachine(json);
    const actor = createActor(loaded);
    const errors: unknown[] = [];
    actor.subscribe({ error: (e) => errors.push(e) });
    actor.start();
    expect(errors).toEqual([]);
    expect(actor.getSnapshot().status).toBe('active');
    expect(actor.getSnapshot().value).toEqual(machine.root.initial.target[0]!.key);
    actor.stop();
  });

  it('keeps every state, its kind and initial child, and every transition with its targets', () => {
    const loaded = createMachine(json);
    const shape = (m: AnyStateMachine) => nodesOf(m).map((n) => [n.id, n.type, n.type === 'compound' ? n.initial.target[0]?.id : null]);
    expect(shape(loaded)).toEqual(shape(machine));
    expect(edges(loaded)).toEqual(edges(machine));
  });
});

describe('the package', () => {
  it('ships every drawing (and not the script that makes them)', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json', '--offline', '--no-update-notifier'], { cwd: root, encoding: 'utf8' })) as { files: { path: string }[] }[];
    const shipped = packed[0]!.files.map((f) => f.path).filter((path) => path.startsWith('visualizations/')).sort();
    expect(shipped).toEqual(LOBBYKIT_MACHINES.flatMap((m) => ['json', 'mmd', 'svg'].map((ext) => `visualizations/${m.name}.${ext}`)).sort());
  });
});
