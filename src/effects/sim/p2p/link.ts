/**
 * One direction of a P2P path between two users: its session and acceptance (mirrored in the LinkTable), what
 * reliable sends queue on it (send type 3's buffer, datagrams held through a cut), its own faults, and the
 * recipient's inbox queues it delivers into without a lookup.
 */
import type { SenderQueue } from '../../inbox.js';
import type { EffectiveFaults, LinkFaults } from '../faults/link-faults.js';
import type { SimUser } from '../users/user.js';
import type { Datagram } from './datagram.js';
import { OPEN, OWN_FAULTS, RECEIVER_ACCEPTED, SENDER_ACCEPTED, type LinkTable } from './link-table.js';

/** Send type 3 messages waiting to go on one channel; `epoch` tells a stale flush timer from the current one. */
export interface SendBuffer {
  packets: Datagram[];
  bytes: number;
  epoch: number;
}

export class Link {
  effective: EffectiveFaults | undefined;
  effectiveVersion = -1;
  // A lobby of 250 has 62,250 links, so what only some links need is made when first needed.
  /**
   * Due time of the last reliable datagram per channel (later ones never arrive before it): fields for channels 0–3,
   * what games use, and a Map made for the first other channel, so a link holds no Map of its own for them.
   */
  private due0 = 0;
  private due1 = 0;
  private due2 = 0;
  private due3 = 0;
  private dueOther: Map<number, number> | undefined = undefined;
  /** Send type 3 messages waiting to go, per channel. */
  buffers: Map<number, SendBuffer> | undefined = undefined;
  /** Reliable datagrams that cannot get through (partition, vanished peer), in send order. */
  held: Datagram[] | undefined = undefined;
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
  private queue0: SenderQueue<Datagram> | undefined = undefined;
  private queue1: SenderQueue<Datagram> | undefined = undefined;
  private queue2: SenderQueue<Datagram> | undefined = undefined;
  private queue3: SenderQueue<Datagram> | undefined = undefined;

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
   * Mirrors of `from.accepted.has(to.id)` and `to.accepted.has(from.id)`, kept by P2PSessions.setAccepted, so a
   * send and an arrival need no set lookup.
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
  deliver(packet: Datagram): void {
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

  private cachedQueue(channel: number): SenderQueue<Datagram> | undefined {
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

  private cacheQueue(channel: number, queue: SenderQueue<Datagram>): void {
    if (channel === 0) this.queue0 = queue;
    else if (channel === 1) this.queue1 = queue;
    else if (channel === 2) this.queue2 = queue;
    else if (channel === 3) this.queue3 = queue;
  }

  /** Due time of the last reliable datagram on `channel` (0: none yet). */
  lastReliableDue(channel: number): number {
    switch (channel) {
      case 0:
        return this.due0;
      case 1:
        return this.due1;
      case 2:
        return this.due2;
      case 3:
        return this.due3;
      default:
        return this.dueOther?.get(channel) ?? 0;
    }
  }

  setLastReliableDue(channel: number, due: number): void {
    if (channel === 0) this.due0 = due;
    else if (channel === 1) this.due1 = due;
    else if (channel === 2) this.due2 = due;
    else if (channel === 3) this.due3 = due;
    else (this.dueOther ??= new Map()).set(channel, due);
  }

  /** A new session orders its reliable datagrams afresh. */
  forgetReliableDues(): void {
    this.due0 = this.due1 = this.due2 = this.due3 = 0;
    this.dueOther = undefined;
  }
}
