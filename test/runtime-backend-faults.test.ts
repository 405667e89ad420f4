// A backend whose reads throw while the runtime translates Steam's events. The rules (README "Errors", reporter.ts):
// a faulty backend never stops the game loop and never loses data; what threw is an `internal` error on errors$
// naming the call. So a read that throws costs only the value it would have read: the event that wanted it and
// every other event of that tick still reach the machines and the game, and the next tick works as before.
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../src/effects/backend.js';
import {
  createLobbyRuntime,
  type ChatMessage,
  type LifecycleEvent,
  type LobbyMember,
  type LobbyRuntime,
  type LobbyRuntimeError,
} from '../src/runtime.js';
import { createRuntimeWorld, hostLobby, userId, type Player, type RuntimeWorld } from './helpers/runtime-world.js';

type Read = 'getLobbyMembers' | 'getLobbyOwner' | 'personaName' | 'localUserName';

/** `backend`, except that `arm(read, when)` makes the next call of `read` whose first argument passes `when` throw. */
function faulty(backend: Backend) {
  const armed = new Map<Read, (arg: bigint) => boolean>();
  const thrown: Read[] = [];
  const proxy = new Proxy(backend, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const call = (value as (...args: unknown[]) => unknown).bind(target);
      const when = armed.get(property as Read);
      if (when === undefined) return call;
      return (...args: unknown[]) => {
        if (!when(args[0] as bigint)) return call(...args);
        armed.delete(property as Read);
        thrown.push(property as Read);
        throw new Error(`${String(property)} failed`);
      };
    },
  });
  return { backend: proxy, thrown, arm: (read: Read, when: (arg: bigint) => boolean = () => true) => void armed.set(read, when) };
}

/** A member on a faulty backend, ticked only when the test says so (so what arrives, arrives in one tick). */
function faultyMember(world: RuntimeWorld, index: number) {
  const fault = faulty(world.sim.user({ id: userId(index), name: `player${index}` }));
  const runtime: LobbyRuntime = createLobbyRuntime({ backend: fault.backend, clock: world.sim.clock });
  const errors: LobbyRuntimeError[] = [];
  const chat: ChatMessage[] = [];
  const lifecycle: LifecycleEvent[] = [];
  let members: readonly LobbyMember[] = [];
  runtime.errors$.subscribe((e) => errors.push(e));
  runtime.chat$.subscribe((m) => chat.push(m));
  runtime.lifecycle$.subscribe((e) => lifecycle.push(e));
  runtime.members$.subscribe((list) => (members = list));
  let ticking = true;
  world.everyFrame(() => ticking && runtime.tick());
  return {
    id: userId(index),
    runtime,
    errors,
    chat,
    lifecycle,
    fault,
    members: () => members,
    /** Stops ticking with the world: the backend's events pile up for one `tick()`. */
    hold: () => void (ticking = false),
    resume: () => void (ticking = true),
  };
}

const internalOn = (where: string) => ({ kind: 'internal', where, reason: expect.stringContaining('failed') });

describe('a backend read that throws while a tick translates events', () => {
  let world: RuntimeWorld;
  afterEach(() => world.dispose());

  /** Host and a faulty member in one lobby, everyone connected. */
  async function lobbyWithFaultyMember() {
    world = createRuntimeWorld('simulated');
    const host = world.player(0);
    const lobbyId = await hostLobby(world, host);
    const member = faultyMember(world, 1);
    const joined = member.runtime.joinLobby(lobbyId);
    expect(await world.runUntil(() => member.runtime.allConnected() && host.runtime.allConnected(), 10_000)).toBe(true);
    expect(await joined).toEqual({ ok: true, lobbyId });
    return { host, member, lobbyId };
  }

  /** While the faulty member is held: `newcomer` joins and then the host chats, both seen by the host. */
  async function joinAndChat(host: Player, newcomer: Player, lobbyId: bigint, text: string): Promise<void> {
    const entered = newcomer.runtime.joinLobby(lobbyId);
    expect(await world.runUntil(() => host.runtime.members().some((m) => m.id === newcomer.id), 5_000)).toBe(true);
    expect((await entered).ok).toBe(true);
    expect(host.runtime.sendChat(text)).toEqual({ ok: true });
    await world.run(200);
  }

  it("a member's name unreadable as they enter: they enter nameless, the chat of that tick arrives, the next tick works", async () => {
    const { host, member, lobbyId } = await lobbyWithFaultyMember();
    const newcomer = world.player(2);
    member.hold();
    member.fault.arm('personaName', (id) => id === newcomer.id);
    await joinAndChat(host, newcomer, lobbyId, 'welcome');

    member.runtime.tick();
    expect(member.fault.thrown).toEqual(['personaName']);
    // The entry whose name threw still counts: the newcomer is a member, named '' (the rule for an unreadable name).
    expect(member.members().find((m) => m.id === newcomer.id)).toMatchObject({ name: '', isOwner: false });
    // The event after it in the same tick still reached the game.
    expect(member.chat.map((c) => [c.from, c.text])).toEqual([[host.id, 'welcome']]);
    expect(member.errors).toEqual([internalOn('personaName')]);

    // The machines heard of the newcomer too: the member's session with them comes up, and chat keeps flowing.
    member.resume();
    expect(host.runtime.sendChat('still here')).toEqual({ ok: true });
    expect(await world.runUntil(() => member.runtime.allConnected() && member.chat.length === 2, 10_000)).toBe(true);
    expect(member.runtime.members().map((m) => m.id).sort()).toEqual([host.id, member.id, newcomer.id].sort());
    expect(member.chat[1]).toMatchObject({ from: host.id, text: 'still here' });
    expect(member.errors).toHaveLength(1);
  });

  it("the chat sender's name unreadable: the line arrives nameless, and so does the next line of that tick", async () => {
    const { host, member } = await lobbyWithFaultyMember();
    member.hold();
    member.fault.arm('personaName', (id) => id === host.id);
    expect(host.runtime.sendChat('one')).toEqual({ ok: true });
    expect(host.runtime.sendChat('two')).toEqual({ ok: true });
    await world.run(200);

    member.runtime.tick();
    expect(member.chat.map((c) => [c.from, c.text])).toEqual([
      [host.id, 'one'],
      [host.id, 'two'],
    ]);
    expect(member.errors).toEqual([internalOn('personaName')]);
    expect(member.chat[0]!.name).toBe('');
    // Only the read that threw lost its value: the second line's name was read.
    expect(member.chat[1]!.name).toBe(host.runtime.members().find((m) => m.isSelf)!.name);
  });

  it('the owner unreadable as a member leaves: they leave, the owner stays who it was, the chat of that tick arrives', async () => {
    const { host, member, lobbyId } = await lobbyWithFaultyMember();
    const leaver = world.player(2);
    const entered = leaver.runtime.joinLobby(lobbyId);
    expect(await world.runUntil(() => member.runtime.members().length === 3 && member.runtime.allConnected(), 10_000)).toBe(true);
    expect((await entered).ok).toBe(true);
    member.hold();
    member.fault.arm('getLobbyOwner');
    expect(leaver.runtime.leaveLobby()).toEqual({ ok: true });
    expect(await world.runUntil(() => host.runtime.members().length === 2, 5_000)).toBe(true);
    expect(host.runtime.sendChat('bye')).toEqual({ ok: true });
    await world.run(200);

    member.runtime.tick();
    expect(member.fault.thrown).toEqual(['getLobbyOwner']);
    expect(member.members().map((m) => [m.id, m.isOwner]).sort()).toEqual(
      [
        [host.id, true],
        [member.id, false],
      ].sort(),
    );
    expect(member.chat.map((c) => [c.from, c.text])).toEqual([[host.id, 'bye']]);
    expect(member.errors).toEqual([internalOn('getLobbyOwner')]);
  });

  it('the member list unreadable as we enter: the entry lists us alone, the join completes, the next tick works', async () => {
    world = createRuntimeWorld('simulated');
    const host = world.player(0);
    const lobbyId = await hostLobby(world, host);
    const member = faultyMember(world, 1);
    member.fault.arm('getLobbyMembers');
    const joined = member.runtime.joinLobby(lobbyId);
    expect(await world.runUntil(() => member.runtime.lobbyState().status === 'joined', 5_000)).toBe(true);
    expect(await joined).toEqual({ ok: true, lobbyId });
    expect(member.fault.thrown).toEqual(['getLobbyMembers']);
    expect(member.errors).toEqual([internalOn('getLobbyMembers')]);
    // lifecycle.entered's members hold ourselves (its documentation), the one member we know without Steam's list.
    const entered = member.lifecycle.filter((e) => e.type === 'lifecycle.entered');
    expect(entered).toMatchObject([{ lobbyId, members: [member.id] }]);
    // The owner was read: the member sees the host own the lobby, and hears the host's chat.
    expect(member.runtime.lobbyState()).toMatchObject({ status: 'joined', lobbyId, ownerId: host.id, isOwner: false });
    expect(host.runtime.sendChat('hi')).toEqual({ ok: true });
    expect(await world.runUntil(() => member.chat.length === 1, 5_000)).toBe(true);
    expect(member.chat[0]).toMatchObject({ from: host.id, text: 'hi' });
  });
  it('our own name unreadable as our chat line comes back: the line arrives nameless, the error names localUserName', async () => {
    const { member } = await lobbyWithFaultyMember();
    member.hold();
    // Our own name is localUserName (personaNameOf's contract), never personaName.
    member.fault.arm('localUserName');
    expect(member.runtime.sendChat('mine')).toEqual({ ok: true });
    await world.run(200);

    member.runtime.tick();
    expect(member.fault.thrown).toEqual(['localUserName']);
    expect(member.chat.map((c) => [c.from, c.name, c.text])).toEqual([[member.id, '', 'mine']]);
    expect(member.errors).toEqual([internalOn('localUserName')]);
  });

  it('the owner unreadable as we enter a lobby new to us: the error names getLobbyOwner, the join completes', async () => {
    world = createRuntimeWorld('simulated');
    const host = world.player(0);
    const lobbyId = await hostLobby(world, host);
    const member = faultyMember(world, 1);
    member.fault.arm('getLobbyOwner');
    const joined = member.runtime.joinLobby(lobbyId);
    expect(await world.runUntil(() => member.runtime.lobbyState().status === 'joined', 5_000)).toBe(true);
    expect(await joined).toEqual({ ok: true, lobbyId });
    expect(member.fault.thrown).toEqual(['getLobbyOwner']);
    expect(member.errors).toEqual([internalOn('getLobbyOwner')]);
    // A lobby we knew nothing of: no owner to fall back on.
    const entered = member.lifecycle.filter((e) => e.type === 'lifecycle.entered');
    expect(entered).toMatchObject([{ lobbyId, ownerId: undefined }]);
  });

  it('members and owner unreadable as we get back into our lobby: the reconnect carries the members we knew, no owner', async () => {
    const { host, member, lobbyId } = await lobbyWithFaultyMember();
    const other = world.player(2);
    const entered = other.runtime.joinLobby(lobbyId);
    expect(await world.runUntil(() => member.runtime.members().length === 3 && member.runtime.allConnected(), 10_000)).toBe(true);
    expect((await entered).ok).toBe(true);
    // Steam drops us (seat reservation is on by default: docs/capabilities.md, "Seats").
    world.sim.steam.faults.disconnectServers(member.id);
    world.sim.steam.faults.dropFromLobbies(member.id);
    expect(await world.runUntil(() => member.runtime.lobbyState().status === 'reconnecting', 5_000)).toBe(true);
    member.fault.arm('getLobbyMembers', (id) => id === lobbyId);
    member.fault.arm('getLobbyOwner', (id) => id === lobbyId);
    world.sim.steam.faults.reconnectServers(member.id);
    expect(await world.runUntil(() => member.lifecycle.some((e) => e.type === 'lifecycle.reconnected'), 30_000)).toBe(true);
    expect([...member.fault.thrown].sort()).toEqual(['getLobbyMembers', 'getLobbyOwner']);
    expect(member.errors).toEqual(expect.arrayContaining([internalOn('getLobbyMembers'), internalOn('getLobbyOwner')]));
    const back = member.lifecycle.filter((e) => e.type === 'lifecycle.reconnected');
    expect(back).toHaveLength(1);
    const event = back[0] as Extract<LifecycleEvent, { type: 'lifecycle.reconnected' }>;
    // Unreadable on the way back: the members we knew of this lobby, not none (which would drop them all).
    // Out of the lobby we knew no owner ("when we are back, the owner is whoever Steam says": capabilities.md).
    expect(event.ownerId).toBeUndefined();
    expect([...event.members].sort()).toEqual([host.id, member.id, other.id].sort());
  });
  it('a member entering reads no owner (Steam moves ownership only when someone goes): nothing to throw', async () => {
    const { host, member, lobbyId } = await lobbyWithFaultyMember();
    const newcomer = world.player(2);
    member.hold();
    member.fault.arm('getLobbyOwner', (id) => id === lobbyId);
    const entered = newcomer.runtime.joinLobby(lobbyId);
    expect(await world.runUntil(() => host.runtime.members().some((m) => m.id === newcomer.id), 5_000)).toBe(true);
    expect((await entered).ok).toBe(true);
    await world.run(200);

    member.runtime.tick();
    expect(member.members().map((m) => m.id).sort()).toEqual([host.id, member.id, newcomer.id].sort());
    expect(member.fault.thrown).toEqual([]);
    expect(member.errors).toEqual([]);
  });
});
