// The guards every command runs before it acts, and the two small parts they rest on (the reporter, the request
// slot). Expected values come from the rules: README "Errors" (every error has a readable reason, a bad argument is
// named, `disposed` and `reconnecting` are wrong-state codes, the join rule), the doc comments of Reporter and
// RequestSlot, and the owner-only commands of the README.
import { afterEach, describe, expect, it } from 'vitest';
import type { LobbyRuntime, LobbyRuntimeError, RuntimeResult } from '../src/runtime.js';
import { Reporter } from '../src/runtime/reporter.js';
import { RequestSlot } from '../src/runtime/request-slot.js';
import { connectAll, createRuntimeWorld, userId, type Player, type RuntimeWorld } from './helpers/runtime-world.js';

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

const internal = (where: string): LobbyRuntimeError => ({ kind: 'internal', where, reason: `${where} broke` });

describe('Reporter', () => {
  it('publishes what it is given until closed; after close it still returns errors but publishes nothing', () => {
    const published: LobbyRuntimeError[] = [];
    const reporter = new Reporter((e) => published.push(e));
    reporter.report(internal('a'));
    reporter.close();
    expect(reporter.fail(internal('b'))).toEqual({ ok: false, error: internal('b') });
    expect(published).toEqual([internal('a')]);
  });

  it('guarded turns a throw into a published internal error naming where, and undefined', () => {
    const published: LobbyRuntimeError[] = [];
    const reporter = new Reporter((e) => published.push(e));
    expect(reporter.guarded('poll', () => { throw new Error('boom'); })).toBeUndefined();
    expect(published).toMatchObject([{ kind: 'internal', where: 'poll' }]);
    expect(reporter.guarded('poll', () => 5)).toBe(5);
    expect(published).toHaveLength(1);
  });

  it('a command that throws inside another still leaves the outer one collecting what is reported after it', () => {
    const reporter = new Reporter(() => undefined);
    const outer = reporter.capture(() => {
      expect(() => reporter.capture(() => { throw new Error('inner'); })).toThrow('inner');
      reporter.report(internal('after'));
    });
    expect(outer).toEqual([internal('after')]);
  });
});

describe('RequestSlot', () => {
  it('resolves only a pending request of the kind asked, exactly once, and says whether it did', async () => {
    const slot = new RequestSlot<'create' | 'list', string>();
    expect(slot.settle('nothing pending')).toBe(false);
    const result = slot.open('create');
    expect(slot.settle('wrong kind', 'list')).toBe(false);
    expect(slot.busy).toBe(true);
    expect(slot.settle('created', 'create')).toBe(true);
    expect(slot.busy).toBe(false);
    expect(slot.settle('again')).toBe(false);
    expect(await result).toBe('created');
  });
});

/** A promise's value if it has already resolved; 'pending' otherwise (no timers). */
async function settledNow<T>(promise: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([promise, Promise.resolve('pending' as const)]);
}

type Untyped = { readonly [K in keyof LobbyRuntime]: LobbyRuntime[K] extends (...args: never[]) => infer R ? (...args: unknown[]) => R : LobbyRuntime[K] };

async function resultOf(value: RuntimeResult | Promise<unknown>): Promise<unknown> {
  return value instanceof Promise ? settledNow(value) : value;
}

describe('bad arguments and a disposed runtime, outside a lobby', () => {
  const lone = (): Player => {
    world = createRuntimeWorld('simulated');
    return world.player(0);
  };

  const BAD: readonly [string, (r: Untyped, self: bigint) => unknown][] = [
    ['acceptInvite(null)', (r) => r.acceptInvite(null)],
    ["acceptInvite({ lobbyId: 'x', from })", (r) => r.acceptInvite({ lobbyId: 'x', from: userId(2) })],
    ['acceptInvite({ lobbyId })', (r) => r.acceptInvite({ lobbyId: 109775240000000001n })],
    ["reconnect('x')", (r) => r.reconnect('x')],
    ['reconnect(self)', (r, self) => r.reconnect(self)],
    ["startVoteKick('x')", (r) => r.startVoteKick('x')],
    ["voteKick('yes')", (r) => r.voteKick('yes')],
  ];

  it.each(BAD)('%s is an invalid argument with a readable reason, published once', async (_name, call) => {
    const p = lone();
    const result = await resultOf(call(p.runtime as unknown as Untyped, p.id) as RuntimeResult);
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid-argument' } });
    const error = (result as { error: LobbyRuntimeError }).error;
    expect(error.reason.length).toBeGreaterThan(0);
    expect(p.errors).toEqual([error]);
  });

  // "a bad argument or a `null` option, named": the reason names the command's options and what was given.
  const OPTIONS: readonly [string, (r: Untyped) => unknown, string, string][] = [
    ['createLobby(null)', (r) => r.createLobby(null), 'createLobby', 'null'],
    ["createLobby('public')", (r) => r.createLobby('public'), 'createLobby', 'string'],
    ['kick(x, null)', (r) => r.kick(userId(3), null), 'kick', 'null'],
    ['ban(x, 5)', (r) => r.ban(userId(3), 5), 'ban', 'number'],
    ['startGame(null)', (r) => r.startGame(null), 'startGame', 'null'],
  ];

  it.each(OPTIONS)('%s names the options and what it got', async (_name, call, command, got) => {
    const p = lone();
    const result = (await resultOf(call(p.runtime as unknown as Untyped) as RuntimeResult)) as { error: LobbyRuntimeError };
    expect(result.error).toMatchObject({ kind: 'invalid-argument', command });
    expect(result.error.reason).toContain(`${command} options`);
    expect(result.error.reason).toMatch(new RegExp(`got ${got}$`));
  });

  const VALID: readonly [string, (r: LobbyRuntime) => unknown][] = [
    ['acceptInvite', (r) => r.acceptInvite({ lobbyId: 109775240000000001n, from: userId(2) })],
    ['reconnect', (r) => r.reconnect(userId(2))],
    ['startVoteKick', (r) => r.startVoteKick(userId(2))],
    ['voteKick', (r) => r.voteKick(true)],
  ];

  it.each(VALID)('%s after dispose is refused as disposed', async (command, call) => {
    const p = lone();
    p.runtime.dispose();
    const result = await resultOf(call(p.runtime) as RuntimeResult);
    expect(result).toMatchObject({ ok: false, error: { kind: 'wrong-state', command, code: 'disposed' } });
  });

  it('a send refused before encoding carries no codec code', () => {
    const p = lone();
    const result = p.runtime.send(userId(3), 'hello', { channel: -1 });
    expect(result).toMatchObject({ ok: false, error: { kind: 'send-refused' } });
    expect('codecCode' in (result as { error: LobbyRuntimeError }).error).toBe(false);
  });
});

const SEATS = { timing: { lobby: { seatReservationMs: 3_000, rejoinIntervalMs: 500, requestTimeoutMs: 2_000 } } };

async function lobbyOf(size: number) {
  const w = (world = createRuntimeWorld('simulated'));
  const players = Array.from({ length: size }, (_, i) => w.player(i, {}, SEATS));
  const lobbyId = await connectAll(w, players);
  return { w, players, host: players[0]!, lobbyId };
}

describe('commands the machines refuse, and the join rule while reconnecting', () => {
  it('an owner-only command from a member is refused as not-owner, in the result and on errors$', async () => {
    const { players } = await lobbyOf(2);
    const guest = players[1]!;
    const result = guest.runtime.startGame();
    expect(result).toMatchObject({ ok: false, error: { kind: 'wrong-state', code: 'not-owner' } });
    expect(guest.errorsOf('wrong-state')).toContainEqual((result as { error: LobbyRuntimeError }).error);
  });

  it('joining or accepting an invite to the lobby we are getting back into is refused as reconnecting; another lobby is not', async () => {
    const { w, players, host, lobbyId } = await lobbyOf(3);
    const dropped = players[1]!;
    const elsewhere = w.player(5);
    const created = elsewhere.runtime.createLobby({ maxMembers: 4 });
    await w.runUntil(() => elsewhere.runtime.lobbyState().status === 'joined', 5_000);
    const other = await created;
    if (!other.ok) throw new Error(other.error.reason);
    w.sim.steam.faults.disconnectServers(dropped.id);
    w.sim.steam.faults.dropFromLobbies(dropped.id);
    expect(await w.runUntil(() => dropped.runtime.lobbyState().status === 'reconnecting', 5_000)).toBe(true);
    for (const [command, attempt] of [
      ['joinLobby', dropped.runtime.joinLobby(lobbyId)],
      ['acceptInvite', dropped.runtime.acceptInvite({ lobbyId, from: host.id })],
    ] as const) {
      const result = await settledNow(attempt);
      expect(result).toMatchObject({ ok: false, error: { kind: 'wrong-state', command, code: 'reconnecting' } });
      expect((result as { error: LobbyRuntimeError }).error.reason.length).toBeGreaterThan(0);
    }
    const switching = dropped.runtime.joinLobby(other.lobbyId);
    const result = await settledNow(switching);
    expect(result === 'pending' || !result.ok).toBe(true);
    if (result !== 'pending' && !result.ok) expect(result.error).not.toMatchObject({ code: 'reconnecting' });
  });
});

describe('an invite to the lobby we are in', () => {
  it('is accepted at once and used up: the same invite later names no invite', async () => {
    const { w, players, host, lobbyId } = await lobbyOf(2);
    const guest = players[1]!;
    expect(host.runtime.invite(guest.id)).toEqual({ ok: true });
    expect(await w.runUntil(() => guest.lifecycleOf('lifecycle.inviteReceived').length === 1, 5_000)).toBe(true);
    const invite = { lobbyId, from: host.id };
    expect(await settledNow(guest.runtime.acceptInvite(invite))).toEqual({ ok: true, lobbyId });
    expect(guest.runtime.leaveLobby()).toEqual({ ok: true });
    expect(await w.runUntil(() => guest.runtime.lobbyState().status === 'idle', 5_000)).toBe(true);
    const again = guest.runtime.acceptInvite(invite);
    await w.run(1_000);
    expect(await settledNow(again)).toMatchObject({ ok: false, error: { kind: 'wrong-state', code: 'no-such-invite' } });
  });
});

describe('a machine-issued backend call the backend refuses', () => {
  it('fails the command that caused it with backend-refused', async () => {
    const { players, host } = await lobbyOf(2);
    const guest = players[1]!;
    // A backend whose own kick says no.
    Object.assign(host.backend, { kickLobbyMember: () => false });
    const result = host.runtime.kick(guest.id);
    expect(result).toMatchObject({ ok: false, error: { kind: 'backend-refused', command: 'kick' } });
    expect(host.errorsOf('backend-refused')).toEqual([(result as { error: LobbyRuntimeError }).error]);
  });

  it('a refusal the backend gives no detail for still has a readable reason', async () => {
    const { host } = await lobbyOf(2);
    Object.assign(host.backend, { inviteUserToLobby: () => false, lastRefusal: () => undefined });
    const result = host.runtime.invite(userId(9));
    expect(result).toMatchObject({ ok: false, error: { kind: 'backend-refused', command: 'invite' } });
    expect((result as { error: LobbyRuntimeError }).error.reason.length).toBeGreaterThan(0);
  });
});
