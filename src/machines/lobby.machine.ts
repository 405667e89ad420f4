/**
 * Our own lobby membership, as the seed does it (create → joinable + data + relay; join → members + handshake;
 * leave → close sessions), with the failure paths made explicit:
 *
 *   idle → creating → joined; idle → joining → joined | idle (typed enter response or refusal);
 *   joined → leaving → idle (or → joining when switching lobbies);
 *   creating/joining ──leave──► abandoningCreate/abandoningJoin ──late result left at once──► idle;
 *   a stray create's lobby is remembered until the LobbyEnter Steam sends its creator: that is no second stray.
 *   kicked / banned / lobby gone ──► idle with the reason.
 *
 * joined has two children. `present`: we are in Steam's lobby. `reconnecting`: Steam dropped us (its servers went
 * away, or it dropped us from the lobby) and our seat is held for `seatReservationMs` while P2P goes on:
 *   waitingForSteam ──servers back──► rejoining ──entered──► present (one `lifecycle.reconnected`)
 *                                        └─refused / timeout──► pausing ──rejoinInterval──► rejoining
 *   the window runs out ──► idle (`reconnect-failed`). With `seatReservationMs` 0, losing Steam leaves at once.
 *
 * Invites are notifications: `lobby.invited` is recorded (at most MAX_PENDING_INVITES) and reported in every
 * state; `lobby.acceptInvite` joins (auto-accepted only in idle, and only with `autoAcceptInvites`). One rule for
 * every deliberate join (`lobby.join`, an accepted invite, Steam's "Join game", `+connect_lobby`): in a lobby, we
 * leave it and then join the named one; naming the lobby we are in changes nothing.
 *
 * Owner-only commands carry the owner epoch they were issued under; the epoch grows on every entry, every owner
 * change, and on dropping out and getting back (the owner is then Steam's, read from the rejoin), and never
 * repeats within one actor, so a command aimed at an earlier owner or lobby is refused and a flap never leaves
 * two owners. Lobby lists are another machine's (lobby-list.machine.ts).
 */
import { and, assertEvent, assign, emit, not, setup } from 'xstate';
import { EnterResponse, createLobbyProblem, lobbyFromLaunchArgs } from '../steam/index.js';
import type { CreateParams, LobbyIdParams, MemberParams } from './effects.js';
import * as lobby from './lobby.helpers.js';
import { REJECTION_TEXT, currentLobby, requestedLobby, selfChange } from './lobby.helpers.js';
import {
  acceptFromIdle,
  busyWhileInFlight,
  joinFromIdle,
  joinFromLobby,
  launchFromLobby,
  leaveFor,
  leaveStray,
  leaveStrayCreated,
  createParams,
  leftNowJoinNext,
  memberCommandParams,
  noteInvite,
  ownerOnly,
  refuseOwnerCommands,
  reject,
  setUpCreated,
  strayEnterElsewhere,
  strayResults,
  switchLobby,
} from './lobby.transitions.js';
import type { LobbyContext, LobbyEmitted, LobbyEvent, LobbyInput, RejectionCode } from './lobby.types.js';

export * from './lobby.types.js';

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
    /** Effect: ask Steam to let us back into the lobby we were dropped from. */
    requestRejoin: ({ context }) => context.effects.joinLobby({ lobbyId: currentLobby(context) }),

    rememberCreateRequest: assign({
      createRequest: ({ event }) => {
        assertEvent(event, 'lobby.create');
        return { lobbyType: event.lobbyType, maxMembers: event.maxMembers, data: event.data };
      },
    }),
    rememberJoinTarget: assign(({ context, event }) => lobby.joinTargetUpdate(context, event)),
    rememberNextJoin: assign(({ context, event }) => lobby.nextJoinUpdate(context, event)),
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
    recordInvite: assign({
      invites: ({ context, event }) => {
        assertEvent(event, 'lobby.invited');
        return lobby.withInvite(context.invites, event);
      },
    }),
    /** An accepted invite to the lobby we are in: nothing to join, but it is used up. */
    useUpInvite: assign({ invites: ({ context }) => lobby.withoutInvitesTo(context.invites, context.lobbyId) }),
    rememberStrayLobby: assign(({ event }) => lobby.strayCreatedUpdate(event)),
    /** Steam sends one LobbyEnter per lobby it creates: after it, an enter to that lobby is news again. */
    forgetStrayLobby: assign({ strayLobbyId: undefined }),
    /** In a lobby Steam created or entered for us (or let us back into), under a new epoch with Steam's owner. */
    enterLobby: assign(({ context, event }) => lobby.enteredUpdate(context, event)),
    adoptNewOwner: assign(({ context, event }) => {
      assertEvent(event, 'lobby.ownerChanged');
      return { ownerId: event.ownerId, epoch: context.epoch + 1 };
    }),
    dropOut: assign(({ context, event }) => lobby.dropOutUpdate(context, event)),
    recordLeaveByUser: assign({ leaveReason: lobby.leaveReason('user') }),
    recordExpelled: assign({
      leaveReason: ({ event }) => {
        assertEvent(event, 'member.changed');
        return lobby.expelledReason(event.change === 'banned' ? 'banned' : 'kicked', event.changedBy);
      },
    }),
    recordDisconnected: assign({ leaveReason: lobby.leaveReason('disconnected') }),
    recordLobbyGone: assign({ leaveReason: lobby.leaveReason('lobby-gone') }),
    recordServersLost: assign({ leaveReason: lobby.leaveReason('servers-lost') }),
    recordReconnectFailed: assign({ leaveReason: lobby.leaveReason('reconnect-failed') }),
    clearLobby: assign({
      lobbyId: undefined,
      createRequest: undefined,
      targetLobbyId: undefined,
      joinSource: undefined,
      nextJoin: undefined,
      leaveReason: undefined,
      ownerId: undefined,
      roster: [],
      awayCause: undefined,
    }),

    reject: emit(({ event }, params: { code: RejectionCode }) => ({
      type: 'lifecycle.rejected' as const,
      command: event.type,
      code: params.code,
      reason: REJECTION_TEXT[params.code],
    })),
    reportEntered: emit(({ context }) => lobby.enteredReport(context)),
    reportReconnecting: emit(({ context }) => lobby.reconnectingReport(context)),
    reportReconnected: emit(({ context }) => lobby.reconnectedReport(context)),
    reportCreateFailed: emit(({ event }) => ({ type: 'lifecycle.createFailed' as const, failure: lobby.createFailure(event) })),
    reportJoinFailed: emit(({ context, event }) => ({
      type: 'lifecycle.joinFailed' as const,
      failure: lobby.joinFailure(lobby.targetLobby(context), event),
    })),
    reportCreateCancelled: emit({ type: 'lifecycle.cancelled' as const, what: 'create' as const }),
    reportJoinCancelled: emit(({ context }) => ({ type: 'lifecycle.cancelled' as const, what: 'join' as const, lobbyId: lobby.targetLobby(context) })),
    reportStrayLeft: emit(({ event }) => {
      assertEvent(event, ['lobby.created', 'lobby.entered']);
      return { type: 'lifecycle.strayLeft' as const, lobbyId: event.lobbyId };
    }),
    reportLeft: emit(({ context }) => lobby.leftReport(context)),
    reportOwnerChanged: emit(({ context, event }) => {
      assertEvent(event, 'lobby.ownerChanged');
      return lobby.ownerChangedReport(context, event.ownerId);
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
    isPendingInvite: ({ context, event }) => lobby.isPendingInvite(context, event),
    autoAcceptsInvites: ({ context }) => context.autoAcceptInvites,
    isSuccessfulResult: ({ event }) => lobby.isSuccessfulResult(event),
    isEnterOfLeftStray: ({ context, event }) => lobby.isEnterOfLeftStray(context, event),
    isForTargetLobby: ({ context, event }) => {
      assertEvent(event, ['lobby.entered', 'lobby.joinRefused']);
      return event.lobbyId === context.targetLobbyId;
    },
    isForCurrentLobby: ({ context, event }) => {
      assertEvent(event, ['lobby.entered', 'lobby.joinRefused', 'lobby.ownerChanged', 'lobby.gone']);
      return event.lobbyId === context.lobbyId;
    },
    lobbyNoLongerExists: ({ event }) => event.type === 'lobby.entered' && event.response === EnterResponse.doesntExist,
    ownerDiffers: ({ context, event }) => {
      assertEvent(event, 'lobby.ownerChanged');
      return event.ownerId !== context.ownerId;
    },
    commandEpochIsCurrent: ({ context, event }) => lobby.commandEpoch(event) === context.epoch,
    /** Owner-only commands: we own the lobby now, and the command was issued under the current epoch. */
    isOwnerAtCommandEpoch: ({ context, event }) => lobby.commandEpoch(event) === context.epoch && context.ownerId === context.selfId,
    selfWasExpelled: ({ context, event }) => ['kicked', 'banned'].includes(selfChange(context, event) ?? ''),
    selfWasDisconnected: ({ context, event }) => ['left', 'disconnected'].includes(selfChange(context, event) ?? ''),
    holdsSeats: ({ context }) => context.timing.seatReservationMs > 0,
    hasCreateData: ({ context }) => Object.keys(context.createRequest?.data ?? {}).length > 0,
    hasNextJoin: ({ context }) => context.nextJoin !== undefined,
  },
  delays: {
    requestTimeout: ({ context }) => context.timing.requestTimeoutMs,
    leaveTimeout: ({ context }) => context.timing.leaveTimeoutMs,
    seatReservation: ({ context }) => context.timing.seatReservationMs,
    rejoinInterval: ({ context }) => context.timing.rejoinIntervalMs,
  },
}).createMachine({
  id: 'lobby',
  context: ({ input }) => lobby.initialContext(input),
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
        'lobby.acceptInvite': acceptFromIdle,
        'lobby.invited': [
          { guard: and(['autoAcceptsInvites', 'namesValidLobby']), target: 'joining', actions: [...noteInvite, 'rememberJoinTarget'] },
          { guard: 'namesValidLobby', actions: noteInvite },
        ],
        'lobby.joinRequested': joinFromIdle,
        'lobby.launchArgs': [
          { guard: 'namesValidLobby', target: 'joining', actions: 'rememberJoinTarget' },
          { guard: 'launchArgsNameNoLobby' },
          { actions: reject('invalid-lobby-id') },
        ],
        'lobby.leave': { actions: reject('not-in-lobby') },
        ...refuseOwnerCommands('not-in-lobby'),
        // A result nobody waits for any more (its request timed out): never keep a lobby we did not want.
        ...strayResults,
      },
    },
    creating: {
      entry: { type: 'requestCreateLobby', params: createParams },
      after: { requestTimeout: { target: 'idle', actions: 'reportCreateFailed' } },
      on: {
        'lobby.created': [
          { guard: and(['isSuccessfulResult', 'hasCreateData']), target: 'joined', actions: [...setUpCreated, 'applyCreateData', 'reportEntered'] },
          { guard: 'isSuccessfulResult', target: 'joined', actions: [...setUpCreated, 'reportEntered'] },
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
      entry: { type: 'requestJoinLobby', params: ({ context }) => ({ lobbyId: lobby.targetLobby(context) }) },
      after: { requestTimeout: { target: 'idle', actions: 'reportJoinFailed' } },
      on: {
        'lobby.entered': [
          { guard: and(['isForTargetLobby', 'isSuccessfulResult']), target: 'joined', actions: ['enterLobby', 'reportEntered'] },
          { guard: 'isForTargetLobby', target: 'idle', actions: 'reportJoinFailed' },
          ...strayResults['lobby.entered'],
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
        'lobby.created': [{ guard: 'isSuccessfulResult', target: 'idle', actions: leaveStrayCreated }, { target: 'idle' }],
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
          ...strayResults['lobby.entered'],
        ],
        'lobby.joinRefused': { guard: 'isForTargetLobby', target: 'idle' },
        'lobby.created': strayResults['lobby.created'],
        'steam.serversDisconnected': { target: 'idle' },
        'lobby.leave': {},
        ...busyWhileInFlight(),
      },
    },
    joined: {
      initial: 'present',
      on: {
        'lobby.leave': { target: 'leaving', actions: 'recordLeaveByUser' },
        // Every deliberate join follows one rule: leave this lobby, then join the other.
        'lobby.join': joinFromLobby,
        'lobby.joinRequested': joinFromLobby,
        'lobby.launchArgs': launchFromLobby,
        'lobby.acceptInvite': [
          { ...switchLobby, guard: and(['isPendingInvite', 'namesOtherLobby']) },
          { guard: 'isPendingInvite', actions: 'useUpInvite' },
          { actions: reject('no-such-invite') },
        ],
        'lobby.invited': { guard: 'namesValidLobby', actions: noteInvite },
        'lobby.create': { actions: reject('already-in-lobby') },
        'member.changed': { guard: 'selfWasExpelled', target: 'idle', actions: leaveFor('recordExpelled') },
        'lobby.gone': { guard: 'isForCurrentLobby', target: 'idle', actions: leaveFor('recordLobbyGone') },
        // Steam also sends LobbyEnter to the lobby's creator: the same lobby again is not a second join.
        'lobby.entered': strayEnterElsewhere,
        'lobby.created': strayResults['lobby.created'],
      },
      states: {
        present: {
          on: {
            'lobby.kick': ownerOnly({ type: 'requestKick', params: memberCommandParams }),
            'lobby.ban': ownerOnly({ type: 'requestBan', params: memberCommandParams }),
            'lobby.start': ownerOnly('requestStart'),
            'lobby.ownerChanged': { guard: and(['isForCurrentLobby', 'ownerDiffers']), actions: ['adoptNewOwner', 'reportOwnerChanged'] },
            'member.changed': [
              { guard: and(['selfWasDisconnected', 'holdsSeats']), target: 'reconnecting.rejoining', actions: 'dropOut' },
              { guard: 'selfWasDisconnected', target: '#lobby.idle', actions: leaveFor('recordDisconnected') },
            ],
            'steam.serversDisconnected': [
              { guard: 'holdsSeats', target: 'reconnecting', actions: 'dropOut' },
              { target: '#lobby.idle', actions: leaveFor('recordServersLost') },
            ],
          },
        },
        reconnecting: {
          entry: 'reportReconnecting',
          initial: 'waitingForSteam',
          after: { seatReservation: { target: '#lobby.idle', actions: leaveFor('recordReconnectFailed') } },
          on: {
            ...refuseOwnerCommands('reconnecting'),
            'steam.serversDisconnected': { target: '.waitingForSteam' },
            'lobby.entered': [
              { guard: and(['isForCurrentLobby', 'isSuccessfulResult']), target: 'present', actions: ['enterLobby', 'reportReconnected'] },
              ...strayEnterElsewhere,
            ],
          },
          states: {
            waitingForSteam: { on: { 'steam.serversConnected': { target: 'rejoining' } } },
            rejoining: {
              entry: 'requestRejoin',
              after: { requestTimeout: { target: 'pausing' } },
              on: {
                'lobby.entered': [
                  { guard: and(['isForCurrentLobby', 'lobbyNoLongerExists']), target: '#lobby.idle', actions: leaveFor('recordLobbyGone') },
                  { guard: and(['isForCurrentLobby', not('isSuccessfulResult')]), target: 'pausing' },
                ],
                'lobby.joinRefused': { guard: 'isForCurrentLobby', target: 'pausing' },
              },
            },
            pausing: { after: { rejoinInterval: { target: 'rejoining' } } },
          },
        },
      },
    },
    leaving: {
      entry: 'requestLeaveLobby',
      after: { leaveTimeout: leftNowJoinNext },
      on: {
        'lobby.left': leftNowJoinNext,
        'steam.serversDisconnected': { target: 'idle', actions: 'reportLeft' },
        'lobby.leave': {},
        'lobby.created': strayResults['lobby.created'],
        'lobby.entered': strayEnterElsewhere,
        ...busyWhileInFlight(),
      },
    },
  },
});
