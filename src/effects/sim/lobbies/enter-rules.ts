/**
 * Steam's answer to a join (EChatRoomEnterResponse): which rule refuses whom. The codes and their meanings are
 * Valve's (sdk steamclientpublic.h:275-289); the order the rules are checked in is the simulator's, since Steam
 * does not document which refusal wins when several apply.
 */
import { EnterResponse } from '../../backend.js';
import type { UserRegistry } from '../users/registry.js';
import type { SimUser } from '../users/user.js';
import type { SimLobby } from './lobby.js';

export function enterResponse(users: UserRegistry, user: SimUser, lobby: SimLobby | undefined): number {
  // A test may force any code, including those no rule produces (5, 12-15: sdk steamclientpublic.h:279, 286-289).
  const forced = user.forcedEnter.shift();
  if (forced !== undefined) return forced;
  // No connection to Steam's back end: the call fails (sdk steamclientpublic.h:279, "Unexpected Error").
  if (!user.serversConnected) return EnterResponse.error;
  // The lobby is gone, probably closed (sdk steamclientpublic.h:276).
  if (lobby === undefined) return EnterResponse.doesntExist;
  // Joining a lobby one is already in succeeds again (a modelling choice: Steam does not say).
  if (lobby.members.includes(user.id)) return EnterResponse.success;
  // Banned from this lobby (sdk steamclientpublic.h:280).
  if (lobby.banned.has(user.id)) return EnterResponse.banned;
  // A limited account (sdk steamclientpublic.h:281) or a community lock (sdk steamclientpublic.h:283).
  if (user.options.limited === true) return EnterResponse.limited;
  if (user.options.communityBanned === true) return EnterResponse.communityBan;
  // Not joinable: nobody may join, not even friends or invitees (sdk isteammatchmaking.h:234-235), answered as
  // "locked or disabled" (sdk steamclientpublic.h:282).
  if (!lobby.joinable) return EnterResponse.clanDisabled;
  // Private: invitees only; friends-only: friends of a member and invitees (sdk isteammatchmaking.h:20-21; code
  // sdk steamclientpublic.h:277).
  const invited = lobby.invited.has(user.id);
  if (lobby.type === 0 && !invited) return EnterResponse.notAllowed;
  if (lobby.type === 1 && !invited && !lobby.members.some((m) => user.friends.has(m))) return EnterResponse.notAllowed;
  // At its member limit (sdk steamclientpublic.h:278).
  if (lobby.members.length >= lobby.memberLimit) return EnterResponse.full;
  // A member blocked the joiner, or the joiner blocked a member (sdk steamclientpublic.h:284-285).
  for (const memberId of lobby.members) {
    if (users.get(memberId)?.blocked.has(user.id) === true) return EnterResponse.memberBlockedYou;
  }
  for (const memberId of lobby.members) if (user.blocked.has(memberId)) return EnterResponse.youBlockedMember;
  return EnterResponse.success;
}
