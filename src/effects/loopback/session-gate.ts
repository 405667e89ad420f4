/**
 * Steam's P2P session rule on the receiving side of the loopback backend: who is accepted, what is held (bounded
 * in bytes and in time) for senders not yet accepted, and the fair inbox accepted packets go to.
 */
import { MAX_RELIABLE_BYTES, type P2PPacket } from '../backend.js';
import { Fifo } from '../fifo.js';
import { FairInbox } from '../inbox.js';

/**
 * An unanswered session request and what its sender sent meanwhile are dropped after this, as the simulator does
 * (src/effects/sim/core.ts, sessionTimeoutMs, after Steam's timed-out session: EP2PSessionError 4).
 */
export const UNACCEPTED_TIMEOUT_MS = 10_000;
/** What one held packet costs beyond its payload, so a flood of empty packets is bounded too. */
export const HELD_PACKET_OVERHEAD_BYTES = 64;
/** One sender not yet accepted may have two full reliable packets held; beyond that its oldest go. */
export const MAX_HELD_BYTES_PER_SENDER = 2 * (MAX_RELIABLE_BYTES + HELD_PACKET_OVERHEAD_BYTES);
/** All senders not yet accepted together; beyond that the sender holding the most loses its oldest. */
export const MAX_HELD_BYTES = 4 * MAX_HELD_BYTES_PER_SENDER;

interface Held {
  readonly channel: number;
  readonly packet: P2PPacket;
}

/** One unaccepted sender's packets, in arrival order, and when its request was raised. */
interface HeldSession {
  readonly packets: Fifo<Held>;
  bytes: number;
  readonly since: number;
}

function cost(packet: P2PPacket): number {
  return packet.bytes.length + HELD_PACKET_OVERHEAD_BYTES;
}

/**
 * Packets from a user we have not accepted (nor sent to) are held and raise one session request; accepting
 * releases them in order, closing drops them, and so does a request left unanswered for UNACCEPTED_TIMEOUT_MS.
 */
export class SessionGate {
  readonly inbox = new FairInbox();
  private readonly accepted = new Set<bigint>();
  private readonly held = new Map<bigint, HeldSession>();
  private heldTotal = 0;
  dropped = 0;

  /** Bytes held (with their per-packet overhead) for senders not yet accepted. */
  get heldBytes(): number {
    return this.heldTotal;
  }

  /** Returns true when this packet opened a new request (the caller queues p2pSessionRequest). */
  receive(channel: number, packet: P2PPacket, sendType: number, now: number): boolean {
    if (this.accepted.has(packet.from)) {
      this.inbox.push(channel, packet);
      return false;
    }
    // "Unreliable no delay" is dropped when there is no session yet, as Steam does.
    if (sendType === 1) {
      this.dropped++;
      return false;
    }
    this.expire(now);
    let session = this.held.get(packet.from);
    const isNew = session === undefined;
    if (session === undefined) {
      session = { packets: new Fifo<Held>(), bytes: 0, since: now };
      this.held.set(packet.from, session);
    }
    const size = cost(packet);
    while (session.packets.length > 0 && session.bytes + size > MAX_HELD_BYTES_PER_SENDER) this.dropOldest(session);
    while (this.heldTotal + size > MAX_HELD_BYTES) {
      const largest = this.largestSession();
      if (largest === undefined) break;
      this.dropOldest(largest);
    }
    session.packets.push({ channel, packet });
    session.bytes += size;
    this.heldTotal += size;
    return isNew;
  }

  /** Drops what was held for requests left unanswered too long; the backend calls it on every poll. */
  expire(now: number): void {
    if (this.held.size === 0) return;
    for (const [from, session] of this.held) {
      if (now - session.since < UNACCEPTED_TIMEOUT_MS) continue;
      this.release(from, session);
      this.dropped += session.packets.length;
    }
  }

  accept(remote: bigint): void {
    this.accepted.add(remote);
    const session = this.held.get(remote);
    if (session === undefined) return;
    this.release(remote, session);
    const queue = session.packets;
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) this.inbox.push(item.channel, item.packet);
  }

  close(remote: bigint): void {
    this.accepted.delete(remote);
    const session = this.held.get(remote);
    if (session !== undefined) {
      this.release(remote, session);
      this.dropped += session.packets.length;
    }
    this.dropped += this.inbox.dropSender(remote);
  }

  isAccepted(remote: bigint): boolean {
    return this.accepted.has(remote);
  }

  private release(from: bigint, session: HeldSession): void {
    this.held.delete(from);
    this.heldTotal -= session.bytes;
  }

  private dropOldest(session: HeldSession): void {
    const oldest = session.packets.shift();
    if (oldest === undefined) return;
    const size = cost(oldest.packet);
    session.bytes -= size;
    this.heldTotal -= size;
    this.dropped++;
  }

  private largestSession(): HeldSession | undefined {
    let largest: HeldSession | undefined;
    for (const session of this.held.values()) if (session.packets.length > 0 && (largest === undefined || session.bytes > largest.bytes)) largest = session;
    return largest;
  }
}
