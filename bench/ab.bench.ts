// `npm run bench -- ab --a=<dist dir> [--b=<dist dir>] [--both] [--players=N] [--seconds=S] [--chunk=F] [--idle] [--json]`:
// two builds of lobbykit in one process, each with the scale bench's world (2,000 runtimes by default, connected),
// ticked in alternate chunks of frames (30 by default) so that the machine's slow and fast moments fall on both.
// Reported: B's run time over A's, and the median of the per-chunk ratios. For a change's effect, build its parent
// into another folder and pass it as A (B defaults to this checkout's dist/, built first):
//   git worktree add /tmp/base HEAD~1 && ln -s "$PWD/node_modules" /tmp/base/ && (cd /tmp/base && npx tsc -p tsconfig.build.json)
//   npm run bench -- ab --a=/tmp/base/dist --both
// The world built second runs a few per cent slower even when both builds are the same (a copy of one build against
// itself shows it, and more so with --idle). So `--both` runs the comparison twice, in two child processes, once
// in each order, and reports B's effect: the geometric mean of B/A and 1/(B/A swapped), below 1 when B is faster. A build is loaded from a folder inside a package of ES modules
// (a worktree or a clone); see libraryFolderProblem in scale-world.ts.
// `--idle` sends no game traffic: ticking and heartbeats only.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flagValue, positiveFlag } from './flags.js';
import { round } from './round.js';
import {
  buildDist,
  connectRuntimes,
  countDelivered,
  createSteamWorld,
  HZ,
  libraryFolder,
  loadLibrary,
  playFrames,
  type Player,
  type SteamWorld,
} from './scale-world.js';

interface Side {
  readonly world: SteamWorld;
  readonly players: readonly Player[];
  readonly counter: { readonly delivered: number };
  ms: number;
}

async function side(dir: string, players: number): Promise<Side> {
  const lib = await loadLibrary(dir);
  const world = createSteamWorld(lib, players);
  const connected = await connectRuntimes(lib, world);
  return { world, players: connected.players, counter: countDelivered(connected.players), ms: 0 };
}

export async function run(flags: readonly string[]): Promise<void> {
  const a = flagValue(flags, 'a');
  if (a === undefined) {
    process.stdout.write('ab: skipped (pass --a=<dist dir of the build to compare with>; see bench/ab.bench.ts)\n');
    return;
  }
  const b = flagValue(flags, 'b') ?? 'dist';
  if (b === 'dist') buildDist();
  if (flags.includes('--both')) {
    bothOrders(a, b, flags);
    return;
  }
  const players = positiveFlag(flags, 'players', 2000);
  const frames = Math.round(positiveFlag(flags, 'seconds', 15) * HZ);
  const chunk = Math.round(positiveFlag(flags, 'chunk', 30));
  const traffic = flags.includes('--idle') ? { sendState: false, sendEvents: false } : { sendState: true, sendEvents: true };
  const first = await side(a, players);
  const second = await side(b, players);
  const ratios: number[] = [];
  for (let from = 0; from < frames; from += chunk) {
    const to = Math.min(frames, from + chunk);
    // Alternate which side goes first within the chunk too.
    const order = (from / chunk) % 2 === 0 ? [first, second] : [second, first];
    const before = [first.ms, second.ms];
    for (const s of order) {
      const t = performance.now();
      playFrames(s.world, s.players, from, to, traffic);
      s.ms += performance.now() - t;
    }
    ratios.push((second.ms - before[1]!) / (first.ms - before[0]!));
  }
  ratios.sort((x, y) => x - y);
  const result = {
    'ab.a': a,
    'ab.b': b,
    'ab.players': players,
    'ab.simulatedSeconds': frames / HZ,
    'ab.aMs': Math.round(first.ms),
    'ab.bMs': Math.round(second.ms),
    'ab.bOverA': round(second.ms / first.ms, 3),
    'ab.medianChunkRatio': round(ratios[ratios.length >> 1]!, 3),
    /** False would mean the builds did different work, so the ratio compares unlike runs. */
    'ab.sameWork': first.counter.delivered === second.counter.delivered,
  };
  if (flags.includes('--json')) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write(
    `ab — ${players} runtimes × ${frames / HZ} simulated s, chunks of ${chunk} frames\n` +
      `  A ${a}: ${result['ab.aMs']} ms; B ${b}: ${result['ab.bMs']} ms; B/A ${result['ab.bOverA']} (median chunk ${result['ab.medianChunkRatio']})` +
      `${result['ab.sameWork'] ? '' : ' — the builds delivered different counts: unlike work'}\n`,
  );
}

interface OneOrder {
  readonly 'ab.bOverA': number;
  readonly 'ab.medianChunkRatio': number;
  readonly 'ab.sameWork': boolean;
}

/** Runs A-then-B and B-then-A in two child processes, so each order gets a fresh heap, and combines them. */
function bothOrders(a: string, b: string, flags: readonly string[]): void {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const rest = flags.filter((f) => !f.startsWith('--a=') && !f.startsWith('--b=') && f !== '--both' && f !== '--json');
  const once = (first: string, second: string): OneOrder => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', resolve(here, 'index.ts'), 'ab', `--a=${first}`, `--b=${second}`, '--json', ...rest], {
      encoding: 'utf8',
      env: { ...process.env, LOBBYKIT_BENCH_CHILD: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (child.status !== 0) throw new Error(`ab --both: the run with A=${first} failed (status ${String(child.status)})`);
    return JSON.parse(child.stdout.trim().split('\n').pop()!) as OneOrder;
  };
  const forward = once(libraryFolder(a), libraryFolder(b));
  const swapped = once(libraryFolder(b), libraryFolder(a));
  const effect = Math.sqrt(forward['ab.bOverA'] / swapped['ab.bOverA']);
  const result = {
    'ab.a': a,
    'ab.b': b,
    /** B/A with A's world built first, and B/A with B's world built first (the swapped run's A/B). */
    'ab.bOverA': forward['ab.bOverA'],
    'ab.bOverAWithBFirst': round(1 / swapped['ab.bOverA'], 3),
    /** B's time over A's with the order's bias taken out: √(B/A · B/A with B first). Below 1: B is faster. */
    'ab.effect': round(effect, 3),
    'ab.sameWork': forward['ab.sameWork'] && swapped['ab.sameWork'],
  };
  if (flags.includes('--json')) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write(
    `ab, both orders — A ${a}, B ${b}\n` +
      `  B/A ${result['ab.bOverA']} with A built first, ${result['ab.bOverAWithBFirst']} with B built first: B takes ${result['ab.effect']}× A's time` +
      `${result['ab.sameWork'] ? '' : ' — the builds delivered different counts: unlike work'}\n`,
  );
}
