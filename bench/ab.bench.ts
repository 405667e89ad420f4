// `npm run bench -- ab --a=<dist dir> [--b=<dist dir>] [--players=N] [--seconds=S] [--chunk=F] [--idle] [--json]`:
// two builds of lobbykit in one process, each with the scale bench's world (2,000 runtimes by default, connected),
// ticked in alternate chunks of frames (30 by default) so that the machine's slow and fast moments fall on both.
// Reported: B's run time over A's, and the median of the per-chunk ratios. For a change's effect, build its parent
// into another folder and pass it as A (B defaults to this checkout's dist/, built first):
//   git worktree add /tmp/base HEAD~1 && ln -s "$PWD/node_modules" /tmp/base/ && (cd /tmp/base && npx tsc -p tsconfig.build.json)
//   npm run bench -- ab --a=/tmp/base/dist
// The world built second runs a few per cent slower even when both builds are the same (a copy of one build against
// itself: 1.04–1.06 here; with --idle, the two orders of one comparison put it near 1.15), so run both orders
// (`--a` and `--b` swapped) and take the geometric mean of B/A and 1/(B/A swapped).
// `--idle` sends no game traffic: ticking and heartbeats only.
import { flagValue, numberFlag } from './flags.js';
import { buildDist, connectRuntimes, countDelivered, createSteamWorld, HZ, loadLibrary, playFrames, type Player, type SteamWorld } from './scale-world.js';

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

function positive(flags: readonly string[], name: string, fallback: number): number {
  const value = numberFlag(flags, name);
  return value !== undefined && value > 0 ? value : fallback;
}

export async function run(flags: readonly string[]): Promise<void> {
  const a = flagValue(flags, 'a');
  if (a === undefined) {
    process.stdout.write('ab: skipped (pass --a=<dist dir of the build to compare with>; see bench/ab.bench.ts)\n');
    return;
  }
  const b = flagValue(flags, 'b') ?? 'dist';
  if (b === 'dist') buildDist();
  const players = positive(flags, 'players', 2000);
  const frames = Math.round(positive(flags, 'seconds', 15) * HZ);
  const chunk = Math.round(positive(flags, 'chunk', 30));
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
    'ab.bOverA': Math.round((second.ms / first.ms) * 1000) / 1000,
    'ab.medianChunkRatio': Math.round(ratios[ratios.length >> 1]! * 1000) / 1000,
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
