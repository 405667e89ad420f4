/**
 * The loopback service's lobby state and Steam's rules over it, with no sockets: every request returns the
 * messages to send and to whom, so the rules are tested without a network and the service only moves bytes.
 */
import {
  ChatMemberStateChange,
  CreateLobbyResult,
  createLobbyProblem,
  EnterResponse,
  LobbyType,
  lobbyDataKeyProblem,
  lobbyDataValueProblem,
  MAX_LOBBY_CHAT_BYTES,
} from '../effects/backend.js';
import { applyLobbyListFilters } from '../effects/list-filters.js';
import type { ClientOp } from '../effects/loopback/client-ops.js';
import { idToWire } from '../effects/loopback/protocol.js';
import { error, events, lobbyView, typeName, wire, type Lobby, type Outgoing, type User } from './lobby-views.js';

export type { Outgoing } from './lobby-views.js';

/** Steam's individual-account base, so loopback ids look like the real ones in logs. */
const FIRST_USER_ID = 76561197960265728n + 1000n;
/** Steam's chat-instance lobby id prefix (0x0186…), likewise. */
const FIRST_LOBBY_ID = 0x0186_0000_0000_0000n + 1n;
const MAX_REGULAR_LOBBIES = 1;
const MAX_INVISIBLE_LOBBIES = 2;

export type Departure = 'left' | 'disconnected';

export interface DirectoryLog {
  (line: string): void;
}

export class LobbyDirectory {
  private readonly users = new Map<bigint, User>();
  private readonly lobbies = new Map<bigint, Lobby>();
  private nextUserId = FIRST_USER_ID;
  private nextLobbyId = FIRST_LOBBY_ID;

  constructor(private readonly log: DirectoryLog = () => {}) {}

  get userCount(): number {
    return this.users.size;
  }

  get lobbyCount(): number {
    return this.lobbies.size;
  }

  /** Gives a new user its id; ids are never reused, so a stale id can never reach someone else. */
  register(name: string): bigint {
    const id = this.nextUserId++;
    this.users.set(id, { id, name, lobbies: new Set() });
    return id;
  }

  hasUser(id: bigint): boolean {
    return this.users.has(id);
  }

  nameOf(id: bigint): string {
    return this.users.get(id)?.name ?? String(id);
  }

  /** Members of `lobbyId`, or undefined when it does not exist (for relaying chat). */
  membersOf(lobbyId: bigint): readonly bigint[] | undefined {
    const lobby = this.lobbies.get(lobbyId);
    return lobby === undefined ? undefined : [...lobby.members.keys()];
  }

  /** Removes a user from every lobby (it left the service or its socket died) and forgets it. */
  remove(userId: bigint, how: Departure): Outgoing[] {
    const user = this.users.get(userId);
    if (user === undefined) return [];
    const out: Outgoing[] = [];
    for (const lobbyId of [...user.lobbies]) {
      const lobby = this.lobbies.get(lobbyId);
      if (lobby !== undefined) this.depart(lobby, user, how === 'left' ? ChatMemberStateChange.left : ChatMemberStateChange.disconnected, userId, out);
    }
    this.users.delete(userId);
    return out;
  }

  /** Applies one request from `userId` (already validated for shape) and returns what to send. */
  handle(userId: bigint, op: ClientOp): Outgoing[] {
    const user = this.users.get(userId);
    if (user === undefined) return [];
    const out: Outgoing[] = [];
    switch (op.op) {
      case 'hello':
      case 'ping':
      case 'closeSession':
        break; // the service answers these itself
      case 'createLobby':
        this.create(user, op.lobbyType, op.maxMembers, out);
        break;
      case 'joinLobby':
        this.join(user, op.lobbyId, out);
        break;
      case 'leaveLobby': {
        const lobby = this.memberLobby(user, op.lobbyId, op.op, out);
        if (lobby !== undefined) this.depart(lobby, user, ChatMemberStateChange.left, user.id, out);
        break;
      }
      case 'requestLobbyList':
        this.list(user, op.filters, out);
        break;
      case 'setLobbyData':
      case 'deleteLobbyData': {
        const lobby = this.ownedLobby(user, op.lobbyId, op.op, out);
        if (lobby === undefined) break;
        const problem = lobbyDataKeyProblem(op.key) ?? (op.op === 'setLobbyData' ? lobbyDataValueProblem(op.value) : undefined);
        if (problem !== undefined) {
          out.push(error(user.id, 'invalid-argument', `${op.op}: ${problem}`, op.op, lobby.id));
          break;
        }
        if (op.op === 'setLobbyData') lobby.values.set(op.key, op.value);
        else if (!lobby.values.delete(op.key)) break; // nothing changed, nothing to tell
        this.tellMembers(lobby, out, () => [{ type: 'lobbyDataUpdate', lobbyId: lobby.id, memberId: lobby.id, success: true }]);
        break;
      }
      case 'setLobbyMemberData': {
        const lobby = this.memberLobby(user, op.lobbyId, op.op, out);
        if (lobby === undefined) break;
        const problem = lobbyDataKeyProblem(op.key) ?? lobbyDataValueProblem(op.value);
        if (problem !== undefined) {
          out.push(error(user.id, 'invalid-argument', `${op.op}: ${problem}`, op.op, lobby.id));
          break;
        }
        lobby.members.get(user.id)!.set(op.key, op.value);
        this.tellMembers(lobby, out, () => [{ type: 'lobbyDataUpdate', lobbyId: lobby.id, memberId: user.id, success: true }]);
        break;
      }
      case 'setLobbyJoinable': {
        const lobby = this.ownedLobby(user, op.lobbyId, op.op, out);
        if (lobby === undefined) break;
        lobby.joinable = op.joinable;
        // Steam raises no callback for this; members' mirrors still learn it.
        this.tellMembers(lobby, out, () => []);
        break;
      }
      case 'kick':
      case 'ban':
        this.remove1(user, op.lobbyId, op.memberId, op.op, out);
        break;
      case 'invite':
        this.invite(user, op.lobbyId, op.userId, out);
        break;
    }
    return out;
  }

  /** Relays a chat frame (already checked to come from `userId`) to every member, the sender included, as Steam. */
  chat(userId: bigint, lobbyId: bigint, messageLength: number, frame: Uint8Array): Outgoing[] {
    const user = this.users.get(userId);
    if (user === undefined) return [];
    const out: Outgoing[] = [];
    if (messageLength > MAX_LOBBY_CHAT_BYTES) {
      out.push(error(userId, 'too-large', `lobby chat messages are limited to ${MAX_LOBBY_CHAT_BYTES} bytes, got ${messageLength}`, 'chat', lobbyId));
      return out;
    }
    const lobby = this.memberLobby(user, lobbyId, 'chat', out);
    if (lobby === undefined) return out;
    for (const member of lobby.members.keys()) out.push({ to: member, frame });
    return out;
  }

  private create(user: User, lobbyType: number, maxMembers: number, out: Outgoing[]): void {
    const problem = createLobbyProblem(lobbyType, maxMembers);
    if (problem !== undefined) {
      out.push(error(user.id, 'invalid-argument', `createLobby: ${problem}`, 'createLobby'));
      out.push(events(user.id, [{ type: 'lobbyCreated', result: CreateLobbyResult.fail, lobbyId: 0n }]));
      return;
    }
    const full = this.lobbyLimitProblem(user, lobbyType as LobbyType);
    if (full !== undefined) {
      this.log(`${this.label(user.id)} refused a new lobby: ${full}`);
      out.push(error(user.id, 'lobby-limit', `createLobby: ${full}`, 'createLobby'));
      out.push(events(user.id, [{ type: 'lobbyCreated', result: CreateLobbyResult.limitExceeded, lobbyId: 0n }]));
      return;
    }
    const lobby: Lobby = {
      id: this.nextLobbyId++,
      type: lobbyType as LobbyType,
      memberLimit: maxMembers,
      joinable: true,
      owner: user.id,
      members: new Map([[user.id, new Map()]]),
      values: new Map(),
      banned: new Set(),
      invited: new Set(),
      get memberCount() {
        return this.members.size;
      },
      data(key: string) {
        return this.values.get(key) ?? '';
      },
    };
    this.lobbies.set(lobby.id, lobby);
    user.lobbies.add(lobby.id);
    this.log(`${this.label(user.id)} created lobby ${lobby.id} (${typeName(lobby.type)}, up to ${maxMembers})`);
    out.push({
      to: user.id,
      message: {
        t: 'update',
        lobbies: [this.view(lobby, true)],
        events: wire([
          { type: 'lobbyCreated', result: CreateLobbyResult.ok, lobbyId: lobby.id },
          { type: 'lobbyEntered', lobbyId: lobby.id, response: EnterResponse.success, locked: false },
        ]),
      },
    });
  }

  private join(user: User, lobbyId: bigint, out: Outgoing[]): void {
    const lobby = this.lobbies.get(lobbyId);
    const refuse = (response: EnterResponse, why: string): void => {
      this.log(`${this.label(user.id)} refused entry to lobby ${lobbyId}: ${why}`);
      out.push(events(user.id, [{ type: 'lobbyEntered', lobbyId, response, locked: false }]));
    };
    if (lobby === undefined) return refuse(EnterResponse.doesntExist, 'no such lobby');
    if (lobby.members.has(user.id)) {
      // Already inside: Steam answers success again without a second membership.
      out.push({ to: user.id, message: { t: 'update', lobbies: [this.view(lobby, true)], events: wire([{ type: 'lobbyEntered', lobbyId, response: EnterResponse.success, locked: false }]) } });
      return;
    }
    if (lobby.banned.has(user.id)) return refuse(EnterResponse.banned, 'banned');
    if (!lobby.joinable) return refuse(EnterResponse.clanDisabled, 'not joinable');
    // Nobody is anyone's friend on the loopback service, so friends-only lobbies need an invite like private ones.
    if ((lobby.type === LobbyType.private || lobby.type === LobbyType.friendsOnly) && !lobby.invited.has(user.id)) {
      return refuse(EnterResponse.notAllowed, `${typeName(lobby.type)} lobby and no invite`);
    }
    if (lobby.members.size >= lobby.memberLimit) return refuse(EnterResponse.full, 'full');
    const full = this.lobbyLimitProblem(user, lobby.type);
    if (full !== undefined) {
      out.push(error(user.id, 'lobby-limit', `joinLobby: ${full}`, 'joinLobby', lobbyId));
      return refuse(EnterResponse.error, full);
    }
    lobby.members.set(user.id, new Map());
    lobby.invited.delete(user.id);
    user.lobbies.add(lobby.id);
    this.log(`${this.label(user.id)} joined lobby ${lobby.id} (${lobby.members.size}/${lobby.memberLimit})`);
    this.tellMembers(lobby, out, (member) =>
      member === user.id
        ? [{ type: 'lobbyEntered', lobbyId: lobby.id, response: EnterResponse.success, locked: false }]
        : [{ type: 'lobbyChatUpdate', lobbyId: lobby.id, changed: user.id, changedBy: user.id, state: ChatMemberStateChange.entered }],
    );
  }

  /** A member leaves (or is removed): others learn it, then the owner moves if it was the owner. */
  private depart(lobby: Lobby, user: User, state: number, by: bigint, out: Outgoing[]): void {
    lobby.members.delete(user.id);
    user.lobbies.delete(lobby.id);
    const how = state === ChatMemberStateChange.left ? 'left' : state === ChatMemberStateChange.disconnected ? 'disconnected from' : state === ChatMemberStateChange.kicked ? 'was kicked from' : 'was banned from';
    this.log(`${this.label(user.id)} ${how} lobby ${lobby.id}`);
    if (lobby.members.size === 0) {
      this.lobbies.delete(lobby.id);
      this.log(`lobby ${lobby.id} closed (empty)`);
      return;
    }
    const ownerLeft = lobby.owner === user.id;
    if (ownerLeft) {
      lobby.owner = lobby.members.keys().next().value as bigint;
      this.log(`lobby ${lobby.id} now owned by ${this.label(lobby.owner)}`);
    }
    this.tellMembers(lobby, out, () => {
      const list: Record<string, unknown>[] = [{ type: 'lobbyChatUpdate', lobbyId: lobby.id, changed: user.id, changedBy: by, state }];
      if (ownerLeft) list.push({ type: 'lobbyDataUpdate', lobbyId: lobby.id, memberId: lobby.id, success: true });
      return list;
    });
  }

  private list(user: User, filters: Parameters<typeof applyLobbyListFilters>[1], out: Outgoing[]): void {
    // Steam lists public and invisible lobbies that are joinable; distance never excludes anything on one machine.
    const candidates = [...this.lobbies.values()].filter(
      (l) => l.joinable && (l.type === LobbyType.public || l.type === LobbyType.invisible),
    );
    const found = applyLobbyListFilters(candidates, filters);
    out.push({
      to: user.id,
      message: {
        t: 'update',
        listed: found.map((l) => this.view(l, false)),
        events: wire([{ type: 'lobbyList', lobbyIds: found.map((l) => l.id) }]),
      },
    });
  }

  private remove1(user: User, lobbyId: bigint, memberId: bigint, op: 'kick' | 'ban', out: Outgoing[]): void {
    const lobby = this.ownedLobby(user, lobbyId, op, out);
    if (lobby === undefined) return;
    if (memberId === user.id) {
      out.push(error(user.id, 'invalid-argument', `${op}: the owner cannot ${op} itself; leave the lobby instead`, op, lobbyId));
      return;
    }
    if (op === 'ban') lobby.banned.add(memberId);
    const target = this.users.get(memberId);
    if (!lobby.members.has(memberId) || target === undefined) {
      if (op === 'kick') out.push(error(user.id, 'not-a-member', `kick: ${memberId} is not in lobby ${lobbyId}`, op, lobbyId));
      return; // a ban of a non-member still bars them from coming back
    }
    out.push({ to: memberId, message: { t: 'update', forget: [idToWire(lobbyId)], events: wire([{ type: 'lobbyKicked', lobbyId, by: user.id, dueToDisconnect: false }]) } });
    this.depart(lobby, target, op === 'kick' ? ChatMemberStateChange.kicked : ChatMemberStateChange.banned, user.id, out);
  }

  private invite(user: User, lobbyId: bigint, target: bigint, out: Outgoing[]): void {
    const lobby = this.memberLobby(user, lobbyId, 'invite', out);
    if (lobby === undefined) return;
    if (!this.users.has(target)) {
      out.push(error(user.id, 'unknown-user', `invite: no user ${target} is connected to this service`, 'invite', lobbyId));
      return;
    }
    lobby.invited.add(target);
    this.log(`${this.label(user.id)} invited ${this.label(target)} to lobby ${lobbyId}`);
    out.push({
      to: target,
      message: {
        t: 'update',
        listed: [this.view(lobby, false)],
        names: { [idToWire(user.id)]: user.name },
        events: wire([{ type: 'lobbyInvite', lobbyId, from: user.id }]),
      },
    });
  }

  /** Steam's rule (isteammatchmaking.h, ELobbyType): one regular lobby per user, and up to two invisible ones. */
  private lobbyLimitProblem(user: User, type: LobbyType): string | undefined {
    const invisible = type === LobbyType.invisible;
    let same = 0;
    for (const id of user.lobbies) if ((this.lobbies.get(id)?.type === LobbyType.invisible) === invisible) same++;
    if (invisible && same >= MAX_INVISIBLE_LOBBIES) return `a user can be in at most ${MAX_INVISIBLE_LOBBIES} invisible lobbies at a time; leave one first`;
    if (!invisible && same >= MAX_REGULAR_LOBBIES) return 'a user can be in one regular (private, friends-only or public) lobby at a time; leave it first';
    return undefined;
  }

  private memberLobby(user: User, lobbyId: bigint, op: string, out: Outgoing[]): Lobby | undefined {
    const lobby = this.lobbies.get(lobbyId);
    if (lobby === undefined) {
      out.push(error(user.id, 'unknown-lobby', `${op}: lobby ${lobbyId} does not exist`, op, lobbyId));
      return undefined;
    }
    if (!lobby.members.has(user.id)) {
      out.push(error(user.id, 'not-a-member', `${op}: you are not a member of lobby ${lobbyId}`, op, lobbyId));
      return undefined;
    }
    return lobby;
  }

  private ownedLobby(user: User, lobbyId: bigint, op: string, out: Outgoing[]): Lobby | undefined {
    const lobby = this.memberLobby(user, lobbyId, op, out);
    if (lobby !== undefined && lobby.owner !== user.id) {
      out.push(error(user.id, 'not-owner', `${op}: only the owner of lobby ${lobbyId} may do that`, op, lobbyId));
      return undefined;
    }
    return lobby;
  }

  /** Sends every member the lobby as it now is, then its own events. */
  private tellMembers(lobby: Lobby, out: Outgoing[], eventsFor: (member: bigint) => Record<string, unknown>[]): void {
    const view = this.view(lobby, true);
    for (const member of lobby.members.keys()) {
      out.push({ to: member, message: { t: 'update', lobbies: [view], events: wire(eventsFor(member)) } });
    }
  }

  private view(lobby: Lobby, withMembers: boolean) {
    return lobbyView(lobby, withMembers, (id) => this.nameOf(id));
  }

  private label(id: bigint): string {
    return `${this.nameOf(id)} (${id})`;
  }
}
