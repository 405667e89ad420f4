import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { VirtualClock } from '../src/effects/clock.js';
import { DEFAULT_RETRY_POLICY, retryDelayMs } from '../src/machines/backoff.js';
import {
  peerSessionMachine,
  type PeerSessionEmitted,
  type PeerSessionInput,
  type PeerTiming,
  withDefaults,
} from '../src/machines/peer-session.machine.js';
import { recordingEffects } from './helpers/recording-effects.js';

const REMOTE = 76561198000000042n;

function startPeer(input: Partial<Omit<PeerSessionInput, 'effects'>> = {}) {
  const clock = new VirtualClock();
  const recorder = recordingEffects();
  const emitted: PeerSessionEmitted[] = [];
  const actor = createActor(peerSessionMachine, { clock, input: { remoteId: REMOTE, ...input, effects: recorder.effects } });
  actor.on('*', (event) => void emitted.push(event));
  actor.start();
  const calls = recorder.calls;
  const named = (name: string) => calls.filter(([n]) => n === name);
  return { actor, clock, calls, emitted, named };
}

/** Advances exactly through the backoff the last failure announced. */
function waitOutBackoff(clock: VirtualClock, emitted: readonly PeerSessionEmitted[]): void {
  const last = [...emitted].reverse().find((e) => e.type === 'peer.attemptFailed');
  if (last?.type !== 'peer.attemptFailed' || last.retryInMs === undefined) throw new Error('no retry scheduled');
  clock.advance(last.retryInMs);
}

const state = (actor: { getSnapshot(): { value: unknown } }) => actor.getSnapshot().value;

describe('peer session machine', () => {
  it('sends a handshake on start and connects on the ack', () => {
    const { actor, named, emitted } = startPeer();
    expect(state(actor)).toBe('handshaking');
    expect(named('sendHandshake')).toEqual([['sendHandshake', { remoteId: REMOTE, attempt: 1 }]]);
    actor.send({ type: 'peer.handshakeAck', remoteId: REMOTE });
    expect(actor.getSnapshot().matches('connected')).toBe(true);
    expect(emitted).toEqual([{ type: 'peer.connected', remoteId: REMOTE, attempt: 1 }]);
  });

  it('treats a remote handshake while waiting as the ack, and answers it', () => {
    const { actor, named } = startPeer();
    actor.send({ type: 'peer.handshake', remoteId: REMOTE });
    expect(actor.getSnapshot().matches('connected')).toBe(true);
    expect(named('sendHandshakeAck')).toEqual([['sendHandshakeAck', { remoteId: REMOTE }]]);
  });

  it("keeps no timer while connected: heartbeats are the root's, liveness the runtime's", () => {
    const { actor, clock, calls } = startPeer({ timing: { heartbeatIntervalMs: 100, livenessTimeoutMs: 300 } });
    actor.send({ type: 'peer.handshakeAck', remoteId: REMOTE });
    const before = calls.length;
    expect(clock.pending).toBe(0);
    clock.advance(10_000);
    expect(calls.length).toBe(before);
    expect(state(actor)).toBe('connected');
  });

  it('fails a connected session only when told the remote went silent', () => {
    const { actor, clock, emitted } = startPeer({ timing: { livenessTimeoutMs: 300 } });
    actor.send({ type: 'peer.handshakeAck', remoteId: REMOTE });
    actor.send({ type: 'peer.silent', remoteId: REMOTE });
    expect(state(actor)).toBe('retrying');
    expect(emitted.find((e) => e.type === 'peer.attemptFailed')).toMatchObject({
      failure: { code: 'liveness-timeout', reason: 'nothing heard for 300 ms' },
      attempt: 1,
    });
    // Only the backoff is pending.
    expect(clock.pending).toBe(1);
  });

  it('still answers a repeated remote handshake while connected', () => {
    const { actor, named, clock } = startPeer();
    actor.send({ type: 'peer.handshakeAck', remoteId: REMOTE });
    actor.send({ type: 'peer.handshake', remoteId: REMOTE });
    actor.send({ type: 'peer.handshakeAck', remoteId: REMOTE });
    expect(state(actor)).toBe('connected');
    expect(named('sendHandshakeAck')).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });

  it('times out handshakes, backs off with growing waits, and closes after maxAttempts', () => {
    const retry = { maxAttempts: 4, baseDelayMs: 100, factor: 2, maxDelayMs: 10_000, jitter: 0.2 };
    const { actor, clock, emitted, named } = startPeer({ retry, timing: { handshakeTimeoutMs: 1_000 } });
    clock.runAll();
    expect(state(actor)).toBe('closed');
    expect(actor.getSnapshot().status).toBe('done');

    const failures = emitted.filter((e) => e.type === 'peer.attemptFailed');
    expect(failures.map((f) => f.attempt)).toEqual([1, 2, 3, 4]);
    const waits = failures.map((f) => f.retryInMs);
    expect(waits[3]).toBeUndefined();
    const scheduled = waits.slice(0, 3) as number[];
    for (let i = 1; i < scheduled.length; i++) expect(scheduled[i]!).toBeGreaterThan(scheduled[i - 1]!);
    scheduled.forEach((wait, i) => {
      const nominal = 100 * 2 ** i;
      expect(wait).toBeGreaterThanOrEqual(nominal * 0.8);
      expect(wait).toBeLessThanOrEqual(nominal * 1.2);
    });
    expect(named('sendHandshake').map(([, p]) => (p as { attempt: number }).attempt)).toEqual([1, 2, 3, 4]);
    expect(emitted.at(-1)).toMatchObject({
      type: 'peer.closed',
      reason: { code: 'retries-exhausted', attempts: 4, lastFailure: { code: 'handshake-timeout' } },
    });
    expect(named('closeSession')).toEqual([['closeSession', { remoteId: REMOTE }]]);
    expect(actor.getSnapshot().output).toMatchObject({ remoteId: REMOTE, reason: { code: 'retries-exhausted' } });
  });

  it('waits exactly the backoff it announced before the next handshake', () => {
    const { actor, clock, emitted, named } = startPeer({ timing: { handshakeTimeoutMs: 1_000 }, jitterSeed: 7 });
    clock.advance(1_000);
    const failure = emitted.find((e) => e.type === 'peer.attemptFailed');
    const wait = failure?.type === 'peer.attemptFailed' ? failure.retryInMs : undefined;
    expect(wait).toBeGreaterThan(0);
    clock.advance(wait! - 1);
    expect(named('sendHandshake')).toHaveLength(1);
    clock.advance(1);
    expect(named('sendHandshake')).toHaveLength(2);
    expect(state(actor)).toBe('handshaking');
  });

  it('draws jitter from the seed: same seed, same waits; other seed, other waits', () => {
    const waitsFor = (jitterSeed: number) => {
      const { clock, emitted } = startPeer({ jitterSeed, timing: { handshakeTimeoutMs: 50 } });
      clock.runAll();
      return emitted.flatMap((e) => (e.type === 'peer.attemptFailed' ? [e.retryInMs] : []));
    };
    expect(waitsFor(1)).toEqual(waitsFor(1));
    expect(waitsFor(1)).not.toEqual(waitsFor(2));
  });

  it.each([0, 4, 5])('retries after Steam session error %i with its readable reason', (error) => {
    const { actor, emitted } = startPeer();
    actor.send({ type: 'peer.sessionFailed', remoteId: REMOTE, error });
    expect(state(actor)).toBe('retrying');
    const failure = emitted.find((e) => e.type === 'peer.attemptFailed');
    expect(failure).toMatchObject({ failure: { code: 'session-error', error } });
    if (failure?.type === 'peer.attemptFailed' && failure.failure.code === 'session-error') {
      expect(failure.failure.reason.length).toBeGreaterThan(0);
    }
  });

  it('closes at once on session error 2 (no rights to the app), since retrying cannot help', () => {
    const { actor, emitted } = startPeer();
    actor.send({ type: 'peer.sessionFailed', remoteId: REMOTE, error: 2 });
    expect(state(actor)).toBe('closed');
    expect(emitted.at(-1)).toMatchObject({
      type: 'peer.closed',
      reason: { code: 'fatal-session-error', failure: { error: 2, key: 'no-rights-to-app' } },
    });
  });

  it('fails a connected session on a Steam error and reconnects on the next handshake', () => {
    const { actor, clock, emitted } = startPeer();
    actor.send({ type: 'peer.handshakeAck', remoteId: REMOTE });
    actor.send({ type: 'peer.sessionFailed', remoteId: REMOTE, error: 4 });
    expect(state(actor)).toBe('retrying');
    waitOutBackoff(clock, emitted);
    expect(state(actor)).toBe('handshaking');
    actor.send({ type: 'peer.handshakeAck', remoteId: REMOTE });
    expect(emitted.filter((e) => e.type === 'peer.connected').map((e) => e.attempt)).toEqual([1, 2]);
  });

  it('starts a fresh streak after connecting, so earlier failures do not eat later retries', () => {
    const retry = { maxAttempts: 2 };
    const { actor, clock, emitted } = startPeer({ retry, timing: { handshakeTimeoutMs: 100 } });
    clock.advance(100); // attempt 1 fails
    waitOutBackoff(clock, emitted);
    actor.send({ type: 'peer.handshakeAck', remoteId: REMOTE }); // attempt 2 connects
    actor.send({ type: 'peer.sessionFailed', remoteId: REMOTE, error: 4 });
    expect(state(actor)).toBe('retrying');
    expect(emitted.filter((e) => e.type === 'peer.closed')).toHaveLength(0);
  });

  it('connects straight from retrying when the remote handshakes first', () => {
    const { actor, clock, named } = startPeer({ timing: { handshakeTimeoutMs: 100 } });
    clock.advance(100);
    expect(state(actor)).toBe('retrying');
    actor.send({ type: 'peer.handshake', remoteId: REMOTE });
    expect(actor.getSnapshot().matches('connected')).toBe(true);
    expect(named('sendHandshakeAck')).toHaveLength(1);
  });

  it('answers a repeated remote handshake while connected without dropping the session', () => {
    const { actor, named } = startPeer();
    actor.send({ type: 'peer.handshakeAck', remoteId: REMOTE });
    actor.send({ type: 'peer.handshake', remoteId: REMOTE });
    expect(actor.getSnapshot().matches('connected')).toBe(true);
    expect(named('sendHandshakeAck')).toHaveLength(1);
  });

  it.each(['handshaking', 'connected', 'retrying'] as const)(
    'closes from %s when the runtime says the member left, and says why',
    (from) => {
      const { actor, clock, emitted, named } = startPeer({ timing: { handshakeTimeoutMs: 100 } });
      if (from === 'connected') actor.send({ type: 'peer.handshakeAck', remoteId: REMOTE });
      if (from === 'retrying') clock.advance(100);
      expect(actor.getSnapshot().matches(from)).toBe(true);
      actor.send({ type: 'peer.close', remoteId: REMOTE, cause: 'member-left' });
      expect(state(actor)).toBe('closed');
      expect(emitted.at(-1)).toEqual({
        type: 'peer.closed',
        remoteId: REMOTE,
        reason: { code: 'closed-by-runtime', cause: 'member-left' },
      });
      expect(named('closeSession')).toHaveLength(1);
      expect(clock.pending).toBe(0);
    },
  );

  it('computes capped exponential waits with jitter bounds', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, factor: 3, maxDelayMs: 1_000, jitter: 0.5 };
    expect(retryDelayMs(policy, 1, 0.5)).toBe(100);
    expect(retryDelayMs(policy, 2, 0.5)).toBe(300);
    expect(retryDelayMs(policy, 5, 0.5)).toBe(1_000);
    expect(retryDelayMs(policy, 2, 0)).toBe(150);
    expect(retryDelayMs(policy, 2, 1)).toBe(450);
  });
});

describe('peer options: the defaults under what the caller set', () => {
  const defaults = { a: 1, b: 2, c: 3 };

  it('fills every key a partial (or missing) object leaves unset from the defaults, and keeps the keys it sets', () => {
    expect(withDefaults(defaults, undefined)).toEqual({ a: 1, b: 2, c: 3 });
    expect(withDefaults(defaults, {})).toEqual({ a: 1, b: 2, c: 3 });
    expect(withDefaults(defaults, { b: 20 })).toEqual({ a: 1, b: 20, c: 3 });
    expect(withDefaults(defaults, { a: 10, c: 30 })).toEqual({ a: 10, b: 2, c: 30 });
  });

  it('uses an object that sets every key as given (the pool completes it once, and every peer shares it)', () => {
    const given = { a: 10, b: 20, c: 30 };
    expect(withDefaults(defaults, given)).toBe(given);
  });

  it('gives a peer started with empty or partial timing the timing of a peer given none, key by key', () => {
    const bare = startPeer().actor.getSnapshot().context.timing;
    expect(startPeer({ timing: {} }).actor.getSnapshot().context.timing).toEqual(bare);
    expect(startPeer({ timing: { heartbeatIntervalMs: 250 } }).actor.getSnapshot().context.timing).toEqual({
      ...bare,
      heartbeatIntervalMs: 250,
    });
  });

  it('keeps the very timing object a peer is given when it sets every key', () => {
    const timing: PeerTiming = { handshakeTimeoutMs: 300, heartbeatIntervalMs: 100, livenessTimeoutMs: 900 };
    expect(startPeer({ timing }).actor.getSnapshot().context.timing).toBe(timing);
  });
});
