/**
 * The effects the machines ask for, done on one runtime's backend: each runtime builds its own set and hands it to
 * its root actor as input, so an actor's effects can only ever reach the runtime that created it. A request the
 * backend refuses (or throws on) is answered at once with the machine event that says so, carrying the reason.
 */
import { encodeChatNotice } from '../codec/chat-notice.js';
import type { CapabilityName } from '../effects/backend.js';
import type { MachineEffects } from '../machines/effects.js';
import type { RuntimeCommand } from './errors.js';
import { publishExpulsions } from './expulsions.js';
import { STARTED_LOBBY_DATA_KEY } from './lobby-state.js';
import { heardWithin, heartbeatDue } from './liveness.js';
import type { RuntimeCore } from './core.js';

/** The backend's reason for its last refusal of `command`, for the event that reports it to a machine. */
function refusalReason(core: RuntimeCore, command: RuntimeCommand, threw: boolean): string {
  if (threw) return `The backend failed during ${command}; see errors$ for what it threw.`;
  return core.backend.lastRefusal()?.detail ?? `The backend refused ${command}.`;
}

export function createMachineEffects(core: RuntimeCore): MachineEffects {
  const { backend, reporter, directory, protocol, counters } = core;

  /** A backend call a machine asked for: true when the backend accepted it; a refusal is reported. */
  const effectCall = (command: RuntimeCommand, call: () => boolean): boolean => {
    const accepted = reporter.guarded(command, call);
    if (accepted === true) return true;
    if (accepted === false) backendRefused(command);
    return false;
  };

  /**
   * The seed's housekeeping (joinable, relay): a backend that says it lacks the feature is not asked, since the
   * game did not ask for it either and there is nothing to tell it.
   */
  const housekeeping = (capability: CapabilityName, call: () => boolean): void => {
    if (backend.capabilities[capability] === 'absent') return;
    effectCall('setLobbyData', call);
  };

  const backendRefused = (command: RuntimeCommand): void => {
    const refusal = backend.lastRefusal();
    reporter.report({
      kind: 'backend-refused',
      command,
      code: refusal?.code ?? 'native-error',
      reason: refusal?.detail ?? `The backend refused ${command}.`,
    });
  };

  /**
   * Kick or ban, as Valve documents it (Steam's lobby API has no kick): a notice in lobby chat first, so every
   * member (the target too) hears who did what, kick or ban; then the backend's own kick where it has one. Without
   * one (steamworks.js) the notice is the kick: lobbykit members drop the target and the target leaves by itself.
   * Either way we keep them out here at once (whether or not Steam reports it back), and tell members to come, who
   * will not see it happen, through the lobby's data.
   */
  const expel = (command: 'kick' | 'ban', lobbyId: bigint, memberId: bigint, call: () => boolean): void => {
    const notice = encodeChatNotice({ kind: 'expel', target: memberId, ban: command === 'ban' });
    const noticed = reporter.guarded(command, () => backend.sendLobbyChat(lobbyId, notice)) === true;
    if (backend.capabilities.kickAndBan === 'absent') {
      if (!noticed) return backendRefused(command);
    } else if (!effectCall(command, call)) {
      return;
    }
    directory.expel(memberId);
    publishExpulsions(core);
    core.forgetPeer(memberId);
    core.toMachines({ type: 'member.changed', memberId, change: command === 'kick' ? 'kicked' : 'banned', changedBy: core.selfId });
  };

  return {
    createLobby: ({ lobbyType, maxMembers }) => {
      const accepted = reporter.guarded('createLobby', () => backend.createLobby(lobbyType, maxMembers));
      if (accepted === true) return;
      core.toMachines({ type: 'lobby.createRefused', reason: refusalReason(core, 'createLobby', accepted === undefined) });
    },
    joinLobby: ({ lobbyId }) => {
      const accepted = reporter.guarded('joinLobby', () => backend.joinLobby(lobbyId));
      if (accepted === true) return;
      core.toMachines({ type: 'lobby.joinRefused', lobbyId, reason: refusalReason(core, 'joinLobby', accepted === undefined) });
    },
    leaveLobby: ({ lobbyId }) => {
      reporter.guarded('leaveLobby', () => backend.leaveLobby(lobbyId));
      // Steam's leave is synchronous: tell the machine it is done.
      core.toMachines({ type: 'lobby.left' });
    },
    leaveStrayLobby: ({ lobbyId }) => void reporter.guarded('leaveLobby', () => backend.leaveLobby(lobbyId)),
    setLobbyJoinable: ({ lobbyId }) => housekeeping('lobbyData', () => backend.setLobbyJoinable(lobbyId, true)),
    allowRelay: () => housekeeping('relayControl', () => backend.allowRelay(true)),
    setLobbyData: ({ lobbyId, data }) => {
      for (const [key, value] of Object.entries(data)) effectCall('setLobbyData', () => backend.setLobbyData(lobbyId, key, value));
    },
    requestLobbyList: ({ filters }) => {
      const accepted = reporter.guarded('findLobbies', () => backend.requestLobbyList(filters));
      if (accepted === true) return;
      core.toMachines({ type: 'lobby.listRefused', reason: refusalReason(core, 'findLobbies', accepted === undefined) });
    },
    kick: ({ lobbyId, memberId }) => expel('kick', lobbyId, memberId, () => backend.kickLobbyMember(lobbyId, memberId)),
    ban: ({ lobbyId, memberId }) => expel('ban', lobbyId, memberId, () => backend.banLobbyMember(lobbyId, memberId)),
    // Through the root to the lobby machine, which checks we own the lobby at that epoch.
    kickByVote: ({ memberId, epoch }) => core.toMachines({ type: 'lobby.kick', memberId, epoch }),
    sendVoteFrame: (frame) => {
      const lobbyId = directory.lobbyId;
      if (lobbyId === undefined) return;
      if (reporter.guarded('voteKick', () => backend.sendLobbyChat(lobbyId, encodeChatNotice(frame))) === false) backendRefused('voteKick');
    },
    start: ({ lobbyId }) => void effectCall('startGame', () => backend.setLobbyData(lobbyId, STARTED_LOBBY_DATA_KEY, '1')),
    acceptSession: ({ remoteId }) => {
      counters.sessionRequestsAccepted++;
      reporter.guarded('acceptSession', () => backend.acceptSession(remoteId));
    },
    sendHandshake: ({ remoteId, attempt }) => void reporter.guarded('handshake', () => protocol.sendHandshake(remoteId, attempt)),
    sendHandshakeAck: ({ remoteId }) => void reporter.guarded('handshake', () => protocol.sendHandshakeAck(remoteId)),
    sendHeartbeats: ({ remoteIds, intervalMs }) => {
      const now = core.clock.now();
      for (const remoteId of remoteIds) {
        const slot = directory.gate.get(remoteId);
        // A link that carried a reliable frame within the interval needs no heartbeat.
        if (slot !== undefined && !heartbeatDue(slot.lastSent, now, intervalMs)) continue;
        if (reporter.guarded('heartbeat', () => protocol.sendHeartbeat(remoteId)) === true && slot !== undefined) slot.lastSent = now;
      }
    },
    checkLiveness: ({ remoteIds, windowMs }) => {
      const now = core.clock.now();
      for (const remoteId of remoteIds) {
        const slot = directory.gate.get(remoteId);
        // A tutorial peer never heartbeats: its liveness is Steam's session (p2p_session_connect_fail), not silence.
        if (slot !== undefined && slot.wire?.kind !== 'lobbykit') continue;
        if (!heardWithin(slot?.lastHeard, now, windowMs)) core.toMachines({ type: 'peer.silent', remoteId });
      }
    },
    closeSession: ({ remoteId }) => {
      core.forgetPeer(remoteId);
      if (backend.capabilities.closeSession !== 'absent') reporter.guarded('closeSession', () => backend.closeSession(remoteId));
    },
  };
}
