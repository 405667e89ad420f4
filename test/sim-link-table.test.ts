import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/effects/clock.js';
import type { BackendEvent, P2PSendType } from '../src/effects/backend.js';
import { SimCore } from '../src/effects/sim/core.js';
import type { LinkFaults } from '../src/effects/sim/faults/link-faults.js';
import { LinkTable, OPEN, OWN_FAULTS, RECEIVER_ACCEPTED, SENDER_ACCEPTED } from '../src/effects/sim/p2p/link-table.js';
import type { SimUser } from '../src/effects/sim/users/user.js';

describe('LinkTable', () => {
  it('keeps each link’s flags apart, and everything it held when it grows', () => {
    const table = new LinkTable();
    const users = Array.from({ length: 40 }, () => table.addUser());
    const links = Array.from({ length: 100 }, (_, i) => table.addLink(users[i % 40]!, users[(i * 7 + 1) % 40]!));
    links.forEach((link, i) => {
      if (i % 2 === 0) table.set(link, OPEN, true);
      if (i % 3 === 0) table.set(link, SENDER_ACCEPTED, true);
      table.session[link] = i * 11;
    });
    table.set(links[6]!, OPEN, false);
    expect(links).toEqual(Array.from({ length: 100 }, (_, i) => i));
    links.forEach((link, i) => {
      expect(table.from[link]).toBe(i % 40);
      expect(table.to[link]).toBe((i * 7 + 1) % 40);
      expect(table.has(link, OPEN)).toBe(i % 2 === 0 && i !== 6);
      expect(table.has(link, SENDER_ACCEPTED)).toBe(i % 3 === 0);
      expect(table.has(link, RECEIVER_ACCEPTED)).toBe(false);
      expect(table.session[link]).toBe(i * 11);
    });
    expect(table.linkCount).toBe(100);
  });

  it('says a link is reachable only when neither end vanished and both share an island', () => {
    const table = new LinkTable();
    const [a, b] = [table.addUser(), table.addUser()];
    const link = table.addLink(a, b);
    expect(table.reachable(link)).toBe(true);
    table.setReach(b, 3, false);
    expect(table.reachable(link)).toBe(false);
    table.setReach(a, 3, false);
    expect(table.reachable(link)).toBe(true);
    table.setReach(a, 3, true);
    expect(table.reachable(link)).toBe(false);
  });

  it('says a link is faultless only when neither it nor its users have faults', () => {
    const table = new LinkTable();
    const [a, b] = [table.addUser(), table.addUser()];
    const link = table.addLink(a, b);
    expect(table.faultless(link)).toBe(true);
    table.set(link, OWN_FAULTS, true);
    expect(table.faultless(link)).toBe(false);
    table.set(link, OWN_FAULTS, false);
    table.userFaults[b] = 1;
    expect(table.faultless(link)).toBe(false);
    table.userFaults[b] = 0;
    table.userFaults[a] = 1;
    expect(table.faultless(link)).toBe(false);
  });
});

// sendAt decides the common send from the LinkTable alone and hands everything else to sendOn. Whatever the
// network's state, a send through either must come out the same: same datagrams, same order, same events, same
// stats, the same random draws.
type Op =
  | { readonly kind: 'send'; readonly from: number; readonly to: number; readonly sendType: P2PSendType; readonly channel: number }
  | { readonly kind: 'linkFaults'; readonly from: number; readonly to: number; readonly faults: LinkFaults | undefined }
  | { readonly kind: 'userFaults'; readonly user: number; readonly faults: LinkFaults | undefined }
  | { readonly kind: 'accept'; readonly user: number; readonly remote: number }
  | { readonly kind: 'close'; readonly user: number; readonly remote: number }
  | { readonly kind: 'partition'; readonly users: readonly number[] }
  | { readonly kind: 'heal' }
  | { readonly kind: 'vanish'; readonly user: number }
  | { readonly kind: 'advance'; readonly ms: number };

const USERS = 4;
const user = fc.integer({ min: 0, max: USERS - 1 });
const faults = fc.option(
  fc.record({ loss: fc.constantFrom(0, 0.3, 1), jitterMs: fc.constantFrom(0, 40), duplication: fc.constantFrom(0, 0.5), reorder: fc.constantFrom(0, 0.5) }),
  { nil: undefined, freq: 2 },
);
const pair = fc.tuple(user, user).filter(([a, b]) => a !== b);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 20, arbitrary: fc.record({ kind: fc.constant('send' as const), from: user, to: user, sendType: fc.constantFrom<P2PSendType>(0, 1, 2, 3), channel: fc.integer({ min: 0, max: 2 }) }).filter((o) => o.from !== o.to) },
  { weight: 2, arbitrary: fc.tuple(pair, faults).map(([[from, to], f]): Op => ({ kind: 'linkFaults', from, to, faults: f })) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('userFaults' as const), user, faults }) },
  { weight: 3, arbitrary: pair.map(([u, remote]): Op => ({ kind: 'accept', user: u, remote })) },
  { weight: 3, arbitrary: pair.map(([u, remote]): Op => ({ kind: 'close', user: u, remote })) },
  { weight: 2, arbitrary: fc.uniqueArray(user, { minLength: 1, maxLength: 2 }).map((users): Op => ({ kind: 'partition', users })) },
  { weight: 4, arbitrary: fc.constant<Op>({ kind: 'heal' }) },
  // Rare: a vanished user never comes back, and after it every path to them takes sendOn's way.
  { weight: 1, arbitrary: user.map((u): Op => ({ kind: 'vanish', user: u })) },
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 400 }).map((ms): Op => ({ kind: 'advance', ms })) },
);

function play(ops: readonly Op[], seed: number, via: 'sendAt' | 'sendOn') {
  const clock = new VirtualClock();
  const core = new SimCore({ seed, clock, latencyMs: 30 });
  const p2p = core.p2p;
  const seen: string[] = [];
  const users: SimUser[] = [];
  for (let i = 0; i < USERS; i++) {
    const u = core.users.add({ id: 1000n + BigInt(i), name: `u${i}` });
    u.listeners.push((event: BackendEvent) => seen.push(`${i} ${JSON.stringify(event, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`));
    users.push(u);
  }
  const drain = () => {
    seen.push(`stats ${JSON.stringify(p2p.stats)}`);
    users.forEach((u, i) => {
      for (const channel of [0, 1, 2]) {
        for (let p = p2p.readPacket(u, channel); p !== undefined; p = p2p.readPacket(u, channel)) seen.push(`${i} got ${p.from} ${channel} ${p.bytes.join(',')}`);
      }
    });
  };
  let n = 0;
  for (const o of ops) {
    if (o.kind === 'send') {
      const link = p2p.linkFor(users[o.from]!, users[o.to]!);
      const bytes = Uint8Array.of(n++ & 0xff, o.channel, o.sendType);
      if (via === 'sendAt') p2p.sendAt(link.index, bytes, o.sendType, o.channel);
      else p2p.sendOn(link, bytes, o.sendType, o.channel);
    } else if (o.kind === 'linkFaults') {
      p2p.linkFor(users[o.from]!, users[o.to]!).faults = o.faults;
      p2p.faultsChanged();
    } else if (o.kind === 'userFaults') {
      users[o.user]!.faults = o.faults;
      p2p.faultsChanged();
    } else if (o.kind === 'accept') p2p.sessions.accept(users[o.user]!, users[o.remote]!.id);
    else if (o.kind === 'close') p2p.sessions.close(users[o.user]!, users[o.remote]!.id);
    else if (o.kind === 'partition') core.faults.partition(o.users.map((i) => users[i]!.id));
    else if (o.kind === 'heal') core.faults.heal();
    else if (o.kind === 'vanish') core.faults.vanish(users[o.user]!.id);
    else {
      clock.advance(o.ms);
      drain();
    }
  }
  clock.advance(60_000);
  drain();
  return { seen, stats: { ...p2p.stats } };
}

describe('P2PTransport.sendAt', () => {
  it('does what sendOn does, whatever the links, faults, sessions, partitions and vanished users', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 1_000_000 }), (ops, seed) => {
        const fast = play(ops, seed, 'sendAt');
        expect(fast).toEqual(play(ops, seed, 'sendOn'));
      }),
      { seed: 20261201, numRuns: 400 },
    );
  });

  const send = (from: number, to: number, sendType: P2PSendType): Op => ({ kind: 'send', from, to, sendType, channel: 1 });
  const advance: Op = { kind: 'advance', ms: 100 };
  const accept: Op = { kind: 'accept', user: 1, remote: 0 };
  const twenty = Array.from({ length: 20 }, () => send(0, 1, 0));
  // Each case opens the link with a first datagram, then sends where one of sendAt's own checks must say no.
  it.each<[string, Op[]]>([
    ['an unreliable no-delay send (type 1) before the receiver accepted', [send(0, 1, 0), advance, send(0, 1, 1), accept, advance]],
    ['a send across a partition that heals before it would arrive', [accept, send(0, 1, 0), advance, { kind: 'partition', users: [1] }, send(0, 1, 0), { kind: 'heal' }, advance]],
    ['a send to a vanished user', [accept, send(0, 1, 0), advance, { kind: 'vanish', user: 1 }, send(0, 1, 0), advance]],
    ['a send on a link with faults of its own', [accept, send(0, 1, 0), advance, { kind: 'linkFaults', from: 0, to: 1, faults: { duplication: 0.5, jitterMs: 40 } }, ...twenty, advance]],
    ['a send from a user with faults', [accept, send(0, 1, 0), advance, { kind: 'userFaults', user: 0, faults: { loss: 0.5 } }, ...twenty, advance]],
    ['a send to a user with faults', [accept, send(0, 1, 0), advance, { kind: 'userFaults', user: 1, faults: { reorder: 0.5 } }, ...twenty, advance]],
  ])('does what sendOn does for %s', (_, ops) => {
    expect(play(ops, 9, 'sendAt')).toEqual(play(ops, 9, 'sendOn'));
  });

  it('takes its own path for a healthy link and still delivers, once a session is up', () => {
    const scenario: Op[] = [
      { kind: 'accept', user: 1, remote: 0 },
      { kind: 'send', from: 0, to: 1, sendType: 2, channel: 0 },
      { kind: 'advance', ms: 100 },
      ...Array.from({ length: 5 }, (_, i): Op => ({ kind: 'send', from: 0, to: 1, sendType: 0, channel: i % 3 })),
    ];
    const { seen, stats } = play(scenario, 5, 'sendAt');
    expect(stats).toMatchObject({ sent: 6, delivered: 6, lost: 0, dropped: 0 });
    expect(seen.filter((line) => line.startsWith('1 got 1000'))).toHaveLength(6);
  });
});
