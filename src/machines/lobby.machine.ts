import { and, assign, emit, not, setup } from 'xstate';
import { ENTER_RESPONSE_SUCCESS, enterFailure, type EnterFailure } from './enter-response.js';
import { lobbyFromLaunchArgs } from './launch-args.js';
import {
  createRequestProblem,
  isSteamId,
  type CreateLobbyRequest,
  type LobbyListFilters,
  type LobbyType,
} from './lobby-request.js';
import type { MemberChange } from './member-change.js';

/**
 * Our own lobby membership, as the seed does it (create → joinable + data + relay; join → members + handshake;
 * leave → close sessions), with the failure paths made explicit. Two regions run side by side:
 *
 *   membership: idle → creating → joined; idle → joining → joined | idle (typed enter response);
 *               joined → leaving → idle (or → joining when switching lobbies);
 *               creating/joining ──leave──► abandoningCreate/abandoningJoin ──late result left at once──► idle;
 *               kicked / banned / lobby gone / Steam servers lost ──► idle with the reason.
 *   search:     ready ⇄ listing (one lobby list request at a time).
 *
 * Owner-only commands carry the owner epoch they were issued under; the epoch grows on every entry and every
 * owner change and never repeats within one actor, so a command aimed at an earlier owner or lobby is refused.
 */

export interface LobbyTiming {
  /** How long a create or join waits for Steam's result before giving up (a late result is then left at once). */
  readonly requestTimeoutMs: number;
  /** How long leaving waits for the runtime's `lobby.left` before settling anyway. */
  readonly leaveTimeoutMs: number;
  /** How long a lobby list request waits for its result. */
  readonly listTimeoutMs: number;
}

export const DEFAULT_LOBBY_TIMING: LobbyTiming = {
  requestTimeoutMs: 20_000,
  leaveTimeoutMs: 2_000,
  listTimeoutMs: 10_000,
};

export interface LobbyInput {
  /** Our own Steam ID. */
  readonly selfId: bigint;
  readonly timing?: Partial<LobbyTiming>;
}

/** Where a join came from; invites and join requests are Steam's, `launch` is `+connect_lobby <id>`. */
export type JoinSource = 'user' | 'invite' | 'join-requested' | 'launch';

export type LeaveReason =
  | { readonly code: 'user'; readonly reason: string }
  | { readonly code: 'switching'; readonly reason: string; readonly nextLobbyId: bigint }
  | { readonly code: 'kicked'; readonly reason: string; readonly by: bigint | undefined }
  | { readonly code: 'banned'; readonly reason: string; readonly by: bigint | undefined }
  | { readonly code: 'disconnected'; readonly reason: string }
  | { readonly code: 'lobby-gone'; readonly reason: string }
  | { readonly code: 'servers-lost'; readonly reason: string };

export type CreateFailure =
  | { readonly code: 'create-failed'; readonly result: number; readonly reason: string }
  | { readonly code: 'timeout'; readonly reason: string }
  | { readonly code: 'servers-lost'; readonly reason: string };

export type JoinFailure =
  | { readonly code: 'enter-response'; readonly lobbyId: bigint; readonly failure: EnterFailure; readonly reason: string }
  | { readonly code: 'timeout'; readonly lobbyId: bigint; readonly reason: string }
  | { readonly code: 'servers-lost'; readonly lobbyId: bigint; readonly reason: string };

export type RejectionCode =
  /** A create, join or leave is still in flight. */
  | 'busy'
  | 'already-in-lobby'
  | 'not-in-lobby'
  | 'not-owner'
  /** The command names an owner epoch that is over: the owner changed (or the lobby did) since it was issued. */
  | 'stale-epoch'
  | 'invalid-lobby-id'
  | 'invalid-request'
  /** A lobby list request is already waiting for its result. */
  | 'list-in-flight';

/** Events the runtime sends: the game's commands first, then Steam's results. */
export type LobbyEvent =
  | ({ readonly type: 'lobby.create' } & CreateLobbyRequest)
  | { readonly type: 'lobby.join'; readonly lobbyId: bigint }
  | { readonly type: 'lobby.leave' }
  | { readonly type: 'lobby.list'; readonly filters?: LobbyListFilters }
  | { readonly type: 'lobby.kick'; readonly memberId: bigint; readonly epoch: number }
  | { readonly type: 'lobby.ban'; readonly memberId: bigint; readonly epoch: number }
  | { readonly type: 'lobby.start'; readonly epoch: number }
  /** Steam: a friend invited us (LobbyInvite). */
  | { readonly type: 'lobby.invited'; readonly lobbyId: bigint; readonly from: bigint }
  /** Steam: the player chose "Join game" in Steam's UI while the game runs (GameLobbyJoinRequested). */
  | { readonly type: 'lobby.joinRequested'; readonly lobbyId: bigint; readonly friendId: bigint }
  /** The process's command line, once at start (may hold `+connect_lobby <id>`). */
  | { readonly type: 'lobby.launchArgs'; readonly argv: readonly string[] }
  /** Steam: LobbyCreated; `result` 1 is OK (EResult). */
  | { readonly type: 'lobby.created'; readonly result: number; readonly lobbyId: bigint }
  /** Steam: LobbyEnter, with the owner and members the runtime read right after it (when it could). */
  | {
      readonly type: 'lobby.entered';
      readonly lobbyId: bigint;
      readonly response: number;
      readonly ownerId?: bigint;
      readonly members?: readonly bigint[];
    }
  | { readonly type: 'lobby.listReceived'; readonly lobbies: readonly bigint[] }
  /** The runtime saw a new owner (Steam reports it through a lobby data update). */
  | { readonly type: 'lobby.ownerChanged'; readonly lobbyId: bigint; readonly ownerId: bigint }
  /** The lobby no longer exists (or we are no longer in it, as Steam reports). */
  | { readonly type: 'lobby.gone'; readonly lobbyId: bigint }
  /** The backend finished leaving (for Steam's synchronous leaveLobby: right after the call). */
  | { readonly type: 'lobby.left' }
  /** A lobby chat update (only the ones about us matter here; the root handles other members). */
  | {
      readonly type: 'member.changed';
      readonly memberId: bigint;
      readonly change: MemberChange;
      readonly changedBy?: bigint;
    }
  | { readonly type: 'steam.serversDisconnected' };

export type LobbyCommandType = LobbyEvent['type'];

/** What the machine reports (XState `emit`; listen with `actor.on(type, …)`). */
export type LobbyEmitted =
  | {
      readonly type: 'lifecycle.entered';
      readonly lobbyId: bigint;
      readonly role: 'owner' | 'member';
      readonly ownerId: bigint | undefined;
      readonly epoch: number;
    }
  | { readonly type: 'lifecycle.createFailed'; readonly failure: CreateFailure }
  | { readonly type: 'lifecycle.joinFailed'; readonly failure: JoinFailure }
  | { readonly type: 'lifecycle.cancelled'; readonly what: 'create' | 'join'; readonly lobbyId: bigint | undefined }
  /** A lobby we no longer wanted (cancelled, timed out, or not the one we asked for) was entered and left at once. */
  | { readonly type: 'lifecycle.strayLeft'; readonly lobbyId: bigint }
  | { readonly type: 'lifecycle.left'; readonly lobbyId: bigint; readonly reason: LeaveReason }
  | {
      readonly type: 'lifecycle.ownerChanged';
      readonly lobbyId: bigint;
      readonly ownerId: bigint;
      readonly epoch: number;
      readonly isSelf: boolean;
    }
  /** An invite that arrived while we are in a lobby: surfaced, not followed (the game decides). */
  | { readonly type: 'lifecycle.inviteReceived'; readonly lobbyId: bigint; readonly from: bigint }
  | { readonly type: 'lifecycle.lobbyList'; readonly lobbies: readonly bigint[] }
  | { readonly type: 'lifecycle.listFailed'; readonly code: 'timeout' | 'servers-lost'; readonly reason: string }
  | {
      readonly type: 'lifecycle.rejected';
      readonly command: LobbyCommandType;
      readonly code: RejectionCode;
      readonly reason: string;
    };

export interface LobbyContext {
  readonly selfId: bigint;
  readonly timing: LobbyTiming;
  /** The lobby we are in (joined/leaving), or undefined. */
  readonly lobbyId: bigint | undefined;
  /** What creating is waiting for. */
  readonly createRequest: CreateLobbyRequest | undefined;
  /** The lobby joining (or abandoningJoin) is waiting for. */
  readonly targetLobbyId: bigint | undefined;
  readonly joinSource: JoinSource | undefined;
  /** A lobby to join once leaving completes (switching lobbies). */
  readonly nextJoin: { readonly lobbyId: bigint; readonly source: JoinSource } | undefined;
  readonly leaveReason: LeaveReason | undefined;
  readonly ownerId: bigint | undefined;
  /** Grows on every entry and owner change; owner-only commands must carry the current one. */
  readonly epoch: number;
  /** Members (ourselves included) when we entered; later changes are the root's business. */
  readonly roster: readonly bigint[];
}

// ── injected effect payloads ────────────────────────────────────────────────────────────────────────────────

export interface LobbyIdParams {
  readonly lobbyId: bigint;
}
export interface MemberParams {
  readonly lobbyId: bigint;
  readonly memberId: bigint;
}
export interface CreateParams {
  readonly lobbyType: LobbyType;
  readonly maxMembers: number;
}
export interface LobbyDataParams {
  readonly lobbyId: bigint;
  readonly data: Readonly<Record<string, string>>;
}
export interface ListParams {
  readonly filters: LobbyListFilters;
}

// ── pure helpers ────────────────────────────────────────────────────────────────────────────────────────────

const REJECTION_TEXT: Readonly<Record<RejectionCode, string>> = {
  busy: 'Another lobby request is still in flight; wait for it to finish.',
  'already-in-lobby': 'Already in a lobby; leave it first.',
  'not-in-lobby': 'Not in a lobby.',
  'not-owner': 'Only the lobby owner can do that.',
  'stale-epoch': 'The lobby owner changed since this command was issued.',
  'invalid-lobby-id': 'That is not a valid lobby ID.',
  'invalid-request': 'The request is malformed.',
  'list-in-flight': 'A lobby list request is already waiting for its result.',
};

function leaveReason(code: 'user' | 'disconnected' | 'lobby-gone' | 'servers-lost'): LeaveReason {
  const text = {
    user: 'You left the lobby.',
    disconnected: 'You were disconnected from the lobby.',
    'lobby-gone': 'The lobby no longer exists.',
    'servers-lost': 'The connection to Steam was lost.',
  } as const;
  return { code, reason: text[code] };
}

/** The lobby a join-like event asks for, or undefined when the event is not one (or names no valid lobby). */
function requestedLobby(event: LobbyEvent): { lobbyId: bigint; source: JoinSource } | undefined {
  switch (event.type) {
    case 'lobby.join':
      return isSteamId(event.lobbyId) ? { lobbyId: event.lobbyId, source: 'user' } : undefined;
    case 'lobby.invited':
      return isSteamId(event.lobbyId) ? { lobbyId: event.lobbyId, source: 'invite' } : undefined;
    case 'lobby.joinRequested':
      return isSteamId(event.lobbyId) ? { lobbyId: event.lobbyId, source: 'join-requested' } : undefined;
    case 'lobby.launchArgs': {
      const launch = lobbyFromLaunchArgs(event.argv);
      return launch.kind === 'lobby' ? { lobbyId: launch.lobbyId, source: 'launch' } : undefined;
    }
    default:
      return undefined;
  }
}

function isSuccessfulResult(event: LobbyEvent): boolean {
  return (
    (event.type === 'lobby.created' && event.result === 1) ||
    (event.type === 'lobby.entered' && event.response === ENTER_RESPONSE_SUCCESS)
  );
}

function resultLobbyId(event: LobbyEvent): bigint | undefined {
  return event.type === 'lobby.created' || event.type === 'lobby.entered' ? event.lobbyId : undefined;
}

function commandEpoch(event: LobbyEvent): number | undefined {
  return event.type === 'lobby.kick' || event.type === 'lobby.ban' || event.type === 'lobby.start'
    ? event.epoch
    : undefined;
}

function selfChange(context: LobbyContext, event: LobbyEvent): MemberChange | undefined {
  return event.type === 'member.changed' && event.memberId === context.selfId ? event.change : undefined;
}

const reject = (code: RejectionCode) => ({ type: 'reject', params: { code } }) as const;

/** A join from idle, whatever asked for it (the game, an invite, Steam's "Join game"): only a valid lobby id. */
const joinFromIdle = [
  { guard: 'namesValidLobby', target: 'joining', actions: 'rememberJoinTarget' },
  { actions: reject('invalid-lobby-id') },
] as const;

type MemberCommand = Extract<LobbyEvent, { readonly type: 'lobby.kick' | 'lobby.ban' }>;

/**
 * An owner-only command: run `effect` when we own the lobby at the epoch the command was issued under; otherwise
 * refuse it, as stale when the owner (or lobby) changed since, or as not ours.
 */
function ownerOnly<const A>(effect: A) {
  return [
    { guard: 'isOwnerAtCommandEpoch', actions: effect },
    { guard: not('commandEpochIsCurrent'), actions: reject('stale-epoch') },
    { actions: reject('not-owner') },
  ] as const;
}

/** Leave the lobby we are in (kicked, banned, gone, servers lost, or the player's own leave). */
const leaveCurrentLobby = {
  type: 'requestLeaveLobby',
  params: ({ context }: { context: LobbyContext }) => ({ lobbyId: context.lobbyId ?? 0n }),
} as const;

/** Leave a lobby a late or unexpected result put us in, at once, so no stale lobby (or second host) survives. */
const leaveStrayLobby = {
  type: 'requestLeaveLobby',
  params: ({ event }: { event: LobbyEvent }) => ({ lobbyId: resultLobbyId(event) ?? 0n }),
} as const;

/** What the seed does right after creating: joinable "just in case", and relay as a NAT fallback. */
const configureCreatedLobby = [
  { type: 'setLobbyJoinable', params: ({ context }: { context: LobbyContext }) => ({ lobbyId: context.lobbyId ?? 0n }) },
  { type: 'allowP2PRelay' },
] as const;

const applyCreateData = {
  type: 'setLobbyData',
  params: ({ context }: { context: LobbyContext }) => ({
    lobbyId: context.lobbyId ?? 0n,
    data: context.createRequest?.data ?? {},
  }),
} as const;

// ── machine ─────────────────────────────────────────────────────────────────────────────────────────────────

export const lobbyMachine = setup({
  types: {
    context: {} as LobbyContext,
    events: {} as LobbyEvent,
    input: {} as LobbyInput,
    emitted: {} as LobbyEmitted,
  },
  actions: {
    /** Effect: ask Steam to create a lobby; the result comes back as `lobby.created`. */
    requestCreateLobby: (_, _params: CreateParams) => {},
    /** Effect: ask Steam to join `lobbyId`; the result comes back as `lobby.entered`. */
    requestJoinLobby: (_, _params: LobbyIdParams) => {},
    /** Effect: leave `lobbyId`; the runtime then sends `lobby.left` (Steam's leave is synchronous). */
    requestLeaveLobby: (_, _params: LobbyIdParams) => {},
    /** Effect: make a freshly created lobby joinable (the seed does it "just in case"). */
    setLobbyJoinable: (_, _params: LobbyIdParams) => {},
    /** Effect: set each key of `data` on the lobby. Only called when the create request carried data. */
    setLobbyData: (_, _params: LobbyDataParams) => {},
    /** Effect: allow P2P to fall back to Steam's relay (the seed's allowP2PPacketRelay(true)). */
    allowP2PRelay: () => {},
    /** Effect: request a lobby list with these filters; the result comes back as `lobby.listReceived`. */
    requestLobbyList: (_, _params: ListParams) => {},
    /** Effect: kick `memberId` (owner only; the epoch was checked already). */
    requestKick: (_, _params: MemberParams) => {},
    /** Effect: ban `memberId` (owner only; the epoch was checked already). */
    requestBan: (_, _params: MemberParams) => {},
    /** Effect: start the game (owner only), e.g. lock the lobby and announce it to members. */
    requestStart: (_, _params: LobbyIdParams) => {},

    rememberCreateRequest: assign({
      createRequest: ({ event }) =>
        event.type === 'lobby.create'
          ? { lobbyType: event.lobbyType, maxMembers: event.maxMembers, data: event.data }
          : undefined,
    }),
    rememberJoinTarget: assign(({ event }) => {
      const wanted = requestedLobby(event);
      return { targetLobbyId: wanted?.lobbyId, joinSource: wanted?.source };
    }),
    rememberNextJoin: assign(({ event }) => {
      const wanted = requestedLobby(event);
      return {
        nextJoin: wanted,
        leaveReason:
          wanted === undefined
            ? undefined
            : ({ code: 'switching', reason: 'Leaving to join another lobby.', nextLobbyId: wanted.lobbyId } as const),
      };
    }),
    beginNextJoin: assign(({ context }) => ({
      targetLobbyId: context.nextJoin?.lobbyId,
      joinSource: context.nextJoin?.source,
      nextJoin: undefined,
    })),
    enterCreatedLobby: assign(({ context, event }) => ({
      lobbyId: resultLobbyId(event),
      ownerId: context.selfId,
      epoch: context.epoch + 1,
      roster: [context.selfId],
    })),
    enterJoinedLobby: assign(({ context, event }) => {
      if (event.type !== 'lobby.entered') return {};
      const members = event.members ?? [];
      return {
        lobbyId: event.lobbyId,
        ownerId: event.ownerId,
        epoch: context.epoch + 1,
        roster: members.includes(context.selfId) ? members : [context.selfId, ...members],
      };
    }),
    adoptNewOwner: assign({
      ownerId: ({ context, event }) => (event.type === 'lobby.ownerChanged' ? event.ownerId : context.ownerId),
      epoch: ({ context }) => context.epoch + 1,
    }),
    recordLeaveByUser: assign({ leaveReason: leaveReason('user') }),
    recordKicked: assign({
      leaveReason: ({ event }): LeaveReason => ({
        code: 'kicked',
        reason: 'You were kicked from the lobby.',
        by: event.type === 'member.changed' ? event.changedBy : undefined,
      }),
    }),
    recordBanned: assign({
      leaveReason: ({ event }): LeaveReason => ({
        code: 'banned',
        reason: 'You were banned from the lobby.',
        by: event.type === 'member.changed' ? event.changedBy : undefined,
      }),
    }),
    recordDisconnected: assign({ leaveReason: leaveReason('disconnected') }),
    recordLobbyGone: assign({ leaveReason: leaveReason('lobby-gone') }),
    recordServersLost: assign({ leaveReason: leaveReason('servers-lost') }),
    clearLobby: assign({
      lobbyId: undefined,
      createRequest: undefined,
      targetLobbyId: undefined,
      joinSource: undefined,
      nextJoin: undefined,
      leaveReason: undefined,
      ownerId: undefined,
      roster: [],
    }),

    reject: emit(({ event }, params: { code: RejectionCode }) => ({
      type: 'lifecycle.rejected' as const,
      command: event.type,
      code: params.code,
      reason: REJECTION_TEXT[params.code],
    })),
    reportEntered: emit(({ context }) => ({
      type: 'lifecycle.entered' as const,
      lobbyId: context.lobbyId ?? 0n,
      role: context.ownerId === context.selfId ? ('owner' as const) : ('member' as const),
      ownerId: context.ownerId,
      epoch: context.epoch,
    })),
    reportCreateFailed: emit(({ event }) => ({
      type: 'lifecycle.createFailed' as const,
      failure:
        event.type === 'lobby.created'
          ? { code: 'create-failed' as const, result: event.result, reason: `Steam could not create the lobby (result ${event.result}).` }
          : event.type === 'steam.serversDisconnected'
            ? { code: 'servers-lost' as const, reason: 'The connection to Steam was lost.' }
            : { code: 'timeout' as const, reason: 'Steam did not answer the create request in time.' },
    })),
    reportJoinFailed: emit(({ context, event }) => {
      const lobbyId = context.targetLobbyId ?? 0n;
      if (event.type === 'lobby.entered') {
        const failure = enterFailure(event.response);
        return {
          type: 'lifecycle.joinFailed' as const,
          failure: { code: 'enter-response' as const, lobbyId, failure, reason: failure.reason },
        };
      }
      return {
        type: 'lifecycle.joinFailed' as const,
        failure:
          event.type === 'steam.serversDisconnected'
            ? { code: 'servers-lost' as const, lobbyId, reason: 'The connection to Steam was lost.' }
            : { code: 'timeout' as const, lobbyId, reason: 'Steam did not answer the join request in time.' },
      };
    }),
    reportCancelled: emit(({ context }) => ({
      type: 'lifecycle.cancelled' as const,
      what: context.createRequest !== undefined ? ('create' as const) : ('join' as const),
      lobbyId: context.targetLobbyId,
    })),
    reportStrayLeft: emit(({ event }) => ({ type: 'lifecycle.strayLeft' as const, lobbyId: resultLobbyId(event) ?? 0n })),
    reportLeft: emit(({ context }) => ({
      type: 'lifecycle.left' as const,
      lobbyId: context.lobbyId ?? 0n,
      reason: context.leaveReason ?? leaveReason('user'),
    })),
    reportOwnerChanged: emit(({ context }) => ({
      type: 'lifecycle.ownerChanged' as const,
      lobbyId: context.lobbyId ?? 0n,
      ownerId: context.ownerId ?? 0n,
      epoch: context.epoch,
      isSelf: context.ownerId === context.selfId,
    })),
    reportInvite: emit(({ event }) => ({
      type: 'lifecycle.inviteReceived' as const,
      lobbyId: event.type === 'lobby.invited' ? event.lobbyId : 0n,
      from: event.type === 'lobby.invited' ? event.from : 0n,
    })),
    reportLobbyList: emit(({ event }) => ({
      type: 'lifecycle.lobbyList' as const,
      lobbies: event.type === 'lobby.listReceived' ? event.lobbies : [],
    })),
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
  },
  guards: {
    createRequestIsValid: ({ event }) => event.type === 'lobby.create' && createRequestProblem(event) === undefined,
    namesValidLobby: ({ event }) => requestedLobby(event) !== undefined,
    launchArgsNameNoLobby: ({ event }) =>
      event.type === 'lobby.launchArgs' && lobbyFromLaunchArgs(event.argv).kind === 'none',
    namesOtherLobby: ({ context, event }) => {
      const wanted = requestedLobby(event);
      return wanted !== undefined && wanted.lobbyId !== context.lobbyId;
    },
    isSuccessfulResult: ({ event }) => isSuccessfulResult(event),
    isForTargetLobby: ({ context, event }) => resultLobbyId(event) === context.targetLobbyId,
    isForCurrentLobby: ({ context, event }) =>
      (event.type === 'lobby.entered' || event.type === 'lobby.ownerChanged' || event.type === 'lobby.gone') &&
      event.lobbyId === context.lobbyId,
    ownerDiffers: ({ context, event }) => event.type === 'lobby.ownerChanged' && event.ownerId !== context.ownerId,
    commandEpochIsCurrent: ({ context, event }) => commandEpoch(event) === context.epoch,
    /** Owner-only commands: we own the lobby now, and the command was issued under the current epoch. */
    isOwnerAtCommandEpoch: ({ context, event }) =>
      commandEpoch(event) === context.epoch && context.ownerId === context.selfId,
    selfWasKicked: ({ context, event }) => selfChange(context, event) === 'kicked',
    selfWasBanned: ({ context, event }) => selfChange(context, event) === 'banned',
    selfWasDisconnected: ({ context, event }) => {
      const change = selfChange(context, event);
      return change === 'left' || change === 'disconnected';
    },
    hasCreateData: ({ context }) => Object.keys(context.createRequest?.data ?? {}).length > 0,
    hasNextJoin: ({ context }) => context.nextJoin !== undefined,
  },
  delays: {
    requestTimeout: ({ context }) => context.timing.requestTimeoutMs,
    leaveTimeout: ({ context }) => context.timing.leaveTimeoutMs,
    listTimeout: ({ context }) => context.timing.listTimeoutMs,
  },
}).createMachine({
  id: 'lobby',
  type: 'parallel',
  context: ({ input }) => ({
    selfId: input.selfId,
    timing: { ...DEFAULT_LOBBY_TIMING, ...input.timing },
    lobbyId: undefined,
    createRequest: undefined,
    targetLobbyId: undefined,
    joinSource: undefined,
    nextJoin: undefined,
    leaveReason: undefined,
    ownerId: undefined,
    epoch: 0,
    roster: [],
  }),
  states: {
    membership: {
      initial: 'idle',
      states: {
        idle: {
          entry: 'clearLobby',
          on: {
            'lobby.create': [
              { guard: 'createRequestIsValid', target: 'creating', actions: 'rememberCreateRequest' },
              { actions: reject('invalid-request') },
            ],
            'lobby.join': joinFromIdle,
            'lobby.invited': joinFromIdle,
            'lobby.joinRequested': joinFromIdle,
            'lobby.launchArgs': [
              { guard: 'namesValidLobby', target: 'joining', actions: 'rememberJoinTarget' },
              { guard: 'launchArgsNameNoLobby' },
              { actions: reject('invalid-lobby-id') },
            ],
            'lobby.leave': { actions: reject('not-in-lobby') },
            'lobby.kick': { actions: reject('not-in-lobby') },
            'lobby.ban': { actions: reject('not-in-lobby') },
            'lobby.start': { actions: reject('not-in-lobby') },
            // A result nobody waits for any more (its request timed out): never keep a lobby we did not want.
            'lobby.created': { guard: 'isSuccessfulResult', actions: [leaveStrayLobby, 'reportStrayLeft'] },
            'lobby.entered': { guard: 'isSuccessfulResult', actions: [leaveStrayLobby, 'reportStrayLeft'] },
          },
        },
        creating: {
          entry: {
            type: 'requestCreateLobby',
            params: ({ context }) => ({
              lobbyType: context.createRequest?.lobbyType ?? 2,
              maxMembers: context.createRequest?.maxMembers ?? 10,
            }),
          },
          after: {
            requestTimeout: { target: 'idle', actions: 'reportCreateFailed' },
          },
          on: {
            'lobby.created': [
              {
                guard: and(['isSuccessfulResult', 'hasCreateData']),
                target: 'joined',
                actions: ['enterCreatedLobby', ...configureCreatedLobby, applyCreateData, 'reportEntered'],
              },
              {
                guard: 'isSuccessfulResult',
                target: 'joined',
                actions: ['enterCreatedLobby', ...configureCreatedLobby, 'reportEntered'],
              },
              { target: 'idle', actions: 'reportCreateFailed' },
            ],
            'lobby.entered': { guard: 'isSuccessfulResult', actions: [leaveStrayLobby, 'reportStrayLeft'] },
            'lobby.leave': { target: 'abandoningCreate', actions: 'reportCancelled' },
            'steam.serversDisconnected': { target: 'idle', actions: 'reportCreateFailed' },
            ...busyWhileInFlight(),
          },
        },
        joining: {
          entry: {
            type: 'requestJoinLobby',
            params: ({ context }) => ({ lobbyId: context.targetLobbyId ?? 0n }),
          },
          after: {
            requestTimeout: { target: 'idle', actions: 'reportJoinFailed' },
          },
          on: {
            'lobby.entered': [
              {
                guard: and(['isForTargetLobby', 'isSuccessfulResult']),
                target: 'joined',
                actions: ['enterJoinedLobby', 'reportEntered'],
              },
              { guard: 'isForTargetLobby', target: 'idle', actions: 'reportJoinFailed' },
              { guard: 'isSuccessfulResult', actions: [leaveStrayLobby, 'reportStrayLeft'] },
            ],
            'lobby.created': { guard: 'isSuccessfulResult', actions: [leaveStrayLobby, 'reportStrayLeft'] },
            'lobby.leave': { target: 'abandoningJoin', actions: 'reportCancelled' },
            'steam.serversDisconnected': { target: 'idle', actions: 'reportJoinFailed' },
            ...busyWhileInFlight(),
          },
        },
        abandoningCreate: {
          after: { requestTimeout: { target: 'idle' } },
          on: {
            'lobby.created': [
              { guard: 'isSuccessfulResult', target: 'idle', actions: [leaveStrayLobby, 'reportStrayLeft'] },
              { target: 'idle' },
            ],
            'lobby.entered': { guard: 'isSuccessfulResult', actions: [leaveStrayLobby, 'reportStrayLeft'] },
            'steam.serversDisconnected': { target: 'idle' },
            // Leaving again is what we are already doing.
            'lobby.leave': {},
            ...busyWhileInFlight(),
          },
        },
        abandoningJoin: {
          after: { requestTimeout: { target: 'idle' } },
          on: {
            'lobby.entered': [
              {
                guard: and(['isForTargetLobby', 'isSuccessfulResult']),
                target: 'idle',
                actions: [leaveStrayLobby, 'reportStrayLeft'],
              },
              { guard: 'isForTargetLobby', target: 'idle' },
              { guard: 'isSuccessfulResult', actions: [leaveStrayLobby, 'reportStrayLeft'] },
            ],
            'lobby.created': { guard: 'isSuccessfulResult', actions: [leaveStrayLobby, 'reportStrayLeft'] },
            'steam.serversDisconnected': { target: 'idle' },
            'lobby.leave': {},
            ...busyWhileInFlight(),
          },
        },
        joined: {
          on: {
            'lobby.leave': { target: 'leaving', actions: 'recordLeaveByUser' },
            // The player picked another lobby in Steam's UI (or the launcher did): leave this one, then join.
            'lobby.joinRequested': { guard: 'namesOtherLobby', target: 'leaving', actions: 'rememberNextJoin' },
            'lobby.launchArgs': { guard: 'namesOtherLobby', target: 'leaving', actions: 'rememberNextJoin' },
            // Someone invited us: the player is busy in a lobby, so tell the game instead of leaving.
            'lobby.invited': { actions: 'reportInvite' },
            'lobby.create': { actions: reject('already-in-lobby') },
            'lobby.join': { actions: reject('already-in-lobby') },
            'lobby.kick': ownerOnly({
              type: 'requestKick',
              params: ({ context, event }: { context: LobbyContext; event: MemberCommand }) => ({
                lobbyId: context.lobbyId ?? 0n,
                memberId: event.memberId,
              }),
            }),
            'lobby.ban': ownerOnly({
              type: 'requestBan',
              params: ({ context, event }: { context: LobbyContext; event: MemberCommand }) => ({
                lobbyId: context.lobbyId ?? 0n,
                memberId: event.memberId,
              }),
            }),
            'lobby.start': ownerOnly({
              type: 'requestStart',
              params: ({ context }: { context: LobbyContext }) => ({ lobbyId: context.lobbyId ?? 0n }),
            }),
            'lobby.ownerChanged': {
              guard: and(['isForCurrentLobby', 'ownerDiffers']),
              actions: ['adoptNewOwner', 'reportOwnerChanged'],
            },
            'member.changed': [
              { guard: 'selfWasBanned', target: 'idle', actions: ['recordBanned', leaveCurrentLobby, 'reportLeft'] },
              { guard: 'selfWasKicked', target: 'idle', actions: ['recordKicked', leaveCurrentLobby, 'reportLeft'] },
              {
                guard: 'selfWasDisconnected',
                target: 'idle',
                actions: ['recordDisconnected', leaveCurrentLobby, 'reportLeft'],
              },
            ],
            'lobby.gone': {
              guard: 'isForCurrentLobby',
              target: 'idle',
              actions: ['recordLobbyGone', leaveCurrentLobby, 'reportLeft'],
            },
            'steam.serversDisconnected': {
              target: 'idle',
              actions: ['recordServersLost', leaveCurrentLobby, 'reportLeft'],
            },
            // Steam also sends LobbyEnter to the lobby's creator: the same lobby again is not a second join.
            'lobby.entered': {
              guard: and([not('isForCurrentLobby'), 'isSuccessfulResult']),
              actions: [leaveStrayLobby, 'reportStrayLeft'],
            },
            'lobby.created': { guard: 'isSuccessfulResult', actions: [leaveStrayLobby, 'reportStrayLeft'] },
          },
        },
        leaving: {
          entry: leaveCurrentLobby,
          after: {
            leaveTimeout: [
              { guard: 'hasNextJoin', target: 'joining', actions: ['reportLeft', 'beginNextJoin'] },
              { target: 'idle', actions: 'reportLeft' },
            ],
          },
          on: {
            'lobby.left': [
              { guard: 'hasNextJoin', target: 'joining', actions: ['reportLeft', 'beginNextJoin'] },
              { target: 'idle', actions: 'reportLeft' },
            ],
            'steam.serversDisconnected': { target: 'idle', actions: 'reportLeft' },
            'lobby.leave': {},
            'lobby.created': { guard: 'isSuccessfulResult', actions: [leaveStrayLobby, 'reportStrayLeft'] },
            'lobby.entered': {
              guard: and([not('isForCurrentLobby'), 'isSuccessfulResult']),
              actions: [leaveStrayLobby, 'reportStrayLeft'],
            },
            ...busyWhileInFlight(),
          },
        },
      },
    },
    search: {
      initial: 'ready',
      states: {
        ready: {
          on: {
            'lobby.list': { target: 'listing' },
          },
        },
        listing: {
          entry: {
            type: 'requestLobbyList',
            params: ({ event }) => ({ filters: event.type === 'lobby.list' ? (event.filters ?? {}) : {} }),
          },
          after: {
            listTimeout: { target: 'ready', actions: 'reportListTimeout' },
          },
          on: {
            'lobby.listReceived': { target: 'ready', actions: 'reportLobbyList' },
            'lobby.list': { actions: reject('list-in-flight') },
            'steam.serversDisconnected': { target: 'ready', actions: 'reportListServersLost' },
          },
        },
      },
    },
  },
});

/** While a create, join or leave is in flight, every new lobby request is refused rather than doubled. */
function busyWhileInFlight() {
  return {
    'lobby.create': { actions: reject('busy') },
    'lobby.join': { actions: reject('busy') },
    'lobby.invited': { actions: reject('busy') },
    'lobby.joinRequested': { actions: reject('busy') },
    'lobby.launchArgs': { actions: reject('busy') },
    'lobby.kick': { actions: reject('not-in-lobby') },
    'lobby.ban': { actions: reject('not-in-lobby') },
    'lobby.start': { actions: reject('not-in-lobby') },
  } as const;
}
