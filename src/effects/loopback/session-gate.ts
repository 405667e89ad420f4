/**
 * Steam's P2P session rule on the receiving side of the loopback backend: who is accepted, what is held for
 * senders not yet accepted, and the fair inbox accepted packets go to.
 */
import type { P2PPacket } from '../backend.js';
import { Fifo } from '../fifo.js';
import { FairInbox } from '../inbox.js';

/** Packets kept per sender while their session waits to be accepted; beyond this the oldest go. */
const MAX_HELD_PER_SENDER = 1024;

interface Held {
  readonly channel: number;
  readonly packet: P2PPacket;
}

/**
 * Steam's session rule on the receiving side: packets from a user we have not accepted (nor sent to) are held and
 * raise one session request; accepting releases them in order, closing drops them. Accepted packets go to the
 * fair inbox every backend shares.
 */
export class SessionGate {
  readonly inbox = new FairInbox();
  private readonly accepted = new Set<bigint>();
  private readonly held = new Map<bigint, Fifo<Held>>();
  dropped = 0;

  /** Returns true when this packet opened a new request (the caller queues p2pSessionRequest). */
  receive(channel: number, packet: P2PPacket, sendType: number): boolean {
    if (this.accepted.has(packet.from)) {
      this.inbox.push(channel, packet);
      return false;
    }
    // "Unreliable no delay" is dropped when there is no session yet, as Steam does.
    if (sendType === 1) {
      this.dropped++;
      return false;
    }
    let queue = this.held.get(packet.from);
    const isNew = queue === undefined;
    if (queue === undefined) {
      queue = new Fifo<Held>();
      this.held.set(packet.from, queue);
    }
    if (queue.length >= MAX_HELD_PER_SENDER) {
      queue.shift();
      this.dropped++;
    }
    queue.push({ channel, packet });
    return isNew;
  }

  accept(remote: bigint): void {
    this.accepted.add(remote);
    const queue = this.held.get(remote);
    if (queue === undefined) return;
    this.held.delete(remote);
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) this.inbox.push(item.channel, item.packet);
  }

  close(remote: bigint): void {
    this.accepted.delete(remote);
    this.dropped += (this.held.get(remote)?.length ?? 0) + this.inbox.dropSender(remote);
    this.held.delete(remote);
  }

  isAccepted(remote: bigint): boolean {
    return this.accepted.has(remote);
  }
}
