// `npm run bench -- spawn [--json]`: what a lobby filling up costs, per design of where peer actors live.
//
// XState v5 copies a machine's `children` object on every spawn and stop, so n peers spawned as root children
// cost O(n²) copies in total. The designs measured, all on a VirtualClock (every peer arms its handshake timer):
//   standalone  createActor(peer).start() n times, no root at all: the floor, the cost of the peers themselves.
//   children    a minimal root that spawnChild()s each peer on "member entered" (XState's native way).
//   pool        lobbykit's session machine: peers live in an invoked pool, the root keeps a MemberTable
//               (bucketed immutable map; a plain Map copied per member event made this variant O(n²) too).
//   pool-roster the same, but all members arrive at once in the roster of the lobby we join.
// Reported: median ms to admit n members, µs per member, and the ratio to standalone at the same n.
import { performance } from 'node:perf_hooks';
import { createActor, setup, spawnChild } from 'xstate';
import { VirtualClock } from '../src/effects/clock.js';
import { NO_EFFECTS } from '../src/machines/effects.js';
import { peerSessionMachine } from '../src/machines/peer-session.machine.js';
import { sessionMachine } from '../src/machines/session.machine.js';

const SIZES = [10, 50, 250, 1000] as const;
const SELF = 76561198000000001n;
const LOBBY = 109775241000000001n;
const memberId = (i: number) => 76561198100000000n + BigInt(i);

type Variant = (n: number) => void;

const childrenRoot = setup({
  types: { events: {} as { type: 'member.entered'; memberId: bigint } },
  actors: { peer: peerSessionMachine },
}).createMachine({
  on: {
    'member.entered': {
      actions: spawnChild('peer', {
        id: ({ event }) => `peer:${event.memberId}`,
        input: ({ event }) => ({ remoteId: event.memberId, effects: NO_EFFECTS }),
      }),
    },
  },
});

const variants: Readonly<Record<string, Variant>> = {
  standalone(n) {
    const clock = new VirtualClock();
    const peers = [];
    for (let i = 0; i < n; i++) peers.push(createActor(peerSessionMachine, { clock, input: { remoteId: memberId(i), effects: NO_EFFECTS } }).start());
    for (const peer of peers) peer.stop();
  },
  children(n) {
    const root = createActor(childrenRoot, { clock: new VirtualClock() }).start();
    for (let i = 0; i < n; i++) root.send({ type: 'member.entered', memberId: memberId(i) });
    if (Object.keys(root.getSnapshot().children).length !== n) throw new Error('children: wrong peer count');
    root.stop();
  },
  pool(n) {
    const root = createActor(sessionMachine, { clock: new VirtualClock(), input: { selfId: SELF, effects: NO_EFFECTS } }).start();
    root.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 250 });
    root.send({ type: 'lobby.created', result: 1, lobbyId: LOBBY });
    for (let i = 0; i < n; i++) root.send({ type: 'member.changed', memberId: memberId(i), change: 'entered' });
    if (root.getSnapshot().context.members.size !== n) throw new Error('pool: wrong member count');
    root.stop();
  },
  'pool-roster'(n) {
    const root = createActor(sessionMachine, { clock: new VirtualClock(), input: { selfId: SELF, effects: NO_EFFECTS } }).start();
    const members = [SELF, ...Array.from({ length: n }, (_, i) => memberId(i))];
    root.send({ type: 'lobby.join', lobbyId: LOBBY });
    root.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 1, ownerId: SELF, members });
    if (root.getSnapshot().context.members.size !== n) throw new Error('pool-roster: wrong member count');
    root.stop();
  },
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function measure(variant: Variant, n: number): number {
  const reps = Math.max(5, Math.min(60, Math.round(6_000 / n)));
  for (let i = 0; i < 3; i++) variant(n); // warm-up
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    variant(n);
    times.push(performance.now() - start);
  }
  return median(times);
}

export async function run(flags: readonly string[]): Promise<void> {
  const json = flags.includes('--json');
  const results: Record<string, Record<number, number>> = {};
  // Interleave variants per size so drift on a shared machine hits them alike.
  for (const n of SIZES) {
    for (const [name, variant] of Object.entries(variants)) {
      (results[name] ??= {})[n] = measure(variant, n);
    }
  }
  const standalone = results.standalone!;
  const chosen = results.pool!;
  // Per-member cost at 1000 over per-member cost at 250: ≈1 when linear (n=10 is dominated by fixed setup).
  const growth = (name: string) => results[name]![1000]! / 1000 / (results[name]![250]! / 250);

  if (json) {
    process.stdout.write(
      `${JSON.stringify({
        spawn: {
          sizes: SIZES,
          ms: results,
          perMemberGrowth250to1000: Object.fromEntries(Object.keys(results).map((k) => [k, growth(k)])),
          chosen: 'pool',
        },
        spawn250Ms: chosen[250],
      })}\n`,
    );
    return;
  }
  const lines = ['spawn: admitting n lobby members (median ms, µs/member, × standalone at same n)'];
  for (const name of Object.keys(results)) {
    const cells = SIZES.map((n) => {
      const ms = results[name]![n]!;
      return `n=${n}: ${ms.toFixed(2)} ms ${((ms * 1000) / n).toFixed(1)} µs/m ×${(ms / standalone[n]!).toFixed(2)}`;
    });
    lines.push(`  ${name.padEnd(12)} ${cells.join(' | ')}  (µs/member growth 250→1000: ×${growth(name).toFixed(2)})`);
  }
  lines.push(`  chosen: pool — spawn250Ms = ${chosen[250]!.toFixed(2)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
