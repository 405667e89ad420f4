/**
 * Steam's P2P session rules: a session is accepted explicitly or by sending; the first packet from someone not
 * accepted raises a session request and waits; an unanswered request or a stuck session times out (error 4); a
 * session fails on demand; closing one drops what was unread.
 */
import type { SimUser } from '../users/user.js';
import type { Datagram } from './datagram.js';
import type { Link } from './link.js';
import type { P2PTransport } from './transport.js';

/** Packets from a sender whose session request is not answered yet. */
export interface PendingSession {
  readonly packets: Datagram[];
  readonly since: number;
}

export class P2PSessions {
  constructor(private readonly transport: P2PTransport) {}

  /** Accepts `remote`'s session and delivers what waited (sdk isteamnetworking.h:168-174). */
  accept(user: SimUser, remote: bigint): void {
    this.setAccepted(user, remote, true);
    const pending = user.pending.get(remote);
    if (pending === undefined) return;
    user.pending.delete(remote);
    const stats = this.transport.stats;
    for (const packet of pending.packets) {
      stats.delivered++;
      user.inbox.push(packet.channel, packet);
    }
  }

  /**
   * Closes the session with `remote`: unread and waiting packets are dropped, and a later packet from them raises a
   * new session request (sdk isteamnetworking.h:176-178).
   */
  close(user: SimUser, remote: bigint): void {
    const transport = this.transport;
    const stats = transport.stats;
    this.setAccepted(user, remote, false);
    const pending = user.pending.get(remote);
    if (pending !== undefined) stats.dropped += pending.packets.length;
    user.pending.delete(remote);
    stats.dropped += user.inbox.dropSender(remote);
    const outgoing = transport.linkOf(user, remote);
    if (outgoing !== undefined) {
      outgoing.open = false;
      this.end(outgoing);
    }
    const incoming = transport.linkInto(user, remote);
    if (incoming !== undefined) {
      incoming.open = false;
      incoming.forgetQueues();
    }
  }

  /**
   * A packet from someone `link.to` has not accepted: the first one raises P2PSessionRequest_t (sdk
   * isteamnetworking.h:168-171, 310-316) and they wait; if the request stays unanswered the sender's session
   * fails with k_EP2PSessionErrorTimeout (sdk isteamnetworking.h:21) after `sessionTimeoutMs` (modelling).
   */
  request(link: Link, packet: Datagram): void {
    const core = this.transport.core;
    const to = link.to;
    const fromId = link.fromId;
    let pending = to.pending.get(fromId);
    if (pending === undefined) {
      pending = { packets: [], since: core.now() };
      to.pending.set(fromId, pending);
      const started = pending;
      core.emit(to, { type: 'p2pSessionRequest', remote: fromId });
      core.scheduler.at(core.now() + core.sessionTimeoutMs, () => {
        if (to.pending.get(fromId) !== started) return;
        to.pending.delete(fromId);
        this.transport.stats.dropped += started.packets.length;
        this.timeOut(link);
      });
    }
    pending.packets.push(packet);
  }

  /**
   * The session fails with `error` after `delayMs`: P2PSessionConnectFail_t, and what was queued unsent is dropped
   * (sdk isteamnetworking.h:319-327). Until it is reported, sends on the link are dropped.
   */
  fail(link: Link, error: number, delayMs: number): void {
    const core = this.transport.core;
    link.failing = true;
    link.open = false;
    this.end(link);
    core.scheduler.at(core.now() + delayMs, () => {
      link.failing = false;
      core.emit(link.from, { type: 'p2pConnectFail', remote: link.to.id, error });
    });
  }

  /** The session on `link` timed out (k_EP2PSessionErrorTimeout, sdk isteamnetworking.h:21): it ends, and its sender hears at once. */
  timeOut(link: Link): void {
    link.open = false;
    this.end(link);
    this.transport.core.emit(link.from, { type: 'p2pConnectFail', remote: link.to.id, error: 4 });
  }

  /** Ends the link's session: datagrams of it still in flight are dropped on arrival, and its reliable queues go. */
  private end(link: Link): void {
    link.session++;
    this.transport.reliable.forget(link);
  }

  /** The one place `accepted` changes, so the links' mirrors of it stay true. */
  private setAccepted(user: SimUser, remote: bigint, accepted: boolean): void {
    user.markAccepted(remote, accepted);
    const outgoing = this.transport.linkOf(user, remote);
    if (outgoing !== undefined) outgoing.senderAccepted = accepted;
    const incoming = this.transport.linkInto(user, remote);
    if (incoming !== undefined) incoming.receiverAccepted = accepted;
  }
}
