/**
 * What the client a game hands over can do, found by looking at the client itself (never at a package name): the
 * @pipelab/steamworks.js fork adds Steam's P2P channels and friend persona names to steamworks.js 0.4's shape, and
 * any other binding with the same members gets the same treatment. The capability table follows from it.
 */
import type { BackendCapabilities } from '../backend.js';
import type { SteamworksClient, SteamworksFriends, SteamworksNetworking } from './client-types.js';

/** Steam's channel calls, present together or not used at all. */
export type NativeChannels = Required<Pick<SteamworksNetworking, 'sendP2PPacketOnChannel' | 'isP2PPacketAvailableOnChannel' | 'readP2PPacketFromChannel'>>;

export interface SteamworksBinding {
  /** The channel calls when the client has all three (the fork), else undefined: channels ride in the lobbykit frame. */
  readonly channels: NativeChannels | undefined;
  /** `friends.getFriendName` when the client has it (the fork), else undefined: names of others are unknown. */
  readonly friends: SteamworksFriends | undefined;
  readonly capabilities: BackendCapabilities;
}

/** steamworks.js 0.4: what it has natively, what lobbykit emulates on top, and what is absent. */
export const STEAMWORKS_CAPABILITIES: BackendCapabilities = Object.freeze({
  lobbies: 'native',
  // Emulated after Steam's 50-lobby cap: getLobbies takes no filters (steamworks.js matchmaking.rs:184-206).
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
});

/** @pipelab/steamworks.js 0.9: steamworks.js 0.4 plus native channels and persona names. */
export const PIPELAB_STEAMWORKS_CAPABILITIES: BackendCapabilities = Object.freeze({
  ...STEAMWORKS_CAPABILITIES,
  p2pChannels: 'native',
  personaNames: 'native',
});

export function detectBinding(client: SteamworksClient): SteamworksBinding {
  const net = client.networking;
  const send = net.sendP2PPacketOnChannel;
  const available = net.isP2PPacketAvailableOnChannel;
  const read = net.readP2PPacketFromChannel;
  const channels =
    typeof send === 'function' && typeof available === 'function' && typeof read === 'function'
      ? { sendP2PPacketOnChannel: send, isP2PPacketAvailableOnChannel: available, readP2PPacketFromChannel: read }
      : undefined;
  const friends = typeof client.friends?.getFriendName === 'function' ? client.friends : undefined;
  const capabilities: BackendCapabilities =
    channels === undefined && friends === undefined
      ? STEAMWORKS_CAPABILITIES
      : Object.freeze({
          ...STEAMWORKS_CAPABILITIES,
          p2pChannels: channels === undefined ? 'emulated' : 'native',
          personaNames: friends === undefined ? 'absent' : 'native',
        });
  return { channels, friends, capabilities };
}
