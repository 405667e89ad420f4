// The machines' effects done on the backend (machine-effects.ts), when the backend says no or throws. The rules:
// machine-effects.ts's contract — a request the backend refuses (or throws on) is answered at once with the event that
// says so, carrying the backend's reason; README "Errors" — every error is published once, each with a readable
// `reason`; a `backend-refused` error is the backend saying no, an `internal` one something that threw; the
// GodotSteam tutorial's lobby seed (setLobbyJoinable(true), allowP2PPacketRelay(true) once the lobby is created);
// docs/capabilities.md — where the backend has its own kick lobbykit calls it after the notice, and where it has none
// (steamworks.js) the notice is the kick; a backend that declares a feature absent is not asked for it.
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend, BackendCapabilities, Refusal } from '../src/effects/backend.js';
import type { SessionEmitted } from '../src/machines/session.machine.js';
import { createLobbyRuntime, type LobbyRuntime, type LobbyRuntimeError } from '../src/runtime.js';
import { createRuntimeWorld, hostLobby, userId, type RuntimeWorld } from './helpers/runtime-world.js';

type Method = keyof Backend & string;
type Override = (original: (...args: unknown[]) => unknown, ...args: unknown[]) => unknown;

/**
 * A runtime on a simulated user whose backend answers as the test says: `arm(method, fn)` replaces a call (until
 * disarmed), `refuse(method, refusal)` makes it return false leaving `refusal` as `lastRefusal()`, `capabilities`
 * overrides what the backend declares. Every call made is recorded with its arguments.
 */
function steered(world: RuntimeWorld, index: number, capabilities: Partial<BackendCapabilities> = {}) {
  const user = world.sim.user({ id: userId(index), name: `player${index}` });
  const overrides = new Map<string, Override>();
  const calls: { method: string; args: unknown[] }[] = [];
  let refusal: { value: Refusal | undefined } | undefined;
  const backend = new Proxy(user, {
    get(target, property) {
      if (property === 'capabilities') return { ...target.capabilities, ...capabilities };
      if (property === 'lastRefusal' && refusal !== undefined) return () => refusal?.value;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const original = (value as (...args: unknown[]) => unknown).bind(target);
      return (...args: unknown[]) => {
        calls.push({ method: String(property), args });
        const override = overrides.get(String(property));
        return override === undefined ? original(...args) : override(original, ...args);
      };
    },
  });
  const runtime: LobbyRuntime = createLobbyRuntime({ backend, clock: world.sim.clock });
  const errors: LobbyRuntimeError[] = [];
  const sessions: SessionEmitted[] = [];
  runtime.errors$.subscribe((e) => errors.push(e));
  runtime.sessions$.subscribe((e) => sessions.push(e));
  world.everyFrame(() => runtime.tick());
  return {
    id: userId(index),
    runtime,
    errors,
    sessions,
    calls,
    arm: (method: Method, fn: Override) => void overrides.set(method, fn),
    disarm: (method: Method) => void overrides.delete(method),
    /** The next calls of `method` return false; `lastRefusal()` then answers `given` (undefined: no reason kept). */
    refuse(method: Method, given: Refusal | undefined) {
      overrides.set(method, () => {
        refusal = { value: given };
        return false;
      });
    },
    throwOn(method: Method) {
      overrides.set(method, () => {
        throw new Error(`${method} blew up`);
      });
    },
    dispose: () => runtime.dispose(),
  };
}

async function settle<T>(w: RuntimeWorld, promise: Promise<T>, maxMs: number): Promise<T | 'pending'> {
  let result: { value: T } | undefined;
  void promise.then((value) => (result = { value }));
  await w.runUntil(() => result !== undefined, maxMs);
  return result === undefined ? 'pending' : result.value;
}

/** `runtime` creates a lobby and is in it. */
async function ownLobby(w: RuntimeWorld, runtime: LobbyRuntime): Promise<bigint> {
  const created = await settle(w, runtime.createLobby(), 5_000);
  if (created === 'pending' || !created.ok) throw new Error('the lobby was not created');
  return created.lobbyId;
}

// "At once": a few frames, far less than any of Steam's answers is given to come (seconds).
const AT_ONCE_MS = 100;

let world: RuntimeWorld | undefined;
const disposers: (() => void)[] = [];
afterEach(() => {
  for (const d of disposers.splice(0)) d();
  world?.dispose();
  world = undefined;
});

function setup(capabilities: Partial<BackendCapabilities> = {}) {
  const w = createRuntimeWorld('simulated', 5);
  world = w;
  const player = steered(w, 0, capabilities);
  disposers.push(player.dispose);
  return { w, player };
}

describe('create, join and list requests the backend refuses', () => {
  it("a refused create fails at once as backend-refused with the backend's own reason", async () => {
    const { w, player } = setup();
    player.refuse('createLobby', { code: 'unsupported', detail: 'no lobbies on this backend today' });
    const result = await settle(w, player.runtime.createLobby(), AT_ONCE_MS);
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ kind: 'create-failed', code: 'backend-refused', reason: 'no lobbies on this backend today' }),
    });
  });

  it("a refused join fails at once as backend-refused with the backend's own reason", async () => {
    const { w, player } = setup();
    const host = w.player(1);
    const lobbyId = await hostLobby(w, host);
    player.refuse('joinLobby', { code: 'not-a-member', detail: 'this backend will not join that lobby' });
    const result = await settle(w, player.runtime.joinLobby(lobbyId), AT_ONCE_MS);
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ kind: 'join-failed', lobbyId, code: 'backend-refused', reason: 'this backend will not join that lobby' }),
    });
  });

  it("a refused lobby list fails at once as backend-refused with the backend's own reason", async () => {
    const { w, player } = setup();
    player.refuse('requestLobbyList', { code: 'unsupported', detail: 'no lobby lists here' });
    const result = await settle(w, player.runtime.findLobbies(), AT_ONCE_MS);
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ kind: 'list-failed', code: 'backend-refused', reason: 'no lobby lists here' }),
    });
  });

  it('a refusal the backend gives no reason for still fails with a readable reason', async () => {
    const { w, player } = setup();
    player.refuse('createLobby', undefined);
    const result = await settle(w, player.runtime.createLobby(), AT_ONCE_MS);
    if (result === 'pending' || result.ok) throw new Error(`expected a failed create, got ${String(result)}`);
    expect(result.error).toMatchObject({ kind: 'create-failed', code: 'backend-refused' });
    expect(result.error.reason.trim()).not.toBe('');
  });

  it("a create that throws fails at once, its reason not some earlier call's refusal, and the throw is an internal error", async () => {
    const { w, player } = setup();
    player.refuse('createLobby', { code: 'unsupported', detail: 'the earlier refusal' });
    const refused = await settle(w, player.runtime.createLobby(), AT_ONCE_MS);
    expect(refused).toMatchObject({ ok: false, error: { reason: 'the earlier refusal' } });

    // The backend still remembers that refusal (`lastRefusal()`), but this call threw: the refusal is not its reason.
    player.throwOn('createLobby');
    const before = player.errors.length;
    const thrown = await settle(w, player.runtime.createLobby(), AT_ONCE_MS);
    if (thrown === 'pending' || thrown.ok) throw new Error(`expected a failed create, got ${String(thrown)}`);
    expect(thrown.error).toMatchObject({ kind: 'create-failed', code: 'backend-refused' });
    expect(thrown.error.reason).not.toBe('the earlier refusal');
    expect(thrown.error.reason.trim()).not.toBe('');
    expect(player.errors.slice(before).map((e) => e.kind)).toEqual(['internal', 'create-failed']);
  });
});

describe("the lobby seed's housekeeping and the owner's backend calls", () => {
  it("creating a lobby makes it joinable and allows Steam's relay, as the tutorial's seed does", async () => {
    const { w, player } = setup();
    const lobbyId = await ownLobby(w, player.runtime);
    const made = player.calls.filter((c) => c.method === 'setLobbyJoinable' || c.method === 'allowRelay');
    expect(made).toEqual(expect.arrayContaining([{ method: 'setLobbyJoinable', args: [lobbyId, true] }, { method: 'allowRelay', args: [true] }]));
  });

  it('a backend call that throws is one internal error, not also a refusal', async () => {
    const { w, player } = setup();
    await ownLobby(w, player.runtime);
    player.throwOn('setLobbyData');
    const before = player.errors.length;
    player.runtime.startGame({ epoch: player.runtime.lobbyState().epoch });
    await w.run(AT_ONCE_MS);
    expect(player.errors.slice(before).map((e) => e.kind)).toEqual(['internal']);
  });

  async function ownerWithMember(capabilities: Partial<BackendCapabilities> = {}) {
    const { w, player: owner } = setup(capabilities);
    const lobbyId = await ownLobby(w, owner.runtime);
    const member = w.player(1);
    const joined = member.runtime.joinLobby(lobbyId);
    expect(await w.runUntil(() => owner.runtime.allConnected() && member.runtime.allConnected(), 10_000)).toBe(true);
    expect(await joined).toEqual({ ok: true, lobbyId });
    return { w, owner, member, lobbyId };
  }

  const memberIds = (runtime: LobbyRuntime) => runtime.members().map((m) => m.id);

  it('a kick the backend refuses fails as backend-refused and does not put the member out', async () => {
    const { owner, member } = await ownerWithMember();
    owner.refuse('kickLobbyMember', { code: 'not-owner', detail: 'Steam would not kick' });
    const result = owner.runtime.kick(member.id, { epoch: owner.runtime.lobbyState().epoch });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ kind: 'backend-refused', command: 'kick', reason: 'Steam would not kick' }) });
    expect(memberIds(owner.runtime)).toContain(member.id);
    expect(owner.sessions.filter((e) => e.type === 'member.dismissed')).toEqual([]);
  });

  it('without a backend kick, a notice the backend refuses is a failed kick: the member stays', async () => {
    const { owner, member } = await ownerWithMember({ kickAndBan: 'absent' });
    owner.refuse('sendLobbyChat', { code: 'too-large', detail: 'Steam would not carry the notice' });
    const result = owner.runtime.ban(member.id, { epoch: owner.runtime.lobbyState().epoch });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ kind: 'backend-refused', command: 'ban' }) });
    expect(memberIds(owner.runtime)).toContain(member.id);
    expect(owner.sessions.filter((e) => e.type === 'member.dismissed')).toEqual([]);
    expect(owner.calls.filter((c) => c.method === 'banLobbyMember')).toEqual([]);
  });

  it('a backend that declares closing a P2P session absent is not asked to close one', async () => {
    const { w, owner, member } = await ownerWithMember({ closeSession: 'absent' });
    owner.throwOn('closeSession');
    member.runtime.leaveLobby();
    expect(await w.runUntil(() => !memberIds(owner.runtime).includes(member.id), 5_000)).toBe(true);
    await w.run(1_000);
    expect(owner.calls.filter((c) => c.method === 'closeSession')).toEqual([]);
    expect(owner.errors.filter((e) => e.kind === 'internal')).toEqual([]);
  });
});

describe('a backend that throws when asked why it refused', () => {
  // README "Errors": a throw is an `internal` error and the game loop goes on; the refusal itself is still reported.
  it('costs only the reason: the refusal is reported, the throw is internal, and the runtime keeps working', async () => {
    const { w, player } = setup();
    const guest = w.player(1);
    const lobbyId = await ownLobby(w, player.runtime);
    guest.runtime.joinLobby(lobbyId);
    expect(await w.runUntil(() => player.runtime.members().length === 2, 5_000)).toBe(true);
    player.arm('kickLobbyMember', () => false);
    player.arm('lastRefusal', () => {
      throw new Error('lastRefusal blew up');
    });
    const kicked = player.runtime.kick(guest.id);
    expect(kicked).toMatchObject({ ok: false, error: { kind: 'backend-refused', command: 'kick', code: 'native-error' } });
    expect(player.errors).toContainEqual(expect.objectContaining({ kind: 'internal', reason: expect.stringContaining('lastRefusal blew up') }));
    // A create the backend refuses, its reason unreadable, still fails at once rather than leaving the request open.
    player.disarm('kickLobbyMember');
    player.runtime.leaveLobby();
    player.arm('createLobby', () => false);
    const created = await settle(w, player.runtime.createLobby(), AT_ONCE_MS);
    expect(created).toMatchObject({ ok: false, error: { kind: 'create-failed', code: 'backend-refused' } });
    // Still working: with the backend answering again, a lobby is made.
    player.disarm('createLobby');
    player.disarm('lastRefusal');
    expect(await settle(w, player.runtime.createLobby(), 5_000)).toMatchObject({ ok: true });
  });
});
