import type { Observable } from 'rxjs';
import type { ControlMessage } from '../codec/control.js';
import type { PacketCodec } from '../codec/packet-codec.js';
import type { Backend, P2PPacket } from '../effects/backend.js';
import type { LobbyRuntimeError } from './errors.js';
import type { PeerSlot } from './member-directory.js';
import type { RuntimeStats } from './stats.js';
import { ChannelStream } from './channel-stream.js';

/** A game message as delivered: the sender is the transport's, never a payload field. */
export interface ChannelMessage<T = unknown> {
  readonly from: bigint;
  readonly channel: number;
  readonly value: T;
}

/** What the router needs from the rest of the runtime; plain functions, so the hot loop makes no lookups. */
export interface RouterSinks {
  /** Current, non-expelled members of our lobby, with the slot where their last-heard time goes. */
  readonly gate: ReadonlyMap<bigint, PeerSlot>;
  /** An object that is replaced whenever the gate changes: slots kept in a packet's SenderMemo are valid under it. */
  gateVersion(): unknown;
  isExpelled(id: bigint): boolean;
  control(from: bigint, message: ControlMessage): void;
  error(error: LobbyRuntimeError): void;
}

/**
 * The data plane: read ≤ limit packets, round-robin over the channels that have any (the backend already takes
 * senders in turn within a channel), drop non-members before decoding, decode with the one codec, and hand game
 * messages to the channel's stream (a multicast Observable, see channel-stream.ts). No actor event, no pipe, and one
 * allocation (the delivered message) per packet besides the decoded value. Channels nobody asked for through
 * `messages(channel)` are counted and dropped, so a hostile member cannot make us allocate a stream per channel
 * number.
 */
export class PacketRouter {
  private readonly streams = new Map<number, ChannelStream<ChannelMessage>>();
  /** The stream last delivered to: a tick's packets mostly share a channel, and the Map's table is a cold load. */
  private lastChannel = -1;
  private lastStream: ChannelStream<ChannelMessage> | undefined = undefined;
  private turn = 0;
  /** What is left of this tick's read limit: a tick may read in more than one go, never past the limit. */
  private budget = 0;

  constructor(
    private readonly backend: Backend,
    private readonly codec: PacketCodec,
    private readonly sinks: RouterSinks,
    private readonly stats: RuntimeStats,
    private readonly readLimit: number,
  ) {}

  messages<T = unknown>(channel: number): Observable<ChannelMessage<T>> {
    let stream = this.streams.get(channel);
    if (stream === undefined) {
      stream = new ChannelStream<ChannelMessage>();
      this.streams.set(channel, stream);
    }
    return stream.observable as Observable<ChannelMessage<T>>;
  }

  /** Starts a tick: the read limit is there to spend again. */
  beginTick(): void {
    this.budget = this.readLimit;
  }

  /** Reads and routes what is left of this tick's read limit; returns how many packets were read. */
  read(now: number): number {
    // Most ticks of most runtimes have nothing to read: return before loading what only reading needs (at 2,000
    // runtimes each of those is a cold load, every tick).
    if (this.budget <= 0 || this.backend.channelsWithPackets().length === 0) return 0;
    const { backend, codec, sinks, stats } = this;
    const gate = sinks.gate;
    let read = 0;
    while (read < this.budget) {
      const open = backend.channelsWithPackets();
      const count = open.length;
      if (count === 0) break;
      const packet = backend.readP2P(open[this.turn++ % count]!);
      // A backend that lists a channel but has nothing on it would spin us forever: stop for this tick.
      if (packet === undefined) break;
      read++;
      const from = packet.from;
      const slot = this.admit(packet, from, gate);
      if (slot === undefined) {
        if (sinks.isExpelled(from)) stats.droppedExpelled++;
        else stats.droppedNonMember++;
        continue;
      }
      const decoded = codec.decode(packet.bytes);
      if (!decoded.ok) {
        stats.decodeErrors++;
        sinks.error({
          kind: 'decode-failed',
          from,
          code: decoded.code,
          detail: decoded.detail,
          reason: `A packet from ${from} did not decode (${decoded.code}): ${decoded.detail}`,
        });
        continue;
      }
      slot.lastHeard = now;
      const packetValue = decoded.value;
      if (packetValue.kind === 'control') {
        stats.controlFrames++;
        sinks.control(from, packetValue.message);
      } else {
        const channel = packetValue.channel;
        const stream = channel === this.lastChannel ? this.lastStream : this.streams.get(channel);
        if (stream === undefined) {
          stats.unroutedMessages++;
        } else {
          this.lastChannel = channel;
          this.lastStream = stream;
          stats.messagesDelivered++;
          stream.next({ from, channel, value: packetValue.value });
        }
      }
    }
    stats.packetsRead += read;
    this.budget -= read;
    return read;
  }

  /**
   * The sender's slot, or undefined for a non-member. A transport that queues per sender hands us its queue's memo
   * (see SenderMemo): a slot kept there under the current gate version, and for this very sender, saves the gate
   * lookup, whose Map table and key are cold loads at 2,000 runtimes.
   */
  private admit(packet: P2PPacket, from: bigint, gate: ReadonlyMap<bigint, PeerSlot>): PeerSlot | undefined {
    const memo = packet.sender;
    if (memo === undefined) return gate.get(from);
    const version = this.sinks.gateVersion();
    if (memo.memoKey === version) {
      const kept = memo.memo as PeerSlot;
      if (kept.id === from) return kept;
    }
    const slot = gate.get(from);
    if (slot !== undefined) {
      memo.memoKey = version;
      memo.memo = slot;
    }
    return slot;
  }

  complete(): void {
    for (const stream of this.streams.values()) stream.complete();
    this.streams.clear();
    this.lastChannel = -1;
    this.lastStream = undefined;
  }
}
