/**
 * The game's lobby commands (create, join, list, leave, kick, invite, votes, data): each validates its arguments
 * first (a JavaScript caller may pass anything, `null` options included), then either calls the backend itself or
 * goes through the machines. Sends are sends.ts's. Every failure is one typed error, published once on `errors$`
 * and returned as the command's result; promises only ever resolve.
 */
import { parseLobbyListFilters } from '../effects/list-filters.js';
import {
  DEFAULT_LOBBY_TYPE,
  DEFAULT_MAX_MEMBERS,
  createLobbyProblem,
  isSteamId,
  lobbyDataProblem,
  type LobbyListFilters,
  type LobbyType,
} from '../steam/index.js';
import type { LobbyInvite } from '../machines/lobby.machine.js';
import type { SessionEvent } from '../machines/session.machine.js';
import type { OwnerCommandOptions } from './api.js';
import { CommandBase, OK, epochProblem, optionsProblem, type CommandState } from './command-base.js';
import type { ListResult, MembershipResult, RuntimeCore } from './core.js';
import type { LobbyRuntimeError, RuntimeResult } from './errors.js';
import { LOBBYKIT_KEY_PREFIX } from './lobby-state.js';
import type { Outcomes } from './outcomes.js';

/**
 * Lobby data keys lobbykit writes itself (the expelled list, the started flag): a game that could write them could
 * let kicked users back in for newcomers, or drop a member for everyone without a kick.
 */
function reservedKeyProblem(keys: readonly string[]): string | undefined {
  const key = keys.find((k) => k.startsWith(LOBBYKIT_KEY_PREFIX));
  return key === undefined ? undefined : `"${key}" is lobbykit's own lobby data key: kick, ban and startGame set it`;
}

export class Commands extends CommandBase {
  constructor(
    core: RuntimeCore,
    state: CommandState,
    private readonly outcomes: Outcomes,
  ) {
    super(core, state);
  }

  createLobby(options: unknown): Promise<MembershipResult> {
    const shape = optionsProblem(options, 'createLobby options');
    const given = (shape === undefined ? options : undefined) as { lobbyType?: unknown; maxMembers?: unknown; data?: unknown } | undefined;
    const request = {
      lobbyType: given?.lobbyType ?? DEFAULT_LOBBY_TYPE,
      maxMembers: given?.maxMembers ?? DEFAULT_MAX_MEMBERS,
      data: given?.data as Readonly<Record<string, string>> | undefined,
    };
    const problem =
      this.disposedError('createLobby') ??
      this.invalid(
        'createLobby',
        shape ?? createLobbyProblem(request.lobbyType, request.maxMembers, request.data) ?? reservedKeyProblem(Object.keys(request.data ?? {})),
      ) ??
      this.busy('createLobby');
    if (problem !== undefined) return Promise.resolve(this.core.reporter.fail(problem));
    const result = this.core.membershipRequest.open('create');
    this.outcomes.opened('membership');
    this.core.toMachines({ type: 'lobby.create', ...request, lobbyType: request.lobbyType as LobbyType, maxMembers: request.maxMembers as number });
    return result;
  }

  /**
   * One rule for every deliberate join (this, `acceptInvite`, Steam's "Join game", `+connect_lobby`): in another
   * lobby, leave it and then join; in this very lobby, done at once; while reconnecting to it, refused.
   */
  joinLobby(lobbyId: bigint): Promise<MembershipResult> {
    const problem =
      this.disposedError('joinLobby') ??
      this.invalid('joinLobby', isSteamId(lobbyId) ? undefined : `${String(lobbyId)} is not a lobby ID`) ??
      this.busy('joinLobby');
    return this.join('joinLobby', lobbyId, problem, { type: 'lobby.join', lobbyId });
  }

  acceptInvite(invite: LobbyInvite): Promise<MembershipResult> {
    const given = invite as { lobbyId?: unknown; from?: unknown } | null | undefined;
    const problem =
      this.disposedError('acceptInvite') ??
      this.invalid(
        'acceptInvite',
        typeof given === 'object' && given !== null && isSteamId(given.lobbyId) && isSteamId(given.from)
          ? undefined
          : 'an invite is { lobbyId, from }, both Steam IDs, as lifecycle$ reports it',
      ) ??
      this.busy('acceptInvite');
    if (problem !== undefined) return Promise.resolve(this.core.reporter.fail(problem));
    return this.join('acceptInvite', invite.lobbyId, undefined, { type: 'lobby.acceptInvite', lobbyId: invite.lobbyId, from: invite.from });
  }

  reconnect(memberId: bigint): RuntimeResult {
    const problem =
      this.disposedError('reconnect') ??
      this.invalid('reconnect', isSteamId(memberId) ? undefined : `${String(memberId)} is not a Steam ID`) ??
      this.invalid('reconnect', memberId === this.core.selfId ? 'you have no session with yourself' : undefined) ??
      this.notInLobby('reconnect', this.core.directory.lobbyId);
    if (problem !== undefined) return this.core.reporter.fail(problem);
    return this.throughMachines({ type: 'peer.reconnect', remoteId: memberId });
  }

  startVoteKick(memberId: bigint): RuntimeResult {
    const problem =
      this.disposedError('startVoteKick') ??
      this.invalid('startVoteKick', isSteamId(memberId) ? undefined : `${String(memberId)} is not a Steam ID`) ??
      this.notInLobby('startVoteKick', this.core.directory.lobbyId);
    if (problem !== undefined) return this.core.reporter.fail(problem);
    return this.throughMachines({ type: 'vote.start', target: memberId });
  }

  voteKick(approve: boolean): RuntimeResult {
    const problem =
      this.disposedError('voteKick') ??
      this.invalid('voteKick', typeof approve === 'boolean' ? undefined : 'a ballot is true (kick) or false (keep)') ??
      this.notInLobby('voteKick', this.core.directory.lobbyId);
    if (problem !== undefined) return this.core.reporter.fail(problem);
    return this.throughMachines({ type: 'vote.cast', approve });
  }

  findLobbies(filters: LobbyListFilters | undefined): Promise<ListResult> {
    const parsed = parseLobbyListFilters(filters);
    const problem =
      this.disposedError('findLobbies') ??
      this.invalid('findLobbies', parsed.ok ? undefined : parsed.detail) ??
      (this.core.listRequest.busy
        ? this.wrongState('findLobbies', 'list-in-flight', 'A lobby list request is already waiting for its result.')
        : undefined);
    if (problem !== undefined) return Promise.resolve(this.core.reporter.fail(problem));
    const result = this.core.listRequest.open('list');
    this.outcomes.opened('list');
    this.core.toMachines({ type: 'lobby.list', filters: parsed.ok ? parsed.value : {} });
    return result;
  }

  leaveLobby(): RuntimeResult {
    const disposed = this.disposedError('leaveLobby');
    if (disposed !== undefined) return this.core.reporter.fail(disposed);
    return this.throughMachines({ type: 'lobby.leave' });
  }

  expel(command: 'kick' | 'ban', memberId: bigint, options: OwnerCommandOptions | undefined): RuntimeResult {
    const { directory } = this.core;
    const problem =
      this.disposedError(command) ??
      this.invalid(command, optionsProblem(options, `${command} options`) ?? epochProblem(options)) ??
      this.invalid(command, isSteamId(memberId) ? undefined : `${String(memberId)} is not a Steam ID`) ??
      this.invalid(command, memberId === this.core.selfId ? `you cannot ${command} yourself` : undefined) ??
      this.invalid(
        command,
        directory.lobbyId !== undefined && !directory.has(memberId) ? `${memberId} is not a member of this lobby` : undefined,
      );
    if (problem !== undefined) return this.core.reporter.fail(problem);
    const epoch = options?.epoch ?? this.core.streams.lobby.epoch;
    return this.throughMachines({ type: command === 'kick' ? 'lobby.kick' : 'lobby.ban', memberId, epoch });
  }

  startGame(options: OwnerCommandOptions | undefined): RuntimeResult {
    const problem =
      this.disposedError('startGame') ??
      this.invalid('startGame', optionsProblem(options, 'startGame options') ?? epochProblem(options));
    if (problem !== undefined) return this.core.reporter.fail(problem);
    return this.throughMachines({ type: 'lobby.start', epoch: options?.epoch ?? this.core.streams.lobby.epoch });
  }

  invite(userId: bigint): RuntimeResult {
    const lobbyId = this.core.directory.lobbyId;
    const problem =
      this.disposedError('invite') ??
      this.invalid('invite', isSteamId(userId) ? undefined : `${String(userId)} is not a Steam ID`) ??
      this.notInLobby('invite', lobbyId);
    if (problem !== undefined || lobbyId === undefined) return this.core.reporter.fail(problem!);
    return this.backendCall('invite', () => this.core.backend.inviteUserToLobby(lobbyId, userId));
  }

  setLobbyData(key: string, value: string): RuntimeResult {
    const { directory } = this.core;
    const lobbyId = directory.lobbyId;
    const problem =
      this.disposedError('setLobbyData') ??
      this.invalid('setLobbyData', lobbyDataProblem(key, value) ?? reservedKeyProblem([key])) ??
      this.notInLobby('setLobbyData', lobbyId) ??
      (directory.ownerId !== this.core.selfId
        ? this.wrongState('setLobbyData', 'not-owner', 'Only the lobby owner can set lobby data.')
        : undefined);
    if (problem !== undefined || lobbyId === undefined) return this.core.reporter.fail(problem!);
    return this.backendCall('setLobbyData', () => this.core.backend.setLobbyData(lobbyId, key, value));
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────────────────────

  /** A join-like command: settled at once in the lobby it names, refused while reconnecting to it, else asked for. */
  private join(command: 'joinLobby' | 'acceptInvite', lobbyId: bigint, problem: LobbyRuntimeError | undefined, event: SessionEvent): Promise<MembershipResult> {
    if (problem !== undefined) return Promise.resolve(this.core.reporter.fail(problem));
    const lobby = this.core.streams.lobby;
    if (lobby.lobbyId === lobbyId && lobby.status === 'reconnecting') {
      return Promise.resolve(this.core.reporter.fail(this.wrongState(command, 'reconnecting', 'Already getting back into that lobby.')));
    }
    if (lobby.lobbyId === lobbyId && lobby.status === 'joined') {
      // Nothing to join; an accepted invite to it is still used up.
      if (event.type === 'lobby.acceptInvite') this.core.toMachines(event);
      return Promise.resolve({ ok: true, lobbyId });
    }
    const result = this.core.membershipRequest.open('join');
    this.outcomes.opened('membership');
    this.core.toMachines(event);
    return result;
  }

  /**
   * A command that goes through the machines: fails with the first refusal reported while it ran (the machines'
   * wrong-state, or backend-refused from a backend call they made).
   */
  private throughMachines(event: SessionEvent): RuntimeResult {
    const captured = this.core.reporter.capture(() => this.core.toMachines(event));
    const refusal = captured.find((e) => e.kind === 'wrong-state' || e.kind === 'backend-refused');
    this.core.directory.publish();
    return refusal === undefined ? OK : { ok: false, error: refusal };
  }








}
