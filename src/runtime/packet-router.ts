/**
 * The data plane's reader: packets from the backend to each channel's stream, within the tick's read limit and
 * decode budget, admitting members only.
 */
import type { Observable } from 'rxjs';
import type { ControlMessage } from '../codec/control.js';
import type { PacketCodec } from '../codec/packet-codec.js';
import type { Backend, P2PPacket } from '../effects/backend.js';
import type { LobbyRuntimeError } from './errors.js';
import type { PeerSlot } from './member-directory.js';
import type { RuntimeStats } from './stats.js';
import { ChannelStream } from './channel-stream.js';
import { DecodeBudget, HEAVY_WAIT_MS, LIGHT_WORK_BYTES } from './decode-budget.js';
import { LOBBYKIT_WIRE, looksLikeLobbykitFrame, type PeerWire, type TutorialWire } from './peer-wire.js';
import { decodeTutorialPacket, type TutorialLimits } from './tutorial-codec.js';

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
  /** A tutorial peer's handshake (or a lobbykit runtime opening with one): that member's session is up. */
  handshake(from: bigint): void;
  /** Whether our session with this member is up (a tutorial peer's message stands in for a lost handshake). */
  isConnected(id: bigint): boolean;
  /** A member's first packet showed its wire (MemberDirectory.showWire). */
  showWire(slot: PeerSlot, wire: PeerWire): void;
  error(error: LobbyRuntimeError): void;
}

/**
 * The data plane: read ≤ limit packets, round-robin over the channels that have any (the backend already takes
 * senders in turn within a channel), drop non-members before decoding, decode each member's packets in the wire it
 * speaks (lobbykit frames with the runtime's codec, tutorial peers' Godot Dictionaries), and hand game messages to
 * the channel's stream (a multicast Observable, see channel-stream.ts). No actor event, no pipe, and one allocation
 * (the delivered message) per packet besides the decoded value. Channels nobody asked for through
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
    private readonly tutorialLimits: TutorialLimits,
  ) {
    this.work = new DecodeBudget(sinks.gate, tutorialLimits.maxBytes);
  }

  /** How much decoding this tick may still do (decode-budget.ts). */
  private readonly work: DecodeBudget;

  messages<T = unknown>(channel: number): Observable<ChannelMessage<T>> {
    let stream = this.streams.get(channel);
    if (stream === undefined) {
      stream = new ChannelStream<ChannelMessage>();
      this.streams.set(channel, stream);
    }
    return stream.observable as Observable<ChannelMessage<T>>;
  }

  /** Starts a tick: the read limit and the decode budget are there to spend again. */
  beginTick(now: number): void {
    this.budget = this.readLimit;
    this.work.beginTick(now);
  }

  /** Reads and routes what is left of this tick's read limit; returns how many packets were read. */
  read(now: number): number {
    // Most ticks of most runtimes have nothing to read: return before loading what only reading needs (with many
    // runtimes in a process each of those is a cold load, every tick).
    if (this.budget <= 0 || this.backend.channelsWithPackets().length === 0) return 0;
    const { backend, codec, sinks, stats, work } = this;
    const gate = sinks.gate;
    let read = 0;
    let misses = 0;
    while (read < this.budget) {
      const open = backend.channelsWithPackets();
      const count = open.length;
      if (count === 0) break;
      const backendChannel = open[this.turn++ % count]!;
      const packet = backend.readP2P(backendChannel, work.checking ? work.skip : undefined);
      // Nothing readable on any channel (every sender past its share, or a backend listing an empty channel, which
      // would spin us forever): stop for this tick.
      if (packet === undefined) {
        if (++misses >= count) break;
        continue;
      }
      misses = 0;
      read++;
      const from = packet.from;
      const slot = this.admit(packet, from, gate);
      const bytes = packet.bytes;
      // Only a large packet, or one that may inflate, can be heavy: the common small frame skips the accounting.
      if (bytes.length > LIGHT_WORK_BYTES || (bytes[0]! & 0b100) !== 0 || bytes[0] === 0x1f) {
        if (work.shedding(slot)) {
          this.shed(from);
          continue;
        }
        work.charge(slot, bytes);
      }
      if (slot === undefined) {
        if (sinks.isExpelled(from)) stats.droppedExpelled++;
        else stats.droppedNonMember++;
        continue;
      }
      // A member that has not shown its wire shows it now; one that speaks the tutorial's is read as such, and so is
      // a lobbykit runtime's opening handshake (the tutorial's), which comes before anything else it sends.
      const wire = slot.wire;
      if (wire !== LOBBYKIT_WIRE || !looksLikeLobbykitFrame(bytes)) {
        if (wire === undefined && looksLikeLobbykitFrame(bytes)) {
          sinks.showWire(slot, LOBBYKIT_WIRE);
        } else if (wire !== LOBBYKIT_WIRE || slot.lastHeard === -Infinity) {
          this.readTutorial(slot, bytes, backendChannel, now);
          continue;
        }
      }
      const decoded = codec.decode(bytes);
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
        this.deliver(from, packetValue.channel, packetValue.value);
      }
    }
    stats.packetsRead += read;
    this.budget -= read;
    return read;
  }

  /** A heavy packet from a member that kept the budget waiting too long (decode-budget.ts): dropped undecoded. */
  private shed(from: bigint): void {
    this.stats.shedOverBudget++;
    this.sinks.error({
      kind: 'decode-failed',
      from,
      code: 'over-budget',
      detail: `heavy packets kept waiting on the decode budget for over ${HEAVY_WAIT_MS} ms`,
      reason: `A packet from ${from} was dropped undecoded: it sends more heavy work than the game's ticks decode.`,
    });
  }

  private deliver(from: bigint, channel: number, value: unknown): void {
    const stream = channel === this.lastChannel ? this.lastStream : this.streams.get(channel);
    if (stream === undefined) {
      this.stats.unroutedMessages++;
      return;
    }
    this.lastChannel = channel;
    this.lastStream = stream;
    this.stats.messagesDelivered++;
    stream.next({ from, channel, value });
  }

  /** A packet in the tutorial's wire: its handshake brings the session up, its Dictionaries go to the game as is. */
  private readTutorial(slot: PeerSlot, bytes: Uint8Array, channel: number, now: number): void {
    const { stats, sinks } = this;
    const from = slot.id;
    const lobbykit = slot.wire === LOBBYKIT_WIRE;
    const decoded = decodeTutorialPacket(bytes, lobbykit ? undefined : (slot.wire as TutorialWire | undefined), this.tutorialLimits);
    // From a lobbykit peer, only its opening handshake comes in the tutorial's wire.
    if (decoded.ok && lobbykit && !(decoded.value.kind === 'handshake' && decoded.value.fromLobbykit)) {
      stats.decodeErrors++;
      sinks.error({
        kind: 'decode-failed',
        from,
        code: 'unknown-version',
        detail: 'this member speaks lobbykit frames; a tutorial packet from it is not one',
        reason: `A packet from ${from} did not decode (unknown-version): it speaks lobbykit frames, not the tutorial's.`,
      });
      return;
    }
    if (!decoded.ok) {
      stats.decodeErrors++;
      sinks.error({
        kind: 'decode-failed',
        from,
        code: decoded.code,
        detail: decoded.detail,
        reason: `A packet from ${from} did not decode (${decoded.code}): ${decoded.detail}`,
      });
      return;
    }
    slot.lastHeard = now;
    const packet = decoded.value;
    if (slot.wire === undefined) sinks.showWire(slot, packet.kind === 'handshake' && packet.fromLobbykit ? LOBBYKIT_WIRE : packet.wire);
    if (packet.kind === 'handshake') {
      stats.controlFrames++;
      sinks.handshake(from);
      return;
    }
    // A tutorial host handshakes only the members it knows when our session request reaches it, which may be before
    // it has seen us enter: its first Dictionary to us proves the path as well as a handshake would.
    if (!sinks.isConnected(from)) sinks.handshake(from);
    // A tutorial peer's channel is the Steam channel it sent on.
    this.deliver(from, channel, packet.value);
  }

  /**
   * The sender's slot, or undefined for a non-member. A transport that queues per sender hands us its queue's memo
   * (see SenderMemo): a slot kept there under the current gate version, and for this very sender, saves the gate
   * lookup, whose Map table and key are cold loads when many runtimes share a process.
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
