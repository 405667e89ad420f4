/**
 * Our own lobby membership, as the seed does it (create → joinable + data + relay; join → members + handshake;
 * leave → close sessions), with the failure paths made explicit:
 *
 *   idle → creating → joined; idle → joining → joined | idle (typed enter response or refusal);
 *   joined → leaving → idle (or → joining when switching lobbies);
 *   creating/joining ──leave──► abandoningCreate/abandoningJoin ──late result left at once──► idle;
 *   kicked / banned / lobby gone / Steam servers lost ──► idle with the reason.
 *
 * Owner-only commands carry the owner epoch they were issued under; the epoch grows on every entry and every
 * owner change and never repeats within one actor, so a command aimed at an earlier owner or lobby is refused.
 * Lobby lists are another machine's (lobby-list.machine.ts): they do not depend on membership.
 */
import { and, assertEvent, assign, emit, not, setup } from 'xstate';
import { createLobbyProblem, lobbyFromLaunchArgs } from '../steam/index.js';
import type { CreateParams, LobbyIdParams, MemberParams } from './effects.js';
import {
  REJECTION_TEXT,
  commandEpoch,
  createFailure,
  currentLobby,
  expelledReason,
  isSuccessfulResult,
  joinFailure,
  leaveReason,
  requestedLobby,
  selfChange,
  targetLobby,
} from './lobby.helpers.js';
import {
  DEFAULT_LOBBY_TIMING,
  type LobbyContext,
  type LobbyEmitted,
  type LobbyEvent,
  type LobbyInput,
  type RejectionCode,
} from './lobby.types.js';

export * from './lobby.types.js';

// ── transition fragments ────────────────────────────────────────────────────────────────────────────────────

const reject = (code: RejectionCode) => ({ type: 'reject', params: { code } }) as const;

/** A join from idle, whatever asked for it (the game, an invite, Steam's "Join game"): only a valid lobby id. */
const joinFromIdle = [
  { guard: 'namesValidLobby', target: 'joining', actions: 'rememberJoinTarget' },
  { actions: reject('invalid-lobby-id') },
] as const;

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

/** Leave a lobby a late or unexpected result put us in, at once, so no stale lobby (or second host) survives. */
const leaveStray = ['leaveStrayLobby', 'reportStrayLeft'] as const;

/** A successful result we are not waiting for (in any state but the one that waits for it). */
const strayResults = {
  'lobby.created': { guard: 'isSuccessfulResult', actions: leaveStray },
  'lobby.entered': { guard: 'isSuccessfulResult', actions: leaveStray },
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
    /** Effect: ask Steam to create a lobby; answered by `lobby.created` or `lobby.createRefused`. */
    requestCreateLobby: ({ context }, params: CreateParams) => context.effects.createLobby(params),
    /** Effect: ask Steam to join a lobby; answered by `lobby.entered` or `lobby.joinRefused`. */
    requestJoinLobby: ({ context }, params: LobbyIdParams) => context.effects.joinLobby(params),
    /** Effect: leave the lobby we are in; the runtime answers `lobby.left` (Steam's leave is synchronous). */
    requestLeaveLobby: ({ context }) => context.effects.leaveLobby({ lobbyId: currentLobby(context) }),
    /** Effect: leave the lobby a successful result we did not want put us in. */
    leaveStrayLobby: ({ context, event }) => {
      assertEvent(event, ['lobby.created', 'lobby.entered']);
      context.effects.leaveStrayLobby({ lobbyId: event.lobbyId });
    },
    /** Effect: make a freshly created lobby joinable (the seed does it "just in case"). */
    setLobbyJoinable: ({ context }) => context.effects.setLobbyJoinable({ lobbyId: currentLobby(context) }),
    /** Effect: set each key of the create request's data on the new lobby (the seed sets "name" and "mode"). */
    applyCreateData: ({ context }) =>
      context.effects.setLobbyData({ lobbyId: currentLobby(context), data: context.createRequest?.data ?? {} }),
    /** Effect: allow P2P to fall back to Steam's relay (the seed's allowP2PPacketRelay(true)). */
    allowP2PRelay: ({ context }) => context.effects.allowRelay(),
    /** Effect: kick a member (owner only; the epoch was checked already). */
    requestKick: ({ context }, params: MemberParams) => context.effects.kick(params),
    /** Effect: ban a member (owner only; the epoch was checked already). */
    requestBan: ({ context }, params: MemberParams) => context.effects.ban(params),
    /** Effect: start the game (owner only): lobby data every member sees. */
    requestStart: ({ context }) => context.effects.start({ lobbyId: currentLobby(context) }),

    rememberCreateRequest: assign({
      createRequest: ({ event }) => {
        assertEvent(event, 'lobby.create');
        return { lobbyType: event.lobbyType, maxMembers: event.maxMembers, data: event.data };
      },
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
    // The lobby we left is no longer ours: joining the next one starts with nothing of it.
    beginNextJoin: assign(({ context }) => ({
      targetLobbyId: context.nextJoin?.lobbyId,
      joinSource: context.nextJoin?.source,
      nextJoin: undefined,
      lobbyId: undefined,
      ownerId: undefined,
      leaveReason: undefined,
      roster: [],
    })),
    enterCreatedLobby: assign(({ context, event }) => {
      assertEvent(event, 'lobby.created');
      return { lobbyId: event.lobbyId, ownerId: context.selfId, epoch: context.epoch + 1, roster: [context.selfId] };
    }),
    enterJoinedLobby: assign(({ context, event }) => {
      assertEvent(event, 'lobby.entered');
      const members = event.members ?? [];
      return {
        lobbyId: event.lobbyId,
        ownerId: event.ownerId,
        epoch: context.epoch + 1,
        roster: members.includes(context.selfId) ? members : [context.selfId, ...members],
      };
    }),
    adoptNewOwner: assign(({ context, event }) => {
      assertEvent(event, 'lobby.ownerChanged');
      return { ownerId: event.ownerId, epoch: context.epoch + 1 };
    }),
    recordLeaveByUser: assign({ leaveReason: leaveReason('user') }),
    recordKicked: assign({
      leaveReason: ({ event }) => {
        assertEvent(event, 'member.changed');
        return expelledReason('kicked', event.changedBy);
      },
    }),
    recordBanned: assign({
      leaveReason: ({ event }) => {
        assertEvent(event, 'member.changed');
        return expelledReason('banned', event.changedBy);
      },
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
      lobbyId: currentLobby(context),
      role: context.ownerId === context.selfId ? ('owner' as const) : ('member' as const),
      ownerId: context.ownerId,
      epoch: context.epoch,
    })),
    reportCreateFailed: emit(({ event }) => ({ type: 'lifecycle.createFailed' as const, failure: createFailure(event) })),
    reportJoinFailed: emit(({ context, event }) => ({
      type: 'lifecycle.joinFailed' as const,
      failure: joinFailure(targetLobby(context), event),
    })),
    reportCreateCancelled: emit({ type: 'lifecycle.cancelled' as const, what: 'create' as const }),
    reportJoinCancelled: emit(({ context }) => ({
      type: 'lifecycle.cancelled' as const,
      what: 'join' as const,
      lobbyId: targetLobby(context),
    })),
    reportStrayLeft: emit(({ event }) => {
      assertEvent(event, ['lobby.created', 'lobby.entered']);
      return { type: 'lifecycle.strayLeft' as const, lobbyId: event.lobbyId };
    }),
    reportLeft: emit(({ context }) => ({
      type: 'lifecycle.left' as const,
      lobbyId: currentLobby(context),
      reason: context.leaveReason ?? leaveReason('user'),
    })),
    reportOwnerChanged: emit(({ context, event }) => {
      assertEvent(event, 'lobby.ownerChanged');
      return {
        type: 'lifecycle.ownerChanged' as const,
        lobbyId: currentLobby(context),
        ownerId: event.ownerId,
        epoch: context.epoch,
        isSelf: event.ownerId === context.selfId,
      };
    }),
    reportInvite: emit(({ event }) => {
      assertEvent(event, 'lobby.invited');
      return { type: 'lifecycle.inviteReceived' as const, lobbyId: event.lobbyId, from: event.from };
    }),
  },
  guards: {
    createRequestIsValid: ({ event }) => {
      assertEvent(event, 'lobby.create');
      return createLobbyProblem(event.lobbyType, event.maxMembers, event.data) === undefined;
    },
    namesValidLobby: ({ event }) => requestedLobby(event) !== undefined,
    launchArgsNameNoLobby: ({ event }) => {
      assertEvent(event, 'lobby.launchArgs');
      return lobbyFromLaunchArgs(event.argv).kind === 'none';
    },
    namesOtherLobby: ({ context, event }) => {
      const wanted = requestedLobby(event);
      return wanted !== undefined && wanted.lobbyId !== context.lobbyId;
    },
    isSuccessfulResult: ({ event }) => isSuccessfulResult(event),
    isForTargetLobby: ({ context, event }) => {
      assertEvent(event, ['lobby.entered', 'lobby.joinRefused']);
      return event.lobbyId === context.targetLobbyId;
    },
    isForCurrentLobby: ({ context, event }) => {
      assertEvent(event, ['lobby.entered', 'lobby.ownerChanged', 'lobby.gone']);
      return event.lobbyId === context.lobbyId;
    },
    ownerDiffers: ({ context, event }) => {
      assertEvent(event, 'lobby.ownerChanged');
      return event.ownerId !== context.ownerId;
    },
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
  },
}).createMachine({
  id: 'lobby',
  context: ({ input }) => ({
    selfId: input.selfId,
    timing: { ...DEFAULT_LOBBY_TIMING, ...input.timing },
    effects: input.effects,
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
        ...strayResults,
      },
    },
    creating: {
      entry: {
        type: 'requestCreateLobby',
        params: ({ event }) => {
          assertEvent(event, 'lobby.create');
          return { lobbyType: event.lobbyType, maxMembers: event.maxMembers };
        },
      },
      after: {
        requestTimeout: { target: 'idle', actions: 'reportCreateFailed' },
      },
      on: {
        'lobby.created': [
          {
            guard: and(['isSuccessfulResult', 'hasCreateData']),
            target: 'joined',
            actions: ['enterCreatedLobby', 'setLobbyJoinable', 'allowP2PRelay', 'applyCreateData', 'reportEntered'],
          },
          {
            guard: 'isSuccessfulResult',
            target: 'joined',
            actions: ['enterCreatedLobby', 'setLobbyJoinable', 'allowP2PRelay', 'reportEntered'],
          },
          { target: 'idle', actions: 'reportCreateFailed' },
        ],
        'lobby.createRefused': { target: 'idle', actions: 'reportCreateFailed' },
        'lobby.entered': strayResults['lobby.entered'],
        'lobby.leave': { target: 'abandoningCreate', actions: 'reportCreateCancelled' },
        'steam.serversDisconnected': { target: 'idle', actions: 'reportCreateFailed' },
        ...busyWhileInFlight(),
      },
    },
    joining: {
      entry: { type: 'requestJoinLobby', params: ({ context }) => ({ lobbyId: targetLobby(context) }) },
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
          { guard: 'isSuccessfulResult', actions: leaveStray },
        ],
        'lobby.joinRefused': { guard: 'isForTargetLobby', target: 'idle', actions: 'reportJoinFailed' },
        'lobby.created': strayResults['lobby.created'],
        'lobby.leave': { target: 'abandoningJoin', actions: 'reportJoinCancelled' },
        'steam.serversDisconnected': { target: 'idle', actions: 'reportJoinFailed' },
        ...busyWhileInFlight(),
      },
    },
    abandoningCreate: {
      after: { requestTimeout: { target: 'idle' } },
      on: {
        'lobby.created': [{ guard: 'isSuccessfulResult', target: 'idle', actions: leaveStray }, { target: 'idle' }],
        'lobby.createRefused': { target: 'idle' },
        'lobby.entered': strayResults['lobby.entered'],
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
          { guard: and(['isForTargetLobby', 'isSuccessfulResult']), target: 'idle', actions: leaveStray },
          { guard: 'isForTargetLobby', target: 'idle' },
          { guard: 'isSuccessfulResult', actions: leaveStray },
        ],
        'lobby.joinRefused': { guard: 'isForTargetLobby', target: 'idle' },
        'lobby.created': strayResults['lobby.created'],
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
        'lobby.invited': { guard: 'namesValidLobby', actions: 'reportInvite' },
        'lobby.create': { actions: reject('already-in-lobby') },
        'lobby.join': { actions: reject('already-in-lobby') },
        'lobby.kick': ownerOnly({ type: 'requestKick', params: memberCommandParams }),
        'lobby.ban': ownerOnly({ type: 'requestBan', params: memberCommandParams }),
        'lobby.start': ownerOnly('requestStart'),
        'lobby.ownerChanged': {
          guard: and(['isForCurrentLobby', 'ownerDiffers']),
          actions: ['adoptNewOwner', 'reportOwnerChanged'],
        },
        'member.changed': [
          { guard: 'selfWasBanned', target: 'idle', actions: ['recordBanned', 'requestLeaveLobby', 'reportLeft'] },
          { guard: 'selfWasKicked', target: 'idle', actions: ['recordKicked', 'requestLeaveLobby', 'reportLeft'] },
          {
            guard: 'selfWasDisconnected',
            target: 'idle',
            actions: ['recordDisconnected', 'requestLeaveLobby', 'reportLeft'],
          },
        ],
        'lobby.gone': {
          guard: 'isForCurrentLobby',
          target: 'idle',
          actions: ['recordLobbyGone', 'requestLeaveLobby', 'reportLeft'],
        },
        'steam.serversDisconnected': {
          target: 'idle',
          actions: ['recordServersLost', 'requestLeaveLobby', 'reportLeft'],
        },
        // Steam also sends LobbyEnter to the lobby's creator: the same lobby again is not a second join.
        'lobby.entered': { guard: and([not('isForCurrentLobby'), 'isSuccessfulResult']), actions: leaveStray },
        'lobby.created': strayResults['lobby.created'],
      },
    },
    leaving: {
      entry: 'requestLeaveLobby',
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
        'lobby.created': strayResults['lobby.created'],
        'lobby.entered': { guard: and([not('isForCurrentLobby'), 'isSuccessfulResult']), actions: leaveStray },
        ...busyWhileInFlight(),
      },
    },
  },
});

/** The kick or ban a member command asks for, in the lobby we are in. */
function memberCommandParams({ context, event }: { context: LobbyContext; event: LobbyEvent }): MemberParams {
  assertEvent(event, ['lobby.kick', 'lobby.ban']);
  return { lobbyId: currentLobby(context), memberId: event.memberId };
}
