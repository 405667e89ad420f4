/**
 * Noticing that lobbykit's LobbyChatUpdate handler has been replaced behind its back (a game that registered with a
 * `callback.register` it kept from before lobbykit started, or a second steamworks.js copy): steamworks.js keeps one
 * handler per callback id, so the owner would never hear a joiner and refuse their P2P session as not a member. The
 * sign: a P2P session request from someone Steam lists as a member of our lobby whom no LobbyChatUpdate announced,
 * still unannounced after a grace of polls (the two callbacks may arrive in either order). Reported once, typed.
 */
import { ChatMemberStateChange, type BackendEvent } from '../backend.js';

/** Polls a member may stay unannounced after their session request before the problem is reported. */
export const UNANNOUNCED_MEMBER_GRACE_POLLS = 60;

type Problem = Extract<BackendEvent, { type: 'backendProblem' }>;

export class MemberWatch {
  /** Members we have been told of, per lobby we are in: who was there when we entered, then LobbyChatUpdate. */
  private readonly announced = new Map<bigint, Set<bigint>>();
  /** Session requesters Steam lists as members but nobody announced, with the poll they were seen at. */
  private readonly suspects = new Map<bigint, number>();
  private polls = 0;
  private reported = false;

  constructor(
    private readonly me: bigint,
    private readonly report: (problem: Problem) => void,
  ) {}

  entered(lobbyId: bigint, members: readonly bigint[]): void {
    this.announced.set(lobbyId, new Set([this.me, ...members]));
  }

  left(lobbyId: bigint): void {
    this.announced.delete(lobbyId);
  }

  private isAnnounced(userId: bigint): boolean {
    for (const members of this.announced.values()) if (members.has(userId)) return true;
    return false;
  }

  observe(event: BackendEvent, nativeMembers: (lobbyId: bigint) => readonly bigint[]): void {
    if (event.type === 'lobbyChatUpdate') {
      const members = this.announced.get(event.lobbyId);
      if (members === undefined) return;
      if (event.changed === this.me && (event.state & ~ChatMemberStateChange.entered) !== 0) this.announced.delete(event.lobbyId);
      else if (event.state === ChatMemberStateChange.entered) members.add(event.changed);
      else members.delete(event.changed);
      return;
    }
    if (event.type !== 'p2pSessionRequest' || this.reported || this.suspects.has(event.remote) || this.isAnnounced(event.remote)) return;
    for (const lobbyId of this.announced.keys()) {
      if (nativeMembers(lobbyId).includes(event.remote)) {
        this.suspects.set(event.remote, this.polls);
        return;
      }
    }
  }

  tick(): void {
    this.polls++;
    for (const [userId, since] of this.suspects) {
      if (this.isAnnounced(userId)) this.suspects.delete(userId);
      else if (this.polls - since >= UNANNOUNCED_MEMBER_GRACE_POLLS && !this.reported) {
        this.reported = true;
        this.suspects.clear();
        this.report({
          type: 'backendProblem',
          code: 'callbacks-lost',
          detail: `Steam lists ${userId} as a member of your lobby, but lobbykit never heard them enter: something registered its own LobbyChatUpdate handler through steamworks.js, which keeps one handler per callback id, and replaced lobbykit's. Register game callbacks with steamworksCallbacks(client).register (or client.callback.register after creating the backend), never with a register function kept from before.`,
        });
      }
    }
  }
}
