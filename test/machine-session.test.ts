import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { VirtualClock } from '../src/effects/clock.js';
import { peerSystemId } from '../src/machines/peer-pool.js';
import { sessionMachine, type SessionEmitted, type SessionInput } from '../src/machines/session.machine.js';
import { recordingEffects } from './helpers/recording-effects.js';

const SELF = 76561198000000001n;
const LOBBY = 109775241000000001n;
const member = (i: number) => 76561198100000000n + BigInt(i);

const NAME_OF: Readonly<Record<string, string>> = {
  createLobby: 'requestCreateLobby',
  joinLobby: 'requestJoinLobby',
  leaveLobby: 'requestLeaveLobby',
  leaveStrayLobby: 'requestLeaveLobby',
};

function startSession(input: Partial<Omit<SessionInput, 'effects'>> = {}) {
  const clock = new VirtualClock();
  const recorder = recordingEffects();
  const emitted: SessionEmitted[] = [];
  const actor = createActor(sessionMachine, { clock, input: { selfId: SELF, ...input, effects: recorder.effects } });
  actor.on('*', (event) => void emitted.push(event));
  actor.start();
  const named = (name: string) => recorder.calls.filter(([n]) => (NAME_OF[n] ?? n) === name).map(([, p]) => p);
  const remotesOf = (name: string) => named(name).map((p) => (p as { remoteId: bigint }).remoteId);
  const ofType = <T extends SessionEmitted['type']>(type: T) =>
    emitted.filter((e): e is Extract<SessionEmitted, { type: T }> => e.type === type);
  const snapshot = () => actor.getSnapshot();
  return { actor, clock, emitted, named, remotesOf, ofType, snapshot };
}

function hostWithMembers(count: number, input: Partial<SessionInput> = {}) {
  const t = startSession(input);
  t.actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 250 });
  t.actor.send({ type: 'lobby.created', result: 1, lobbyId: LOBBY });
  for (let i = 0; i < count; i++) t.actor.send({ type: 'member.changed', memberId: member(i), change: 'entered' });
  return t;
}

describe('session (root) machine', () => {
  it('closes the sessions still open when the root stops: no peer left running, no timer left on the clock', () => {
    const t = hostWithMembers(3);
    const peers = [0, 1, 2].map((i) => t.actor.system.get(peerSystemId(member(i)))!);
    expect(t.clock.pending).toBeGreaterThan(0);
    t.actor.stop();
    for (const peer of peers) expect(peer.getSnapshot().status).toBe('done');
    expect(t.remotesOf('closeSession')).toEqual([member(0), member(1), member(2)]);
    expect(t.clock.pending).toBe(0);
  });

  it('forwards lobby commands to the lobby actor and follows it into the lobby', () => {
    const t = startSession();
    expect(t.snapshot().value).toBe('outside');
    t.actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 10 });
    expect(t.named('requestCreateLobby')).toEqual([{ lobbyType: 2, maxMembers: 10 }]);
    t.actor.send({ type: 'lobby.created', result: 1, lobbyId: LOBBY });
    // Alone in the lobby: there is nobody left to connect to.
    expect(t.snapshot().value).toEqual({ inLobby: 'allConnected' });
    expect(t.actor.system.get('lobby')?.getSnapshot().matches('joined')).toBe(true);
  });

  it('spawns one peer per roster member on join (not for ourselves) and handshakes each', () => {
    const t = startSession();
    const roster = [member(0), SELF, member(1), member(2)];
    t.actor.send({ type: 'lobby.join', lobbyId: LOBBY });
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 1, ownerId: member(0), members: roster });
    expect(t.snapshot().value).toEqual({ inLobby: 'connecting' });
    expect(t.remotesOf('sendHandshake')).toEqual([member(0), member(1), member(2)]);
    expect([...t.snapshot().context.members.keys()].sort()).toEqual([member(0), member(1), member(2)]);
  });

  it('spawns and stops a peer per member with 250 members, and sees "all connected"', () => {
    const t = hostWithMembers(249);
    const ids = Array.from({ length: 249 }, (_, i) => member(i));
    expect(t.remotesOf('sendHandshake')).toEqual(ids);
    expect(t.snapshot().context.members.size).toBe(249);
    expect(t.snapshot().matches({ inLobby: 'connecting' })).toBe(true);
    for (const id of ids.slice(0, 248)) t.actor.send({ type: 'peer.handshakeAck', remoteId: id });
    expect(t.snapshot().context.connectedCount).toBe(248);
    expect(t.snapshot().matches({ inLobby: 'connecting' })).toBe(true);
    t.actor.send({ type: 'peer.handshake', remoteId: ids[248]! });
    expect(t.snapshot().matches({ inLobby: 'allConnected' })).toBe(true);
    expect(t.actor.system.get(peerSystemId(ids[7]!))?.getSnapshot().matches('connected')).toBe(true);

    for (const id of ids.slice(0, 100)) t.actor.send({ type: 'member.changed', memberId: id, change: 'left' });
    expect(t.remotesOf('closeSession')).toEqual(ids.slice(0, 100));
    expect(t.snapshot().context.members.size).toBe(149);
    expect(t.snapshot().context.connectedCount).toBe(149);
    expect(t.snapshot().matches({ inLobby: 'allConnected' })).toBe(true);
    expect(t.actor.system.get(peerSystemId(ids[7]!))).toBeUndefined();
    expect(t.ofType('peer.closed')[0]).toMatchObject({
      remoteId: ids[0],
      reason: { code: 'closed-by-runtime', cause: 'member-left' },
    });
  });

  it.each([
    ['left', 'member-left'],
    ['disconnected', 'member-disconnected'],
    ['kicked', 'member-kicked'],
    ['banned', 'member-banned'],
  ] as const)('closes the peer of a member who %s, with that cause (seats not held)', (change, cause) => {
    const t = hostWithMembers(3, { lobby: { timing: { seatReservationMs: 0 } } });
    t.actor.send({ type: 'member.changed', memberId: member(1), change, changedBy: member(2) });
    expect(t.remotesOf('closeSession')).toEqual([member(1)]);
    expect(t.ofType('peer.closed')).toMatchObject([{ remoteId: member(1), reason: { cause } }]);
    expect(t.snapshot().context.members.has(member(1))).toBe(false);
    // Who made the change: the kicker or banner; nobody for a member who left or dropped.
    const by = change === 'kicked' || change === 'banned' ? member(2) : undefined;
    expect(t.ofType('member.dismissed')).toEqual([{ type: 'member.dismissed', memberId: member(1), change, by }]);
  });

  it('closes every session when the lobby is left, as the seed does', () => {
    const t = hostWithMembers(5);
    t.actor.send({ type: 'lobby.leave' });
    expect(t.snapshot().value).toBe('outside');
    expect(t.remotesOf('closeSession').sort()).toEqual([0, 1, 2, 3, 4].map(member).sort());
    expect(t.ofType('peer.closed').every((e) => e.reason.code === 'closed-by-runtime')).toBe(true);
    expect(t.snapshot().context.members.size).toBe(0);
    t.actor.send({ type: 'lobby.left' });
    expect(t.actor.system.get('lobby')?.getSnapshot().matches('idle')).toBe(true);
  });

  it('keeps one heartbeat timer for the lobby: each interval, one heartbeat call naming every connected member', () => {
    const t = hostWithMembers(3, { peer: { timing: { heartbeatIntervalMs: 100, livenessTimeoutMs: 60_000 } } });
    const beats = () => t.named('sendHeartbeats') as { remoteIds: readonly bigint[]; intervalMs: number }[];
    t.clock.advance(100);
    // Nobody connected yet: the timer fires, with no one to send to; the interval goes with it.
    expect(beats()).toEqual([{ remoteIds: [], intervalMs: 100 }]);
    t.actor.send({ type: 'peer.handshakeAck', remoteId: member(0) });
    t.actor.send({ type: 'peer.handshakeAck', remoteId: member(2) });
    t.clock.advance(99);
    expect(beats()).toHaveLength(1);
    t.clock.advance(1);
    expect([...beats()[1]!.remoteIds].sort()).toEqual([member(0), member(2)].sort());
    t.clock.advance(300);
    expect(beats()).toHaveLength(5);
    // One timer for the root however many peers: connected peers hold none, the one still handshaking its timeout.
    expect(t.clock.pending).toBe(1 + 1);
    // Leaving stops it, with the peers' timers (and the lobby's wait for Steam's answer, once it comes).
    t.actor.send({ type: 'lobby.leave' });
    t.actor.send({ type: 'lobby.left' });
    t.clock.advance(1_000);
    expect(beats()).toHaveLength(5);
    expect(t.clock.pending).toBe(0);
  });

  it('closes every session when we are kicked', () => {
    const t = hostWithMembers(2);
    t.actor.send({ type: 'member.changed', memberId: SELF, change: 'kicked', changedBy: member(0) });
    expect(t.snapshot().value).toBe('outside');
    expect(t.remotesOf('closeSession')).toHaveLength(2);
    expect(t.ofType('peer.closed').map((e) => e.reason)).toEqual([
      { code: 'closed-by-runtime', cause: 'lobby-left' },
      { code: 'closed-by-runtime', cause: 'lobby-left' },
    ]);
  });

  it('accepts session requests only from current members', () => {
    const t = hostWithMembers(2);
    const stranger = 76561198999999999n;
    t.actor.send({ type: 'session.request', remoteId: stranger });
    expect(t.named('acceptSession')).toHaveLength(0);
    expect(t.ofType('session.refused')).toMatchObject([{ remoteId: stranger, code: 'not-a-member' }]);
    t.actor.send({ type: 'session.request', remoteId: member(1) });
    expect(t.named('acceptSession')).toEqual([{ remoteId: member(1) }]);
    expect(t.ofType('session.accepted')).toEqual([{ type: 'session.accepted', remoteId: member(1) }]);
  });

  it('refuses session requests and drops handshakes while outside any lobby', () => {
    const t = startSession();
    t.actor.send({ type: 'session.request', remoteId: member(0) });
    t.actor.send({ type: 'peer.handshake', remoteId: member(0) });
    expect(t.named('acceptSession')).toHaveLength(0);
    expect(t.ofType('session.refused')).toMatchObject([{ code: 'not-in-lobby' }]);
    expect(t.ofType('peer.ignored')).toMatchObject([{ code: 'not-in-lobby', event: 'peer.handshake' }]);
  });

  it('routes peer events to the right peer by id and drops those from strangers', () => {
    const t = hostWithMembers(3);
    t.actor.send({ type: 'peer.handshakeAck', remoteId: member(2) });
    t.actor.send({ type: 'peer.handshakeAck', remoteId: 76561198999999999n });
    const states = [0, 1, 2].map((i) => t.actor.system.get(peerSystemId(member(i)))?.getSnapshot().value);
    expect(states.map((v) => (typeof v === 'string' ? v : Object.keys(v as object)[0]))).toEqual([
      'handshaking',
      'handshaking',
      'connected',
    ]);
    expect(t.ofType('peer.connected')).toEqual([{ type: 'peer.connected', remoteId: member(2), attempt: 1 }]);
    expect(t.ofType('peer.ignored')).toMatchObject([{ code: 'not-a-member' }]);
  });

  it('marks a member whose retries ran out as closed, and gives them a fresh session when they come back', () => {
    const t = hostWithMembers(1, { peer: { retry: { maxAttempts: 2 }, timing: { handshakeTimeoutMs: 100 } }, reconnect: { enabled: false } });
    t.clock.runAll();
    expect(t.snapshot().context.members.get(member(0))).toBe('closed');
    expect(t.ofType('peer.closed')).toMatchObject([{ reason: { code: 'retries-exhausted', attempts: 2 } }]);
    expect(t.snapshot().matches({ inLobby: 'connecting' })).toBe(true);

    t.actor.send({ type: 'peer.silent', remoteId: member(0) });
    expect(t.ofType('peer.ignored')).toMatchObject([{ code: 'session-closed' }]);
    t.actor.send({ type: 'peer.handshake', remoteId: member(0) });
    expect(t.snapshot().context.members.get(member(0))).toBe('connected');
    expect(t.snapshot().matches({ inLobby: 'allConnected' })).toBe(true);
  });

  it('counts a connected peer that starts retrying as no longer connected', () => {
    const t = hostWithMembers(1);
    t.actor.send({ type: 'peer.handshakeAck', remoteId: member(0) });
    expect(t.snapshot().matches({ inLobby: 'allConnected' })).toBe(true);
    t.actor.send({ type: 'peer.sessionFailed', remoteId: member(0), error: 4 });
    expect(t.snapshot().context.members.get(member(0))).toBe('connecting');
    expect(t.snapshot().matches({ inLobby: 'connecting' })).toBe(true);
  });

  it('owner leaves mid-handshake: their peer closes, the others keep going, and the epoch moves on', () => {
    const t = startSession();
    const owner = member(0);
    t.actor.send({ type: 'lobby.join', lobbyId: LOBBY });
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 1, ownerId: owner, members: [owner, member(1), SELF] });
    const lobby = () => t.actor.system.get('lobby')!.getSnapshot();
    const epochBefore = lobby().context.epoch;
    t.actor.send({ type: 'member.changed', memberId: owner, change: 'left' });
    t.actor.send({ type: 'lobby.ownerChanged', lobbyId: LOBBY, ownerId: SELF });
    expect(t.remotesOf('closeSession')).toEqual([owner]);
    expect(lobby().context.ownerId).toBe(SELF);
    expect(lobby().context.epoch).toBe(epochBefore + 1);
    t.actor.send({ type: 'peer.handshakeAck', remoteId: member(1) });
    expect(t.snapshot().matches({ inLobby: 'allConnected' })).toBe(true);
  });

  it('passes lobby timing through to the lobby actor', () => {
    const t = startSession({ lobby: { timing: { requestTimeoutMs: 123 } } });
    t.actor.send({ type: 'lobby.join', lobbyId: LOBBY });
    t.clock.advance(123);
    expect(t.actor.system.get('lobby')!.getSnapshot().matches('idle')).toBe(true);
  });

  it('ignores a duplicate "entered" for a member it already has', () => {
    const t = hostWithMembers(1);
    t.actor.send({ type: 'member.changed', memberId: member(0), change: 'entered' });
    expect(t.remotesOf('sendHandshake')).toEqual([member(0)]);
  });
});

describe('session (root) machine: seats held for members Steam drops', () => {
  const seat = { lobby: { timing: { seatReservationMs: 5_000 } } } as const;

  it('keeps the seat and the session of a dropped member, and reports one reconnect when they are back', () => {
    const t = hostWithMembers(2, seat);
    t.actor.send({ type: 'peer.handshakeAck', remoteId: member(0) });
    t.actor.send({ type: 'member.changed', memberId: member(0), change: 'disconnected', changedBy: member(0) });
    expect(t.ofType('member.away')).toEqual([{ type: 'member.away', memberId: member(0) }]);
    expect(t.remotesOf('closeSession')).toEqual([]);
    expect(t.snapshot().context.members.get(member(0))).toBe('connected');
    t.clock.advance(4_999);
    t.actor.send({ type: 'member.changed', memberId: member(0), change: 'entered', changedBy: member(0) });
    t.clock.advance(10_000);
    expect(t.ofType('member.reconnected')).toEqual([{ type: 'member.reconnected', memberId: member(0) }]);
    expect(t.ofType('member.admitted').map((e) => e.memberId)).toEqual([member(0), member(1)]);
    expect(t.ofType('member.dismissed')).toEqual([]);
    expect(t.snapshot().context.away.size).toBe(0);
  });

  it('gives the seat up when the window runs out: one dismissal, the session closed as disconnected', () => {
    const t = hostWithMembers(2, seat);
    t.actor.send({ type: 'member.changed', memberId: member(1), change: 'disconnected' });
    t.clock.advance(4_999);
    expect(t.ofType('member.dismissed')).toEqual([]);
    t.clock.advance(1);
    expect(t.ofType('member.dismissed')).toEqual([{ type: 'member.dismissed', memberId: member(1), change: 'disconnected', by: undefined }]);
    expect(t.ofType('peer.closed')).toMatchObject([{ remoteId: member(1), reason: { cause: 'member-disconnected' } }]);
    expect(t.snapshot().context.members.has(member(1))).toBe(false);
  });

  it('a timer from an earlier drop does nothing after the member came back and dropped again', () => {
    const t = hostWithMembers(1, seat);
    t.actor.send({ type: 'member.changed', memberId: member(0), change: 'disconnected' });
    t.clock.advance(3_000);
    t.actor.send({ type: 'member.changed', memberId: member(0), change: 'entered' });
    t.actor.send({ type: 'member.changed', memberId: member(0), change: 'disconnected' });
    t.clock.advance(2_000);
    expect(t.ofType('member.dismissed')).toEqual([]);
    t.clock.advance(3_000);
    expect(t.ofType('member.dismissed').map((e) => e.memberId)).toEqual([member(0)]);
    expect(t.ofType('member.away')).toHaveLength(2);
  });

  it('gives a member who comes back with a closed session a fresh one', () => {
    const t = hostWithMembers(1, { ...seat, peer: { retry: { maxAttempts: 1 }, timing: { handshakeTimeoutMs: 100 } }, reconnect: { enabled: false } });
    t.actor.send({ type: 'member.changed', memberId: member(0), change: 'disconnected' });
    t.clock.advance(100);
    expect(t.snapshot().context.members.get(member(0))).toBe('closed');
    const handshakes = t.remotesOf('sendHandshake').length;
    t.actor.send({ type: 'member.changed', memberId: member(0), change: 'entered' });
    expect(t.remotesOf('sendHandshake')).toHaveLength(handshakes + 1);
    expect(t.snapshot().context.members.get(member(0))).toBe('connecting');
  });

  it('a held seat ends with the lobby: leaving and entering another lobby, the old timer dismisses nobody', () => {
    const t = hostWithMembers(1, seat);
    t.actor.send({ type: 'member.changed', memberId: member(0), change: 'disconnected' });
    t.actor.send({ type: 'lobby.leave' });
    t.actor.send({ type: 'lobby.left' });
    t.actor.send({ type: 'lobby.join', lobbyId: LOBBY + 1n });
    t.actor.send({ type: 'lobby.entered', lobbyId: LOBBY + 1n, response: 1, ownerId: member(0), members: [member(0), SELF] });
    t.clock.advance(6_000);
    expect(t.ofType('member.dismissed').filter((e) => e.change === 'disconnected')).toEqual([]);
    expect(t.snapshot().context.members.has(member(0))).toBe(true);
  });
});

describe('session (root) machine: reconnecting closed sessions', () => {
  const policy = { baseDelayMs: 1_000, factor: 2, maxDelayMs: 4_000, jitter: 0.25 };
  const fast = { peer: { retry: { maxAttempts: 1 }, timing: { handshakeTimeoutMs: 100 } }, reconnect: policy } as const;

  it('schedules round after round while the member stays, each wait the policy allows and none past its ceiling', () => {
    const t = hostWithMembers(1, fast);
    for (let round = 1; round <= 5; round++) {
      const scheduled = t.ofType('peer.reconnectScheduled');
      const before = t.remotesOf('sendHandshake').length;
      if (scheduled.length < round) t.clock.advance(100);
      const last = t.ofType('peer.reconnectScheduled').at(-1)!;
      expect(last).toMatchObject({ remoteId: member(0), round });
      // From the policy's rules: base × factor^(round−1), capped, then ± jitter.
      const raw = Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** (round - 1));
      expect(last.inMs).toBeGreaterThanOrEqual(raw * (1 - policy.jitter));
      expect(last.inMs).toBeLessThanOrEqual(raw * (1 + policy.jitter));
      t.clock.advance(last.inMs - 1);
      expect(t.remotesOf('sendHandshake')).toHaveLength(before);
      t.clock.advance(1);
      expect(t.remotesOf('sendHandshake')).toHaveLength(before + 1);
    }
  });

  it('stops when the member leaves: the due round finds nobody', () => {
    const t = hostWithMembers(1, fast);
    t.clock.advance(100);
    const [scheduled] = t.ofType('peer.reconnectScheduled');
    const handshakes = t.remotesOf('sendHandshake').length;
    t.actor.send({ type: 'member.changed', memberId: member(0), change: 'left' });
    t.clock.advance(scheduled!.inMs + 10_000);
    expect(t.remotesOf('sendHandshake')).toHaveLength(handshakes);
    expect(t.clock.pending).toBe(1);
  });

  it('starts again from the first round once a session connects', () => {
    const t = hostWithMembers(1, fast);
    t.clock.advance(100);
    t.clock.advance(t.ofType('peer.reconnectScheduled')[0]!.inMs);
    t.actor.send({ type: 'peer.handshakeAck', remoteId: member(0) });
    t.actor.send({ type: 'peer.sessionFailed', remoteId: member(0), error: 4 });
    expect(t.ofType('peer.reconnectScheduled').map((e) => e.round)).toEqual([1, 1]);
  });

  it('does not reconnect on its own after a fatal error, but reconnect() does; live sessions and strangers are told apart', () => {
    const t = hostWithMembers(2, fast);
    t.actor.send({ type: 'peer.sessionFailed', remoteId: member(0), error: 2 });
    expect(t.snapshot().context.members.get(member(0))).toBe('closed');
    expect(t.ofType('peer.reconnectScheduled').filter((e) => e.remoteId === member(0))).toEqual([]);
    const handshakes = t.remotesOf('sendHandshake').filter((id) => id === member(0)).length;
    t.actor.send({ type: 'peer.reconnect', remoteId: member(0) });
    expect(t.remotesOf('sendHandshake').filter((id) => id === member(0))).toHaveLength(handshakes + 1);
    t.actor.send({ type: 'peer.reconnect', remoteId: member(1) });
    t.actor.send({ type: 'peer.reconnect', remoteId: 76561198999999999n });
    expect(t.ofType('peer.reconnectRefused')).toMatchObject([{ remoteId: 76561198999999999n, code: 'not-a-member' }]);
    expect(t.remotesOf('sendHandshake').filter((id) => id === member(1))).toHaveLength(1);
  });

  it('refuses reconnect outside a lobby, and reconnects nobody when the policy is off', () => {
    const outside = startSession();
    outside.actor.send({ type: 'peer.reconnect', remoteId: member(0) });
    expect(outside.ofType('peer.reconnectRefused')).toMatchObject([{ code: 'not-in-lobby' }]);
    const off = hostWithMembers(1, { ...fast, reconnect: { enabled: false } });
    off.clock.advance(100);
    off.clock.runAll();
    expect(off.ofType('peer.reconnectScheduled')).toEqual([]);
  });
});

describe('MemberTable', () => {
  it('behaves like an immutable map under random updates (seeded)', async () => {
    const { MemberTable } = await import('../src/machines/member-table.js');
    const fc = await import('fast-check');
    const op = fc.tuple(fc.boolean(), fc.bigInt({ min: 1n, max: 300n }), fc.integer({ min: 0, max: 3 }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        let table = MemberTable.empty<number>();
        const model = new Map<bigint, number>();
        for (const [add, id, value] of ops) {
          const before = table;
          const beforeEntries = [...before.entries()];
          table = add ? table.with(id, value) : table.without(id);
          if (add) model.set(id, value);
          else model.delete(id);
          expect([...before.entries()]).toEqual(beforeEntries);
        }
        expect(table.size).toBe(model.size);
        expect(new Map(table)).toEqual(model);
        for (const id of model.keys()) expect(table.get(id)).toBe(model.get(id));
      }),
      { seed: 4242, numRuns: 200 },
    );
  });

  it('answers keysWith like a filter of its entries, the same array again while asked the same, JSON unchanged', async () => {
    const { MemberTable } = await import('../src/machines/member-table.js');
    const { toStableJson } = await import('../src/machines/serialize.js');
    const fc = await import('fast-check');
    const op = fc.tuple(fc.boolean(), fc.bigInt({ min: 1n, max: 300n }), fc.integer({ min: 0, max: 3 }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), fc.integer({ min: 0, max: 3 }), (ops, asked) => {
        let table = MemberTable.empty<number>();
        for (const [add, id, value] of ops) {
          table = add ? table.with(id, value) : table.without(id);
          const json = toStableJson(table);
          const keys = table.keysWith(asked);
          expect(keys).toEqual([...table.entries()].filter(([, v]) => v === asked).map(([k]) => k));
          expect(table.keysWith(asked)).toBe(keys);
          expect(table.keysWith((asked + 1) % 4)).toEqual([...table.entries()].filter(([, v]) => v === (asked + 1) % 4).map(([k]) => k));
          expect(toStableJson(table)).toBe(json);
        }
      }),
      { seed: 4343, numRuns: 100 },
    );
  });
});

describe('toStableJson', () => {
  it('writes a Steam id as its digits and an n, so two ids never serialize alike', async () => {
    const { toStableJson } = await import('../src/machines/serialize.js');
    expect(toStableJson({ lobbyId: 109775241000000001n, members: [1n, 2n] })).toBe('{"lobbyId":"109775241000000001n","members":["1n","2n"]}');
  });
});

describe('session (root) machine: timers that share one token counter', () => {
  // Rules: a held seat ends one seat window after the drop that started it; a reconnect round comes one backoff
  // (the `inMs` it announced) after the close that scheduled it; a timer from before finds no token and does nothing.
  const policy = { baseDelayMs: 1_000, factor: 2, maxDelayMs: 4_000, jitter: 0.25 };
  const both = {
    lobby: { timing: { seatReservationMs: 5_000 } },
    peer: { retry: { maxAttempts: 1 }, timing: { handshakeTimeoutMs: 100 } },
    reconnect: policy,
  } as const;

  it('a seat timer from an earlier drop does not end the seat of a later drop, with a reconnect round scheduled between', () => {
    const t = hostWithMembers(1, both);
    t.actor.send({ type: 'member.changed', memberId: member(0), change: 'disconnected' });
    // The held session runs out of retries: a reconnect round is scheduled (its timer takes a token too).
    t.clock.advance(100);
    expect(t.ofType('peer.reconnectScheduled')).toHaveLength(1);
    t.actor.send({ type: 'member.changed', memberId: member(0), change: 'entered' });
    t.actor.send({ type: 'member.changed', memberId: member(0), change: 'disconnected' });
    expect(t.ofType('member.reconnected')).toHaveLength(1);
    // The first drop's window ends at 5 000 ms; the seat now held is the second drop's, which ends at 5 100 ms.
    t.clock.advance(4_999);
    expect(t.ofType('member.dismissed')).toEqual([]);
    t.clock.advance(1);
    expect(t.ofType('member.dismissed')).toEqual([{ type: 'member.dismissed', memberId: member(0), change: 'disconnected', by: undefined }]);
  });

  it('a reconnect timer from before a manual reconnect does not start a round early, with a seat held between', () => {
    const t = hostWithMembers(1, both);
    const handshakes = () => t.remotesOf('sendHandshake').length;
    t.clock.advance(100);
    const [first] = t.ofType('peer.reconnectScheduled');
    expect(first).toMatchObject({ remoteId: member(0), round: 1 });
    // At once, by hand: the rounds start over, and the first round's timer is stale.
    t.actor.send({ type: 'peer.reconnect', remoteId: member(0) });
    t.actor.send({ type: 'member.changed', memberId: member(0), change: 'disconnected' });
    t.clock.advance(100);
    const scheduled = t.ofType('peer.reconnectScheduled');
    expect(scheduled.map((e) => e.round)).toEqual([1, 1]);
    const before = handshakes();
    // The stale timer fires 100 ms before the new round is due (both are round 1), with the session closed: it starts nothing.
    t.clock.advance(scheduled[1]!.inMs - 1);
    expect(handshakes()).toBe(before);
    t.clock.advance(1);
    expect(handshakes()).toBe(before + 1);
  });
});

describe('session (root) machine: what it tells the game and the vote', () => {
  it('reports no kicker when Steam names the kicked or banned member as the one who made the change', () => {
    // steam-facts: steamworks.js reports `making_change` equal to `user_changed`; "by" is never the member themselves.
    for (const change of ['kicked', 'banned'] as const) {
      const t = hostWithMembers(2, { lobby: { timing: { seatReservationMs: 0 } } });
      t.actor.send({ type: 'member.changed', memberId: member(1), change, changedBy: member(1) });
      expect(t.ofType('member.dismissed')).toEqual([{ type: 'member.dismissed', memberId: member(1), change, by: undefined }]);
    }
  });

  it('leaves a member whose seat is only held out of a vote that opens meanwhile', () => {
    // docs/capabilities.md: the electorate is the members present when the vote opened, not counting the target.
    const t = hostWithMembers(3, { lobby: { timing: { seatReservationMs: 5_000 } } });
    const started: unknown[] = [];
    t.actor.system.get('voteKick')!.on('vote.started', (e: unknown) => void started.push(e));
    t.actor.send({ type: 'member.changed', memberId: member(1), change: 'disconnected' });
    t.actor.send({ type: 'vote.startReceived', starter: member(0), voteId: 1, target: member(2) });
    expect(started).toMatchObject([{ starter: member(0), target: member(2), electorate: [SELF, member(0)] }]);
  });

  it('asks for the kick of a passed vote once while the owner and epoch stay; other lobby news asks for no second kick', () => {
    const kicks: unknown[] = [];
    const clock = new VirtualClock();
    const recorder = recordingEffects({ kickByVote: (k) => void kicks.push({ ...k }) });
    const actor = createActor(sessionMachine, { clock, input: { selfId: SELF, effects: recorder.effects } });
    actor.start();
    actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 10 });
    actor.send({ type: 'lobby.created', result: 1, lobbyId: LOBBY });
    for (const i of [0, 1, 2]) actor.send({ type: 'member.changed', memberId: member(i), change: 'entered' });
    const epoch = actor.system.get('lobby')!.getSnapshot().context.epoch;
    // Electorate SELF, 0 and 2: the starter's yes and one more pass it; we own the lobby, so we kick.
    actor.send({ type: 'vote.startReceived', starter: member(0), voteId: 1, target: member(1) });
    actor.send({ type: 'vote.ballotReceived', voter: member(2), starter: member(0), voteId: 1, target: member(1), approve: true });
    expect(kicks).toEqual([{ memberId: member(1), epoch }]);
    // An invite changes the lobby actor's snapshot, not its owner or epoch.
    actor.send({ type: 'lobby.invited', lobbyId: LOBBY + 7n, from: member(2) });
    actor.send({ type: 'lobby.invited', lobbyId: LOBBY + 8n, from: member(0) });
    expect(kicks).toEqual([{ memberId: member(1), epoch }]);
  });
  it('tells the vote actor of every new owner epoch, also one that comes with no owner known', () => {
    // vote-kick.types.ts: `vote.owner` goes when the lobby's owner or owner epoch changed; Steam's LobbyEnter may come
    // with no owner read (lobby.types.ts), and an entry always starts a new epoch (lobby.machine.ts).
    const told: unknown[] = [];
    const recorder = recordingEffects();
    const actor = createActor(sessionMachine, {
      clock: new VirtualClock(),
      input: { selfId: SELF, effects: recorder.effects },
      inspect: (e) => {
        if (e.type === '@xstate.event' && e.event.type === 'vote.owner' && e.actorRef === actor.system.get('voteKick')) told.push(e.event);
      },
    });
    actor.start();
    const epoch = () => actor.system.get('lobby')!.getSnapshot().context.epoch;
    actor.send({ type: 'lobby.join', lobbyId: LOBBY });
    actor.send({ type: 'lobby.entered', lobbyId: LOBBY, response: 1, members: [member(0), SELF] });
    expect(told).toEqual([{ type: 'vote.owner', ownerId: undefined, epoch: epoch() }]);
    actor.send({ type: 'lobby.ownerChanged', lobbyId: LOBBY, ownerId: member(0) });
    expect(told.at(-1)).toEqual({ type: 'vote.owner', ownerId: member(0), epoch: epoch() });
    expect(told).toHaveLength(2);
  });
});

describe('lobbySnapshotOf', () => {
  it('reads only the lobby actor\'s snapshot events', async () => {
    const { lobbySnapshotOf } = await import('../src/machines/session.helpers.js');
    const snapshot = { context: {} };
    const fromLobby = { type: 'xstate.snapshot.lobby', snapshot };
    const fromVote = { type: 'xstate.snapshot.voteKick', snapshot };
    expect(lobbySnapshotOf(fromLobby)).toBe(snapshot);
    expect(lobbySnapshotOf(fromVote)).toBeUndefined();
  });
});
