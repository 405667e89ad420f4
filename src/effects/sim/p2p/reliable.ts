/**
 * What reliable sends (types 2 and 3) add to a datagram's trip: order per channel, loss paid in retransmission
 * time rather than data, Nagle-like buffering for type 3, and holding through a cut until it heals or the session
 * times out.
 */
import type { Datagram } from './datagram.js';
import type { Link, SendBuffer } from './link.js';
import type { P2PTransport } from './transport.js';

/** Retransmissions one datagram may cost, so a loss of 1 cannot spin (modelling). */
const MAX_RETRANSMISSIONS = 64;

export class ReliableDelivery {
  /** Links with datagrams held through a cut, for `releaseHeld`. */
  private readonly heldLinks = new Set<Link>();

  constructor(private readonly transport: P2PTransport) {}

  /**
   * Schedules a reliable datagram: never lost, each loss costing a retransmission delay (sdk
   * isteamnetworking.h:47-48), and never before an earlier one of its channel (the stream is ordered: sdk
   * isteamnetworking.h:54).
   */
  dispatch(packet: Datagram): void {
    const transport = this.transport;
    const link = packet.link;
    packet.sendSeq = link.nextSendSeq++;
    if (!transport.reachable(link)) {
      this.hold(packet);
      return;
    }
    const random = transport.random;
    const f = transport.faultsOf(link);
    let delay = f.latencyMs + (f.jitterMs > 0 ? random.next() * f.jitterMs : 0);
    for (let tries = 0; tries < MAX_RETRANSMISSIONS && random.chance(f.loss); tries++) {
      delay += transport.core.retransmitMs;
      transport.stats.retransmissions++;
    }
    const now = transport.scheduler.now();
    const due = Math.max(now + delay, link.lastReliableDue(packet.channel));
    link.setLastReliableDue(packet.channel, due);
    transport.scheduler.schedule(packet, due);
  }

  /**
   * Type 3 accumulates until about an MTU (`bufferBytes`) or about 200 ms (`bufferMs`) has passed (sdk
   * isteamnetworking.h:51-53).
   */
  buffer(link: Link, packet: Datagram): void {
    const core = this.transport.core;
    const buffers = (link.buffers ??= new Map<number, SendBuffer>());
    let buffered = buffers.get(packet.channel);
    if (buffered === undefined) {
      buffered = { packets: [], bytes: 0, epoch: 0 };
      buffers.set(packet.channel, buffered);
    }
    buffered.packets.push(packet);
    buffered.bytes += packet.bytes.length;
    if (buffered.bytes >= core.bufferBytes) {
      this.flushBuffer(link, packet.channel);
    } else if (buffered.packets.length === 1) {
      const epoch = ++buffered.epoch;
      const channel = packet.channel;
      core.scheduler.at(core.now() + core.bufferMs, () => {
        if (link.buffers?.get(channel)?.epoch === epoch) this.flushBuffer(link, channel);
      });
    }
  }

  flushBuffer(link: Link, channel: number): void {
    const buffered = link.buffers?.get(channel);
    if (buffered === undefined || buffered.packets.length === 0) return;
    const packets = buffered.packets;
    buffered.packets = [];
    buffered.bytes = 0;
    buffered.epoch++;
    for (const packet of packets) this.dispatch(packet);
  }

  /**
   * Keeps a reliable datagram that cannot get through, in send order. If the link stays cut for
   * `sessionTimeoutMs` (modelling), the session fails with a timeout and what waited is dropped (sdk
   * isteamnetworking.h:21, 319-321).
   */
  hold(packet: Datagram): void {
    const transport = this.transport;
    const core = transport.core;
    const link = packet.link;
    const held = (link.held ??= []);
    let at = held.length;
    while (at > 0 && held[at - 1]!.sendSeq > packet.sendSeq) at--;
    held.splice(at, 0, packet);
    if (held.length > 1) return;
    this.heldLinks.add(link);
    const epoch = ++link.holdEpoch;
    core.scheduler.at(core.now() + core.sessionTimeoutMs, () => {
      const stuck = link.held?.length ?? 0;
      if (link.holdEpoch !== epoch || stuck === 0 || transport.reachable(link)) return;
      transport.stats.dropped += stuck;
      transport.sessions.timeOut(link);
    });
  }

  /** Sends what waited on every link that can get through again, in order (after a partition heals). */
  releaseHeld(): void {
    for (const link of [...this.heldLinks]) {
      if (!this.transport.reachable(link)) continue;
      const held = link.held ?? [];
      link.held = undefined;
      link.holdEpoch++;
      this.heldLinks.delete(link);
      for (const packet of held) this.dispatch(packet);
    }
  }

  /** The link's session ended: nothing queued for it is sent. */
  forget(link: Link): void {
    link.forgetReliableDues();
    link.buffers = undefined;
    link.held = undefined;
    link.holdEpoch++;
    this.heldLinks.delete(link);
  }
}
