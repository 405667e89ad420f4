import { describe, expect, it } from 'vitest';
import { and, createMachine, not, setup, stateIn, type AnyStateMachine, type AnyStateNode } from 'xstate';
import { chartOf, statesOf } from '../src/inspect/chart.js';
import { chartToDot } from '../src/inspect/dot.js';
import { chartToMermaid, mermaidId } from '../src/inspect/mermaid.js';
import { LOBBYKIT_MACHINES, loadSvgRenderer, machineJson } from '../src/inspect/visualize.js';

/** The machine's state nodes, read straight from XState (independently of chart.ts). */
function nodesOf(machine: AnyStateMachine): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  const visit = (node: AnyStateNode): void => {
    out.push(node);
    Object.values(node.states).forEach(visit);
  };
  visit(machine.root);
  return out;
}

const isCluster = (node: AnyStateNode) => node.type === 'compound' || node.type === 'parallel';

describe.each(LOBBYKIT_MACHINES.map((m) => [m.name, m] as const))('the %s machine drawn', (_name, named) => {
  const chart = chartOf(named);
  const dot = chartToDot(chart);
  const mermaid = chartToMermaid(chart);
  const nodes = nodesOf(named.machine);

  it('has one DOT element per state node, clusters for compound and parallel states', () => {
    for (const node of nodes) {
      const prefix = isCluster(node) ? 'cluster:' : 'state:';
      expect(dot.split(`id="${prefix}${node.id}"`).length - 1, node.id).toBe(1);
    }
    expect(statesOf(chart).map((s) => s.id)).toEqual(nodes.map((n) => n.id));
  });

  it('marks every initial state and every final state', () => {
    for (const node of nodes.filter((n) => n.type === 'compound')) {
      const initial = node.initial.target[0]!;
      const head = isCluster(initial) ? `anchor:${initial.id}` : `state:${initial.id}`;
      expect(dot).toContain(`"initial:${node.id}" -> "${head}"`);
      expect(mermaid).toContain(`[*] --> ${mermaidId(initial.id)}`);
    }
    for (const node of nodes.filter((n) => n.type === 'final')) {
      expect(dot).toMatch(new RegExp(`"state:${node.id.replace(/\./g, '\\.')}" \\[[^\\n]*peripheries=2`));
      expect(mermaid).toContain(`${mermaidId(node.id)} --> [*]`);
    }
  });

  it('labels each delayed transition with its delay name and keeps every transition', () => {
    const delayed = nodes.flatMap((n) => n.after.map((t) => String(t.delay)));
    const drawnDelays = chart.transitions.filter((t) => t.kind === 'after').map((t) => t.label);
    expect(drawnDelays.sort()).toEqual(delayed.map((d) => `after ${d}`).sort());
    for (const delay of delayed) expect(dot).toContain(`after ${delay}`);
    const total = nodes.reduce((sum, n) => sum + [...n.transitions.values()].flat().length + (n.always?.length ?? 0), 0);
    expect(chart.transitions).toHaveLength(total);
  });

  it('writes every state once in the Mermaid source, parallel regions split by --', () => {
    expect(mermaid.startsWith('stateDiagram-v2\n')).toBe(true);
    for (const node of nodes) {
      const declaration = new RegExp(` as ${mermaidId(node.id)}( \\{)?$`, 'gm');
      expect(mermaid.match(declaration), node.id).toHaveLength(1);
    }
    const separators = mermaid.split('\n').filter((line) => line.trim() === '--').length;
    const expected = nodes.filter((n) => n.type === 'parallel').reduce((sum, n) => sum + Object.keys(n.states).length - 1, 0);
    expect(separators).toBe(expected);
  });

  it('exports JSON that parses and keeps the machine id and states', () => {
    const json = JSON.parse(machineJson(named.machine)) as { id: string; states: Record<string, unknown> };
    expect(json.id).toBe(named.machine.id);
    expect(Object.keys(json.states)).toEqual(Object.keys(named.machine.root.states));
  });
});

describe('drawing details', () => {
  const toy = setup({
    guards: { ready: () => true, open: () => true },
    actions: { noted: (_, _params: { owner: bigint }) => {} },
    delays: { patience: 1_000 },
  }).createMachine({
    id: 'toy',
    initial: 'a',
    states: {
      a: {
        after: { 250: 'b', patience: 'c' },
        on: {
          go: { guard: and([stateIn('#toy.a'), not('ready')]), target: 'b' },
          poke: { actions: { type: 'noted', params: { owner: 76561198000000001n } } },
        },
      },
      b: { on: { go: [{ guard: 'open', target: 'c' }, { target: 'a' }] } },
      c: { type: 'final' },
    },
  });
  const chart = chartOf({ name: 'toy', machine: toy });

  it('spells composite guards, numeric delays and named delays', () => {
    const labels = chart.transitions.map((t) => `${t.label}${t.guard === undefined ? '' : ` [${t.guard}]`}`);
    expect(labels.sort()).toEqual(
      ['after 250 ms', 'after patience', 'go [in(toy.a) && !ready]', 'poke', 'go [open]', 'go'].sort(),
    );
  });

  it('lists action-only transitions inside their state instead of drawing edges', () => {
    const dot = chartToDot(chart);
    expect(dot).toContain('poke / noted');
    expect(dot).not.toMatch(/-> "state:toy\.a" \[label="poke/);
    // Two transitions between the same pair share one edge with stacked labels.
    expect(dot.match(/"state:toy\.b" -> "state:toy\.c"/g)).toHaveLength(1);
  });

  it('keeps Steam IDs in the JSON as "<digits>n" and composite guards as text', () => {
    const json = machineJson(toy);
    expect(json).toContain('"owner": "76561198000000001n"');
    expect(json).toContain('"guard": "in(toy.a) && !ready"');
  });

  it('renders SVG offline with the state ids the viewer highlights', async () => {
    const svg = (await loadSvgRenderer())(chartToDot(chart));
    expect(svg).toContain('<svg');
    for (const id of ['state:toy.a', 'state:toy.b', 'state:toy.c', 'cluster:toy']) expect(svg).toContain(`id="${id}"`);
  });

  it('is deterministic', () => {
    const again = chartOf({ name: 'toy', machine: createMachine(toy.config) });
    expect(chartToDot(again)).toBe(chartToDot(chart));
  });
});
