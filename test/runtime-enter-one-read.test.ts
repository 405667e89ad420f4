// Entering a lobby, Steam's member list is read once, and that one list is what the machines open a peer session
// with and what the game is told (lifecycle.entered and members()). A backend whose later reads answer otherwise
// (a member came or went between two reads, or the first read threw) must not leave the game listing someone no
// session is ever opened with, or the machines holding a session with someone the game never saw.
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../src/effects/backend.js';
import { createLobbyRuntime, type LifecycleEvent, type LobbyRuntime } from '../src/runtime.js';
import { createRuntimeWorld, hostLobby, userId, type RuntimeWorld } from './helpers/runtime-world.js';

/** Someone who is in no lobby: a list naming them is a list no longer true. */
const NOBODY = userId(9);

type Later = 'a later read adds someone' | 'a later read drops someone' | 'the first read throws';

/** `backend`, except that `getLobbyMembers` answers its first call truly (or throws) and every later call otherwise. */
function changingMembers(backend: Backend, later: Later) {
  const reads: (readonly bigint[] | 'threw')[] = [];
  const proxy = new Proxy(backend, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property !== 'getLobbyMembers' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return (lobbyId: bigint): bigint[] => {
        const truth = [...(value as Backend['getLobbyMembers']).call(target, lobbyId)];
        const first = reads.length === 0;
        if (first && later === 'the first read throws') {
          reads.push('threw');
          throw new Error('getLobbyMembers failed');
        }
        const answer = first || later === 'the first read throws' ? truth : later === 'a later read adds someone' ? [...truth, NOBODY] : truth.slice(1);
        reads.push(answer);
        return answer;
      };
    },
  });
  return { backend: proxy, reads };
}

describe('entering a lobby reads its members once', () => {
  let world: RuntimeWorld;
  afterEach(() => world.dispose());

  it.each<Later>(['a later read adds someone', 'a later read drops someone', 'the first read throws'])(
    '%s: the game, lifecycle.entered and the machines all hold the first answer',
    async (later) => {
      world = createRuntimeWorld('simulated');
      const host = world.player(0);
      const lobbyId = await hostLobby(world, host);
      const other = world.player(2);
      void other.runtime.joinLobby(lobbyId);
      expect(await world.runUntil(() => host.runtime.members().length === 2 && host.runtime.allConnected(), 10_000)).toBe(true);

      const me = userId(1);
      const changing = changingMembers(world.sim.user({ id: me, name: 'player1' }), later);
      const runtime: LobbyRuntime = createLobbyRuntime({ backend: changing.backend, clock: world.sim.clock });
      const entered: LifecycleEvent[] = [];
      runtime.lifecycle$.subscribe((e) => e.type === 'lifecycle.entered' && entered.push(e));
      world.everyFrame(() => runtime.tick());
      const joined = runtime.joinLobby(lobbyId);
      expect(await world.runUntil(() => runtime.lobbyState().status === 'joined', 5_000)).toBe(true);
      expect(await joined).toEqual({ ok: true, lobbyId });

      // The rule: the first read is the list. Unreadable, it names nobody but ourselves.
      const first = changing.reads[0];
      expect(first).toBeDefined();
      const listed = new Set<bigint>([me, ...(first === 'threw' ? [] : first!)]);
      const remotes = [...listed].filter((id) => id !== me).sort();

      expect(runtime.members().map((m) => m.id).sort()).toEqual([...listed].sort());
      expect(entered).toHaveLength(1);
      expect([...(entered[0] as Extract<LifecycleEvent, { type: 'lifecycle.entered' }>).members].sort()).toEqual([...listed].sort());
      // The machines opened a session with exactly those members.
      expect([...runtime.actor.getSnapshot().context.members.keys()].sort()).toEqual(remotes);
      // And every member the game lists comes up: none waits for a session nobody opens.
      expect(await world.runUntil(() => runtime.members().every((m) => m.isSelf || m.session === 'connected'), 10_000)).toBe(true);
      expect(runtime.members().map((m) => m.id).sort()).toEqual([...listed].sort());
      runtime.dispose();
    },
  );
});
