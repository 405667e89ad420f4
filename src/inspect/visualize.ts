/**
 * The files `npm run visualize` (and `lobbykit visualize`) writes for each of lobbykit's machines: an SVG drawn by
 * Graphviz (offline, in WASM), Mermaid source, and the machine's definition as JSON that `createMachine` loads
 * (Stately Studio's import). docs/visualizations.md says which tool takes which file.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnyStateMachine } from 'xstate';
import { DEFAULT_RETRY_POLICY } from '../machines/backoff.js';
import { lobbyListMachine } from '../machines/lobby-list.machine.js';
import { DEFAULT_LOBBY_TIMING, lobbyMachine } from '../machines/lobby.machine.js';
import { DEFAULT_PEER_TIMING, peerSessionMachine } from '../machines/peer-session.machine.js';
import { sessionMachine } from '../machines/session.machine.js';
import { DEFAULT_VOTE_KICK_TIMING, voteKickMachine } from '../machines/vote-kick.machine.js';
import { chartOf, type NamedMachine } from './chart.js';
import { machineConfigJson, type DelayDefaults } from './machine-config.js';
import { chartToDot } from './dot.js';
import { chartToMermaid } from './mermaid.js';

/** The machines lobbykit draws, in the order the files and the viewer list them. */
export const LOBBYKIT_MACHINES: readonly NamedMachine[] = [
  { name: 'session', machine: sessionMachine },
  { name: 'lobby', machine: lobbyMachine },
  { name: 'lobbyList', machine: lobbyListMachine },
  { name: 'peerSession', machine: peerSessionMachine },
  { name: 'voteKick', machine: voteKickMachine },
];

/** The default of every named delay in lobbykit's machines (the runtime's timing options change them). */
export const DEFAULT_DELAYS: DelayDefaults = {
  requestTimeout: DEFAULT_LOBBY_TIMING.requestTimeoutMs,
  leaveTimeout: DEFAULT_LOBBY_TIMING.leaveTimeoutMs,
  seatReservation: DEFAULT_LOBBY_TIMING.seatReservationMs,
  rejoinInterval: DEFAULT_LOBBY_TIMING.rejoinIntervalMs,
  listTimeout: DEFAULT_LOBBY_TIMING.listTimeoutMs,
  handshakeTimeout: DEFAULT_PEER_TIMING.handshakeTimeoutMs,
  retryBackoff: DEFAULT_RETRY_POLICY.baseDelayMs,
  voteTimeout: DEFAULT_VOTE_KICK_TIMING.voteTimeoutMs,
  executeTimeout: DEFAULT_VOTE_KICK_TIMING.executeTimeoutMs,
};

export interface GeneratedFile {
  /** File name, e.g. `lobby.svg`. */
  readonly name: string;
  readonly contents: string;
}

/** Thrown (as a typed failure, caught by the CLI) when the optional SVG renderer is not installed. */
export class SvgRendererMissingError extends Error {
  readonly code = 'svg-renderer-missing';
  constructor(cause: unknown) {
    super('Rendering SVG needs the @viz-js/viz package (npm install --save-dev @viz-js/viz).', { cause });
  }
}

/** Renders DOT to SVG offline (Graphviz in WASM; no network). */
export type SvgRenderer = (dot: string) => string;

/**
 * Graphviz compiled to WASM, loaded on demand (nothing pays for it unless SVG is asked for); a caller drawing
 * several charts loads it once and keeps it. Rejects with SvgRendererMissingError without the optional package.
 */
export async function loadSvgRenderer(): Promise<SvgRenderer> {
  let viz: Awaited<ReturnType<typeof import('@viz-js/viz')['instance']>>;
  try {
    viz = await (await import('@viz-js/viz')).instance();
  } catch (error) {
    throw new SvgRendererMissingError(error);
  }
  return (dot: string) => viz.renderString(dot, { format: 'svg', engine: 'dot' });
}

/**
 * The machine's definition as JSON that `createMachine(json)` loads and starts (machine-config.ts): what Stately
 * Studio imports. Named delays get lobbykit's defaults, or the machine's own when it gives a number.
 */
export function machineJson(machine: AnyStateMachine): string {
  const own: Record<string, number> = {};
  for (const [name, delay] of Object.entries(machine.implementations.delays)) if (typeof delay === 'number') own[name] = delay;
  return machineConfigJson(machine, { ...own, ...DEFAULT_DELAYS });
}

/** Every file for every machine: `<name>.svg`, `<name>.mmd`, `<name>.json`. Same machines → same bytes. */
export async function renderVisualizations(machines: readonly NamedMachine[] = LOBBYKIT_MACHINES): Promise<GeneratedFile[]> {
  const files: GeneratedFile[] = [];
  const renderSvg = await loadSvgRenderer();
  for (const named of machines) {
    const chart = chartOf(named);
    files.push({ name: `${named.name}.svg`, contents: renderSvg(chartToDot(chart)) });
    files.push({ name: `${named.name}.mmd`, contents: chartToMermaid(chart) });
    files.push({ name: `${named.name}.json`, contents: machineJson(named.machine) });
  }
  return files;
}

/** Writes every file into `outDir` (created if missing) and returns the paths written. */
export async function writeVisualizations(
  outDir: string,
  machines: readonly NamedMachine[] = LOBBYKIT_MACHINES,
): Promise<string[]> {
  const files = await renderVisualizations(machines);
  await mkdir(outDir, { recursive: true });
  const paths: string[] = [];
  for (const file of files) {
    const path = join(outDir, file.name);
    await writeFile(path, file.contents);
    paths.push(path);
  }
  return paths;
}
