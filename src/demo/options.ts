/**
 * The demo's knobs, checked once: the CLI hands over the raw option texts and gets either options or the one
 * sentence that says what is wrong with them.
 */
import { MAX_LOBBY_MEMBERS } from '../effects/backend.js';

export interface DemoOptions {
  /** Everyone in the story: the host, the guests who get in, and the one who finds the lobby full. */
  readonly players: number;
  /** Base one-way P2P latency of the simulated network, ms. */
  readonly latencyMs: number;
  /** Chance that a datagram is lost on every link (reliable ones are resent, unreliable ones are gone). */
  readonly loss: number;
  /** Seeds the network and the game traffic: the same seed plays the same run, byte for byte. */
  readonly seed: number;
}

export const DEFAULT_DEMO_OPTIONS: DemoOptions = { players: 6, latencyMs: 20, loss: 0, seed: 1 };

/**
 * The story needs a host, a guest who loses its link, a guest to kick, and one who finds the lobby full; the
 * lobby holds everyone but that last one, so Steam's 250-member cap bounds it from above.
 */
export const MIN_DEMO_PLAYERS = 4;
export const MAX_DEMO_PLAYERS = MAX_LOBBY_MEMBERS + 1;
export const MAX_DEMO_LATENCY_MS = 1000;
/** Above this, unreliable traffic is mostly noise and reliable resends stretch the story past its deadlines. */
export const MAX_DEMO_LOSS = 0.5;

export interface RawDemoOptions {
  readonly players?: string;
  readonly latency?: string;
  readonly loss?: string;
  readonly seed?: string;
}

export type DemoOptionsResult = { readonly ok: true; readonly options: DemoOptions } | { readonly ok: false; readonly problem: string };

const INTEGER = /^[0-9]+$/;
const DECIMAL = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;

function integerIn(name: string, text: string, min: number, max: number, why = ''): number | string {
  const value = INTEGER.test(text) ? Number(text) : Number.NaN;
  if (Number.isSafeInteger(value) && value >= min && value <= max) return value;
  return `${name} must be an integer from ${min} to ${max}${why}, got ${JSON.stringify(text)}`;
}

function decimalIn(name: string, text: string, min: number, max: number, what: string): number | string {
  const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (Number.isFinite(value) && value >= min && value <= max) return value;
  return `${name} must be ${what} from ${min} to ${max}, got ${JSON.stringify(text)}`;
}

export function parseDemoOptions(raw: RawDemoOptions): DemoOptionsResult {
  const d = DEFAULT_DEMO_OPTIONS;
  const players =
    raw.players === undefined
      ? d.players
      : integerIn('--players', raw.players, MIN_DEMO_PLAYERS, MAX_DEMO_PLAYERS, ' (a host, a guest whose link fails, one to kick, one who finds the lobby full)');
  const latencyMs = raw.latency === undefined ? d.latencyMs : decimalIn('--latency', raw.latency, 0, MAX_DEMO_LATENCY_MS, 'a number of milliseconds');
  const loss = raw.loss === undefined ? d.loss : decimalIn('--loss', raw.loss, 0, MAX_DEMO_LOSS, 'a probability');
  const seed = raw.seed === undefined ? d.seed : integerIn('--seed', raw.seed, 0, 2 ** 32 - 1);
  for (const value of [players, latencyMs, loss, seed]) {
    if (typeof value === 'string') return { ok: false, problem: value };
  }
  return { ok: true, options: { players: players as number, latencyMs: latencyMs as number, loss: loss as number, seed: seed as number } };
}
