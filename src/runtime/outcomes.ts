/**
 * What the machines report, turned into what the game sees: settled promises (each request resolves exactly once),
 * errors published on `errors$`, the member directory kept in step with our membership, and every lifecycle and
 * session event passed on to `lifecycle$` and `sessions$`.
 */
import type { LobbyListEmitted } from '../machines/lobby-list.machine.js';
import type { LobbyCommandType, LobbyEmitted } from '../machines/lobby.machine.js';
import type { SessionEmitted } from '../machines/session.machine.js';
import type { VoteKickEmitted } from '../machines/vote-kick.machine.js';
import type { LobbyListing } from './api.js';
import type { RuntimeCore } from './core.js';
import { sessionFailureText, type LobbyRuntimeError, type RuntimeCommand } from './errors.js';
import { publishedExpulsions } from './expulsions.js';
import { EMPTY_DATA } from './game-streams.js';
import { LOBBYKIT_WIRE, WIRE_MEMBER_DATA_KEY, WIRE_MEMBER_DATA_VALUE, type PeerWire } from './peer-wire.js';

/** The wire `memberId` declared in its lobby member data (only lobbykit runtimes declare one). */
function declaredWire(core: RuntimeCore, lobbyId: bigint, memberId: bigint): PeerWire | undefined {
  if (core.backend.capabilities.memberData === 'absent') return undefined;
  const value = core.reporter.guarded('members', () => core.backend.getLobbyMemberData(lobbyId, memberId, WIRE_MEMBER_DATA_KEY));
  return value === WIRE_MEMBER_DATA_VALUE ? LOBBYKIT_WIRE : undefined;
}

/**
 * A member's member data changed: it may have declared its wire. A member who came after us and declares before
 * its first packet gets our handshake now, the one we held while we could not tell what it speaks.
 */
export function declareWire(core: RuntimeCore, memberId: bigint): void {
  const lobbyId = core.directory.lobbyId;
  if (lobbyId === undefined) return;
  const wire = declaredWire(core, lobbyId, memberId);
  if (wire !== undefined && core.directory.declare(memberId, wire)) {
    core.reporter.guarded('handshake', () => core.protocol.sendHandshake(memberId, 1));
  }
}

const COMMAND_OF: Readonly<Partial<Record<LobbyCommandType | 'lobby.list', RuntimeCommand>>> = {
  'lobby.create': 'createLobby',
  'lobby.join': 'joinLobby',
  'lobby.invited': 'joinLobby',
  'lobby.acceptInvite': 'acceptInvite',
  'lobby.joinRequested': 'joinLobby',
  'lobby.launchArgs': 'joinLobby',
  'lobby.leave': 'leaveLobby',
  'lobby.list': 'findLobbies',
  'lobby.kick': 'kick',
  'lobby.ban': 'ban',
  'lobby.start': 'startGame',
};

const NEVER_TICKED =
  ' Nothing ticked the runtime meanwhile: call runtime.tick() once per frame, or runtime.startAutoTick().';

export class Outcomes {
  /** `counters.ticks` when the current create/join and list requests were opened, to tell "nobody ticked". */
  private membershipOpenedAt = 0;
  private listOpenedAt = 0;

  constructor(private readonly core: RuntimeCore) {}

  /** Marks the start of a create/join or list request (see NEVER_TICKED). */
  opened(request: 'membership' | 'list'): void {
    if (request === 'membership') this.membershipOpenedAt = this.core.counters.ticks;
    else this.listOpenedAt = this.core.counters.ticks;
  }

  readonly lifecycle = (event: LobbyEmitted | LobbyListEmitted): void => {
    const { core } = this;
    const { directory, membershipRequest, listRequest, reporter } = core;
    switch (event.type) {
      case 'lifecycle.entered': {
        const lobbyId = event.lobbyId;
        // The list the machines opened their peer sessions from, read once as Steam entered us: a second read could
        // name someone no session is opened with, or miss someone one is.
        directory.enter(lobbyId, event.members, event.ownerId, (id) => declaredWire(core, lobbyId, id), publishedExpulsions(core, lobbyId));
        this.declareOwnWire(lobbyId);
        core.refreshLobbyData();
        directory.publish();
        membershipRequest.settle({ ok: true, lobbyId: event.lobbyId });
        break;
      }
      case 'lifecycle.createFailed': {
        const reason = this.untickedHint(event.failure.code, event.failure.reason, this.membershipOpenedAt);
        const error: LobbyRuntimeError = { kind: 'create-failed', ...event.failure, reason };
        membershipRequest.settle({ ok: false, error: reporter.report(error) }, 'create');
        break;
      }
      case 'lifecycle.joinFailed': {
        const failure = event.failure;
        const reason = this.untickedHint(failure.code, failure.reason, this.membershipOpenedAt);
        const error: LobbyRuntimeError =
          failure.code === 'enter-response'
            ? {
                kind: 'join-failed',
                lobbyId: failure.lobbyId,
                code: failure.code,
                response: failure.failure.response,
                key: failure.failure.key,
                reason,
              }
            : { kind: 'join-failed', lobbyId: failure.lobbyId, code: failure.code, reason };
        membershipRequest.settle({ ok: false, error: reporter.report(error) }, 'join');
        break;
      }
      case 'lifecycle.cancelled': {
        const error: LobbyRuntimeError =
          event.what === 'create'
            ? { kind: 'create-failed', code: 'cancelled', reason: 'Creating the lobby was cancelled by leaveLobby() or dispose().' }
            : { kind: 'join-failed', lobbyId: event.lobbyId, code: 'cancelled', reason: 'Joining the lobby was cancelled by leaveLobby() or dispose().' };
        membershipRequest.settle({ ok: false, error: reporter.report(error) }, event.what);
        break;
      }
      case 'lifecycle.left':
        directory.clear();
        core.protocol.clear();
        core.held.clear();
        core.refreshLobbyData();
        directory.publish();
        break;
      case 'lifecycle.ownerChanged':
        directory.setOwner(event.ownerId);
        break;
      case 'lifecycle.reconnecting':
        // Out of the lobby, we own nothing; Steam says who does when we are back.
        directory.setOwner(undefined);
        directory.publish();
        break;
      case 'lifecycle.reconnected':
        directory.setOwner(event.ownerId);
        // Steam dropped our member data with our seat: say again what we speak.
        this.declareOwnWire(event.lobbyId);
        this.catchUpMembers(event.lobbyId, event.members);
        directory.publish();
        break;
      case 'lifecycle.lobbyList':
        listRequest.settle({ ok: true, lobbies: event.lobbies.map((id) => this.listing(id)), complete: event.complete !== false });
        break;
      case 'lifecycle.listFailed': {
        const reason = this.untickedHint(event.code, event.reason, this.listOpenedAt);
        const error: LobbyRuntimeError = { kind: 'list-failed', code: event.code, reason };
        listRequest.settle({ ok: false, error: reporter.report(error) });
        break;
      }
      case 'lifecycle.rejected': {
        const command = COMMAND_OF[event.command] ?? 'joinLobby';
        const error = reporter.report({ kind: 'wrong-state', command, code: event.code, reason: event.reason });
        if (event.command === 'lobby.create') membershipRequest.settle({ ok: false, error }, 'create');
        if (event.command === 'lobby.join' || event.command === 'lobby.acceptInvite') membershipRequest.settle({ ok: false, error }, 'join');
        if (event.command === 'lobby.list') listRequest.settle({ ok: false, error });
        break;
      }
      case 'lifecycle.inviteReceived': {
        const fromName = reporter.guarded('personaName', () => core.backend.personaName(event.from)) ?? '';
        core.streams.lifecycle({ ...event, fromName });
        return;
      }
      case 'lifecycle.strayLeft':
        break;
    }
    core.streams.lifecycle(event);
  };

  /** What the vote-kick machine reports: to `votes$`, and a refused command as its error. */
  readonly vote = (event: VoteKickEmitted): void => {
    if (event.type === 'vote.rejected') {
      const command = event.command === 'vote.start' ? 'startVoteKick' : 'voteKick';
      this.core.reporter.report({ kind: 'wrong-state', command, code: event.code, reason: event.reason });
    }
    this.core.streams.vote(event);
  };

  readonly session = (event: SessionEmitted): void => {
    const { directory, reporter, counters } = this.core;
    switch (event.type) {
      case 'peer.connected':
        directory.setSession(event.remoteId, 'connected');
        break;
      case 'peer.attemptFailed':
        if (event.retryInMs !== undefined) directory.setSession(event.remoteId, 'connecting');
        reporter.report({
          kind: 'session-failed',
          remoteId: event.remoteId,
          attempt: event.attempt,
          failure: event.failure,
          retryInMs: event.retryInMs,
          reason: sessionFailureText(event.remoteId, event.failure),
        });
        break;
      case 'peer.closed':
        directory.setSession(event.remoteId, 'closed');
        break;
      case 'member.reconnected':
        directory.setAway(event.memberId, false);
        break;
      case 'member.dismissed':
        // A held seat given up: the member leaves the gate only now (other departures left it already).
        directory.remove(event.memberId);
        this.core.forgetPeer(event.memberId);
        break;
      case 'peer.reconnectRefused':
        reporter.report({ kind: 'wrong-state', command: 'reconnect', code: event.code, reason: event.reason });
        break;
      case 'session.refused':
        // The session is left unanswered, not closed: closing would make Steam ask again at the stranger's next
        // packet; what it holds meanwhile is bounded by every backend in bytes and time.
        counters.sessionRequestsRefused++;
        reporter.report({ kind: 'session-refused', remoteId: event.remoteId, code: event.code, reason: event.reason });
        break;
      default:
        break;
    }
    this.core.streams.session(event);
  };

  /** Says what we speak, so members who see it before our first packet never open to us in the tutorial's. */
  private declareOwnWire(lobbyId: bigint): void {
    const { backend, reporter } = this.core;
    if (backend.capabilities.memberData !== 'absent') {
      reporter.guarded('members', () => backend.setLobbyMemberData(lobbyId, WIRE_MEMBER_DATA_KEY, WIRE_MEMBER_DATA_VALUE));
    }
  }

  /**
   * Back in the lobby after Steam dropped us: whoever left meanwhile leaves now, whoever came meanwhile enters
   * now, as Steam's member list says (we heard none of it while out).
   */
  private catchUpMembers(lobbyId: bigint, members: readonly bigint[]): void {
    const { directory, selfId } = this.core;
    const now = new Set(members);
    for (const id of directory.remoteMemberIds()) {
      if (now.has(id)) continue;
      directory.remove(id);
      this.core.forgetPeer(id);
      this.core.toMachines({ type: 'member.changed', memberId: id, change: 'left', changedBy: id });
    }
    for (const id of members) {
      if (id === selfId || directory.has(id) || !directory.add(id, declaredWire(this.core, lobbyId, id))) continue;
      this.core.toMachines({ type: 'member.changed', memberId: id, change: 'entered', changedBy: id });
    }
  }

  /** A timeout on a runtime nobody ticked since the request says so: the game forgot its tick(). */
  private untickedHint(code: string, reason: string, openedAt: number): string {
    return code === 'timeout' && this.core.counters.ticks === openedAt ? reason + NEVER_TICKED : reason;
  }

  private listing(lobbyId: bigint): LobbyListing {
    const { backend, reporter } = this.core;
    return {
      lobbyId,
      memberLimit: reporter.guarded('findLobbies', () => backend.getLobbyMemberLimit(lobbyId)) ?? 0,
      memberCount: reporter.guarded('findLobbies', () => backend.getLobbyMemberCount(lobbyId)) ?? 0,
      data: { ...(reporter.guarded('findLobbies', () => backend.getAllLobbyData(lobbyId)) ?? EMPTY_DATA) },
    };
  }
}
