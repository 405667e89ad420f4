// The scale bench's world, shared by `scale` (one build against the hand-written baseline) and `ab` (two builds
// against each other): 250 lobbies of 8 real runtimes on one simulated Steam and one VirtualClock, connected, and
// the traffic each player sends per frame.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LobbyRuntime } from '../src/runtime.js';

/** Compiles src/ into dist/ so a run measures the current sources as shipped. */
export function buildDist(): void {
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
  const root = fileURLToPath(new URL('..', import.meta.url));
  const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`bench: building dist/ failed (status ${String(built.status)})`);
}

/** The modules a run uses, all from one build so nothing mixes compiled and tsx-compiled copies. */
export interface Library {
  readonly VirtualClock: typeof import('../src/effects/clock.js').VirtualClock;
  readonly createSimulatedSteam: typeof import('../src/effects/sim/network.js').createSimulatedSteam;
  readonly steamIdOfAccount: typeof import('../src/effects/sim/network.js').steamIdOfAccount;
  readonly createLobbyRuntime: typeof import('../src/runtime.js').createLobbyRuntime;
  readonly createPacketCodec: typeof import('../src/codec/packet-codec.js').createPacketCodec;
}

/**
 * Why another build's folder would not load as this checkout's does, or undefined. Its `.js` files are ES modules,
 * so they must sit in a package whose package.json says `"type": "module"` (a worktree or a clone does). Elsewhere
 * Node takes them for CommonJS and tsx transforms them on the way in: a copy of this very build, loaded from a bare
 * folder, ran much slower in `ab`, which would pass for a regression.
 */
export function libraryFolderProblem(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const manifest = join(at, 'package.json');
    if (existsSync(manifest)) {
      const type = (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type;
      return type === 'module' ? undefined : `${manifest} does not say "type": "module", so ${dir} would load as CommonJS`;
    }
    if (dirname(at) === at) return `no package.json above ${dir}, so its modules would load as CommonJS`;
  }
}

/** The folder `dir` names: this checkout's `dist` or `src`, or another build's dist/ (an absolute path). */
export function libraryFolder(dir: string): string {
  return dir.startsWith('/') ? dir : fileURLToPath(new URL(`../${dir}`, import.meta.url));
}

/** Loads the library from `dir` (see libraryFolder). */
export async function loadLibrary(dir: string): Promise<Library> {
  const base = libraryFolder(dir);
  const problem = libraryFolderProblem(base);
  if (problem !== undefined) throw new Error(`bench: ${problem}; build it in a worktree or a clone (see bench/ab.bench.ts)`);
  const [clock, network, runtime, codec] = await Promise.all([
    import(`${base}/effects/clock.js`) as Promise<typeof import('../src/effects/clock.js')>,
    import(`${base}/effects/sim/network.js`) as Promise<typeof import('../src/effects/sim/network.js')>,
    import(`${base}/runtime.js`) as Promise<typeof import('../src/runtime.js')>,
    import(`${base}/codec/packet-codec.js`) as Promise<typeof import('../src/codec/packet-codec.js')>,
  ]);
  return {
    VirtualClock: clock.VirtualClock,
    createSimulatedSteam: network.createSimulatedSteam,
    steamIdOfAccount: network.steamIdOfAccount,
    createLobbyRuntime: runtime.createLobbyRuntime,
    createPacketCodec: codec.createPacketCodec,
  };
}

export const LOBBY_SIZE = 8;
export const HZ = 60;
export const LATENCY_MS = 30;
/** Players are the simulated Steam's accounts from this one on (the baseline numbers its players the same way). */
export const FIRST_ACCOUNT = 10_000;
export const FRAME_MS = 1000 / HZ;
export const STATE_EVERY_FRAMES = 3;
export const EVENT_EVERY_FRAMES = 60;

export interface Player {
  readonly id: bigint;
  readonly runtime: LobbyRuntime;
}

/**
 * The simulated Steam with its users, before any runtime exists (the scale bench's heap baseline). A shard of a
 * sharded run numbers its players from its own first account, so no two shards share an id.
 */
export function createSteamWorld(lib: Library, players: number, firstAccount = FIRST_ACCOUNT) {
  const clock = new lib.VirtualClock();
  const steam = lib.createSimulatedSteam({ seed: 2000, clock, latencyMs: LATENCY_MS });
  const ids = Array.from({ length: players }, (_, i) => lib.steamIdOfAccount(firstAccount + i));
  ids.forEach((id, i) => steam.addUser({ id, name: `p${i}` }));
  const backends = ids.map((id) => steam.backend(id));
  return { clock, steam, ids, backends };
}

export type SteamWorld = ReturnType<typeof createSteamWorld>;

/** A runtime per user; every 8th creates a lobby, the 7 after it join, and all tick until everyone is connected. */
export async function connectRuntimes(lib: Library, world: SteamWorld): Promise<{ players: Player[]; setupFrames: number }> {
  const { clock, ids, backends } = world;
  const players: Player[] = ids.map((id, i) => ({ id, runtime: lib.createLobbyRuntime({ backend: backends[i]!, clock }) }));
  const tickAll = () => {
    clock.advance(FRAME_MS);
    for (const p of players) p.runtime.tick();
  };
  const owners = players.filter((_, i) => i % LOBBY_SIZE === 0);
  const created = owners.map((o) => o.runtime.createLobby({ maxMembers: LOBBY_SIZE }));
  for (let f = 0; f < 600 && !owners.every((o) => o.runtime.lobbyState().status === 'joined'); f++) tickAll();
  const lobbyIds = (await Promise.all(created)).map((r) => {
    if (!r.ok) throw new Error(`scale bench: create failed: ${r.error.reason}`);
    return r.lobbyId;
  });
  players.forEach((p, i) => {
    if (i % LOBBY_SIZE !== 0) void p.runtime.joinLobby(lobbyIds[Math.floor(i / LOBBY_SIZE)]!);
  });
  const everyoneConnected = () => players.every((p) => p.runtime.allConnected() && p.runtime.members().length === LOBBY_SIZE);
  let setupFrames = 0;
  for (; setupFrames < 60 * HZ && !everyoneConnected(); setupFrames++) tickAll();
  if (!everyoneConnected()) throw new Error('scale bench: the lobbies did not connect');
  return { players, setupFrames };
}

export interface Traffic {
  readonly sendState: boolean;
  readonly sendEvents: boolean;
  /** Where `players[0]` stands among all players (a shard's first), so each player sends on the frames it would in one world. */
  readonly firstPlayer?: number;
}

const state = { tick: 0, x: 0, y: 0, vx: 0, vy: 0, hp: 100 };

/**
 * Frames `from` to `to` − 1 of the run: the clock advances a frame, then each player ticks and sends its traffic
 * (an unreliable state update every 3rd frame, players staggered, and a reliable event every 60th). Returns how
 * many sends were refused.
 */
export function playFrames(world: SteamWorld, players: readonly Player[], from: number, to: number, traffic: Traffic): number {
  const { clock } = world;
  const { sendState, sendEvents } = traffic;
  const first = traffic.firstPlayer ?? 0;
  let sendFailures = 0;
  for (let f = from; f < to; f++) {
    clock.advance(FRAME_MS);
    for (let n = 0; n < players.length; n++) {
      const runtime = players[n]!.runtime;
      const i = first + n;
      runtime.tick();
      if (sendState && (f + i) % STATE_EVERY_FRAMES === 0) {
        state.tick = f;
        state.x = (f * 7 + i) % 800;
        state.y = (f * 3 + i) % 600;
        if (!runtime.send('all', state, { reliable: false, channel: 1 }).ok) sendFailures++;
      }
      if (sendEvents && (f + i) % EVENT_EVERY_FRAMES === 0 && !runtime.send('all', { event: 'score', by: i, at: f }, { channel: 2 }).ok) sendFailures++;
    }
  }
  return sendFailures;
}

/** Counts every game message the players receive on the two traffic channels. */
export function countDelivered(players: readonly Player[]): { readonly delivered: number } {
  const counter = { delivered: 0 };
  const count = () => void counter.delivered++;
  for (const p of players) {
    p.runtime.messages(1).subscribe(count);
    p.runtime.messages(2).subscribe(count);
  }
  return counter;
}
