/**
 * The lobby list contract played on the simulated Steam by real runtimes (the cast of lobby-world.ts): `findLobbies`,
 * Steam's answer, losing Steam while a list waits, and, in the late world, the list timeout. After every step the
 * runtime's lobby list actor must show the contract's view and `lifecycle$` must carry what the table says.
 */
import { expect } from 'vitest';
import type { AnyActorRef } from 'xstate';
import { toStableJson } from '../../src/machines/serialize.js';
import type { LobbyListFilters } from '../../src/steam/index.js';
import { replay, statusAndValue, type Contract, type ContractPath } from './contract.js';
import { OTHER, TARGET } from './lobby-contract.js';
import { listAlphabet, lobbyListContract, type ListModel, type ListModelEvent } from './lobby-list-contract.js';
import { STEP_LIMIT_MS, castFor, roles, type LobbyWorldKind } from './lobby-world.js';
import type { CoverageRecorder } from './recorder.js';

export function listWorldContract(kind: LobbyWorldKind): Contract<ListModel, ListModelEvent> {
  const causable: Readonly<Record<ListModel['state'], readonly string[]>> =
    kind === 'Steam answers in time'
      ? { ready: ['list', 'list:filtered'], listing: ['listReceived', 'serversLost'] }
      : { ready: ['list'], listing: ['timeout'] };
  return {
    ...lobbyListContract,
    name: `lobby list on the simulated Steam (${kind})`,
    alphabet: (m) =>
      listAlphabet(m)
        .map((e): ListModelEvent => {
          if (e.kind === 'timeout') return { ...e, type: 'timeout' };
          // What the simulator finds: the two public lobbies of the cast, unless a filter rules them out.
          if (e.kind === 'listReceived') return { ...e, event: { type: 'lobby.listReceived', lobbies: [TARGET, OTHER] } };
          return e;
        })
        .filter((e) => causable[m.state].includes(e.type)),
    step: (m, e) => {
      const outcome = lobbyListContract.step(m, e);
      // The filtered list asks for lobbies of mode "contract": none of the cast's is.
      const filtered = m.state === 'listing' && (m as { filtered?: boolean }).filtered === true && e.kind === 'listReceived';
      const emits = filtered ? [{ type: 'lifecycle.lobbyList', lobbies: [] }] : outcome.emits;
      const next = e.type === 'list:filtered' ? { ...outcome.next, filtered: true } : outcome.next;
      return { ...outcome, next, emits };
    },
  };
}

/** Plays a lobby list path on a fresh cast: `findLobbies`, Steam's answer, losing Steam, the list timeout. */
export async function runListWorldPath(kind: LobbyWorldKind, path: ContractPath<ListModel, ListModelEvent>, recorder: CoverageRecorder): Promise<void> {
  const contract = listWorldContract(kind);
  const cast = await castFor(kind, recorder);
  const { world, me } = cast;
  const role = roles(cast);
  const list = me.runtime.actor.system.get('lobbyList') as AnyActorRef;
  const view = () => statusAndValue(list);
  const label = `${contract.name}: ${path.events.map((e) => e.type).join(' → ')}`;
  try {
    const replayed = replay(contract, path.events);
    for (const [i, e] of path.events.entries()) {
      const where = `${label}\nstep ${i + 1} (${e.type})`;
      const outcome = contract.step(replayed.states[i]!, e);
      const expectedView = contract.view(replayed.states[i + 1]!);
      const expectedEmits = role(outcome.emits ?? []) as unknown[];
      const mark = me.lifecycle.length;
      if (e.kind === 'list') void me.runtime.findLobbies((e.event as { filters?: LobbyListFilters }).filters);
      if (e.kind === 'serversLost') {
        world.sim.steam.faults.disconnectServers(me.id);
        await world.run(20);
        world.sim.steam.faults.reconnectServers(me.id);
      }
      const reached = () => toStableJson(view()) === toStableJson(expectedView) && me.lifecycle.length - mark >= expectedEmits.length;
      await world.runUntil(reached, STEP_LIMIT_MS);
      expect(view(), `${where}: the runtime's lobby list actor`).toEqual(expectedView);
      expect(role(me.lifecycle.slice(mark)), `${where}: lifecycle$`).toEqual(expectedEmits);
    }
  } finally {
    world.dispose();
  }
}
