/**
 * Mermaid `stateDiagram-v2` drawings of machine charts.
 */
import { statesOf, type Chart, type ChartState, type ChartTransition } from './chart.js';

/**
 * Mermaid `stateDiagram-v2` source for a chart: nested states as composite blocks (parallel regions separated by
 * `--`), `[*]` for initial and final states, and each moving transition written in the block of the innermost
 * state that holds both ends, labelled `event [guard]`. Transitions that only run actions become `%%` comments
 * under their state, so the source still tells the whole story while the drawing stays clean.
 */
export function chartToMermaid(chart: Chart): string {
  const parents = new Map<string, string | undefined>();
  for (const state of statesOf(chart)) for (const child of state.children) parents.set(child.id, state.id);
  parents.set(chart.root.id, undefined);

  // Which block each moving transition is written in: the innermost common ancestor, never an end itself.
  const movesIn = new Map<string | undefined, string[]>();
  const stays = new Map<string, ChartTransition[]>();
  for (const t of chart.transitions) {
    if (t.targets.length === 0) {
      stays.set(t.source, [...(stays.get(t.source) ?? []), t]);
      continue;
    }
    for (const target of t.targets) {
      let block = commonAncestor(t.source, target, parents);
      if (block === t.source || block === target) block = parents.get(block as string);
      movesIn.set(block, [...(movesIn.get(block) ?? []), `${mermaidId(t.source)} --> ${mermaidId(target)} : ${label(t)}`]);
    }
  }

  const out = ['stateDiagram-v2', `  %% ${chart.name}: generated from the machine definition (npm run visualize); do not edit.`];
  drawState(chart.root, stays, movesIn, out, '  ');
  for (const line of movesIn.get(undefined) ?? []) out.push(`  ${line}`);
  return out.join('\n') + '\n';
}

function drawState(
  state: ChartState,
  stays: ReadonlyMap<string, ChartTransition[]>,
  movesIn: ReadonlyMap<string | undefined, string[]>,
  out: string[],
  pad: string,
): void {
  const id = mermaidId(state.id);
  const title = state.type === 'parallel' ? `${state.key} (parallel)` : state.key;
  if (state.children.length === 0) {
    out.push(`${pad}state "${text(title)}" as ${id}`);
  } else {
    out.push(`${pad}state "${text(title)}" as ${id} {`);
    if (state.initial !== undefined) out.push(`${pad}  [*] --> ${mermaidId(state.initial)}`);
    state.children.forEach((child, index) => {
      if (state.type === 'parallel' && index > 0) out.push(`${pad}  --`);
      drawState(child, stays, movesIn, out, pad + '  ');
    });
    for (const line of movesIn.get(state.id) ?? []) out.push(`${pad}  ${line}`);
    for (const child of state.children) {
      if (child.type === 'final') out.push(`${pad}  ${mermaidId(child.id)} --> [*]`);
    }
    out.push(`${pad}}`);
  }
  const handled = [...new Set((stays.get(state.id) ?? []).map(label))];
  if (handled.length > 0) out.push(`${pad}%% ${state.key} also handles, staying put: ${handled.join('; ')}`);
}

function commonAncestor(a: string, b: string, parents: ReadonlyMap<string, string | undefined>): string | undefined {
  const ancestorsOfA = new Set<string>();
  for (let s: string | undefined = a; s !== undefined; s = parents.get(s)) ancestorsOfA.add(s);
  for (let s: string | undefined = b; s !== undefined; s = parents.get(s)) if (ancestorsOfA.has(s)) return s;
  return undefined;
}

/** Mermaid ids allow letters, digits and underscores only. */
export function mermaidId(stateId: string): string {
  return stateId.replace(/[^A-Za-z0-9_]/g, '_');
}

function label(t: ChartTransition): string {
  const guard = t.guard === undefined ? '' : ` [${t.guard.replace(/ && /g, ' and ').replace(/ \|\| /g, ' or ').replace(/!/g, 'not ')}]`;
  // A colon or semicolon would end the label early in Mermaid's grammar.
  return text(`${t.label}${guard}`).replace(/[:;]/g, '');
}

function text(value: string): string {
  return value.replace(/"/g, "'").replace(/#/g, '');
}
