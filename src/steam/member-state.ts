/**
 * What happened to a lobby member, from a lobby chat update's member-state bits (EChatMemberStateChange:
 * 0x1 entered, 0x2 left, 0x4 disconnected, 0x8 kicked, 0x10 banned), or from the names steamworks.js sends.
 */
export type MemberChange = 'entered' | 'left' | 'disconnected' | 'kicked' | 'banned';

/** EChatMemberStateChange bits, by the change each names. */
export const ChatMemberStateChange = {
  entered: 0x1,
  left: 0x2,
  disconnected: 0x4,
  kicked: 0x8,
  banned: 0x10,
} as const satisfies Readonly<Record<MemberChange, number>>;
export type ChatMemberStateChange = (typeof ChatMemberStateChange)[keyof typeof ChatMemberStateChange];

// When several bits are set, the harshest one wins: a ban is also a departure, but the game must say "banned".
const BY_SEVERITY: readonly MemberChange[] = ['banned', 'kicked', 'disconnected', 'left', 'entered'];

/**
 * The change named by Steam's state bits, or by the name steamworks.js 0.4 sends instead ("Entered", …).
 * Returns undefined for a value that names no change, so the caller can count it rather than guess.
 */
export function memberChangeFromSteam(state: number | string): MemberChange | undefined {
  if (typeof state === 'string') {
    const name = state.trim().toLowerCase();
    return BY_SEVERITY.find((change) => change === name);
  }
  if (!Number.isInteger(state)) return undefined;
  return BY_SEVERITY.find((change) => (state & ChatMemberStateChange[change]) !== 0);
}

/** Whether the member is gone from the lobby after this change. */
export function isDeparture(change: MemberChange): boolean {
  return change !== 'entered';
}
