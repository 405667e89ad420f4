/**
 * SteamError, the error type steamworks-rs (as pinned by steamworks.js 0.4) puts where Steam has an EResult: its
 * variant name is what a callback payload carries once serde has turned it into JSON (SteamServersDisconnected's
 * `reason` is "NoConnection", not 3), and its message is what a rejected async call says (`createLobby` rejects
 * with "there isn't a network connection to steam or it failed to connect"). This table turns either back into
 * Steam's EResult. Rows are steamworks-rs error.rs:16-388 (names, messages) joined by its From<EResult> at
 * error.rs:390-525 with the numbers of sdk steamclientpublic.h:14-146.
 */

export interface SteamErrorInfo {
  /** The SteamError variant's name, e.g. "NoConnection". */
  readonly name: string;
  /** Steam's EResult for it, e.g. 3 (k_EResultNoConnection). */
  readonly result: number;
  /** The variant's message (its Display), e.g. "there isn't a network connection to steam or it failed to connect". */
  readonly text: string;
}

/** EResult k_EResultFail: what a SteamError lobbykit cannot name stands for. */
export const STEAM_RESULT_FAIL = 2;

const ROWS: readonly (readonly [name: string, result: number, text: string])[] = [
  ['Generic', 2, 'a generic failure from the steamworks API'],
  ['NoConnection', 3, "there isn't a network connection to steam or it failed to connect"],
  ['InvalidPassword', 5, 'password or ticket is invalid'],
  ['LoggedInElsewhere', 6, 'user logged in elsewhere'],
  ['InvalidProtocolVersion', 7, 'the protocol version is incorrect'],
  ['InvalidParameter', 8, 'a parameter is invalid'],
  ['FileNotFound', 9, 'a file was not found'],
  ['Busy', 10, 'method busy'],
  ['InvalidState', 11, 'object in invalid state'],
  ['InvalidName', 12, 'name is invalid'],
  ['InvalidEmail', 13, 'email is invalid'],
  ['DuplicateName', 14, 'name is not unique'],
  ['AccessDenied', 15, 'access denied'],
  ['Timeout', 16, 'operation timed out'],
  ['Banned', 17, 'VAC2 banned'],
  ['AccountNotFound', 18, 'account not found'],
  ['InvalidSteamID', 19, 'steamID is invalid'],
  ['ServiceUnavailable', 20, 'requested service is unavailable'],
  ['NotLoggedOn', 21, 'user not logged on'],
  ['Pending', 22, 'request is pending'],
  ['EncryptionFailure', 23, 'encryption/decryption failed'],
  ['InsufficientPrivilege', 24, 'insufficient privilege'],
  ['LimitExceeded', 25, 'limit exceeded'],
  ['Revoked', 26, 'access revoked'],
  ['Expired', 27, 'access expired'],
  ['AlreadyRedeemed', 28, 'licence/guest pass already redeemed'],
  ['DuplicateRequest', 29, 'request is a duplicate'],
  ['AlreadyOwned', 30, 'all games requested already owned'],
  ['IPNotFound', 31, 'ip address not found'],
  ['PersistFailed', 32, 'failed to write change'],
  ['LockingFailed', 33, 'failed to acquire access lock'],
  ['LogonSessionReplaced', 34, 'logon session replaced'],
  ['ConnectFailed', 35, 'connect failed'],
  ['HandshakeFailed', 36, 'handshake failed'],
  ['IOFailure', 37, 'IO failure'],
  ['RemoteDisconnect', 38, 'remote disconnect'],
  ['ShoppingCartNotFound', 39, 'failed to find the requested shopping cart'],
  ['Blocked', 40, 'action blocked'],
  ['Ignored', 41, 'target is ignoring sender'],
  ['NoMatch', 42, 'no matches found'],
  ['AccountDisabled', 43, 'account disabled'],
  ['ServiceReadOnly', 44, 'service is read only'],
  ['AccountNotFeatured', 45, 'account not featured'],
  ['AdministratorOK', 46, 'administrator ok'],
  ['ContentVersion', 47, 'version mismatch with transmitted content'],
  ['TryAnotherCM', 48, 'CM cannot service user'],
  ['PasswordRequiredToKickSession', 49, 'user already logged in, cached login failed'],
  ['AlreadyLoggedInElsewhere', 50, 'user already logged in, please wait'],
  ['Suspended', 51, 'operation suspended/paused'],
  ['Cancelled', 52, 'operation cancelled'],
  ['DataCorruption', 53, 'operation cancelled due to data corruption'],
  ['DiskFull', 54, 'operation cancelled due to the disk being full'],
  ['RemoteCallFailed', 55, 'remote/IPC call failed'],
  ['PasswordUnset', 56, 'cannot verify unset password'],
  ['ExternalAccountUnlinked', 57, 'external account not linked to steam'],
  ['PSNTicketInvalid', 58, 'PSN ticket invalid'],
  ['ExternalAccountAlreadyLinked', 59, 'external account already linked'],
  ['RemoteFileConflict', 60, 'sync conflict between remote and local files'],
  ['IllegalPassword', 61, 'new password is illegal'],
  ['SameAsPreviousValue', 62, 'new value is the same as old value'],
  ['AccountLogonDenied', 63, '2nd factor authentication failed'],
  ['CannotUseOldPassword', 64, 'cannot use old password'],
  ['InvalidLoginAuthCode', 65, 'invalid login auth code'],
  ['AccountLogonDeniedNoMail', 66, 'no email for 2nd factor authentication'],
  ['HardwareNotCapableOfIPT', 67, 'hardware not capable of IPT'],
  ['IPTInitError', 68, 'IPT init error'],
  ['ParentalControlRestricted', 69, 'restricted due to parental controls'],
  ['FacebookQueryError', 70, 'facebook query failed'],
  ['ExpiredLoginAuthCode', 71, 'login denied due to exipred auth code'],
  ['IPLoginRestrictionFailed', 72, 'IP login restriction failed'],
  ['AccountLockedDown', 73, 'account locked down'],
  ['AccountLogonDeniedVerifiedEmailRequired', 74, 'account logon denied verified email required'],
  ['NoMatchingURL', 75, 'no matching URL'],
  ['BadResponse', 76, 'bad response'],
  ['RequirePasswordReEntry', 77, 'password re-entry required'],
  ['ValueOutOfRange', 78, 'value is out of range'],
  ['UnexpectedError', 79, 'unexpected error'],
  ['Disabled', 80, 'service disabled'],
  ['InvalidCEGSubmission', 81, 'submitted files to CEG are invalid'],
  ['RestrictedDevice', 82, 'device is restricted from action'],
  ['RegionLocked', 83, 'region restrictions prevented action'],
  ['RateLimitExceeded', 84, 'temporary rate limit exceeded'],
  ['AccountLoginDeniedNeedTwoFactor', 85, 'two-factor authetication required for login'],
  ['ItemDeleted', 86, 'item deleted'],
  ['AccountLoginDeniedThrottle', 87, 'account login denied, throttled'],
  ['TwoFactorCodeMismatch', 88, 'two-factor code mismatched'],
  ['TwoFactorActivationCodeMismatch', 89, 'two-factor activation code mismatched'],
  ['AccountAssociatedToMultiplePartners', 90, 'account associated to multiple partners'],
  ['NotModified', 91, 'data not modified'],
  ['NoMobileDevice', 92, 'no mobile device associated with account'],
  ['TimeNotSynced', 93, 'time not synced correctly'],
  ['SmsCodeFailed', 94, 'sms code validation failed'],
  ['AccountLimitExceeded', 95, 'account limit exceeded for resource'],
  ['AccountActivityLimitExceeded', 96, 'account activity limit exceeded'],
  ['PhoneActivityLimitExceeded', 97, 'phone activity limited exceeded'],
  ['RefundToWallet', 98, 'must refund to wallet instead of payment method'],
  ['EmailSendFailure', 99, 'email sending failed'],
  ['NotSettled', 100, 'action cannot be performed until payment has settled'],
  ['NeedCaptcha', 101, 'valid captcha required'],
  ['GSLTDenied', 102, 'game server login token has been banned'],
  ['GSOwnerDenied', 103, 'game server owner denied'],
  ['InvalidItemType', 104, 'invalid item type'],
  ['IPBanned', 105, 'IP banned from action'],
  ['GSLTExpired', 106, 'game server login token expired'],
  ['InsufficientFunds', 107, 'insufficient wallet funds for action'],
  ['TooManyPending', 108, 'too many actions pending'],
  ['NoSiteLicensesFound', 109, 'no site licenses found'],
  ['WGNetworkSendExceeded', 110, 'WG network send size exceeded'],
];

const BY_NAME: ReadonlyMap<string, SteamErrorInfo> = new Map(ROWS.map(([name, result, text]) => [name, { name, result, text }]));
const BY_TEXT: ReadonlyMap<string, SteamErrorInfo> = new Map([...BY_NAME.values()].map((info) => [info.text, info]));

/** The SteamError a serde variant name stands for ("NoConnection" → 3), or undefined for anything else. */
export function steamErrorByName(name: unknown): SteamErrorInfo | undefined {
  return typeof name === 'string' ? BY_NAME.get(name) : undefined;
}

/** The SteamError whose message `text` is (a rejected steamworks.js call's), or undefined. */
export function steamErrorByText(text: unknown): SteamErrorInfo | undefined {
  return typeof text === 'string' ? BY_TEXT.get(text) : undefined;
}

/** The SteamError for an EResult, for a simulator that must say what steamworks.js would. */
export function steamErrorByResult(result: number): SteamErrorInfo | undefined {
  for (const info of BY_NAME.values()) if (info.result === result) return info;
  return undefined;
}
