/**
 * Lobby list requests (the seed's requestLobbyList → lobby_match_list), one at a time:
 *
 *   ready ──lobby.list──► listing ──result / refusal / timeout / servers lost──► ready
 *
 * Listing does not depend on membership (a player in a lobby may browse others), so it is a machine of its own
 * beside the lobby machine. Steam clears list filters after every request, so each request carries its own.
 */
import { assertEvent, emit, setup } from 'xstate';
import type { LobbyListFilters } from '../steam/index.js';
import type { LobbyListEffects } from './effects.js';
import { REJECTION_TEXT } from './lobby.helpers.js';
import { DEFAULT_LOBBY_TIMING } from './lobby.types.js';

export interface LobbyListInput {
  readonly timing?: { readonly listTimeoutMs?: number };
  readonly effects: LobbyListEffects;
}

export interface LobbyListContext {
  readonly listTimeoutMs: number;
  readonly effects: LobbyListEffects;
}

export type LobbyListEvent =
  | { readonly type: 'lobby.list'; readonly filters?: LobbyListFilters }
  /** Steam: LobbyMatchList, the lobbies in Steam's order; `complete` false when matching lobbies may be missing. */
  | { readonly type: 'lobby.listReceived'; readonly lobbies: readonly bigint[]; readonly complete?: boolean }
  /** The backend refused to ask Steam for a list. */
  | { readonly type: 'lobby.listRefused'; readonly reason: string }
  | { readonly type: 'steam.serversDisconnected' };

export type LobbyListFailureCode = 'timeout' | 'servers-lost' | 'backend-refused';

export type LobbyListEmitted =
  | { readonly type: 'lifecycle.lobbyList'; readonly lobbies: readonly bigint[]; readonly complete?: boolean }
  | { readonly type: 'lifecycle.listFailed'; readonly code: LobbyListFailureCode; readonly reason: string }
  | {
      readonly type: 'lifecycle.rejected';
      readonly command: 'lobby.list';
      readonly code: 'list-in-flight';
      readonly reason: string;
    };

export const lobbyListMachine = setup({
  types: {
    context: {} as LobbyListContext,
    events: {} as LobbyListEvent,
    input: {} as LobbyListInput,
    emitted: {} as LobbyListEmitted,
  },
  actions: {
    /** Effect: request a lobby list; answered by `lobby.listReceived` or `lobby.listRefused`. */
    requestLobbyList: ({ context, event }) => {
      assertEvent(event, 'lobby.list');
      context.effects.requestLobbyList({ filters: event.filters ?? {} });
    },
    reportLobbyList: emit(({ event }) => {
      assertEvent(event, 'lobby.listReceived');
      return { type: 'lifecycle.lobbyList' as const, lobbies: event.lobbies, complete: event.complete };
    }),
    reportListRefused: emit(({ event }) => {
      assertEvent(event, 'lobby.listRefused');
      return { type: 'lifecycle.listFailed' as const, code: 'backend-refused' as const, reason: event.reason };
    }),
    reportListTimeout: emit({
      type: 'lifecycle.listFailed' as const,
      code: 'timeout' as const,
      reason: 'Steam did not answer the lobby list request in time.',
    }),
    reportListServersLost: emit({
      type: 'lifecycle.listFailed' as const,
      code: 'servers-lost' as const,
      reason: 'The connection to Steam was lost.',
    }),
    rejectListInFlight: emit({
      type: 'lifecycle.rejected' as const,
      command: 'lobby.list' as const,
      code: 'list-in-flight' as const,
      reason: REJECTION_TEXT['list-in-flight'],
    }),
  },
  delays: {
    listTimeout: ({ context }) => context.listTimeoutMs,
  },
}).createMachine({
  id: 'lobbyList',
  context: ({ input }) => ({
    listTimeoutMs: input.timing?.listTimeoutMs ?? DEFAULT_LOBBY_TIMING.listTimeoutMs,
    effects: input.effects,
  }),
  initial: 'ready',
  states: {
    ready: {
      on: {
        'lobby.list': { target: 'listing' },
      },
    },
    listing: {
      entry: 'requestLobbyList',
      after: {
        listTimeout: { target: 'ready', actions: 'reportListTimeout' },
      },
      on: {
        'lobby.listReceived': { target: 'ready', actions: 'reportLobbyList' },
        'lobby.listRefused': { target: 'ready', actions: 'reportListRefused' },
        'lobby.list': { actions: 'rejectListInFlight' },
        'steam.serversDisconnected': { target: 'ready', actions: 'reportListServersLost' },
      },
    },
  },
});
