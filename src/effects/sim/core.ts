/**
 * The simulated Steam's state and rules: users, the lobby directory and the P2P network, on one virtual clock and
 * one seeded random source. Backends and steamworks.js-shaped clients are thin views over this core.
 */
import type { LobbyClock } from '../clock.js';
import {
  ChatMemberStateChange,
  CreateLobbyResult,
  EnterResponse,
  MAX_UNRELIABLE_BYTES,
  PERSONA_CHANGE_NAME,
  type BackendEvent,
  type LobbyListFilters,
  type LobbyType,
  type P2PPacket,
  type P2PSendType,
} from '../backend.js';
import { OutputSlab } from '../../codec/byte-writer.js';
import { FairInbox, type SenderQueue } from '../inbox.js';
import { applyLobbyListFilters, type LobbySummary } from '../list-filters.js';
import { combineFaults, type EffectiveFaults, type LinkFaults } from './faults.js';
import { LinkTable, OPEN, OWN_FAULTS, RECEIVER_ACCEPTED, SENDER_ACCEPTED } from './link-table.js';
import { createRandom, type Random } from './random.js';
import { Scheduler, type Scheduled } from './scheduler.js';

export interface SimulatedSteamOptions {
  readonly seed: number;
  readonly clock: LobbyClock;
  /** Base one-way P2P latency, ms (default 20). */
  readonly latencyMs?: number;
  /** Time Steam's servers take to answer a lobby operation, ms (default 40). */
  readonly serverLatencyMs?: number;
  /** Delay before a stranger's persona name arrives, ms (default 250). */
  readonly personaDelayMs?: number;
  /** A session with undeliverable reliable data, or an unanswered session request, fails after this, ms (default 10 000). */
  readonly sessionTimeoutMs?: number;
  /** How long Steam takes to notice a vanished user and drop them from lobbies, ms (default 30 000). */
  readonly disconnectDetectMs?: number;
  /** Send type 3 holds messages until this much is buffered (default 1200 B) … */
  readonly bufferBytes?: number;
  /** … or this long has passed, ms (default 200). */
  readonly bufferMs?: number;
  /** Delay one lost reliable datagram costs (default max(100, 4 × latency)), ms. */
  readonly retransmitMs?: number;
}

export interface SimulatedUserOptions {
  readonly id: bigint;
  readonly name: string;
  readonly friends?: readonly bigint[];
  readonly blocked?: readonly bigint[];
  /** A limited account (no purchases): joins answer 7. */
  readonly limited?: boolean;
  /** A community-banned account: joins answer 9. */
  readonly communityBanned?: boolean;
  /** False: the user does not own the app, so every P2P session they open fails with error 2. */
  readonly ownsApp?: boolean;
  /** Launch arguments, e.g. `['+connect_lobby', '…']` when Steam started the game from an invite. */
  readonly launchArgs?: readonly string[];
  /** Geography for the lobby list distance filter; users without a region match every distance. */
  readonly region?: string;
}

/** A network-wide count of what happened to datagrams, for tests and benchmarks. */
export interface NetworkStats {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  retransmissions: number;
  /** Dropped because no session was connected (type 1), the peer was unreachable, or a session was closed/failed. */
  dropped: number;
}

type Listener = (event: BackendEvent) => void;

export class SimUser {
  readonly friends: Set<bigint>;
  readonly blocked: Set<bigint>;
  readonly known: Set<bigint>;
  /** Remote users whose sessions this user accepted; changed only through SimCore, which keeps links in step. */
  private readonly acceptedIds = new Set<bigint>();
  readonly pending = new Map<bigint, PendingSession>();
  readonly inbox = new FairInbox<InFlight>();
  /** The links this user sends on, by remote id, as indexes into the core's LinkTable: a route is one of these. */
  readonly linkIndexes = new Map<bigint, number>();
  readonly lobbies = new Set<bigint>();
  readonly listeners: Listener[] = [];
  readonly forcedEnter: number[] = [];
  serversConnected = true;
  relayAllowed = true;
  /** This user's index in `table`, which mirrors their reach and whether they have faults. */
  readonly index: number;
  private ownFaults: LinkFaults | undefined = undefined;
  private islandNumber = 0;
  private gone = false;

  constructor(
    readonly options: SimulatedUserOptions,
    private readonly table: LinkTable,
  ) {
    this.friends = new Set(options.friends ?? []);
    this.blocked = new Set(options.blocked ?? []);
    this.known = new Set([options.id, ...this.friends]);
    this.index = table.addUser();
  }

  get faults(): LinkFaults | undefined {
    return this.ownFaults;
  }

  set faults(faults: LinkFaults | undefined) {
    this.ownFaults = faults;
    this.table.userFaults[this.index] = faults === undefined ? 0 : 1;
  }

  /** 0 unless a partition put the user on an island with their group. */
  get island(): number {
    return this.islandNumber;
  }

  set island(island: number) {
    this.islandNumber = island;
    this.table.setReach(this.index, island, this.gone);
  }

  get vanished(): boolean {
    return this.gone;
  }

  set vanished(vanished: boolean) {
    this.gone = vanished;
    this.table.setReach(this.index, this.islandNumber, vanished);
  }

  get id(): bigint {
    return this.options.id;
  }

  get accepted(): ReadonlySet<bigint> {
    return this.acceptedIds;
  }

  /** For SimCore.setAccepted only: it also updates the links' mirrors. */
  markAccepted(remote: bigint, accepted: boolean): void {
    if (accepted) this.acceptedIds.add(remote);
    else this.acceptedIds.delete(remote);
  }
}

interface PendingSession {
  readonly packets: InFlight[];
  readonly since: number;
}

/** One direction of a P2P path between two users. */
export class Link {
  effective: EffectiveFaults | undefined;
  effectiveVersion = -1;
  /** Due time of the last reliable datagram per channel: later ones never arrive before it. */
  readonly lastReliableDue = new Map<number, number>();
  // A lobby of 250 has 62,250 links, so what only some links need is made when first needed.
  /** Send type 3 messages waiting to go, per channel. */
  buffers: Map<number, { packets: InFlight[]; bytes: number; epoch: number }> | undefined = undefined;
  /** Reliable datagrams that cannot get through (partition, vanished peer), in send order. */
  held: InFlight[] | undefined = undefined;
  holdEpoch = 0;
  nextSendSeq = 0;
  failing = false;
  /** Session failures a test asked for, taken one per new session. */
  forcedFailures: number[] | undefined = undefined;
  readonly fromId: bigint;
  private ownFaults: LinkFaults | undefined = undefined;
  /**
   * The queues in `to`'s inbox this link's packets go to, for channels 0–3 (what games use; other channels look
   * theirs up). Fields rather than an array made per link.
   */
  private queue0: SenderQueue<InFlight> | undefined = undefined;
  private queue1: SenderQueue<InFlight> | undefined = undefined;
  private queue2: SenderQueue<InFlight> | undefined = undefined;
  private queue3: SenderQueue<InFlight> | undefined = undefined;

  constructor(
    readonly from: SimUser,
    readonly to: SimUser,
    private readonly table: LinkTable,
    /** This link's index in `table`, which holds its session, flags and ends. */
    readonly index: number,
  ) {
    this.fromId = from.id;
    this.senderAccepted = from.accepted.has(to.id);
    this.receiverAccepted = to.accepted.has(from.id);
  }

  get faults(): LinkFaults | undefined {
    return this.ownFaults;
  }

  set faults(faults: LinkFaults | undefined) {
    this.ownFaults = faults;
    this.table.set(this.index, OWN_FAULTS, faults !== undefined);
  }

  /** Bumped when the session fails or closes: datagrams of the old session still in flight are dropped. */
  get session(): number {
    return this.table.session[this.index]!;
  }

  set session(session: number) {
    this.table.session[this.index] = session;
  }

  /** Set once a datagram got through; a new session starts after a failure or close. */
  get open(): boolean {
    return this.table.has(this.index, OPEN);
  }

  set open(open: boolean) {
    this.table.set(this.index, OPEN, open);
  }

  /**
   * Mirrors of `from.accepted.has(to.id)` and `to.accepted.has(from.id)`, kept by SimCore.setAccepted, so a send
   * and an arrival need no set lookup.
   */
  get senderAccepted(): boolean {
    return this.table.has(this.index, SENDER_ACCEPTED);
  }

  set senderAccepted(accepted: boolean) {
    this.table.set(this.index, SENDER_ACCEPTED, accepted);
  }

  get receiverAccepted(): boolean {
    return this.table.has(this.index, RECEIVER_ACCEPTED);
  }

  set receiverAccepted(accepted: boolean) {
    this.table.set(this.index, RECEIVER_ACCEPTED, accepted);
  }

  /** Queues an arrived packet in `to`'s inbox, through the cached queue so no lookup by sender id is made. */
  deliver(packet: InFlight): void {
    const channel = packet.channel;
    const inbox = this.to.inbox;
    let queue = this.cachedQueue(channel);
    if (queue === undefined || !queue.live) {
      queue = inbox.queueFor(channel, this.fromId);
      this.cacheQueue(channel, queue);
    }
    inbox.pushTo(queue, packet);
  }

  /** The recipient closed the session and its inbox let these queues go: do not keep them alive. */
  forgetQueues(): void {
    this.queue0 = this.queue1 = this.queue2 = this.queue3 = undefined;
  }

  private cachedQueue(channel: number): SenderQueue<InFlight> | undefined {
    switch (channel) {
      case 0:
        return this.queue0;
      case 1:
        return this.queue1;
      case 2:
        return this.queue2;
      case 3:
        return this.queue3;
      default:
        return undefined;
    }
  }

  private cacheQueue(channel: number, queue: SenderQueue<InFlight>): void {
    if (channel === 0) this.queue0 = queue;
    else if (channel === 1) this.queue1 = queue;
    else if (channel === 2) this.queue2 = queue;
    else if (channel === 3) this.queue3 = queue;
  }
}

/**
 * A datagram in flight. Reused: once it is read (the reader gets a record of its own) or dropped on arrival, SimCore
 * keeps it for the next send. Datagrams live a latency or more, long enough to outlive a young-generation
 * collection; fresh ones were copied by each collection and then promoted, so at 2,000 players that copying was
 * most of the scavenge time.
 */
class InFlight implements Scheduled, P2PPacket {
  due = 0;
  seq = 0;
  sendSeq = 0;
  session = 0;
  /** Copied from the link so a reader's `packet.from` is one load. */
  from = 0n;
  bytes: Uint8Array = NO_BYTES;
  channel = 0;
  reliable = false;

  constructor(
    private readonly core: SimCore,
    public link: Link,
  ) {}

  /** The link's session and sender are given, so a send from the LinkTable need not load the Link object. */
  load(link: Link, session: number, from: bigint, bytes: Uint8Array, channel: number, reliable: boolean): this {
    this.link = link;
    this.session = session;
    this.from = from;
    this.bytes = bytes;
    this.channel = channel;
    this.reliable = reliable;
    this.due = 0;
    this.seq = 0;
    this.sendSeq = 0;
    return this;
  }

  fire(): void {
    this.core.arrive(this);
  }
}

const NO_BYTES = new Uint8Array(0);
/** Spare datagrams kept for reuse: about a frame's sends at 2,000 players; a burst past it is left to the GC. */
const MAX_SPARE_DATAGRAMS = 8192;

export class SimLobby implements LobbySummary {
  readonly members: bigint[] = [];
  readonly lobbyData = new Map<string, string>();
  readonly memberData = new Map<bigint, Map<string, string>>();
  readonly banned = new Set<bigint>();
  readonly invited = new Set<bigint>();
  joinable = true;

  constructor(
    readonly id: bigint,
    readonly type: LobbyType,
    readonly memberLimit: number,
    public owner: bigint,
  ) {}

  get memberCount(): number {
    return this.members.length;
  }

  data(key: string): string {
    return this.lobbyData.get(key) ?? '';
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (b.length !== n) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lobby ids look like Steam's (chat-type account ids in the public universe). */
const LOBBY_ID_BASE = 0x0186_0000_0000_0000n;

export class SimCore {
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly users = new Map<bigint, SimUser>();
  readonly lobbies = new Map<bigint, SimLobby>();
  readonly stats: NetworkStats = { sent: 0, delivered: 0, lost: 0, duplicated: 0, retransmissions: 0, dropped: 0 };
  readonly latencyMs: number;
  readonly serverLatencyMs: number;
  readonly personaDelayMs: number;
  readonly sessionTimeoutMs: number;
  readonly disconnectDetectMs: number;
  readonly bufferBytes: number;
  readonly bufferMs: number;
  readonly retransmitMs: number;
  private readonly heldLinks = new Set<Link>();
  /** Every link's hot state, densely (see link-table.ts), and the Link objects and senders by the same index. */
  private readonly table = new LinkTable();
  private readonly linkList: Link[] = [];
  private readonly linkFromIds: bigint[] = [];
  /** The effective faults of a link when neither it nor its users have any: shared, so a send loads no record. */
  private readonly networkFaults: EffectiveFaults;
  /**
   * Steam copies what a game sends; so do we, into shared slabs rather than a fresh buffer per datagram (a small
   * Uint8Array is an off-heap allocation each). A slab lives while any datagram cut from it is unread.
   */
  private readonly copies = new OutputSlab();
  /** The bytes last copied and their copy, for copyOf. */
  private lastCopied: Uint8Array | undefined = undefined;
  private lastCopy: Uint8Array | undefined = undefined;
  private readonly spareDatagrams: InFlight[] = [];
  private nextLobby: bigint;
  private nextIsland = 1;
  /** Bumped whenever a fault changes, so links recompute their effective faults lazily. */
  private faultsVersion = 0;

  constructor(options: SimulatedSteamOptions) {
    this.scheduler = new Scheduler(options.clock);
    this.random = createRandom(options.seed);
    this.latencyMs = options.latencyMs ?? 20;
    this.serverLatencyMs = options.serverLatencyMs ?? 40;
    this.personaDelayMs = options.personaDelayMs ?? 250;
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
    this.disconnectDetectMs = options.disconnectDetectMs ?? 30_000;
    this.bufferBytes = options.bufferBytes ?? MAX_UNRELIABLE_BYTES;
    this.bufferMs = options.bufferMs ?? 200;
    this.retransmitMs = options.retransmitMs ?? Math.max(100, 4 * this.latencyMs);
    this.nextLobby = LOBBY_ID_BASE + BigInt(1 + this.random.int(1_000_000));
    this.networkFaults = combineFaults(this.latencyMs, []);
  }

  now(): number {
    return this.scheduler.now();
  }

  // ---------------------------------------------------------------- users and events

  addUser(options: SimulatedUserOptions): SimUser {
    if (this.users.has(options.id)) throw new Error(`simulated Steam: user ${options.id} already exists`);
    const user = new SimUser(options, this.table);
    this.users.set(user.id, user);
    // Friendship is mutual on Steam.
    for (const friendId of user.friends) {
      const friend = this.users.get(friendId);
      if (friend !== undefined) {
        friend.friends.add(user.id);
        friend.known.add(user.id);
      }
    }
    for (const other of this.users.values()) {
      if (other.friends.has(user.id)) {
        user.friends.add(other.id);
        user.known.add(other.id);
      }
    }
    return user;
  }

  user(id: bigint): SimUser | undefined {
    return this.users.get(id);
  }

  emit(user: SimUser, event: BackendEvent): void {
    if (user.vanished) return;
    for (const listener of user.listeners) listener(event);
  }

  private emitLater(user: SimUser, event: BackendEvent, delayMs = this.serverLatencyMs): void {
    this.scheduler.at(this.now() + delayMs, () => this.emit(user, event));
  }

  setFaultsVersionChanged(): void {
    this.faultsVersion++;
  }

  // ---------------------------------------------------------------- lobbies

  createLobby(user: SimUser, type: LobbyType, maxMembers: number): void {
    const connected = user.serversConnected;
    this.scheduler.at(this.now() + this.serverLatencyMs, () => {
      if (!connected || !user.serversConnected) {
        this.emit(user, { type: 'lobbyCreated', result: CreateLobbyResult.noConnection, lobbyId: 0n });
        return;
      }
      const lobby = new SimLobby(this.nextLobby++, type, maxMembers, user.id);
      this.lobbies.set(lobby.id, lobby);
      lobby.members.push(user.id);
      user.lobbies.add(lobby.id);
      this.emit(user, { type: 'lobbyCreated', result: CreateLobbyResult.ok, lobbyId: lobby.id });
      this.emit(user, { type: 'lobbyEntered', lobbyId: lobby.id, response: EnterResponse.success, locked: false });
    });
  }

  joinLobby(user: SimUser, lobbyId: bigint): void {
    this.scheduler.at(this.now() + this.serverLatencyMs, () => {
      const lobby = this.lobbies.get(lobbyId);
      const response = this.enterResponse(user, lobby);
      if (response !== EnterResponse.success || lobby === undefined) {
        this.emit(user, { type: 'lobbyEntered', lobbyId, response, locked: false });
        return;
      }
      if (user.lobbies.has(lobbyId)) {
        this.emit(user, { type: 'lobbyEntered', lobbyId, response, locked: false });
        return;
      }
      lobby.members.push(user.id);
      user.lobbies.add(lobbyId);
      this.emit(user, { type: 'lobbyEntered', lobbyId, response, locked: false });
      for (const memberId of lobby.members) {
        if (memberId === user.id) continue;
        const member = this.users.get(memberId);
        if (member === undefined) continue;
        this.emit(member, { type: 'lobbyChatUpdate', lobbyId, changed: user.id, changedBy: user.id, state: ChatMemberStateChange.entered });
        this.introduce(user, member);
        this.introduce(member, user);
      }
    });
  }

  /** Steam's answer to a join, checked in the order its servers refuse. */
  private enterResponse(user: SimUser, lobby: SimLobby | undefined): number {
    const forced = user.forcedEnter.shift();
    if (forced !== undefined) return forced;
    if (!user.serversConnected) return EnterResponse.error;
    if (lobby === undefined) return EnterResponse.doesntExist;
    if (lobby.members.includes(user.id)) return EnterResponse.success;
    if (lobby.banned.has(user.id)) return EnterResponse.banned;
    if (user.options.limited === true) return EnterResponse.limited;
    if (user.options.communityBanned === true) return EnterResponse.communityBan;
    if (!lobby.joinable) return EnterResponse.clanDisabled;
    const invited = lobby.invited.has(user.id);
    if (lobby.type === 0 && !invited) return EnterResponse.notAllowed;
    if (lobby.type === 1 && !invited && !lobby.members.some((m) => user.friends.has(m))) return EnterResponse.notAllowed;
    if (lobby.members.length >= lobby.memberLimit) return EnterResponse.full;
    for (const memberId of lobby.members) {
      if (this.users.get(memberId)?.blocked.has(user.id) === true) return EnterResponse.memberBlockedYou;
    }
    for (const memberId of lobby.members) if (user.blocked.has(memberId)) return EnterResponse.youBlockedMember;
    return EnterResponse.success;
  }

  /** `viewer` learns `subject`'s persona a little later, as Steam sends strangers' names after the fact. */
  private introduce(viewer: SimUser, subject: SimUser): void {
    if (viewer.known.has(subject.id)) return;
    this.scheduler.at(this.now() + this.personaDelayMs, () => {
      if (viewer.known.has(subject.id)) return;
      viewer.known.add(subject.id);
      this.emit(viewer, { type: 'personaChange', userId: subject.id, flags: PERSONA_CHANGE_NAME });
    });
  }

  /** Removes a member and tells the others; hands ownership over when the owner goes. */
  removeMember(lobby: SimLobby, userId: bigint, state: number, by: bigint): void {
    const index = lobby.members.indexOf(userId);
    if (index < 0) return;
    lobby.members.splice(index, 1);
    lobby.memberData.delete(userId);
    this.users.get(userId)?.lobbies.delete(lobby.id);
    if (lobby.members.length === 0) {
      this.lobbies.delete(lobby.id);
      return;
    }
    const ownerChanged = lobby.owner === userId;
    // Steam picks the longest-standing member as the new owner.
    if (ownerChanged) lobby.owner = lobby.members[0]!;
    for (const memberId of lobby.members) {
      const member = this.users.get(memberId);
      if (member === undefined) continue;
      this.emitLater(member, { type: 'lobbyChatUpdate', lobbyId: lobby.id, changed: userId, changedBy: by, state });
      if (ownerChanged) this.emitLater(member, { type: 'lobbyDataUpdate', lobbyId: lobby.id, memberId: lobby.id, success: true });
    }
  }

  leaveLobby(user: SimUser, lobbyId: bigint): boolean {
    const lobby = this.lobbies.get(lobbyId);
    if (lobby === undefined || !lobby.members.includes(user.id)) return false;
    this.removeMember(lobby, user.id, ChatMemberStateChange.left, user.id);
    return true;
  }

  kick(owner: SimUser, lobby: SimLobby, memberId: bigint, ban: boolean): void {
    if (ban) lobby.banned.add(memberId);
    this.removeMember(lobby, memberId, ban ? ChatMemberStateChange.banned : ChatMemberStateChange.kicked, owner.id);
    const member = this.users.get(memberId);
    if (member !== undefined) this.emitLater(member, { type: 'lobbyKicked', lobbyId: lobby.id, by: owner.id, dueToDisconnect: false });
  }

  notifyData(lobby: SimLobby, memberId: bigint): void {
    for (const id of lobby.members) {
      const member = this.users.get(id);
      if (member !== undefined) this.emitLater(member, { type: 'lobbyDataUpdate', lobbyId: lobby.id, memberId, success: true });
    }
  }

  invite(from: SimUser, lobby: SimLobby, to: SimUser): void {
    lobby.invited.add(to.id);
    this.emitLater(to, { type: 'lobbyInvite', lobbyId: lobby.id, from: from.id });
  }

  chat(from: SimUser, lobby: SimLobby, bytes: Uint8Array): void {
    const copy = bytes.slice();
    for (const id of lobby.members) {
      const member = this.users.get(id);
      if (member !== undefined) this.emitLater(member, { type: 'lobbyChatMessage', lobbyId: lobby.id, from: from.id, bytes: copy });
    }
  }

  requestLobbyList(user: SimUser, filters: LobbyListFilters | undefined): void {
    this.scheduler.at(this.now() + this.serverLatencyMs, () => {
      if (!user.serversConnected) {
        this.emit(user, { type: 'lobbyList', lobbyIds: [] });
        return;
      }
      const worldwide = filters?.distance === 3;
      const region = user.options.region;
      const candidates: SimLobby[] = [];
      for (const lobby of this.lobbies.values()) {
        if ((lobby.type !== 2 && lobby.type !== 3) || !lobby.joinable) continue;
        if (!worldwide && region !== undefined) {
          const ownerRegion = this.users.get(lobby.owner)?.options.region;
          if (ownerRegion !== undefined && ownerRegion !== region) continue;
        }
        candidates.push(lobby);
      }
      const lobbyIds = applyLobbyListFilters(candidates, filters).map((l) => l.id);
      this.emit(user, { type: 'lobbyList', lobbyIds });
    });
  }

  // ---------------------------------------------------------------- P2P

  private link(from: SimUser, to: SimUser): Link {
    let link = this.linkOf(from, to.id);
    if (link === undefined) {
      const index = this.table.addLink(from.index, to.index);
      link = new Link(from, to, this.table, index);
      this.linkList[index] = link;
      this.linkFromIds[index] = from.id;
      from.linkIndexes.set(to.id, index);
    }
    return link;
  }

  /** The link `from` sends to `to` on, if one was made. */
  private linkOf(from: SimUser, to: bigint): Link | undefined {
    const index = from.linkIndexes.get(to);
    return index === undefined ? undefined : this.linkList[index];
  }

  /** The link `remote` sends to `user` on, if both exist and one was made. */
  private linkInto(user: SimUser, remote: bigint): Link | undefined {
    const remoteUser = this.users.get(remote);
    return remoteUser === undefined ? undefined : this.linkOf(remoteUser, user.id);
  }

  private faultsOf(link: Link): EffectiveFaults {
    if (this.table.faultless(link.index)) return this.networkFaults;
    if (link.effective === undefined || link.effectiveVersion !== this.faultsVersion) {
      link.effective = combineFaults(this.latencyMs, [link.faults, link.from.faults, link.to.faults]);
      link.effectiveVersion = this.faultsVersion;
    }
    return link.effective;
  }

  linkFor(from: SimUser, to: SimUser): Link {
    return this.link(from, to);
  }

  /** The one place `accepted` changes, so the links' mirrors of it stay true. */
  private setAccepted(user: SimUser, remote: bigint, accepted: boolean): void {
    user.markAccepted(remote, accepted);
    const outgoing = this.linkOf(user, remote);
    if (outgoing !== undefined) outgoing.senderAccepted = accepted;
    const incoming = this.linkInto(user, remote);
    if (incoming !== undefined) incoming.receiverAccepted = accepted;
  }

  private reachable(link: Link): boolean {
    return this.table.reachable(link.index);
  }

  /** Whether `index` names a link `from` sends on: what a route must be before it is used. */
  isLinkFrom(index: number, from: SimUser): boolean {
    return Number.isInteger(index) && index >= 0 && index < this.table.linkCount && this.table.from[index] === from.index;
  }

  private datagram(link: Link, bytes: Uint8Array, channel: number, reliable: boolean): InFlight {
    return this.datagramOn(link, link.session, link.fromId, bytes, channel, reliable);
  }

  /** A spare datagram (or a new one) loaded for `link`, whose session and sender the caller already has. */
  private datagramOn(link: Link, session: number, from: bigint, bytes: Uint8Array, channel: number, reliable: boolean): InFlight {
    return (this.spareDatagrams.pop() ?? new InFlight(this, link)).load(link, session, from, bytes, channel, reliable);
  }

  /**
   * Reads the next packet from `user`'s inbox on `channel` into a record of the reader's own, and keeps the datagram
   * for reuse: nothing else holds a datagram once it has been read.
   */
  readPacket(user: SimUser, channel: number): P2PPacket | undefined {
    const datagram = user.inbox.read(channel);
    if (datagram === undefined) return undefined;
    const packet: P2PPacket = { from: datagram.from, bytes: datagram.bytes, sender: user.inbox.lastReadFrom };
    this.recycle(datagram);
    return packet;
  }

  private recycle(datagram: InFlight): void {
    datagram.bytes = NO_BYTES;
    if (this.spareDatagrams.length < MAX_SPARE_DATAGRAMS) this.spareDatagrams.push(datagram);
  }

  /**
   * Steam copies what it is given, so a caller may reuse its buffer at once. A send to every member passes the same
   * bytes once per member: while they are the same view with the same contents, the recipients share one copy
   * (packets are read-only to their readers, as duplicated datagrams already are).
   */
  private copyOf(bytes: Uint8Array): Uint8Array {
    const last = this.lastCopy;
    if (bytes === this.lastCopied && last !== undefined && sameBytes(last, bytes)) return last;
    const copy = this.copies.copyOut(bytes, 0, bytes.length);
    this.lastCopied = bytes;
    this.lastCopy = copy;
    return copy;
  }

  /** Sizes and ids are already validated by the caller. */
  send(from: SimUser, to: SimUser, bytes: Uint8Array, sendType: P2PSendType, channel: number): void {
    this.sendOn(this.link(from, to), bytes, sendType, channel);
  }

  /**
   * Sends on the link at `index` (a route: see isLinkFrom). The common case, an unreliable datagram on an open,
   * accepted session between reachable users with no faults of their own, is decided from the LinkTable alone, so
   * the Link object is not loaded (at 2,000 players that load went to memory on every send); the rest is sendOn's,
   * and both do the same. Sizes are already validated by the caller.
   */
  sendAt(index: number, bytes: Uint8Array, sendType: P2PSendType, channel: number): void {
    const table = this.table;
    const needed = sendType === 1 ? SENDER_ACCEPTED | OPEN | RECEIVER_ACCEPTED : SENDER_ACCEPTED | OPEN;
    const link = this.linkList[index]!;
    if (sendType > 1 || (table.flags[index]! & needed) !== needed || !table.reachable(index) || !table.faultless(index)) {
      this.sendOn(link, bytes, sendType, channel);
      return;
    }
    this.stats.sent++;
    const packet = this.datagramOn(link, table.session[index]!, this.linkFromIds[index]!, this.copyOf(bytes), channel, false);
    this.scheduleUnreliable(packet, this.networkFaults);
  }

  /** Sizes and ids are already validated by the caller. */
  sendOn(link: Link, bytes: Uint8Array, sendType: P2PSendType, channel: number): void {
    this.stats.sent++;
    const from = link.from;
    // Sending to someone accepts their session, as in Steam.
    if (!link.senderAccepted) this.acceptSession(from, link.to.id);
    if (!link.open) {
      if (link.failing) {
        this.stats.dropped++;
        return;
      }
      const forced = from.options.ownsApp === false ? 2 : link.forcedFailures?.shift();
      if (forced !== undefined) {
        this.failSession(link, forced, this.faultsOf(link).latencyMs);
        this.stats.dropped++;
        return;
      }
    }
    if (sendType === 1 && !link.receiverAccepted) {
      this.stats.dropped++;
      return;
    }
    const packet = this.datagram(link, this.copyOf(bytes), channel, sendType >= 2);
    if (sendType === 3) {
      this.buffer(link, packet);
      return;
    }
    if (sendType === 2) {
      this.flushBuffer(link, channel);
      this.dispatchReliable(packet);
      return;
    }
    this.dispatchUnreliable(packet);
  }

  private failSession(link: Link, error: number, delayMs: number): void {
    link.failing = true;
    link.open = false;
    this.resetLink(link);
    this.scheduler.at(this.now() + delayMs, () => {
      link.failing = false;
      this.emit(link.from, { type: 'p2pConnectFail', remote: link.to.id, error });
    });
  }

  private resetLink(link: Link): void {
    link.session++;
    link.lastReliableDue.clear();
    link.buffers = undefined;
    link.held = undefined;
    link.holdEpoch++;
    this.heldLinks.delete(link);
  }

  private buffer(link: Link, packet: InFlight): void {
    const buffers = (link.buffers ??= new Map());
    let buffered = buffers.get(packet.channel);
    if (buffered === undefined) {
      buffered = { packets: [], bytes: 0, epoch: 0 };
      buffers.set(packet.channel, buffered);
    }
    buffered.packets.push(packet);
    buffered.bytes += packet.bytes.length;
    if (buffered.bytes >= this.bufferBytes) {
      this.flushBuffer(link, packet.channel);
    } else if (buffered.packets.length === 1) {
      const epoch = ++buffered.epoch;
      const channel = packet.channel;
      this.scheduler.at(this.now() + this.bufferMs, () => {
        if (link.buffers?.get(channel)?.epoch === epoch) this.flushBuffer(link, channel);
      });
    }
  }

  private flushBuffer(link: Link, channel: number): void {
    const buffered = link.buffers?.get(channel);
    if (buffered === undefined || buffered.packets.length === 0) return;
    const packets = buffered.packets;
    buffered.packets = [];
    buffered.bytes = 0;
    buffered.epoch++;
    for (const packet of packets) this.dispatchReliable(packet);
  }

  private dispatchReliable(packet: InFlight): void {
    const link = packet.link;
    packet.sendSeq = link.nextSendSeq++;
    if (!this.reachable(link)) {
      this.hold(packet);
      return;
    }
    const f = this.faultsOf(link);
    let delay = f.latencyMs + (f.jitterMs > 0 ? this.random.next() * f.jitterMs : 0);
    // A lost datagram is retransmitted: reliability costs time, never data. Bounded so loss = 1 cannot spin.
    for (let tries = 0; tries < 64 && this.random.chance(f.loss); tries++) {
      delay += this.retransmitMs;
      this.stats.retransmissions++;
    }
    const now = this.now();
    const previous = link.lastReliableDue.get(packet.channel) ?? 0;
    const due = Math.max(now + delay, previous);
    link.lastReliableDue.set(packet.channel, due);
    this.scheduler.schedule(packet, due);
  }

  private dispatchUnreliable(packet: InFlight): void {
    const link = packet.link;
    if (!this.reachable(link)) {
      this.stats.dropped++;
      this.recycle(packet);
      return;
    }
    this.scheduleUnreliable(packet, this.faultsOf(link));
  }

  /** Loses, delays (with jitter and reordering) and duplicates an unreliable datagram as `f` says. */
  private scheduleUnreliable(packet: InFlight, f: EffectiveFaults): void {
    if (this.random.chance(f.loss)) {
      this.stats.lost++;
      this.recycle(packet);
      return;
    }
    this.scheduler.schedule(packet, this.now() + this.unreliableDelay(f));
    if (this.random.chance(f.duplication)) {
      this.stats.duplicated++;
      const twin = this.datagram(packet.link, packet.bytes, packet.channel, false);
      this.scheduler.schedule(twin, this.now() + this.unreliableDelay(f));
    }
  }

  private unreliableDelay(f: EffectiveFaults): number {
    let delay = f.latencyMs + (f.jitterMs > 0 ? this.random.next() * f.jitterMs : 0);
    if (this.random.chance(f.reorder)) delay += this.random.next() * Math.max(20, 2 * f.latencyMs);
    return delay;
  }

  /** Keeps a reliable datagram that cannot get through, in send order; the session times out if it stays stuck. */
  private hold(packet: InFlight): void {
    const link = packet.link;
    const held = (link.held ??= []);
    let at = held.length;
    while (at > 0 && held[at - 1]!.sendSeq > packet.sendSeq) at--;
    held.splice(at, 0, packet);
    if (held.length > 1) return;
    this.heldLinks.add(link);
    const epoch = ++link.holdEpoch;
    this.scheduler.at(this.now() + this.sessionTimeoutMs, () => {
      const stuck = link.held?.length ?? 0;
      if (link.holdEpoch !== epoch || stuck === 0 || this.reachable(link)) return;
      this.stats.dropped += stuck;
      this.resetLink(link);
      link.open = false;
      this.emit(link.from, { type: 'p2pConnectFail', remote: link.to.id, error: 4 });
    });
  }

  arrive(packet: InFlight): void {
    const link = packet.link;
    // A datagram of a session that failed or was closed meanwhile belongs to nobody.
    if (packet.session !== link.session) {
      this.stats.dropped++;
      this.recycle(packet);
      return;
    }
    if (!this.reachable(link)) {
      if (packet.reliable) this.hold(packet);
      else {
        this.stats.dropped++;
        this.recycle(packet);
      }
      return;
    }
    link.open = true;
    const to = link.to;
    const fromId = link.fromId;
    if (link.receiverAccepted) {
      this.stats.delivered++;
      link.deliver(packet);
      return;
    }
    let pending = to.pending.get(fromId);
    if (pending === undefined) {
      pending = { packets: [], since: this.now() };
      to.pending.set(fromId, pending);
      const started = pending;
      this.emit(to, { type: 'p2pSessionRequest', remote: fromId });
      this.scheduler.at(this.now() + this.sessionTimeoutMs, () => {
        if (to.pending.get(fromId) !== started) return;
        to.pending.delete(fromId);
        this.stats.dropped += started.packets.length;
        link.open = false;
        this.resetLink(link);
        this.emit(link.from, { type: 'p2pConnectFail', remote: to.id, error: 4 });
      });
    }
    pending.packets.push(packet);
  }

  acceptSession(user: SimUser, remote: bigint): void {
    this.setAccepted(user, remote, true);
    const pending = user.pending.get(remote);
    if (pending === undefined) return;
    user.pending.delete(remote);
    for (const packet of pending.packets) {
      this.stats.delivered++;
      user.inbox.push(packet.channel, packet);
    }
  }

  closeSession(user: SimUser, remote: bigint): void {
    this.setAccepted(user, remote, false);
    const pending = user.pending.get(remote);
    if (pending !== undefined) this.stats.dropped += pending.packets.length;
    user.pending.delete(remote);
    this.stats.dropped += user.inbox.dropSender(remote);
    const outgoing = this.linkOf(user, remote);
    if (outgoing !== undefined) {
      outgoing.open = false;
      this.resetLink(outgoing);
    }
    const incoming = this.linkInto(user, remote);
    if (incoming !== undefined) {
      incoming.open = false;
      incoming.forgetQueues();
    }
  }

  // ---------------------------------------------------------------- faults

  /** Cuts every P2P path between `ids` and everyone else. */
  partition(ids: readonly bigint[]): void {
    const island = this.nextIsland++;
    for (const id of ids) {
      const user = this.users.get(id);
      if (user !== undefined) user.island = island;
    }
  }

  /** Restores every path cut by `partition`, delivering held reliable data in order. */
  heal(): void {
    for (const user of this.users.values()) user.island = 0;
    this.releaseHeld();
  }

  private releaseHeld(): void {
    for (const link of [...this.heldLinks]) {
      if (!this.reachable(link)) continue;
      const held = link.held ?? [];
      link.held = undefined;
      link.holdEpoch++;
      this.heldLinks.delete(link);
      for (const packet of held) this.dispatchReliable(packet);
    }
  }

  /** The user's process and connection disappear without a word; Steam notices later and drops them from lobbies. */
  vanish(id: bigint): void {
    const user = this.users.get(id);
    if (user === undefined || user.vanished) return;
    user.vanished = true;
    this.scheduler.at(this.now() + this.disconnectDetectMs, () => {
      for (const lobbyId of [...user.lobbies]) {
        const lobby = this.lobbies.get(lobbyId);
        if (lobby !== undefined) this.removeMember(lobby, id, ChatMemberStateChange.disconnected, id);
      }
    });
  }

  /**
   * Steam's lobby servers lose the user (their Steam connection broke, or Steam timed them out): every lobby they
   * are in drops them with the disconnected bit, and the user gets LobbyKicked with m_bKickedDueToDisconnect
   * (sdk isteammatchmaking.h LobbyKicked_t). Their P2P paths are untouched: peers may still be reachable.
   */
  dropFromLobbies(id: bigint): void {
    const user = this.users.get(id);
    if (user === undefined) return;
    for (const lobbyId of [...user.lobbies]) {
      const lobby = this.lobbies.get(lobbyId);
      if (lobby === undefined) continue;
      this.removeMember(lobby, id, ChatMemberStateChange.disconnected, id);
      this.emitLater(user, { type: 'lobbyKicked', lobbyId, by: 0n, dueToDisconnect: true });
    }
  }

  disconnectServers(id: bigint, reason: number): void {
    const user = this.users.get(id);
    if (user === undefined || !user.serversConnected) return;
    user.serversConnected = false;
    this.emit(user, { type: 'serversDisconnected', reason });
  }

  reconnectServers(id: bigint): void {
    const user = this.users.get(id);
    if (user === undefined || user.serversConnected) return;
    user.serversConnected = true;
    this.emitLater(user, { type: 'serversConnected' });
  }

  /** Queues for the user a join request from a friend (the overlay's "Join game" while the game runs). */
  joinRequested(user: SimUser, lobbyId: bigint, friendId: bigint): void {
    this.emitLater(user, { type: 'joinRequested', lobbyId, friendId });
  }
}
