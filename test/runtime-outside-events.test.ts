// runtime.actor as a game or devtool sees it (api.ts `actor`, outside-view.ts): everything reads through to the root
// actor; its `send` goes through the runtime, so an event from outside acts as if the runtime had sent it, and one
// only the machines raise themselves (a peer's reports, the root's own timers — XState's `xstate.*` events among
// them), or no event at all, is refused with an `invalid-argument` error (README "Errors": a bad argument, named)
// instead of disturbing the actors — never a throw into the game.
import { afterEach, describe, expect, it } from 'vitest';
import { createRuntimeWorld, hostLobby, type Player, type RuntimeWorld } from './helpers/runtime-world.js';

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

const refusals = (p: Player) => p.errorsOf('invalid-argument').filter((e) => e.command === 'actor.send');

describe('events sent to runtime.actor from outside', () => {
  it('no event at all (null, undefined, a number, a string, an object without a type) is refused, never thrown', () => {
    const w = createRuntimeWorld('simulated', 3);
    world = w;
    const alice = w.player(0);
    const notEvents: unknown[] = [null, undefined, 42, 'lobby.leave', {}, { type: 7 }];
    for (const value of notEvents) expect(() => alice.runtime.actor.send(value as never), String(value)).not.toThrow();
    expect(refusals(alice)).toHaveLength(notEvents.length);
    expect(alice.runtime.actor.getSnapshot().status).toBe('active');
  });

  it("XState's own events (the root's timers) are refused", () => {
    const w = createRuntimeWorld('simulated', 3);
    world = w;
    const alice = w.player(0);
    const before = alice.runtime.actor.getSnapshot();
    alice.runtime.actor.send({ type: 'xstate.after.1000.session.inLobby' } as never);
    expect(refusals(alice)).toHaveLength(1);
    expect(alice.runtime.actor.getSnapshot()).toBe(before);
  });

  it('an event the runtime itself sends acts from outside as well, unrefused', async () => {
    const w = createRuntimeWorld('simulated', 3);
    world = w;
    const alice = w.player(0);
    alice.runtime.actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 4, data: {} });
    expect(await w.runUntil(() => alice.runtime.lobbyState().status === 'joined', 5_000)).toBe(true);
    expect(refusals(alice)).toEqual([]);
  });

  it("the machines' own events are refused and leave the actors as they were", async () => {
    const w = createRuntimeWorld('simulated', 3);
    world = w;
    const alice = w.player(0);
    const bob = w.player(1);
    const lobbyId = await hostLobby(w, alice);
    void bob.runtime.joinLobby(lobbyId);
    expect(await w.runUntil(() => alice.runtime.allConnected() && bob.runtime.allConnected() && alice.runtime.members().length === 2, 10_000)).toBe(true);
    const internal = [
      { type: 'peer.connected', remoteId: bob.id, attempt: 1 },
      { type: 'peer.attemptFailed', remoteId: bob.id, attempt: 1, failure: { code: 'handshake-timeout', reason: 'outside' }, retryInMs: 100 },
      { type: 'peer.closed', remoteId: bob.id, reason: { code: 'closed-by-runtime', cause: 'member-left' } },
      { type: 'session.heartbeatDue' },
      { type: 'session.reconnectDue', remoteId: bob.id, token: 1 },
      { type: 'session.seatExpired', memberId: bob.id, token: 1 },
    ];
    for (const event of internal) {
      const before = alice.runtime.actor.getSnapshot();
      alice.runtime.actor.send(event as never);
      expect(alice.runtime.actor.getSnapshot(), event.type).toBe(before);
    }
    expect(refusals(alice)).toHaveLength(internal.length);
    await w.run(500);
    expect(alice.runtime.allConnected()).toBe(true);
    expect(alice.runtime.members().map((m) => m.id)).toContain(bob.id);
  });

  it("the actor's methods read through, even taken off the view and called alone (as React's useSyncExternalStore does)", () => {
    const w = createRuntimeWorld('simulated', 3);
    world = w;
    const alice = w.player(0);
    const { getSnapshot, subscribe } = alice.runtime.actor;
    expect(getSnapshot()).toBe(alice.runtime.actor.getSnapshot());
    const seen: unknown[] = [];
    const subscription = subscribe((snapshot) => seen.push(snapshot));
    alice.runtime.actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 4, data: {} });
    subscription.unsubscribe();
    expect(seen.length).toBeGreaterThan(0);
  });
});
