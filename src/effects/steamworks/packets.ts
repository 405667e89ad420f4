/**
 * P2P through steamworks.js: pulling native packets into the fair inbox at `poll()`, and sending. Channels are
 * Steam's own where the binding has them (binding.ts: the fork's `…OnChannel` calls; Steam holds a channel's
 * packets until that channel is read, so channels 0-15 are read at every poll, and any other once this backend has
 * sent on it or been asked for it), else carried in the lobbykit frame header over Steam's channel 0. Lobby chat frames
 * (chat-frame.ts) travel on channel 0 and are handed to `onChat`, never queued as game packets. A 0-byte packet
 * cannot hold up the queue: `isP2PPacketAvailable` says 0 for it as for nothing (steamworks.js networking.rs:59-66),
 * so an empty-looking channel is read anyway now and then, with a buffer no packet can overflow. Packets are pulled
 * only while the inbox is under its caps (in packets and bytes): the rest wait in Steam's own queue, none lost.
 */
import { MAX_RELIABLE_BYTES, sendP2PProblem, type P2PPacket, type P2PSendType } from '../backend.js';
import { peekChannel } from '../../codec/frame.js';
import { FairInbox, type SkipSender } from '../inbox.js';
import type { NativeChannels } from './binding.js';
import { isChatFrame } from './chat-frame.js';
import type { SteamworksClient, SteamworksP2PPacket } from './client-types.js';
import type { NativeCalls } from './native.js';

/** Every this many polls, a channel that says "nothing" is read anyway, in case a 0-byte packet sits at its head. */
export const ZERO_BYTE_PROBE_POLLS = 8;
/** Native channels read at every poll from the start: 0 to this minus 1. */
export const SCANNED_NATIVE_CHANNELS = 16;
/** Native channels read at most: a game's sends and reads cannot make the adapter read an unbounded number of them. */
export const MAX_NATIVE_CHANNELS = 64;

/** What one poll may pull from Steam, and what the adapter may hold unread: options of the steamworks.js backend. */
export interface SteamworksPacketOptions {
  /** Native packets pulled into the fair inbox per `poll()` (default 4096), so one poll stays bounded. */
  readonly maxPacketsPerPoll?: number;
  /**
   * Packets the inbox holds unread at most (default 4096): past it, `poll()` leaves packets in Steam's own queue for
   * later polls, none lost, so a peer sending faster than the game reads cannot grow the adapter's memory.
   */
  readonly maxInboxPackets?: number;
  /**
   * Bytes the inbox holds unread (default 4 MiB): past it, packets wait in Steam's queue likewise. A packet is pulled
   * whole, so the one that crosses the cap is kept (at most this plus one packet); an empty inbox takes any packet.
   */
  readonly maxInboxBytes?: number;
}

export type PacketLimits = Required<SteamworksPacketOptions>;

export const DEFAULT_PACKET_LIMITS: PacketLimits = Object.freeze({
  maxPacketsPerPoll: 4096,
  maxInboxPackets: 4096,
  // Four of the largest reliable packets, or thousands of game-sized ones: far past what a game reads in a tick.
  maxInboxBytes: 4 * MAX_RELIABLE_BYTES,
});

/**
 * The limits `options` asks for, defaults where unset. Throws, naming the option, when `options` is not an object or
 * a limit is not a positive integer: a zero, negative or NaN limit would make every poll read nothing.
 */
export function packetLimitsOf(options: unknown, where: string): PacketLimits {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  const given = options as Partial<Record<keyof PacketLimits, unknown>>;
  const limit = (name: keyof PacketLimits): number => {
    const value = given[name];
    if (value === undefined) return DEFAULT_PACKET_LIMITS[name];
    if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
    const got = typeof value === 'number' ? String(value) : value === null ? 'null' : typeof value;
    throw new RangeError(`${where}: ${name} must be a positive integer, got ${got}`);
  };
  return { maxPacketsPerPoll: limit('maxPacketsPerPoll'), maxInboxPackets: limit('maxInboxPackets'), maxInboxBytes: limit('maxInboxBytes') };
}

export interface PacketCounters {
  /** 0-byte packets read and dropped: they carry nothing a lobbykit frame or a game message can be. */
  emptyPackets: number;
}

export class SteamworksPackets {
  readonly counters: PacketCounters = { emptyPackets: 0 };
  private readonly inbox = new FairInbox();
  /** Bytes of the packets in `inbox`, counted here so FairInbox's push and read stay as cheap as for every backend. */
  private inboxBytes = 0;
  /** Native channels to read at `poll()`: only 0 without native channels. */
  private readonly watched: Set<number>;
  /** `watched` in the order added, which polls take in turn. */
  private readonly order: number[];
  private polls = 0;
  /** Where the next poll, and the next probing poll, start in `order`. */
  private turn = 0;
  private probeTurn = 0;
  /** Channels a packet has been read from (all of them are also in `watched`). */
  private readonly active = new Set<number>([0]);
  private probes = 0;

  constructor(
    private readonly client: SteamworksClient,
    private readonly channels: NativeChannels | undefined,
    private readonly calls: NativeCalls,
    private readonly limits: PacketLimits,
    private readonly onChat: (from: bigint, bytes: Uint8Array) => void,
  ) {
    this.order = channels === undefined ? [0] : Array.from({ length: SCANNED_NATIVE_CHANNELS }, (_, i) => i);
    this.watched = new Set(this.order);
  }

  /** Packets in the inbox, unread. */
  get pending(): number {
    return this.inbox.size;
  }

  channelsWithPackets(): readonly number[] {
    return this.inbox.channelsWithPackets();
  }

  clear(): void {
    this.inbox.clear();
    this.inboxBytes = 0;
  }

  /**
   * Reads what is waiting, at most `maxPacketsPerPoll` packets over all channels, and only while the inbox is under
   * its caps. Every ZERO_BYTE_PROBE_POLLS-th poll probes each channel that has carried packets, and one other
   * channel in turn: a 0-byte packet holds up a channel in use for that many polls at most, and any other for that
   * many times the channels read, while the inbox has room for all that waits (short of it, channels take turns at
   * what room there is, and a full inbox reads nothing until the game reads).
   */
  poll(): void {
    const order = this.order;
    const probing = this.polls++ % ZERO_BYTE_PROBE_POLLS === 0;
    const quietProbe = probing ? this.quietChannelToProbe() : -1;
    // Each poll starts one channel on, so when the inbox has room for only some packets, it is not always the same
    // channels' that stay in Steam; probing polls keep their own turn, or the two cycles could align and leave a
    // channel never first when probed.
    const first = (probing ? this.probeTurn++ : this.turn++) % order.length;
    let budget = this.limits.maxPacketsPerPoll;
    for (let i = 0; i < order.length && budget > 0 && this.hasRoom(); i++) {
      const channel = order[(first + i) % order.length]!;
      budget = this.drain(channel, budget, probing && (channel === quietProbe || this.active.has(channel)));
    }
  }

  /** The channel that has never carried a packet whose turn it is to be probed, or -1 if there is none. */
  private quietChannelToProbe(): number {
    const quiet = this.order.length - this.active.size;
    if (quiet <= 0) return -1;
    let skip = this.probes++ % quiet;
    for (const channel of this.order) if (!this.active.has(channel) && skip-- === 0) return channel;
    return -1;
  }

  /**
   * Whether the inbox is under both caps. A packet is pulled whole or not at all, and its size may be unknown until
   * read (a probe), so the one that crosses the byte cap is kept: the inbox holds at most maxInboxBytes plus one
   * packet. Empty, it always has room: the poll makes progress whatever the caps and the packet's size.
   */
  private hasRoom(): boolean {
    return this.inbox.size < this.limits.maxInboxPackets && this.inboxBytes < this.limits.maxInboxBytes;
  }

  private nativeAvailable(channel: number): number {
    const channels = this.channels;
    const net = this.client.networking;
    return this.calls.quiet(() => (channels === undefined ? net.isP2PPacketAvailable() : channels.isP2PPacketAvailableOnChannel(channel)), 0);
  }

  private readNative(size: number, channel: number): SteamworksP2PPacket | undefined {
    const channels = this.channels;
    const net = this.client.networking;
    // Throws "No packet available" when empty (steamworks.js networking.rs:68-87): an answer, not a failure.
    return this.calls.quiet(() => (channels === undefined ? net.readP2PPacket(size) : channels.readP2PPacketFromChannel(size, channel)), undefined);
  }

  private drain(channel: number, budget: number, probe: boolean): number {
    while (budget > 0 && this.hasRoom()) {
      const size = this.nativeAvailable(channel);
      // Nothing, or a 0-byte packet: on a probing poll, read with room for any packet (one may arrive meanwhile).
      if (!(size > 0) && !probe) return budget;
      const packet = this.readNative(size > 0 ? size : MAX_RELIABLE_BYTES, channel);
      if (packet === undefined) return budget;
      budget--;
      this.active.add(channel);
      // The buffer is as long as asked for; `size` says how much of it is the packet (networking.rs:71-80).
      const length = Math.max(0, Math.min(packet.size, packet.data.byteLength));
      if (length === 0) {
        this.counters.emptyPackets++;
        continue;
      }
      const bytes = new Uint8Array(packet.data.buffer, packet.data.byteOffset, length);
      this.route(packet.steamId.steamId64, bytes, channel);
    }
    return budget;
  }

  /**
   * Chat frames to `onChat`; a game packet to its native channel, or (emulated) to the channel its frame names. Chat
   * frames do not count against the inbox's caps: they never sit in it, going at once to the backend's events, which
   * every tick drains whole.
   */
  private route(from: bigint, bytes: Uint8Array, channel: number): void {
    if (channel === 0 && isChatFrame(bytes)) {
      this.onChat(from, bytes);
      return;
    }
    const packet: P2PPacket = { from, bytes };
    this.inbox.push(this.channels === undefined ? (peekChannel(bytes) ?? 0) : channel, packet);
    this.inboxBytes += bytes.length;
  }

  /** Native channels are read once the game shows interest in them, up to MAX_NATIVE_CHANNELS. */
  watch(channel: number): void {
    if (this.channels === undefined || this.watched.has(channel) || this.watched.size >= MAX_NATIVE_CHANNELS) return;
    this.watched.add(channel);
    this.order.push(channel);
  }

  send(to: bigint, bytes: Uint8Array, sendType: P2PSendType, channel: number): boolean {
    const calls = this.calls;
    const problem = sendP2PProblem(to, bytes, sendType, channel);
    if (problem !== undefined) return calls.refuse(problem.code, problem.detail);
    // Chat frames are the adapter's own: a game cannot forge one through sendP2P.
    if (isChatFrame(bytes)) return calls.refuse('channel-mismatch', 'these bytes are a lobbykit chat frame, which only sendLobbyChat sends');
    if (this.channels === undefined) {
      // One Steam channel: the receiver routes by the lobbykit frame header, so the bytes must agree.
      const framed = peekChannel(bytes);
      if ((framed ?? 0) !== channel) {
        return calls.refuse(
          'channel-mismatch',
          framed === undefined
            ? `this binding has no P2P channels: a send on channel ${channel} must be a lobbykit frame for that channel`
            : `the lobbykit frame is for channel ${framed}, but the send asked for channel ${channel}`,
        );
      }
    } else {
      this.watch(channel);
    }
    const before = calls.refusal;
    if (this.sendRaw(to, bytes, sendType, channel)) return true;
    if (calls.refusal === before) calls.refuse('native-error', 'steamworks.js refused the send (it returned false)');
    return false;
  }

  /** One native send, with no checks of its own (the caller made them). */
  sendRaw(to: bigint, bytes: Uint8Array, sendType: P2PSendType, channel: number): boolean {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const channels = this.channels;
    const net = this.client.networking;
    return this.calls.call(
      'sendP2PPacket',
      () => (channels === undefined ? net.sendP2PPacket(to, sendType, buffer) : channels.sendP2PPacketOnChannel(to, sendType, buffer, channel)),
      false,
    );
  }

  available(channel: number): number {
    this.watch(channel);
    return this.inbox.peekSize(channel);
  }

  read(channel: number, skip?: SkipSender): P2PPacket | undefined {
    this.watch(channel);
    const packet = this.inbox.read(channel, skip);
    if (packet !== undefined) this.inboxBytes -= packet.bytes.length;
    return packet;
  }
}
