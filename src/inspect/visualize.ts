import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnyStateMachine } from 'xstate';
import { lobbyListMachine } from '../machines/lobby-list.machine.js';
import { lobbyMachine } from '../machines/lobby.machine.js';
import { peerSessionMachine } from '../machines/peer-session.machine.js';
import { sessionMachine } from '../machines/session.machine.js';
import { chartOf, guardText, actionName, type NamedMachine } from './chart.js';
import { chartToDot } from './dot.js';
import { chartToMermaid } from './mermaid.js';

/** The machines lobbykit draws, in the order the files and the viewer list them. */
export const LOBBYKIT_MACHINES: readonly NamedMachine[] = [
  { name: 'session', machine: sessionMachine },
  { name: 'lobby', machine: lobbyMachine },
  { name: 'lobbyList', machine: lobbyListMachine },
  { name: 'peerSession', machine: peerSessionMachine },
];

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
 * The machine's own JSON (`machine.toJSON()`, what Stately's tools import), made JSON-safe: Steam IDs (bigint)
 * become `"<digits>n"`, composite guards (`and`, `not`, `stateIn`, which are functions) become their readable
 * text, inline actions their name, and other functions (input and params mappers) are left out.
 */
export function machineJson(machine: AnyStateMachine): string {
  return `${JSON.stringify(
    machine.toJSON(),
    (key, value: unknown) => {
      if (typeof value === 'bigint') return `${value}n`;
      if (typeof value !== 'function') return value;
      if (key === 'guard') return guardText(value);
      if (/^\d+$/.test(key)) return { type: actionName(value) };
      return undefined;
    },
    2,
  )}\n`;
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
