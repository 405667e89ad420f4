/**
 * Steam's old P2P API (ISteamNetworking) over simulated links: the send path (the common case decided from the
 * LinkTable alone), the fate of an unreliable datagram (loss, jitter, reordering, duplication), its arrival, and
 * reading it from the recipient's inbox. Sessions live in sessions.ts, what reliable sends add in reliable.ts.
 */
import type { SkipSender } from '../../inbox.js';
import type { P2PPacket, P2PSendType } from '../../backend.js';
import { combineFaults, type EffectiveFaults } from '../faults/link-faults.js';
import type { SimCore } from '../core.js';
import type { Random } from '../random.js';
import type { Scheduler } from '../scheduler.js';
import type { SimUser } from '../users/user.js';
import { Datagram, DatagramPool } from './datagram.js';
import { Link } from './link.js';
import { LinkTable, OPEN, RECEIVER_ACCEPTED, SENDER_ACCEPTED } from './link-table.js';
import { ReliableDelivery } from './reliable.js';
import { P2PSessions } from './sessions.js';

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

export class P2PTransport {
  readonly stats: NetworkStats = { sent: 0, delivered: 0, lost: 0, duplicated: 0, retransmissions: 0, dropped: 0 };
  /** Every link's hot state, densely (see link-table.ts), and the Link objects and senders by the same index. */
  readonly table = new LinkTable();
  readonly pool: DatagramPool;
  readonly sessions: P2PSessions;
  readonly reliable: ReliableDelivery;
  readonly scheduler: Scheduler;
  readonly random: Random;
  private readonly linkList: Link[] = [];
  private readonly linkFromIds: bigint[] = [];
  /** The effective faults of a link when neither it nor its users have any: shared, so a send loads no record. */
  private readonly networkFaults: EffectiveFaults;
  /** Bumped whenever a fault changes, so links recompute their effective faults lazily. */
  private faultsVersion = 0;

  constructor(readonly core: SimCore) {
    this.scheduler = core.scheduler;
    this.random = core.random;
    this.networkFaults = combineFaults(core.latencyMs, []);
    this.pool = new DatagramPool(this);
    this.sessions = new P2PSessions(this);
    this.reliable = new ReliableDelivery(this);
  }

  // ---------------------------------------------------------------- links

  /** The link `from` sends to `to` on, made on first use. */
  linkFor(from: SimUser, to: SimUser): Link {
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
  linkOf(from: SimUser, to: bigint): Link | undefined {
    const index = from.linkIndexes.get(to);
    return index === undefined ? undefined : this.linkList[index];
  }

  /** The link `remote` sends to `user` on, if both exist and one was made. */
  linkInto(user: SimUser, remote: bigint): Link | undefined {
    const remoteUser = this.core.users.get(remote);
    return remoteUser === undefined ? undefined : this.linkOf(remoteUser, user.id);
  }

  /** Whether `index` names a link `from` sends on: what a route must be before it is used. */
  isLinkFrom(index: number, from: SimUser): boolean {
    return Number.isInteger(index) && index >= 0 && index < this.table.linkCount && this.table.from[index] === from.index;
  }

  reachable(link: Link): boolean {
    return this.table.reachable(link.index);
  }

  /** A fault changed somewhere: every link recomputes its effective faults when next used. */
  faultsChanged(): void {
    this.faultsVersion++;
  }

  faultsOf(link: Link): EffectiveFaults {
    if (this.table.faultless(link.index)) return this.networkFaults;
    if (link.effective === undefined || link.effectiveVersion !== this.faultsVersion) {
      link.effective = combineFaults(this.core.latencyMs, [link.faults, link.from.faults, link.to.faults]);
      link.effectiveVersion = this.faultsVersion;
    }
    return link.effective;
  }

  datagram(link: Link, bytes: Uint8Array, channel: number, reliable: boolean): Datagram {
    return this.pool.take(link, link.session, link.fromId, bytes, channel, reliable);
  }

  // ---------------------------------------------------------------- sending

  /** Sizes and ids are already validated by the caller. */
  send(from: SimUser, to: SimUser, bytes: Uint8Array, sendType: P2PSendType, channel: number): void {
    this.sendOn(this.linkFor(from, to), bytes, sendType, channel);
  }

  /**
   * Sends on the link at `index` (a route: see isLinkFrom). The common case, an unreliable datagram on an open,
   * accepted session between reachable users with no faults of their own, is decided from the LinkTable alone, so
   * the Link object is not loaded (in a big world that load goes to memory on every send); the rest is sendOn's,
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
    const pool = this.pool;
    const packet = pool.take(link, table.session[index]!, this.linkFromIds[index]!, pool.copyOf(bytes), channel, false);
    this.scheduleUnreliable(packet, this.networkFaults);
  }

  /** Sizes and ids are already validated by the caller. */
  sendOn(link: Link, bytes: Uint8Array, sendType: P2PSendType, channel: number): void {
    this.stats.sent++;
    const from = link.from;
    // Sending to someone accepts their session (sdk isteamnetworking.h:173).
    if (!link.senderAccepted) this.sessions.accept(from, link.to.id);
    if (!link.open) {
      // Further sends after a failure retry the connection, dropped until the failure is reported (sdk isteamnetworking.h:319-321).
      if (link.failing) {
        this.stats.dropped++;
        return;
      }
      // A user who does not own the app gets k_EP2PSessionErrorNoRightsToApp (sdk isteamnetworking.h:20).
      const forced = from.options.ownsApp === false ? 2 : link.forcedFailures?.shift();
      if (forced !== undefined) {
        this.sessions.fail(link, forced, this.faultsOf(link).latencyMs);
        this.stats.dropped++;
        return;
      }
    }
    // Type 1 is thrown away unless the connection is up (sdk isteamnetworking.h:42-45).
    if (sendType === 1 && !link.receiverAccepted) {
      this.stats.dropped++;
      return;
    }
    const packet = this.datagram(link, this.pool.copyOf(bytes), channel, sendType >= 2);
    if (sendType === 3) {
      this.reliable.buffer(link, packet);
      return;
    }
    if (sendType === 2) {
      // A plain reliable send pushes out what type 3 buffered before it (sdk isteamnetworking.h:54-55).
      this.reliable.flushBuffer(link, channel);
      this.reliable.dispatch(packet);
      return;
    }
    this.dispatchUnreliable(packet);
  }

  private dispatchUnreliable(packet: Datagram): void {
    const link = packet.link;
    // Steam batches unreliable sends while a connection is re-established (sdk isteamnetworking.h:38-39); the
    // simulator drops them to an unreachable peer, as a cut outlasting the batch would.
    if (!this.reachable(link)) {
      this.stats.dropped++;
      this.pool.recycle(packet);
      return;
    }
    this.scheduleUnreliable(packet, this.faultsOf(link));
  }

  /**
   * Loses, delays (with jitter and reordering) and duplicates an unreliable datagram as `f` says: UDP-like, it
   * can be lost or arrive out of order (sdk isteamnetworking.h:37); duplication is a UDP fault Steam's header
   * does not rule out (modelling).
   */
  private scheduleUnreliable(packet: Datagram, f: EffectiveFaults): void {
    if (this.random.chance(f.loss)) {
      this.stats.lost++;
      this.pool.recycle(packet);
      return;
    }
    this.scheduler.schedule(packet, this.scheduler.now() + this.unreliableDelay(f));
    if (this.random.chance(f.duplication)) {
      this.stats.duplicated++;
      const twin = this.datagram(packet.link, packet.bytes, packet.channel, false);
      this.scheduler.schedule(twin, this.scheduler.now() + this.unreliableDelay(f));
    }
  }

  /** Latency plus jitter; a reordered datagram waits a further random while (modelling). */
  private unreliableDelay(f: EffectiveFaults): number {
    let delay = f.latencyMs + (f.jitterMs > 0 ? this.random.next() * f.jitterMs : 0);
    if (this.random.chance(f.reorder)) delay += this.random.next() * Math.max(20, 2 * f.latencyMs);
    return delay;
  }

  // ---------------------------------------------------------------- arriving and reading

  arrive(packet: Datagram): void {
    const link = packet.link;
    // A datagram of a session that failed or was closed meanwhile belongs to nobody (sdk isteamnetworking.h:319-320).
    if (packet.session !== link.session) {
      this.stats.dropped++;
      this.pool.recycle(packet);
      return;
    }
    if (!this.reachable(link)) {
      if (packet.reliable) this.reliable.hold(packet);
      else {
        this.stats.dropped++;
        this.pool.recycle(packet);
      }
      return;
    }
    link.open = true;
    if (link.receiverAccepted) {
      this.stats.delivered++;
      link.deliver(packet);
      return;
    }
    this.sessions.request(link, packet);
  }

  /**
   * Reads the next packet from `user`'s inbox on `channel` (channels must match on read: sdk
   * isteamnetworking.h:154-156, 162-166) into a record of the reader's own, and keeps the datagram for reuse:
   * nothing else holds a datagram once it has been read.
   */
  readPacket(user: SimUser, channel: number, skip?: SkipSender): P2PPacket | undefined {
    const datagram = user.inbox.read(channel, skip);
    if (datagram === undefined) return undefined;
    const packet: P2PPacket = { from: datagram.from, bytes: datagram.bytes, sender: user.inbox.lastReadFrom };
    this.pool.recycle(datagram);
    return packet;
  }
}
