/**
 * The lobby list machine's contract, from the seed tutorial (requestLobbyList → lobby_match_list) and Steam's rules
 * (filters are cleared after every request, so each request carries its own): one request at a time; a second one
 * while the first waits is refused; a result, a refusal, a lost Steam or the list timeout end the wait. Nothing
 * here reads the machine. Extending it: see lobby-contract.ts (same shape: an alphabet and a table of rows).
 */
import { expect } from 'vitest';
import type { AnyActorRef, EventObject } from 'xstate';
import type { LobbyListEvent } from '../../src/machines/lobby-list.machine.js';
import { toStableJson } from '../../src/machines/serialize.js';
import type { Contract, ModelEvent, Outcome, Subject } from './contract.js';
import { statusAndValue } from './contract.js';

export const LIST_TIMEOUT_MS = 100;

export type ListState = 'ready' | 'listing';

export interface ListModel {
  readonly state: ListState;
}

export type ListKind = 'list' | 'listReceived' | 'listRefused' | 'serversLost' | 'timeout';

export interface ListModelEvent extends ModelEvent {
  readonly kind: ListKind;
  readonly event?: LobbyListEvent;
}

const FILTERS = { strings: [{ key: 'mode', value: 'contract' }], distance: 3 as const, resultCount: 5 };
const FOUND = [109775240000000001n, 109775240000000002n];

export function listAlphabet(m: ListModel): ListModelEvent[] {
  const send = (type: string, kind: ListKind, event: LobbyListEvent): ListModelEvent => ({
    type,
    kind,
    event,
    stimulus: { send: [event as EventObject] },
  });
  const out = [
    send('list', 'list', { type: 'lobby.list' }),
    send('list:filtered', 'list', { type: 'lobby.list', filters: FILTERS }),
    send('listReceived', 'listReceived', { type: 'lobby.listReceived', lobbies: FOUND }),
    send('listRefused', 'listRefused', { type: 'lobby.listRefused', reason: 'refused by the model backend' }),
    send('serversLost', 'serversLost', { type: 'steam.serversDisconnected' }),
  ];
  if (m.state === 'listing') out.push({ type: `timeout (${LIST_TIMEOUT_MS} ms)`, kind: 'timeout', stimulus: { wait: LIST_TIMEOUT_MS } });
  return out;
}

type Row = (m: ListModel, e: ListModelEvent) => Outcome<ListModel>;

const READY: ListModel = { state: 'ready' };
const failed = (code: string, reason: unknown = expect.stringMatching(/\S/)) => ({ type: 'lifecycle.listFailed', code, reason });

export const LIST_TABLE: Readonly<Record<ListState, Partial<Record<ListKind, Row>>>> = {
  ready: {
    list: (_m, e) => {
      const filters = (e.event as Extract<LobbyListEvent, { type: 'lobby.list' }>).filters ?? {};
      return { next: { state: 'listing' }, effects: [['requestLobbyList', { filters }]] };
    },
  },
  listing: {
    list: (m) => ({
      next: m,
      emits: [{ type: 'lifecycle.rejected', command: 'lobby.list', code: 'list-in-flight', reason: expect.stringMatching(/\S/) }],
    }),
    listReceived: () => ({ next: READY, emits: [{ type: 'lifecycle.lobbyList', lobbies: FOUND }] }),
    listRefused: () => ({ next: READY, emits: [failed('backend-refused', 'refused by the model backend')] }),
    serversLost: () => ({ next: READY, emits: [failed('servers-lost')] }),
    timeout: () => ({ next: READY, emits: [failed('timeout')] }),
  },
};

export const lobbyListContract: Contract<ListModel, ListModelEvent> = {
  name: 'lobbyList',
  initial: READY,
  alphabet: listAlphabet,
  step: (m, e) => LIST_TABLE[m.state][e.kind]?.(m, e) ?? { next: m },
  key: (m) => toStableJson(m),
  view: (m) => ({ status: 'active', value: m.state }),
};

export function lobbyListSubject(machine: Subject['machine']): Subject {
  return {
    machine,
    input: (effects) => ({ timing: { listTimeoutMs: LIST_TIMEOUT_MS }, effects }),
    effects: ['requestLobbyList'],
    observe: (actor: AnyActorRef) => statusAndValue(actor),
  };
}
