/**
 * The game's commands: each validates its arguments first (a JavaScript caller may pass anything, `null` options
 * included), then either calls the backend itself or goes through the machines. Every failure is one typed error,
 * published once on `errors$` and returned as the command's result; promises only ever resolve.
 */
import { textLooksLikeNotice } from '../codec/chat-notice.js';
import { isValidChannel } from '../codec/frame.js';
import { parseLobbyListFilters } from '../effects/list-filters.js';
import { utf8Length } from '../codec/value-encoder.js';
import type { CodecErrorCode, CodecResult } from '../codec/result.js';
import {
  DEFAULT_LOBBY_TYPE,
  DEFAULT_MAX_MEMBERS,
  MAX_LOBBY_CHAT_BYTES,
  P2PSendType,
  createLobbyProblem,
  isReliableSendType,
  isSendType,
  isSteamId,
  lobbyDataProblem,
  sendSizeProblem,
  type LobbyListFilters,
  type LobbyType,
} from '../steam/index.js';
import type { LobbyInvite } from '../machines/lobby.machine.js';
import type { SessionEvent } from '../machines/session.machine.js';
import type { OwnerCommandOptions, SendOptions } from './api.js';
import type { ListResult, MembershipResult, RuntimeCore } from './core.js';
import { DISPOSED_TEXT, describeThrown, type Failed, type LobbyRuntimeError, type RuntimeCommand, type RuntimeResult } from './errors.js';
import type { PeerSlot } from './member-directory.js';
import type { Outcomes } from './outcomes.js';
import { LOBBYKIT_WIRE } from './peer-wire.js';
import { NO_TUTORIAL_BYTES, steamChannel, type TutorialBytes } from './send-wires.js';
import { encodeTutorialMessage, encodeTutorialVariant } from './tutorial-codec.js';

type Ok = { readonly ok: true };
const OK: Ok = Object.freeze({ ok: true });
const textEncoder = new TextEncoder();
type SendRefusal = Extract<LobbyRuntimeError, { kind: 'send-refused' }>['code'];

/** Why an options argument is not an options object, or undefined (undefined itself is fine: all defaults). */
function optionsProblem(options: unknown, name: string): string | undefined {
  if (options === undefined) return undefined;
  return options !== null && typeof options === 'object' && !Array.isArray(options) ? undefined : `${name} must be an object, got ${options === null ? 'null' : typeof options}`;
}

function epochProblem(options: OwnerCommandOptions | undefined): string | undefined {
  const epoch = options?.epoch;
  return epoch === undefined || Number.isInteger(epoch) ? undefined : `epoch must be an integer, got ${String(epoch)}`;
}

export class Commands {
  private disposed = false;

  constructor(
    private readonly core: RuntimeCore,
    private readonly outcomes: Outcomes,
  ) {}

  dispose(): void {
    this.disposed = true;
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
      this.invalid('createLobby', shape ?? createLobbyProblem(request.lobbyType, request.maxMembers, request.data)) ??
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
      this.invalid('setLobbyData', lobbyDataProblem(key, value)) ??
      this.notInLobby('setLobbyData', lobbyId) ??
      (directory.ownerId !== this.core.selfId
        ? this.wrongState('setLobbyData', 'not-owner', 'Only the lobby owner can set lobby data.')
        : undefined);
    if (problem !== undefined || lobbyId === undefined) return this.core.reporter.fail(problem!);
    return this.backendCall('setLobbyData', () => this.core.backend.setLobbyData(lobbyId, key, value));
  }

  sendChat(text: string): RuntimeResult {
    const lobbyId = this.core.directory.lobbyId;
    const problem =
      this.disposedError('sendChat') ??
      this.invalid('sendChat', typeof text === 'string' ? undefined : 'chat messages are strings') ??
      this.notInLobby('sendChat', lobbyId);
    if (problem !== undefined || lobbyId === undefined) return this.core.reporter.fail(problem!);
    if (textLooksLikeNotice(text)) return this.refuseSend('sendChat', 'invalid-argument', "chat text cannot start with a NUL character: lobbykit's notices do");
    // One rule for text everywhere: a lone surrogate cannot be carried by UTF-8, in chat as in messages.
    const length = utf8Length(text);
    if (length < 0) return this.refuseSend('sendChat', 'unencodable', 'string holds a lone UTF-16 surrogate, which UTF-8 cannot carry', 'unencodable');
    if (length > MAX_LOBBY_CHAT_BYTES) {
      return this.refuseSend('sendChat', 'too-large', `lobby chat messages are limited to ${MAX_LOBBY_CHAT_BYTES} bytes, got ${length}`);
    }
    return this.backendCall('sendChat', () => this.core.backend.sendLobbyChat(lobbyId, textEncoder.encode(text)));
  }

  send(to: bigint | 'all', message: unknown, options: SendOptions | undefined): RuntimeResult<{ readonly recipients: number }> {
    const { core } = this;
    const problem =
      this.disposedError('send') ??
      this.invalid('send', to === 'all' || isSteamId(to) ? undefined : `${String(to)} is neither a Steam ID nor 'all'`) ??
      this.invalid('send', optionsProblem(options, 'send options'));
    if (problem !== undefined) return core.reporter.fail(problem);
    const channel = options?.channel ?? 0;
    if (!isValidChannel(channel)) return this.refuseSend('send', 'invalid-argument', `channel ${String(channel)} is not an integer from 0 to 2^31 − 1`);
    const sendType = options?.sendType ?? (options?.reliable === false ? P2PSendType.unreliable : P2PSendType.reliable);
    if (!isSendType(sendType)) return this.refuseSend('send', 'invalid-argument', `send type ${String(sendType)} is not 0..3`);
    const outside = this.notInLobby('send', core.directory.lobbyId);
    if (outside !== undefined) return core.reporter.fail(outside);
    // One gate lookup both admits a single recipient and finds the slot a reliable send stamps.
    const target = to === 'all' ? 'all' : core.directory.gate.get(to);
    if (target === undefined) return this.refuseSend('send', 'not-a-member', `${String(to)} is not a member of this lobby`);
    const reliable = isReliableSendType(sendType);
    if (target !== 'all' && target.wire === undefined && !reliable) {
      return this.refuseSend('send', 'not-connected', `${String(to)} has not said what it speaks yet; an unreliable message would arrive stale`);
    }
    const encoded = this.encodeFor(target, message, channel, sendType);
    if (!encoded.ok) return encoded.failure;
    const { frame, tutorial } = encoded;
    const frameChannel = steamChannel(core.backend, LOBBYKIT_WIRE, channel);
    const tutorialChannel = steamChannel(core.backend, undefined, channel);
    let recipients = 0;
    // A reliable message does a heartbeat's job (it arrives, or Steam fails the session), so it postpones the next
    // heartbeat; an unreliable one may be lost, so it does not.
    const sentAt = reliable ? core.clock.now() : undefined;
    try {
      if (target === 'all') {
        const slots = core.directory.slots;
        for (let i = 0; i < slots.length; i++) {
          const slot = slots[i]!;
          const wire = slot.wire;
          if (wire === undefined) {
            // Not shown what it speaks yet: reliable messages wait for it (held-sends.ts); unreliable ones would be stale.
            if (reliable && this.hold(slot, frame, message, sendType, channel)) recipients++;
            continue;
          }
          const lobbykit = wire === LOBBYKIT_WIRE;
          if (this.sendTo(slot, lobbykit ? frame : tutorial.get(wire)!, sendType, lobbykit ? frameChannel : tutorialChannel)) {
            recipients++;
            if (sentAt !== undefined) slot.lastSent = sentAt;
          }
        }
      } else if (target.wire === undefined) {
        if (!this.hold(target, frame, message, sendType, channel)) {
          return this.refuseSend('send', 'not-connected', `${String(to)} has not said what it speaks yet and already has the most messages held for it`);
        }
        recipients++;
      } else if (
        target.wire === LOBBYKIT_WIRE
          ? this.sendTo(target, frame, sendType, frameChannel)
          : this.sendTo(target, tutorial.get(target.wire)!, sendType, tutorialChannel)
      ) {
        recipients++;
        if (sentAt !== undefined) target.lastSent = sentAt;
      } else {
        return this.backendRefused('send');
      }
    } catch (thrown) {
      return core.reporter.fail({ kind: 'internal', where: 'send', reason: describeThrown(thrown) });
    }
    core.counters.packetsSent += recipients;
    return { ok: true, recipients };
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * The message in every wire its recipients speak: the lobbykit frame (always made, so a message is held to the
   * same rules in every lobby), and the tutorial's bytes per tutorial wire among the recipients, made only when
   * there are some. Refused as a whole before anything is sent when any of them cannot carry it.
   */
  private encodeFor(
    target: PeerSlot | 'all',
    message: unknown,
    channel: number,
    sendType: P2PSendType,
  ): { ok: true; frame: Uint8Array; tutorial: TutorialBytes } | { ok: false; failure: Failed } {
    const frame = this.core.codec.encode(message, { channel, reliable: isReliableSendType(sendType) });
    const checked = this.checked(frame, sendType);
    if (!checked.ok) return checked;
    let tutorial = NO_TUTORIAL_BYTES;
    const slots = target === 'all' ? this.core.directory.slots : [target];
    for (let i = 0; i < slots.length; i++) {
      const wire = slots[i]!.wire;
      if (wire === undefined || wire.kind === 'lobbykit' || tutorial.get(wire) !== undefined) continue;
      const bytes = this.checked(encodeTutorialMessage(message, wire), sendType);
      if (!bytes.ok) return bytes;
      tutorial = tutorial.with(wire, bytes.value);
    }
    return { ok: true, frame: checked.value, tutorial };
  }

  private checked(encoded: CodecResult<Uint8Array>, sendType: P2PSendType): { ok: true; value: Uint8Array } | { ok: false; failure: Failed } {
    if (!encoded.ok) {
      const code = encoded.code === 'too-large-to-send' ? 'too-large' : 'unencodable';
      return { ok: false, failure: this.refuseSend('send', code, encoded.detail, encoded.code) };
    }
    const sizeProblem = sendSizeProblem(encoded.value.length, sendType);
    if (sizeProblem !== undefined) return { ok: false, failure: this.refuseSend('send', 'too-large', sizeProblem, 'too-large-to-send') };
    return encoded;
  }

  /** A reliable message for a member whose wire is not known yet: held until it shows it. */
  private hold(slot: PeerSlot, frame: Uint8Array, message: unknown, sendType: P2PSendType, channel: number): boolean {
    const godot = (version: 3 | 4) => {
      const raw = encodeTutorialVariant(message, version);
      return raw.ok ? raw.value : undefined;
    };
    const held = this.core.held.hold(slot.id, { frame, godot: { 3: godot(3), 4: godot(4) }, sendType, channel });
    if (!held) {
      this.core.reporter.report({
        kind: 'send-refused',
        command: 'send',
        code: 'not-connected',
        reason: `${slot.id} has not said what it speaks yet and already has the most messages held for it`,
      });
    }
    return held;
  }

  /** A member showed its wire: what was held for it goes out now, in order, in that wire. */
  releaseHeld(slot: PeerSlot): void {
    const wire = slot.wire;
    if (wire === undefined) return;
    const channelOf = (game: number) => steamChannel(this.core.backend, wire, game);
    for (const { bytes, send } of this.core.held.release(slot.id, wire)) {
      if (this.core.reporter.guarded('send', () => this.sendTo(slot, bytes, send.sendType, channelOf(send.channel))) === true) {
        this.core.counters.packetsSent++;
        slot.lastSent = this.core.clock.now();
      }
    }
  }

  /** Sends through the member's route once the backend has given one: the id and its lookup are then skipped. */
  private sendTo(slot: PeerSlot, bytes: Uint8Array, sendType: P2PSendType, channel: number): boolean {
    const { routes, backend } = this.core;
    if (routes !== undefined && slot.route !== undefined) return routes.send(slot.route, bytes, sendType, channel);
    const sent = backend.sendP2P(slot.id, bytes, sendType, channel);
    if (sent && routes !== undefined) slot.route = routes.routeTo(slot.id);
    return sent;
  }

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

  /** A command that goes through the machines: fails with the first refusal reported while it ran. */
  private throughMachines(event: SessionEvent): RuntimeResult {
    const captured = this.core.reporter.capture(() => this.core.toMachines(event));
    const refusal = captured.find((e) => e.kind === 'wrong-state' || e.kind === 'backend-refused' || e.kind === 'invalid-argument');
    this.core.directory.publish();
    return refusal === undefined ? OK : { ok: false, error: refusal };
  }

  /** A backend command issued directly by the runtime (not through a machine). */
  private backendCall(command: RuntimeCommand, call: () => boolean): RuntimeResult {
    try {
      return call() ? OK : this.backendRefused(command);
    } catch (thrown) {
      return this.core.reporter.fail({ kind: 'internal', where: command, reason: describeThrown(thrown) });
    }
  }

  private backendRefused(command: RuntimeCommand): Failed {
    const refusal = this.core.backend.lastRefusal();
    return this.core.reporter.fail({
      kind: 'backend-refused',
      command,
      code: refusal?.code ?? 'native-error',
      reason: refusal?.detail ?? `The backend refused ${command}.`,
    });
  }

  private refuseSend(command: 'send' | 'sendChat', code: SendRefusal, reason: string, codecCode?: CodecErrorCode): Failed {
    this.core.counters.sendsRefused++;
    return this.core.reporter.fail(
      codecCode === undefined ? { kind: 'send-refused', command, code, reason } : { kind: 'send-refused', command, code, codecCode, reason },
    );
  }

  private wrongState(command: RuntimeCommand, code: Extract<LobbyRuntimeError, { kind: 'wrong-state' }>['code'], reason: string): LobbyRuntimeError {
    return { kind: 'wrong-state', command, code, reason };
  }

  private disposedError(command: RuntimeCommand): LobbyRuntimeError | undefined {
    return this.disposed ? this.wrongState(command, 'disposed', DISPOSED_TEXT) : undefined;
  }

  private notInLobby(command: RuntimeCommand, lobbyId: bigint | undefined): LobbyRuntimeError | undefined {
    return lobbyId === undefined ? this.wrongState(command, 'not-in-lobby', 'Not in a lobby.') : undefined;
  }

  private invalid(command: RuntimeCommand, problem: string | undefined): LobbyRuntimeError | undefined {
    return problem === undefined ? undefined : { kind: 'invalid-argument', command, reason: problem };
  }

  private busy(command: RuntimeCommand): LobbyRuntimeError | undefined {
    const request = this.core.membershipRequest;
    if (!request.busy) return undefined;
    return this.wrongState(command, 'busy', `A ${request.kind} request is still in flight; wait for it to finish.`);
  }
}
