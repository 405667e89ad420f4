/**
 * Steam's EChatRoomEnterResponse, as a lobby join reports it. Only 1 is success; every other code becomes a
 * typed, readable reason so a game's "join failed" screen never has to know Steam's numbers.
 */
/** EChatRoomEnterResponse (isteamfriends.h / steam_api_common). */
export const EnterResponse = {
  success: 1,
  doesntExist: 2,
  notAllowed: 3,
  full: 4,
  error: 5,
  banned: 6,
  limited: 7,
  clanDisabled: 8,
  communityBan: 9,
  memberBlockedYou: 10,
  youBlockedMember: 11,
  noRankingDataLobby: 12,
  noRankingDataUser: 13,
  rankOutOfRange: 14,
  rateLimitExceeded: 15,
} as const;
export type EnterResponse = (typeof EnterResponse)[keyof typeof EnterResponse];

export type EnterFailureKey =
  | 'doesnt-exist'
  | 'not-allowed'
  | 'full'
  | 'error'
  | 'banned'
  | 'limited'
  | 'clan-disabled'
  | 'community-ban'
  | 'member-blocked-you'
  | 'you-blocked-member'
  | 'no-ranking-data-lobby'
  | 'no-ranking-data-user'
  | 'rank-out-of-range'
  | 'rate-limit-exceeded'
  | 'unknown';

export interface EnterFailure {
  /** The raw EChatRoomEnterResponse code Steam sent. */
  readonly response: number;
  readonly key: EnterFailureKey;
  /** A sentence for the player; codes 2..11 use the seed tutorial's texts. */
  readonly reason: string;
}

const FAILURES: ReadonlyMap<number, readonly [EnterFailureKey, string]> = new Map([
  [2, ['doesnt-exist', 'This lobby no longer exists.']],
  [3, ['not-allowed', "You don't have permission to join this lobby."]],
  [4, ['full', 'The lobby is now full.']],
  [5, ['error', 'Uh... something unexpected happened!']],
  [6, ['banned', 'You are banned from this lobby.']],
  [7, ['limited', 'You cannot join due to having a limited account.']],
  [8, ['clan-disabled', 'This lobby is locked or disabled.']],
  [9, ['community-ban', 'This lobby is community locked.']],
  [10, ['member-blocked-you', 'A user in the lobby has blocked you from joining.']],
  [11, ['you-blocked-member', 'A user you have blocked is in the lobby.']],
  // 12..14 are retired in the SDK but an old client may still send them; 15 is the join rate limit.
  [12, ['no-ranking-data-lobby', 'The lobby has no ranking data.']],
  [13, ['no-ranking-data-user', 'You have no ranking data for this lobby.']],
  [14, ['rank-out-of-range', 'Your rank is out of range for this lobby.']],
  [15, ['rate-limit-exceeded', 'Too many join attempts in a short time; wait a moment and try again.']],
]);

/** The typed reason for a failed enter response (any code but 1). Unknown codes stay readable, never throw. */
export function enterFailure(response: number): EnterFailure {
  const known = FAILURES.get(response);
  if (known !== undefined) return { response, key: known[0], reason: known[1] };
  return { response, key: 'unknown', reason: `Steam refused the join with an unknown response (${response}).` };
}

/** The seed's text for an enter response; unknown codes stay readable. */
export function enterResponseReason(code: number): string {
  return code === EnterResponse.success ? 'Success.' : enterFailure(code).reason;
}

/** Every failure code Steam defines, for tests and generated paths that must cover them all. */
export const ENTER_FAILURE_CODES: readonly number[] = [...FAILURES.keys()];
