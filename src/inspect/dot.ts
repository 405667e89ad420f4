/**
 * Graphviz DOT for a chart: compound and parallel states are clusters (parallel ones dashed), each compound state
 * has a filled dot pointing at its initial child, final states are double-bordered, and every transition that
 * moves is an edge labelled with its event (or `after <delay name>` / `always`) and guard. Transitions that only
 * run actions are listed inside their state, so the picture stays readable without hiding them.
 *
 * Every state's SVG element gets a stable id (`state:<id>` for nodes, `cluster:<id>` for clusters), which the
 * live viewer uses to highlight the current state.
 */
import { statesOf, type Chart, type ChartState, type ChartTransition } from './chart.js';

export const SVG_STATE_ID_PREFIX = 'state:';
export const SVG_CLUSTER_ID_PREFIX = 'cluster:';

// One name Graphviz has metrics for: without font files (WASM), an unknown name is measured as Times and
// the browser's wider sans-serif text then spills out of its box.
const FONT = 'Helvetica';

export function chartToDot(chart: Chart): string {
  const byId = new Map(statesOf(chart).map((state) => [state.id, state]));
  const stays = new Map<string, ChartTransition[]>();
  const moves: ChartTransition[] = [];
  for (const t of chart.transitions) {
    if (t.targets.length === 0) stays.set(t.source, [...(stays.get(t.source) ?? []), t]);
    else moves.push(t);
  }

  const lines: string[] = [
    `digraph ${quote(chart.name)} {`,
    `  graph [compound=true, rankdir=LR, nodesep=0.3, ranksep=0.5, fontname=${quote(FONT)}, fontsize=12];`,
    `  node [fontname=${quote(FONT)}, fontsize=11, shape=box, style="rounded,filled", fillcolor="#ffffff", color="#444444", margin="0.12,0.05"];`,
    `  edge [fontname=${quote(FONT)}, fontsize=9, color="#555555", arrowsize=0.7];`,
  ];
  drawState(chart.root, stays, lines, '  ');
  for (const group of groupEdges(moves)) lines.push(`  ${edge(group, byId)}`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

function isCluster(state: ChartState): boolean {
  return state.type === 'compound' || state.type === 'parallel';
}

/** The invisible point edges to and from a cluster attach to (Graphviz edges join nodes, not clusters). */
function anchorOf(id: string): string {
  return `anchor:${id}`;
}

function drawState(state: ChartState, stays: ReadonlyMap<string, ChartTransition[]>, out: string[], pad: string): void {
  const label = htmlLabel(state, stays.get(state.id) ?? []);
  if (!isCluster(state)) {
    const extra = state.type === 'final' ? ', peripheries=2' : state.type === 'history' ? ', shape=circle' : '';
    out.push(`${pad}${quote(SVG_STATE_ID_PREFIX + state.id)} [id=${quote(SVG_STATE_ID_PREFIX + state.id)}, label=${label}${extra}];`);
    return;
  }
  const style = state.type === 'parallel' ? 'rounded,dashed' : 'rounded';
  out.push(`${pad}subgraph ${quote(`cluster_${state.id}`)} {`);
  out.push(
    `${pad}  graph [id=${quote(SVG_CLUSTER_ID_PREFIX + state.id)}, label=${label}, labeljust=l, style=${quote(style)}, color="#888888", bgcolor="#fbfbfb"];`,
  );
  out.push(`${pad}  ${quote(anchorOf(state.id))} [shape=point, style=invis, width=0.01, height=0.01, label=""];`);
  if (state.initial !== undefined) {
    const initialDot = `initial:${state.id}`;
    out.push(`${pad}  ${quote(initialDot)} [shape=circle, style=filled, fillcolor="#222222", color="#222222", width=0.12, height=0.12, fixedsize=true, label=""];`);
    const target = state.children.find((child) => child.id === state.initial);
    const head = target !== undefined && isCluster(target) ? anchorOf(target.id) : SVG_STATE_ID_PREFIX + state.initial;
    const lhead = target !== undefined && isCluster(target) ? `, lhead=${quote(`cluster_${target.id}`)}` : '';
    out.push(`${pad}  ${quote(initialDot)} -> ${quote(head)} [arrowsize=0.6${lhead}];`);
  }
  for (const child of state.children) drawState(child, stays, out, pad + '  ');
  out.push(`${pad}}`);
}

function htmlLabel(state: ChartState, stays: readonly ChartTransition[]): string {
  // Not bold: Graphviz in WASM measures text without font files and underestimates bold widths.
  const rows = [`<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="12">${html(state.key)}</FONT>${typeSuffix(state)}</TD></TR>`];
  const small = (text: string) => `<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="8" COLOR="#666666">${html(text)}</FONT></TD></TR>`;
  if (state.entry.length > 0) rows.push(small(`entry / ${state.entry.join(', ')}`));
  if (state.exit.length > 0) rows.push(small(`exit / ${state.exit.join(', ')}`));
  if (state.invokes.length > 0) rows.push(small(`invoke ${state.invokes.join(', ')}`));
  for (const line of stayLines(stays)) rows.push(small(line));
  return `<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">${rows.join('')}</TABLE>>`;
}

/**
 * Action-only transitions, grouped by what they do: `lobby.kick, lobby.ban, lobby.start / reject` reads better
 * than three lines that differ only in the event. Long event lists wrap.
 */
function stayLines(stays: readonly ChartTransition[]): string[] {
  const groups = new Map<string, string[]>();
  for (const t of stays) {
    const tail = `${t.guard === undefined ? '' : ` [${t.guard}]`}${t.actions.length > 0 ? ` / ${t.actions.join(', ')}` : ''}`;
    const events = groups.get(tail) ?? [];
    if (!events.includes(t.label)) events.push(t.label);
    groups.set(tail, events);
  }
  const lines: string[] = [];
  for (const [tail, events] of groups) {
    let line = '';
    for (const event of events) {
      if (line.length > 0 && line.length + event.length > 56) {
        lines.push(`${line},`);
        line = `  ${event}`;
      } else {
        line = line.length > 0 ? `${line}, ${event}` : event;
      }
    }
    lines.push(line + tail);
  }
  return lines;
}

function typeSuffix(state: ChartState): string {
  if (state.type === 'parallel') return ' <FONT POINT-SIZE="8" COLOR="#666666">(parallel)</FONT>';
  if (state.type === 'final') return ' <FONT POINT-SIZE="8" COLOR="#666666">(final)</FONT>';
  return '';
}

/** `a` contains `b` (or is it). */
function contains(a: string, b: string): boolean {
  return a === b || b.startsWith(`${a}.`);
}

/** Transitions of one kind between the same two states share an edge (stacked labels), so labels never overlap. */
interface EdgeGroup {
  readonly source: string;
  readonly target: string;
  readonly kind: ChartTransition['kind'];
  readonly labels: string[];
}

function groupEdges(moves: readonly ChartTransition[]): EdgeGroup[] {
  const groups = new Map<string, EdgeGroup>();
  for (const t of moves) {
    for (const target of t.targets) {
      const kind = t.kind === 'after' || t.kind === 'always' ? t.kind : 'event';
      const key = `${t.source}\u0000${target}\u0000${kind}`;
      const group = groups.get(key) ?? { source: t.source, target, kind, labels: [] };
      groups.set(key, group);
      const text = edgeLabel(t);
      if (!group.labels.includes(text)) group.labels.push(text);
    }
  }
  return [...groups.values()];
}

function edge(t: EdgeGroup, byId: ReadonlyMap<string, ChartState>): string {
  const targetId = t.target;
  const source = byId.get(t.source);
  const target = byId.get(targetId);
  const attrs: string[] = [`label=${quote(t.labels.join('\n'))}`];
  let tail = SVG_STATE_ID_PREFIX + t.source;
  let head = SVG_STATE_ID_PREFIX + targetId;
  if (source !== undefined && isCluster(source)) {
    tail = anchorOf(source.id);
    if (!contains(source.id, targetId)) attrs.push(`ltail=${quote(`cluster_${source.id}`)}`);
  }
  if (target !== undefined && isCluster(target)) {
    head = anchorOf(target.id);
    if (!contains(target.id, t.source)) attrs.push(`lhead=${quote(`cluster_${target.id}`)}`);
  }
  if (t.kind === 'after') attrs.push('style=dashed', 'color="#1f6fb2"', 'fontcolor="#1f6fb2"');
  if (t.kind === 'always') attrs.push('style=dotted');
  return `${quote(tail)} -> ${quote(head)} [${attrs.join(', ')}];`;
}

function edgeLabel(t: ChartTransition): string {
  return t.guard === undefined ? t.label : `${t.label}\n[${t.guard}]`;
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
