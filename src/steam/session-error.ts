/**
 * ISteamNetworking's EP2PSessionError, as a P2P connect-fail callback reports it. 1 and 3 are deleted from the
 * SDK and never sent, but an old client could, so they keep the seed's texts rather than becoming "unknown".
 */
/** EP2PSessionError values Steam still sends. */
export const P2PSessionError = { none: 0, noRightsToApp: 2, timeout: 4, max: 5 } as const;
export type P2PSessionError = (typeof P2PSessionError)[keyof typeof P2PSessionError];

export type SessionErrorKey =
  | 'none'
  | 'not-running-app'
  | 'no-rights-to-app'
  | 'destination-not-logged-in'
  | 'timeout'
  | 'max'
  | 'unknown';

export interface SessionErrorInfo {
  readonly error: number;
  readonly key: SessionErrorKey;
  /** The seed tutorial's text for this error. */
  readonly reason: string;
  /** False when trying again cannot help (we don't own the app), so the session closes at once. */
  readonly retryable: boolean;
}

const ERRORS: ReadonlyMap<number, readonly [SessionErrorKey, string, boolean]> = new Map([
  [0, ['none', 'no error given', true]],
  [1, ['not-running-app', 'target user not running the same game', true]],
  [2, ['no-rights-to-app', "local user doesn't own app / game", false]],
  [3, ['destination-not-logged-in', "target user isn't connected to Steam", true]],
  [4, ['timeout', 'connection timed out', true]],
  [5, ['max', 'unused', true]],
]);

export function sessionErrorInfo(error: number): SessionErrorInfo {
  const known = ERRORS.get(error);
  if (known !== undefined) return { error, key: known[0], reason: known[1], retryable: known[2] };
  return { error, key: 'unknown', reason: `unknown error ${error}`, retryable: true };
}

/** The seed's text for a P2P session error. */
export function sessionErrorReason(code: number): string {
  return sessionErrorInfo(code).reason;
}

/** The codes Steam still sends (0, 2, 4, 5), for tests and generated paths. */
export const SENT_SESSION_ERRORS: readonly number[] = [0, 2, 4, 5];
