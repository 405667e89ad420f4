/**
 * Received P2P packets waiting to be read, queued per channel and per sender and read in turn, so one sender's
 * flood cannot hold back the others; the queues a stranger can make are bounded.
 */
import type { P2PPacket, SenderMemo } from './backend.js';
import { Fifo } from './fifo.js';

/**
 * Per channel, the queues of this many senders are kept while empty, so a lobby's steady traffic (every member,
 * every tick) reuses them instead of making and dropping a queue per packet. Past it, an emptied queue is dropped:
 * strangers spraying packets cannot make us keep one per sender id.
 */
const KEPT_SENDER_QUEUES = 256;
/**
 * Likewise for channels: the channel number comes from the sender (Steam's channel, or the lobbykit frame header
 * when the backend has no channels), so past this many, a channel's queue goes when it empties.
 */
const KEPT_CHANNEL_QUEUES = 64;

/**
 * One sender's unread packets on one channel, and its place in the channel's turn. A transport that keeps this
 * handle (the simulator keeps one per link and channel) pushes with no lookup by sender id; once `live` is false
 * the inbox has let the queue go and the holder must ask `queueFor` again.
 */
export class SenderQueue<P extends P2PPacket = P2PPacket> extends Fifo<P> implements SenderMemo {
  /** The next sender in the channel's turn (an intrusive list, so taking turns allocates nothing). */
  next: SenderQueue<P> | undefined = undefined;
  live = true;
  memoKey: unknown = undefined;
  memo: unknown = undefined;

  constructor(
    readonly from: bigint,
    readonly owner: ChannelQueue<P>,
  ) {
    super();
  }

  /** Empties the queue and forgets the reader's memo, which must not outlive the queue's use. */
  override clear(): void {
    super.clear();
    this.memoKey = this.memo = undefined;
  }
}

/** A reader's wish to leave a sender's packets queued for now, given the sender and its next packet. */
export type SkipSender = (from: bigint, next: Uint8Array) => boolean;

/** One channel's unread packets, queued per sender; the senders with packets wait in turn, each once. */
class ChannelQueue<P extends P2PPacket> {
  readonly bySender = new Map<bigint, SenderQueue<P>>();
  head: SenderQueue<P> | undefined = undefined;
  tail: SenderQueue<P> | undefined = undefined;
  count = 0;
  /** Senders in the turn (those with packets). */
  senders = 0;

  constructor(readonly channel: number) {}

  enqueue(sender: SenderQueue<P>): void {
    if (this.tail === undefined) this.head = sender;
    else this.tail.next = sender;
    this.tail = sender;
    this.senders++;
  }

  /** Takes the sender whose turn it is off the front (the caller puts it back if it still has packets). */
  dequeue(): SenderQueue<P> | undefined {
    const sender = this.head;
    if (sender === undefined) return undefined;
    this.head = sender.next;
    if (this.head === undefined) this.tail = undefined;
    sender.next = undefined;
    this.senders--;
    return sender;
  }

  /** Takes `sender` out of the turn, wherever it is (a closed session: rare, so a walk is fine). */
  unlink(sender: SenderQueue<P>): void {
    let before: SenderQueue<P> | undefined = undefined;
    for (let at = this.head; at !== undefined; before = at, at = at.next) {
      if (at !== sender) continue;
      if (before === undefined) this.head = at.next;
      else before.next = at.next;
      if (this.tail === at) this.tail = before;
      at.next = undefined;
      this.senders--;
      return;
    }
  }

  /** Lets every sender queue go: their holders must ask again. */
  release(): void {
    for (const sender of this.bySender.values()) {
      sender.live = false;
      // A holder may keep the handle a while: do not let it pin the ring's array.
      sender.clear();
    }
    this.bySender.clear();
    this.head = this.tail = undefined;
    this.count = 0;
    this.senders = 0;
  }
}

/**
 * Received packets waiting to be read, per channel and per sender. Reading takes senders in turn, so one peer
 * flooding a channel delays only itself. Used by every backend, so fairness is the same whichever runs.
 */
export class FairInbox<P extends P2PPacket = P2PPacket> {
  private readonly channels = new Map<number, ChannelQueue<P>>();
  /**
   * The channel queue last looked up: a reader takes one channel's packets in a row, and in a process with many
   * runtimes the Map's table is a cold load per packet, where these fields sit in the inbox's own line.
   */
  private lastChannel = -1;
  private lastQueue: ChannelQueue<P> | undefined = undefined;
  private readonly nonEmpty: number[] = [];
  private total = 0;
  private lastSender: SenderQueue<P> | undefined = undefined;

  get size(): number {
    return this.total;
  }

  /** How many channel queues exist, empty ones included: bounded whatever channel numbers senders use. */
  get channelQueues(): number {
    return this.channels.size;
  }

  push(channel: number, packet: P): void {
    this.pushTo(this.queueFor(channel, packet.from), packet);
  }

  /**
   * The queue `from`'s packets on `channel` go to, made if missing; valid while its `live` is true. Like `pushTo`
   * and `lastReadFrom`, it is the fast path of lobbykit's own transports.
   * @internal
   */
  queueFor(channel: number, from: bigint): SenderQueue<P> {
    let queue = this.channelQueue(channel);
    if (queue === undefined) {
      queue = new ChannelQueue<P>(channel);
      this.channels.set(channel, queue);
    }
    let sender = queue.bySender.get(from);
    if (sender === undefined) {
      sender = new SenderQueue<P>(from, queue);
      queue.bySender.set(from, sender);
    }
    return sender;
  }

  /**
   * Queues a packet that came from `sender.from`, through a live handle from `queueFor`.
   * @internal
   */
  pushTo(sender: SenderQueue<P>, packet: P): void {
    const queue = sender.owner;
    if (queue.count === 0) this.nonEmpty.push(queue.channel);
    if (sender.length === 0) queue.enqueue(sender);
    sender.push(packet);
    queue.count++;
    this.total++;
  }

  /** Size in bytes of the packet `read(channel)` would return, 0 when none. */
  peekSize(channel: number): number {
    return this.channelQueue(channel)?.head?.peek()?.bytes.length ?? 0;
  }

  /**
   * The next packet on `channel`, taking senders in turn. `skip` passes over a sender for now (its packets stay
   * queued, its place in the turn kept): a reader that has spent a sender's share of a tick's work says so here.
   */
  read(channel: number, skip?: SkipSender): P | undefined {
    const queue = this.channelQueue(channel);
    if (queue === undefined) return undefined;
    let sender = queue.dequeue();
    if (skip !== undefined) {
      // Each sender is asked once per read: after a whole turn of skips there is nothing to read here now.
      for (let asked = 0; sender !== undefined && skip(sender.from, sender.peek()!.bytes); asked++) {
        queue.enqueue(sender);
        if (asked + 1 >= queue.senders) return undefined;
        sender = queue.dequeue();
      }
    }
    if (sender === undefined) return undefined;
    const packet = sender.shift() as P;
    this.lastSender = sender;
    if (sender.length > 0) queue.enqueue(sender);
    else if (queue.bySender.size > KEPT_SENDER_QUEUES) {
      queue.bySender.delete(sender.from);
      sender.live = false;
      sender.clear();
    }
    queue.count--;
    this.total--;
    if (queue.count === 0) this.markEmpty(queue);
    return packet;
  }

  /**
   * The sender queue the last `read` took its packet from (a transport hands it to the reader as a SenderMemo), or
   * undefined once the inbox has let that queue go (every way of letting go clears `live`): a reader must not keep
   * a memo on a dead queue. The emptied queue itself stays referenced until the next read.
   * @internal
   */
  get lastReadFrom(): SenderQueue<P> | undefined {
    const sender = this.lastSender;
    return sender !== undefined && sender.live ? sender : undefined;
  }

  /** Channels with unread packets (a live view). */
  channelsWithPackets(): readonly number[] {
    return this.nonEmpty;
  }

  /** Drops everything `from` sent (a closed session). */
  dropSender(from: bigint): number {
    let dropped = 0;
    for (const queue of [...this.channels.values()]) {
      const sender = queue.bySender.get(from);
      if (sender === undefined) continue;
      const n = sender.length;
      queue.bySender.delete(from);
      sender.live = false;
      if (n > 0) queue.unlink(sender);
      sender.clear();
      queue.count -= n;
      this.total -= n;
      dropped += n;
      if (n > 0 && queue.count === 0) this.markEmpty(queue);
    }
    return dropped;
  }

  private channelQueue(channel: number): ChannelQueue<P> | undefined {
    if (channel === this.lastChannel) return this.lastQueue;
    const queue = this.channels.get(channel);
    if (queue !== undefined) {
      this.lastChannel = channel;
      this.lastQueue = queue;
    }
    return queue;
  }

  private forgetLastQueue(): void {
    this.lastChannel = -1;
    this.lastQueue = undefined;
  }

  /**
   * `queue` just emptied: take its channel off the non-empty list, keeping the others' order (splice would allocate
   * its result), and drop the queue itself past the kept number.
   */
  private markEmpty(queue: ChannelQueue<P>): void {
    if (this.channels.size > KEPT_CHANNEL_QUEUES) {
      this.channels.delete(queue.channel);
      this.forgetLastQueue();
      queue.release();
    }
    const list = this.nonEmpty;
    const at = list.indexOf(queue.channel);
    if (at < 0) return;
    for (let i = at + 1; i < list.length; i++) list[i - 1] = list[i]!;
    list.pop();
  }

  clear(): void {
    for (const queue of this.channels.values()) queue.release();
    this.channels.clear();
    this.forgetLastQueue();
    this.nonEmpty.length = 0;
    this.total = 0;
  }
}
