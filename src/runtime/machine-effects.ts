/**
 * The effects the machines ask for, done on one runtime's backend: each runtime makes its own and hands it to its
 * root actor as input, so an actor's effects can only ever reach the runtime that created it. A request the backend
 * refuses (or throws on) is answered at once with the machine event that says so, carrying the reason. A class, so
 * a runtime pays for one object, not a closure per effect.
 */
import { encodeChatNotice } from '../codec/chat-notice.js';
import type { CapabilityName } from '../effects/backend.js';
import type {
  CreateParams,
  HandshakeParams,
  HeartbeatParams,
  LivenessCheckParams,
  ListParams,
  LobbyDataParams,
  LobbyIdParams,
  MachineEffects,
  MemberParams,
  RemoteParams,
} from '../machines/effects.js';
import type { RuntimeCore } from './core.js';
import type { RuntimeCommand } from './errors.js';
import { publishExpulsions } from './expulsions.js';
import { heardWithin, heartbeatDue } from './liveness.js';
import { STARTED_LOBBY_DATA_KEY } from './lobby-state.js';

export class RuntimeEffects implements MachineEffects {
  constructor(private readonly core: RuntimeCore) {}

  /** What a snapshot's JSON shows for the ports a context holds (inspectors serialize contexts; the runtime is no data). */
  toJSON(): string {
    return 'runtime effects';
  }

  createLobby({ lobbyType, maxMembers }: CreateParams): void {
    const accepted = this.core.reporter.guarded('createLobby', () => this.core.backend.createLobby(lobbyType, maxMembers));
    if (accepted !== true) this.core.toMachines({ type: 'lobby.createRefused', reason: this.refusalReason('createLobby', accepted) });
  }

  joinLobby({ lobbyId }: LobbyIdParams): void {
    const accepted = this.core.reporter.guarded('joinLobby', () => this.core.backend.joinLobby(lobbyId));
    if (accepted !== true) this.core.toMachines({ type: 'lobby.joinRefused', lobbyId, reason: this.refusalReason('joinLobby', accepted) });
  }

  leaveLobby({ lobbyId }: LobbyIdParams): void {
    this.core.reporter.guarded('leaveLobby', () => this.core.backend.leaveLobby(lobbyId));
    // Steam's leave is synchronous: tell the machine it is done.
    this.core.toMachines({ type: 'lobby.left' });
  }

  leaveStrayLobby({ lobbyId }: LobbyIdParams): void {
    this.core.reporter.guarded('leaveLobby', () => this.core.backend.leaveLobby(lobbyId));
  }

  setLobbyJoinable({ lobbyId }: LobbyIdParams): void {
    this.housekeeping('lobbyData', () => this.core.backend.setLobbyJoinable(lobbyId, true));
  }

  allowRelay(): void {
    this.housekeeping('relayControl', () => this.core.backend.allowRelay(true));
  }

  setLobbyData({ lobbyId, data }: LobbyDataParams): void {
    for (const [key, value] of Object.entries(data)) this.effectCall('setLobbyData', () => this.core.backend.setLobbyData(lobbyId, key, value));
  }

  requestLobbyList({ filters }: ListParams): void {
    const accepted = this.core.reporter.guarded('findLobbies', () => this.core.backend.requestLobbyList(filters));
    if (accepted !== true) this.core.toMachines({ type: 'lobby.listRefused', reason: this.refusalReason('findLobbies', accepted) });
  }

  kick({ lobbyId, memberId }: MemberParams): void {
    this.expel('kick', lobbyId, memberId, () => this.core.backend.kickLobbyMember(lobbyId, memberId));
  }

  ban({ lobbyId, memberId }: MemberParams): void {
    this.expel('ban', lobbyId, memberId, () => this.core.backend.banLobbyMember(lobbyId, memberId));
  }

  /** Through the root to the lobby machine, which checks we own the lobby at that epoch. */
  kickByVote({ memberId, epoch }: { readonly memberId: bigint; readonly epoch: number }): void {
    this.core.toMachines({ type: 'lobby.kick', memberId, epoch });
  }

  sendVoteFrame(frame: Parameters<MachineEffects['sendVoteFrame']>[0]): void {
    const { core } = this;
    const lobbyId = core.directory.lobbyId;
    if (lobbyId === undefined) return;
    if (core.reporter.guarded('voteKick', () => core.backend.sendLobbyChat(lobbyId, encodeChatNotice(frame))) === false) this.backendRefused('voteKick');
  }

  start({ lobbyId }: LobbyIdParams): void {
    this.effectCall('startGame', () => this.core.backend.setLobbyData(lobbyId, STARTED_LOBBY_DATA_KEY, '1'));
  }

  acceptSession({ remoteId }: RemoteParams): void {
    this.core.counters.sessionRequestsAccepted++;
    this.core.reporter.guarded('acceptSession', () => this.core.backend.acceptSession(remoteId));
  }

  sendHandshake({ remoteId, attempt }: HandshakeParams): void {
    this.core.reporter.guarded('handshake', () => this.core.protocol.sendHandshake(remoteId, attempt));
  }

  sendHandshakeAck({ remoteId }: RemoteParams): void {
    this.core.reporter.guarded('handshake', () => this.core.protocol.sendHandshakeAck(remoteId));
  }

  sendHeartbeats({ remoteIds, intervalMs }: HeartbeatParams): void {
    const { core } = this;
    const now = core.clock.now();
    for (const remoteId of remoteIds) {
      const slot = core.directory.gate.get(remoteId);
      // A link that carried a reliable frame within the interval needs no heartbeat.
      if (slot !== undefined && !heartbeatDue(slot.lastSent, now, intervalMs)) continue;
      if (core.reporter.guarded('heartbeat', () => core.protocol.sendHeartbeat(remoteId)) === true && slot !== undefined) slot.lastSent = now;
    }
  }

  checkLiveness({ remoteIds, windowMs }: LivenessCheckParams): void {
    const { core } = this;
    const now = core.clock.now();
    for (const remoteId of remoteIds) {
      const slot = core.directory.gate.get(remoteId);
      // A tutorial peer never heartbeats: its liveness is Steam's session (p2p_session_connect_fail), not silence.
      if (slot !== undefined && slot.wire?.kind !== 'lobbykit') continue;
      if (!heardWithin(slot?.lastHeard, now, windowMs)) core.toMachines({ type: 'peer.silent', remoteId });
    }
  }

  closeSession({ remoteId }: RemoteParams): void {
    const { core } = this;
    core.forgetPeer(remoteId);
    if (core.backend.capabilities.closeSession !== 'absent') core.reporter.guarded('closeSession', () => core.backend.closeSession(remoteId));
  }

  /** The backend's reason for refusing `command` (accepted false) or failing in it (undefined: it threw). */
  private refusalReason(command: RuntimeCommand, accepted: boolean | undefined): string {
    if (accepted === undefined) return `The backend failed during ${command}; see errors$ for what it threw.`;
    return this.core.reporter.refusal(command, this.core.backend).reason;
  }

  /** A backend call a machine asked for: true when the backend accepted it; a refusal is reported. */
  private effectCall(command: RuntimeCommand, call: () => boolean): boolean {
    const accepted = this.core.reporter.guarded(command, call);
    if (accepted === true) return true;
    if (accepted === false) this.backendRefused(command);
    return false;
  }

  /**
   * The seed's housekeeping (joinable, relay): a backend that says it lacks the feature is not asked, since the
   * game did not ask for it either and there is nothing to tell it.
   */
  private housekeeping(capability: CapabilityName, call: () => boolean): void {
    if (this.core.backend.capabilities[capability] !== 'absent') this.effectCall('setLobbyData', call);
  }

  private backendRefused(command: RuntimeCommand): void {
    this.core.reporter.refused(command, this.core.backend);
  }

  /**
   * Kick or ban, as Valve documents it (Steam's lobby API has no kick): a notice in lobby chat first, so every
   * member (the target too) hears who did what, kick or ban; then the backend's own kick where it has one. Without
   * one (steamworks.js) the notice is the kick: lobbykit members drop the target and the target leaves by itself.
   * Either way we keep them out here at once (whether or not Steam reports it back), and tell members to come, who
   * will not see it happen, through the lobby's data.
   */
  private expel(command: 'kick' | 'ban', lobbyId: bigint, memberId: bigint, call: () => boolean): void {
    const { core } = this;
    const notice = encodeChatNotice({ kind: 'expel', target: memberId, ban: command === 'ban' });
    const noticed = core.reporter.guarded(command, () => core.backend.sendLobbyChat(lobbyId, notice)) === true;
    if (core.backend.capabilities.kickAndBan === 'absent') {
      if (!noticed) return this.backendRefused(command);
    } else if (!this.effectCall(command, call)) {
      return;
    }
    core.directory.expel(memberId);
    publishExpulsions(core, command);
    core.forgetPeer(memberId);
    core.toMachines({ type: 'member.changed', memberId, change: command === 'kick' ? 'kicked' : 'banned', changedBy: core.selfId });
  }
}
