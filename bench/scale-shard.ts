// One shard of `npm run bench -- scale --workers=N`, run in a worker thread: its share of the lobbies as a world of
// its own (its own simulated Steam and clock, since lobbies share nothing), built and connected, then played when
// the main thread says go, so every shard's run starts at once. See runSharded in scale.bench.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { connectRuntimes, countDelivered, createSteamWorld, loadLibrary, playFrames } from './scale-world.js';

/** What the main thread hands each shard. */
export interface ShardTask {
  /** The library folder, as `loadLibrary` takes it. */
  readonly dir: string;
  readonly players: number;
  readonly firstAccount: number;
  readonly firstPlayer: number;
  readonly frames: number;
  readonly sendState: boolean;
  readonly sendEvents: boolean;
}

/** What a shard reports once its frames are played. */
export interface ShardResult {
  readonly type: 'done';
  readonly wallSeconds: number;
  readonly delivered: number;
  readonly sendFailures: number;
  readonly stillConnected: number;
  readonly sessionErrors: number;
}

const port = parentPort;
if (port === null) throw new Error('scale-shard.ts runs in a worker thread (see runSharded in scale.bench.ts)');
const task = workerData as ShardTask;
const lib = await loadLibrary(task.dir);
const world = createSteamWorld(lib, task.players, task.firstAccount);
const { players } = await connectRuntimes(lib, world);
let sessionErrors = 0;
for (const p of players) p.runtime.errors$.subscribe(() => void sessionErrors++);
const counter = countDelivered(players);
port.once('message', () => {
  const start = performance.now();
  const sendFailures = playFrames(world, players, 0, task.frames, task);
  const wallSeconds = (performance.now() - start) / 1000;
  const result: ShardResult = {
    type: 'done',
    wallSeconds,
    delivered: counter.delivered,
    sendFailures,
    stillConnected: players.filter((p) => p.runtime.allConnected()).length,
    sessionErrors,
  };
  port.postMessage(result);
  for (const p of players) p.runtime.dispose();
});
port.postMessage({ type: 'ready' });
