/** The loopback backend's capability table: what the service gives natively, emulates, or lacks. */
import type { BackendCapabilities } from '../backend.js';

/**
 * What the loopback service gives, said honestly. 'emulated' means the feature works but not as Steam does it:
 * - p2p: packets go over the service's WebSocket (TCP), so unreliable sends (types 0, 1) arrive too, in order and
 *   never duplicated; they are dropped only when the receiver has fallen megabytes behind. Type 3 is not buffered.
 *   A session to a user who is not connected fails at once (error 4, timeout) rather than after Steam's timeout.
 * - lobbyListDistance: every lobby is on this machine, so each distance finds all of them.
 * - relayControl: everything is relayed by the service; allowRelay is accepted and changes nothing.
 * - serverStatus: the service's socket stands in for Steam's servers: losing it reports serversDisconnected.
 * - launchArgs: whatever the caller passes as `launchArgs` (no Steam client starts the game with +connect_lobby).
 * - joinRequested: absent, there is no Steam overlay to click "Join game" in.
 * - personaNames: every member's name arrives with the lobby, so names are known at once (no late personaChange).
 */
export const LOOPBACK_CAPABILITIES: BackendCapabilities = Object.freeze({
  lobbies: 'native',
  lobbyListFilters: 'native',
  lobbyListDistance: 'emulated',
  lobbyData: 'native',
  memberData: 'native',
  enterResponseCodes: 'native',
  kickAndBan: 'native',
  invites: 'native',
  joinRequested: 'absent',
  lobbyChat: 'native',
  personaNames: 'native',
  p2p: 'emulated',
  p2pChannels: 'native',
  closeSession: 'native',
  relayControl: 'emulated',
  serverStatus: 'emulated',
  launchArgs: 'emulated',
});
