import type { P2PPacket } from './backend.js';
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

/** One channel's unread packets, queued per sender, senders served in turn. */
class ChannelQueue {
  readonly bySender = new Map<bigint, Fifo<P2PPacket>>();
  /** Senders with unread packets, in serving order; each appears once. */
  readonly turn = new Fifo<bigint>();
  count = 0;
}

/**
 * Received packets waiting to be read, per channel and per sender. Reading takes senders in turn, so one peer
 * flooding a channel delays only itself. Used by every backend, so fairness is the same whichever runs.
 */
export class FairInbox {
  private readonly channels = new Map<number, ChannelQueue>();
  private readonly nonEmpty: number[] = [];
  private total = 0;

  get size(): number {
    return this.total;
  }

  /** How many channel queues exist, empty ones included: bounded whatever channel numbers senders use. */
  get channelQueues(): number {
    return this.channels.size;
  }

  push(channel: number, packet: P2PPacket): void {
    let queue = this.channels.get(channel);
    if (queue === undefined) {
      queue = new ChannelQueue();
      this.channels.set(channel, queue);
    }
    if (queue.count === 0) this.nonEmpty.push(channel);
    let fromSender = queue.bySender.get(packet.from);
    if (fromSender === undefined) {
      fromSender = new Fifo<P2PPacket>();
      queue.bySender.set(packet.from, fromSender);
    }
    if (fromSender.length === 0) queue.turn.push(packet.from);
    fromSender.push(packet);
    queue.count++;
    this.total++;
  }

  /** Size in bytes of the packet `read(channel)` would return, 0 when none. */
  peekSize(channel: number): number {
    const queue = this.channels.get(channel);
    if (queue === undefined || queue.count === 0) return 0;
    const sender = queue.turn.peek() as bigint;
    return (queue.bySender.get(sender) as Fifo<P2PPacket>).peek()?.bytes.length ?? 0;
  }

  read(channel: number): P2PPacket | undefined {
    const queue = this.channels.get(channel);
    if (queue === undefined || queue.count === 0) return undefined;
    const sender = queue.turn.shift() as bigint;
    const fromSender = queue.bySender.get(sender) as Fifo<P2PPacket>;
    const packet = fromSender.shift() as P2PPacket;
    if (fromSender.length > 0) queue.turn.push(sender);
    else if (queue.bySender.size > KEPT_SENDER_QUEUES) queue.bySender.delete(sender);
    queue.count--;
    this.total--;
    if (queue.count === 0) this.markEmpty(channel);
    return packet;
  }

  /** Channels with unread packets (a live view). */
  channelsWithPackets(): readonly number[] {
    return this.nonEmpty;
  }

  /** Drops everything `from` sent (a closed session). */
  dropSender(from: bigint): number {
    let dropped = 0;
    for (const [channel, queue] of this.channels) {
      const fromSender = queue.bySender.get(from);
      if (fromSender === undefined) continue;
      const n = fromSender.length;
      queue.bySender.delete(from);
      queue.turn.removeWhere((s) => s === from);
      queue.count -= n;
      this.total -= n;
      dropped += n;
      if (n > 0 && queue.count === 0) this.markEmpty(channel);
    }
    return dropped;
  }

  /**
   * `channel`'s queue just emptied: take it off the non-empty list, keeping the others' order (splice would allocate
   * its result), and drop the queue itself past the kept number.
   */
  private markEmpty(channel: number): void {
    if (this.channels.size > KEPT_CHANNEL_QUEUES) this.channels.delete(channel);
    const list = this.nonEmpty;
    const at = list.indexOf(channel);
    if (at < 0) return;
    for (let i = at + 1; i < list.length; i++) list[i - 1] = list[i]!;
    list.length--;
  }

  clear(): void {
    this.channels.clear();
    this.nonEmpty.length = 0;
    this.total = 0;
  }
}
