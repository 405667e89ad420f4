/**
 * What each backend's `capabilities` must say, written from docs/capabilities.md's table ("The backends' own
 * capabilities") and, for its "native / emulated" row, the loopback service's own notes: the tests compare what a
 * backend declares with this, never with the constant the backend declares it from.
 */
import type { BackendCapabilities } from '../../src/effects/backend.js';

export const DOCUMENTED_CAPABILITIES: Readonly<Record<'simulated' | 'steamworks' | 'steamworksPipelab' | 'loopback', BackendCapabilities>> = {
  // The simulator: every feature, as Steam has it.
  simulated: {
    lobbies: 'native',
    lobbyListFilters: 'native',
    lobbyListDistance: 'native',
    lobbyData: 'native',
    memberData: 'native',
    enterResponseCodes: 'native',
    kickAndBan: 'native',
    invites: 'native',
    joinRequested: 'native',
    lobbyChat: 'native',
    personaNames: 'native',
    p2p: 'native',
    p2pChannels: 'native',
    closeSession: 'native',
    relayControl: 'native',
    serverStatus: 'native',
    launchArgs: 'native',
  },
  // steamworks.js 0.4: filters applied after getLobbies, chat and channels carried by lobbykit; no member data,
  // enter response codes, kick/ban, invites, persona names, session close, relay toggle or distance filter.
  steamworks: {
    lobbies: 'native',
    lobbyListFilters: 'emulated',
    lobbyListDistance: 'absent',
    lobbyData: 'native',
    memberData: 'absent',
    enterResponseCodes: 'absent',
    kickAndBan: 'absent',
    invites: 'absent',
    joinRequested: 'native',
    lobbyChat: 'emulated',
    personaNames: 'absent',
    p2p: 'native',
    p2pChannels: 'emulated',
    closeSession: 'absent',
    relayControl: 'absent',
    serverStatus: 'native',
    launchArgs: 'native',
  },
  // The @pipelab/steamworks.js fork (docs/steamworks.md): steamworks.js 0.4 plus its own channels and persona names.
  steamworksPipelab: {
    lobbies: 'native',
    lobbyListFilters: 'emulated',
    lobbyListDistance: 'absent',
    lobbyData: 'native',
    memberData: 'absent',
    enterResponseCodes: 'absent',
    kickAndBan: 'absent',
    invites: 'absent',
    joinRequested: 'native',
    lobbyChat: 'emulated',
    personaNames: 'native',
    p2p: 'native',
    p2pChannels: 'native',
    closeSession: 'absent',
    relayControl: 'absent',
    serverStatus: 'native',
    launchArgs: 'native',
  },
  // The loopback service: P2P over its socket, the socket for Steam's servers, launch arguments as passed, every
  // lobby local, always relayed, no overlay.
  loopback: {
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
  },
};
