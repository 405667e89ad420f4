// createLobbyRuntime's numeric options and switches (api.ts LobbyRuntimeOptions, whose doc states the rule of each
// kind; the fields' own docs: PeerTiming, LobbyTiming ("0: off" for seatReservationMs), VoteKickTiming, RetryPolicy,
// ReconnectPolicy). A field that breaks its rule keeps the machines' default and is published once, at the first
// tick, as an `invalid-argument` with command 'createLobbyRuntime' naming its path; `undefined` is unset, not an
// error; a valid value is used exactly. The tables below are written from those docs, not from options.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/effects/clock.js';
import { createSimulatedSteam, steamIdOfAccount } from '../src/effects/sim/network.js';
import { DEFAULT_RECONNECT_POLICY, DEFAULT_RETRY_POLICY } from '../src/machines/backoff.js';
import { DEFAULT_LOBBY_TIMING } from '../src/machines/lobby.machine.js';
import { DEFAULT_PEER_TIMING, withDefaults } from '../src/machines/peer-session.machine.js';
import { DEFAULT_VOTE_KICK_TIMING } from '../src/machines/vote-kick.machine.js';
import { createLobbyRuntime, type LobbyRuntime, type LobbyRuntimeError, type LobbyRuntimeOptions } from '../src/runtime.js';
import { createRuntimeWorld, hostLobby, type Player, type RuntimeWorld } from './helpers/runtime-world.js';
import { recordingClock } from './helpers/recording-clock.js';

const runtimes: LobbyRuntime[] = [];
let world: RuntimeWorld | undefined;
afterEach(() => {
  for (const r of runtimes.splice(0)) r.dispose();
  world?.dispose();
  world = undefined;
});

/** The kinds of rule api.ts states: durations positive ms up to the timers' 2147483647, 0 = off where the doc says so. */
type Kind = 'duration' | 'durationOrOff' | 'count' | 'growth' | 'fraction' | 'flag';

/** Every option field, its kind (from its doc), and its default (the machines' defaults; the seed's 32 reads). */
const FIELDS: readonly (readonly [path: string, kind: Kind, fallback: unknown])[] = [
  ['packetReadLimit', 'count', 32],
  ['retry.maxAttempts', 'count', DEFAULT_RETRY_POLICY.maxAttempts],
  ['retry.baseDelayMs', 'duration', DEFAULT_RETRY_POLICY.baseDelayMs],
  ['retry.factor', 'growth', DEFAULT_RETRY_POLICY.factor],
  ['retry.maxDelayMs', 'duration', DEFAULT_RETRY_POLICY.maxDelayMs],
  ['retry.jitter', 'fraction', DEFAULT_RETRY_POLICY.jitter],
  ['reconnect.enabled', 'flag', true],
  ['reconnect.baseDelayMs', 'duration', DEFAULT_RECONNECT_POLICY.baseDelayMs],
  ['reconnect.factor', 'growth', DEFAULT_RECONNECT_POLICY.factor],
  ['reconnect.maxDelayMs', 'duration', DEFAULT_RECONNECT_POLICY.maxDelayMs],
  ['reconnect.jitter', 'fraction', DEFAULT_RECONNECT_POLICY.jitter],
  ['autoAcceptInvites', 'flag', false],
  ['timing.peer.handshakeTimeoutMs', 'duration', DEFAULT_PEER_TIMING.handshakeTimeoutMs],
  ['timing.peer.heartbeatIntervalMs', 'duration', DEFAULT_PEER_TIMING.heartbeatIntervalMs],
  ['timing.peer.livenessTimeoutMs', 'duration', DEFAULT_PEER_TIMING.livenessTimeoutMs],
  ['timing.lobby.requestTimeoutMs', 'duration', DEFAULT_LOBBY_TIMING.requestTimeoutMs],
  ['timing.lobby.leaveTimeoutMs', 'duration', DEFAULT_LOBBY_TIMING.leaveTimeoutMs],
  ['timing.lobby.listTimeoutMs', 'duration', DEFAULT_LOBBY_TIMING.listTimeoutMs],
  ['timing.lobby.seatReservationMs', 'durationOrOff', 20_000],
  ['timing.lobby.rejoinIntervalMs', 'duration', DEFAULT_LOBBY_TIMING.rejoinIntervalMs],
  ['timing.vote.voteTimeoutMs', 'duration', DEFAULT_VOTE_KICK_TIMING.voteTimeoutMs],
  ['timing.vote.executeTimeoutMs', 'duration', DEFAULT_VOTE_KICK_TIMING.executeTimeoutMs],
];

const TOO_LONG = 2 ** 31;
/** Values each kind refuses, and how the problem quotes them ("5000" told from 5000). */
const BAD: Readonly<Record<Kind, readonly (readonly [unknown, string])[]>> = {
  duration: [[-5, '-5'], [0, '0'], [Number.NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'], [TOO_LONG, String(TOO_LONG)], ['5000', '"5000"'], [null, 'null'], [true, 'true'], [{}, 'an object'], [10n, '10n']],
  durationOrOff: [[-1, '-1'], [Number.NaN, 'NaN'], [Infinity, 'Infinity'], [TOO_LONG, String(TOO_LONG)], ['0', '"0"'], [null, 'null'], [false, 'false']],
  count: [[0, '0'], [-1, '-1'], [0.5, '0.5'], [2.5, '2.5'], [Number.NaN, 'NaN'], [Infinity, 'Infinity'], ['3', '"3"'], [null, 'null'], [[3], 'an array']],
  growth: [[0.5, '0.5'], [0, '0'], [-2, '-2'], [Number.NaN, 'NaN'], [Infinity, 'Infinity'], ['2', '"2"'], [null, 'null']],
  fraction: [[-0.1, '-0.1'], [1.5, '1.5'], [7, '7'], [Number.NaN, 'NaN'], [Infinity, 'Infinity'], ['0.2', '"0.2"'], [null, 'null']],
  flag: [['yes', '"yes"'], [1, '1'], [0, '0'], [null, 'null'], [() => true, 'a function']],
};
/** Values each kind accepts, the edges included: they are used exactly. */
const GOOD: Readonly<Record<Kind, readonly unknown[]>> = {
  duration: [1, 0.5, 1234, TOO_LONG - 1],
  durationOrOff: [0, 1, 777, TOO_LONG - 1],
  count: [1, 7],
  growth: [1, 1.5, 3],
  fraction: [0, 0.35, 1],
  flag: [true, false],
};

/** `{ a: { b: { c: value } } }` for 'a.b.c'. */
function optionAt(path: string, value: unknown): Record<string, unknown> {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

/** A runtime on its own simulated Steam; `errors` is subscribed after createLobbyRuntime returned, as a game does. */
function runtimeWith(options: Record<string, unknown>) {
  const clock = new VirtualClock();
  const steam = createSimulatedSteam({ seed: 3, clock });
  const id = steamIdOfAccount(1);
  steam.addUser({ id, name: 'configured' });
  const runtime = createLobbyRuntime({ ...options, backend: steam.backend(id), clock } as unknown as LobbyRuntimeOptions);
  runtimes.push(runtime);
  const errors: LobbyRuntimeError[] = [];
  runtime.errors$.subscribe((e) => errors.push(e));
  return { runtime, errors };
}

interface Snap<C> {
  getSnapshot(): { context: C };
}

/** The value a machine uses for `path`: read from the machines (the pool completes its options with withDefaults). */
function used(runtime: LobbyRuntime, path: string): unknown {
  const root = runtime.actor.getSnapshot().context;
  const lobby = (runtime.actor.system.get('lobby') as Snap<{ timing: Record<string, unknown>; autoAcceptInvites: boolean }>).getSnapshot().context;
  const vote = (runtime.actor.system.get('voteKick') as Snap<{ timing: Record<string, unknown> }>).getSnapshot().context;
  const [group, sub, field] = path.split('.') as [string, string, string];
  if (group === 'autoAcceptInvites') return lobby.autoAcceptInvites;
  if (group === 'reconnect') return (root.reconnect as unknown as Record<string, unknown>)[sub];
  if (group === 'retry') return (withDefaults(DEFAULT_RETRY_POLICY, root.peer.retry) as unknown as Record<string, unknown>)[sub];
  if (sub === 'lobby') return lobby.timing[field];
  if (sub === 'vote') return vote.timing[field];
  if (sub === 'peer') return (withDefaults(DEFAULT_PEER_TIMING, root.peer.timing) as unknown as Record<string, unknown>)[field];
  throw new Error(`no reading for ${path}`);
}

/** packetReadLimit is the router's: the table checks its report; a test below checks what a tick reads. */
const readable = (path: string) => path !== 'packetReadLimit';

const badRows = FIELDS.flatMap(([path, kind, fallback]) => BAD[kind].map(([value, shown]) => [path, shown, value, fallback] as const));
const goodRows = FIELDS.flatMap(([path, kind]) => GOOD[kind].map((value) => [path, value] as const));

describe('a bad option keeps its default and is reported at the first tick', () => {
  it.each(badRows)('%s = %s', (path, shown, value, fallback) => {
    const { runtime, errors } = runtimeWith(optionAt(path, value));
    expect(errors).toEqual([]);
    runtime.tick();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ kind: 'invalid-argument', command: 'createLobbyRuntime' });
    expect(errors[0]!.reason).toMatch(new RegExp(`^${path.replace(/\./g, '\\.')} must be .+, got ${shown.replace(/[.()[\]]/g, '\\$&')}$`));
    if (readable(path)) expect(used(runtime, path)).toBe(fallback);
    runtime.tick();
    expect(errors).toHaveLength(1);
  });
});

describe('undefined is unset: the default, no error', () => {
  it.each(FIELDS.map(([path, , fallback]) => [path, fallback] as const))('%s', (path, fallback) => {
    const { runtime, errors } = runtimeWith(optionAt(path, undefined));
    runtime.tick();
    expect(errors).toEqual([]);
    if (readable(path)) expect(used(runtime, path)).toBe(fallback);
  });
});

describe('a valid option is used exactly, with no error', () => {
  it.each(goodRows)('%s = %s', (path, value) => {
    const { runtime, errors } = runtimeWith(optionAt(path, value));
    runtime.tick();
    expect(errors).toEqual([]);
    if (readable(path)) expect(used(runtime, path)).toBe(value);
  });
});

describe('an options group that is no object', () => {
  // Each group, and the fields whose defaults it must leave in place.
  const groups: readonly (readonly [path: string, value: unknown, shown: string])[] = [
    ['timing', null, 'null'],
    ['timing', 5, 'number'],
    ['timing.peer', null, 'null'],
    ['timing.lobby', null, 'null'],
    ['timing.vote', null, 'null'],
    ['timing.peer', [5000], 'object'],
    ['retry', null, 'null'],
    ['retry', 'fast', 'string'],
    ['reconnect', null, 'null'],
    ['reconnect', false, 'boolean'],
  ];
  it.each(groups)('%s = %s: one error naming it, every field under it at its default', (group, value, shown) => {
    const { runtime, errors } = runtimeWith(optionAt(group, value));
    runtime.tick();
    expect(errors).toEqual([{ kind: 'invalid-argument', command: 'createLobbyRuntime', reason: `${group} must be an object, got ${shown}` }]);
    const under = FIELDS.filter(([path]) => path.startsWith(`${group}.`) && readable(path));
    expect(under.length).toBeGreaterThan(0);
    for (const [path, , fallback] of under) expect([path, used(runtime, path)]).toEqual([path, fallback]);
  });
});

describe('several options at once', () => {
  it('keeps the good fields of a group, reports each bad one once, in the order of the options', () => {
    const { runtime, errors } = runtimeWith({
      timing: { peer: { handshakeTimeoutMs: -5, livenessTimeoutMs: 9_000 }, lobby: null, vote: { voteTimeoutMs: 12_000 } },
      retry: { jitter: 7, maxAttempts: 3 },
      reconnect: { factor: Number.NaN, enabled: false },
      packetReadLimit: 0.5,
    });
    expect(errors).toEqual([]);
    runtime.tick();
    expect(errors.map((e) => e.kind === 'invalid-argument' && [e.command, e.reason.split(' must ')[0]])).toEqual([
      ['createLobbyRuntime', 'packetReadLimit'],
      ['createLobbyRuntime', 'retry.jitter'],
      ['createLobbyRuntime', 'reconnect.factor'],
      ['createLobbyRuntime', 'timing.peer.handshakeTimeoutMs'],
      ['createLobbyRuntime', 'timing.lobby'],
    ]);
    expect(errors[3]!.reason).toBe(`timing.peer.handshakeTimeoutMs must be a positive number of milliseconds (at most ${TOO_LONG - 1}), got -5`);
    expect([used(runtime, 'timing.peer.livenessTimeoutMs'), used(runtime, 'timing.vote.voteTimeoutMs')]).toEqual([9_000, 12_000]);
    expect([used(runtime, 'retry.maxAttempts'), used(runtime, 'retry.jitter')]).toEqual([3, DEFAULT_RETRY_POLICY.jitter]);
    expect([used(runtime, 'reconnect.enabled'), used(runtime, 'reconnect.factor')]).toEqual([false, DEFAULT_RECONNECT_POLICY.factor]);
    expect(used(runtime, 'timing.lobby.requestTimeoutMs')).toBe(DEFAULT_LOBBY_TIMING.requestTimeoutMs);
  });
});

/** Two players, the guest given `guestOptions` on a clock that records its timers; resolves once the guest joined. */
async function pair(guestOptions: Partial<LobbyRuntimeOptions>) {
  const w = (world = createRuntimeWorld('simulated'));
  const { clock, delays } = recordingClock(w.sim.clock);
  const host = w.player(0);
  const guest = w.player(1, {}, { ...guestOptions, clock });
  const lobbyId = await hostLobby(w, host);
  const joined = guest.runtime.joinLobby(lobbyId);
  await w.runUntil(() => guest.runtime.lobbyState().status === 'joined', 5_000);
  expect(await joined).toMatchObject({ ok: true });
  const peerTiming = () =>
    (guest.runtime.actor.system.get(`peer:${host.id}`) as Snap<{ timing: unknown }> | undefined)?.getSnapshot().context.timing;
  return { w, host, guest, delays, peerTiming };
}

const connected = (a: Player, b: Player) => a.runtime.allConnected() && b.runtime.allConnected() && a.runtime.members().length === 2;

describe('the options at work', () => {
  it('a handshake timeout of -1: two players still connect, the session on the default timeout, no timer of -1', async () => {
    const { w, host, guest, delays, peerTiming } = await pair({ timing: { peer: { handshakeTimeoutMs: -1 } } });
    expect(await w.runUntil(() => connected(host, guest), 10_000)).toBe(true);
    expect(peerTiming()).toEqual(DEFAULT_PEER_TIMING);
    expect(delays.filter((ms) => !(typeof ms === 'number' && ms > 0))).toEqual([]);
    expect(guest.errorsOf('session-failed')).toEqual([]);
    expect(guest.errorsOf('invalid-argument')).toMatchObject([{ command: 'createLobbyRuntime', reason: expect.stringMatching(/^timing\.peer\.handshakeTimeoutMs must be .*, got -1$/) }]);
  });

  it('a valid handshake timeout is the delay of the session\'s handshake timer', async () => {
    const { w, host, guest, delays, peerTiming } = await pair({ timing: { peer: { handshakeTimeoutMs: 1_234 } } });
    expect(await w.runUntil(() => peerTiming() !== undefined, 2_000)).toBe(true);
    expect(peerTiming()).toEqual({ ...DEFAULT_PEER_TIMING, handshakeTimeoutMs: 1_234 });
    expect(delays).toContain(1_234);
    expect(await w.runUntil(() => connected(host, guest), 10_000)).toBe(true);
    expect(guest.errorsOf('invalid-argument')).toEqual([]);
  });

  it('retry { maxAttempts: 0.5, jitter: 7 } against a member behind a partition: five attempts on the default backoff', async () => {
    // backoff.ts: five attempts, waits of 500 ms doubling, spread ±20 %; `retryInMs` undefined once the session closes.
    const { w, host, guest } = await pair({ retry: { maxAttempts: 0.5, jitter: 7 }, timing: { peer: { handshakeTimeoutMs: 300 } }, reconnect: { enabled: false } });
    w.sim.steam.faults.partition([host.id]);
    const closed = () => guest.runtime.members().find((m) => m.id === host.id)?.session === 'closed';
    expect(await w.runUntil(closed, 30_000)).toBe(true);
    const failures = guest.errorsOf('session-failed').filter((e) => e.remoteId === host.id);
    expect(failures.map((f) => f.attempt)).toEqual([1, 2, 3, 4, 5]);
    const waits = failures.map((f) => f.retryInMs);
    expect(waits[4]).toBeUndefined();
    waits.slice(0, 4).forEach((ms, i) => {
      const raw = 500 * 2 ** i;
      expect(ms).toBeGreaterThanOrEqual(raw * 0.8);
      expect(ms).toBeLessThanOrEqual(raw * 1.2);
    });
    expect(guest.errorsOf('invalid-argument').map((e) => e.reason.split(' must ')[0])).toEqual(['retry.maxAttempts', 'retry.jitter']);
  });

  it('packetReadLimit 0.5 reads the seed\'s 32 packets a tick', async () => {
    const w = (world = createRuntimeWorld('simulated'));
    const host = w.player(0, {}, { packetReadLimit: 0.5 });
    const guest = w.player(1);
    const lobbyId = await hostLobby(w, host);
    void guest.runtime.joinLobby(lobbyId);
    expect(await w.runUntil(() => connected(host, guest), 10_000)).toBe(true);
    for (let i = 0; i < 40; i++) guest.runtime.send(host.id, i, { channel: 2 });
    const inbox = host.listen(2);
    // The packets reach the host's backend while it does not tick.
    for (let i = 0; i < 3; i++) guest.runtime.tick();
    w.sim.clock.advance(500);
    const read = host.runtime.stats().packetsRead;
    host.runtime.tick();
    expect(host.runtime.stats().packetsRead - read).toBe(32);
    expect(inbox).toHaveLength(32);
    expect(host.errorsOf('invalid-argument')).toMatchObject([{ command: 'createLobbyRuntime', reason: 'packetReadLimit must be a positive integer, got 0.5' }]);
  });
});
