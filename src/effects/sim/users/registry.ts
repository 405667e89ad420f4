/**
 * The simulated Steam's accounts and the relations between them: adding users, friendship (mutual), blocking, and
 * how a user comes to know a stranger's persona name (later, after sharing a lobby with them).
 */
import { PERSONA_CHANGE_NAME } from '../../backend.js';
import type { SimCore } from '../core.js';
import type { LinkTable } from '../p2p/link-table.js';
import { SimUser, type SimulatedUserOptions } from './user.js';

export class UserRegistry {
  private readonly byId = new Map<bigint, SimUser>();

  constructor(
    private readonly core: SimCore,
    private readonly table: LinkTable,
  ) {}

  get(id: bigint): SimUser | undefined {
    return this.byId.get(id);
  }

  /** The user, or a thrown Error naming the missing id: for test and tool calls, never the game's. */
  require(id: bigint): SimUser {
    const user = this.byId.get(id);
    if (user === undefined) throw new Error(`simulated Steam: no user ${String(id)}; add it with addUser first`);
    return user;
  }

  values(): IterableIterator<SimUser> {
    return this.byId.values();
  }

  add(options: SimulatedUserOptions): SimUser {
    if (this.byId.has(options.id)) throw new Error(`simulated Steam: user ${options.id} already exists`);
    const user = new SimUser(options, this.table);
    this.byId.set(user.id, user);
    // Friendship is mutual: a friend request becomes a friendship for both once accepted (sdk isteamfriends.h:22-24).
    for (const friendId of user.friends) {
      const friend = this.byId.get(friendId);
      if (friend !== undefined) {
        friend.friends.add(user.id);
        friend.known.add(user.id);
      }
    }
    for (const other of this.byId.values()) {
      if (other.friends.has(user.id)) {
        user.friends.add(other.id);
        user.known.add(other.id);
      }
    }
    return user;
  }

  /** Makes `a` and `b` friends, who know each other's names (sdk isteamfriends.h:233-236). */
  befriend(a: SimUser, b: SimUser): void {
    a.friends.add(b.id);
    b.friends.add(a.id);
    a.known.add(b.id);
    b.known.add(a.id);
  }

  /** `user` blocks `other`: joins where one blocked the other answer 10 or 11 (sdk steamclientpublic.h:284-285). */
  block(user: SimUser, other: bigint): void {
    user.blocked.add(other);
  }

  /**
   * `viewer` learns `subject`'s persona a little later: a stranger's name arrives asynchronously after joining a
   * lobby (sdk isteamfriends.h:238, isteammatchmaking.h:161), announced by PersonaStateChange_t with
   * k_EPersonaChangeName (sdk isteamfriends.h:483-496); the delay is a modelling choice (`personaDelayMs`).
   */
  introduce(viewer: SimUser, subject: SimUser): void {
    if (viewer.known.has(subject.id)) return;
    const core = this.core;
    core.scheduler.at(core.now() + core.personaDelayMs, () => {
      if (viewer.known.has(subject.id)) return;
      viewer.known.add(subject.id);
      core.emit(viewer, { type: 'personaChange', userId: subject.id, flags: PERSONA_CHANGE_NAME });
    });
  }
}
