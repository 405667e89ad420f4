/**
 * How much decoding one tick may do, so a member who sends zip bombs or megabyte payloads cannot freeze the game's
 * frame: work is counted in bytes read plus bytes inflated, as each packet's header announces them. Small packets
 * (game traffic) are bounded by the read limit alone. Heavy ones share a budget per tick and per sender: a sender
 * whose next heavy packet does not fit waits for a later tick with its packets queued in the backend (the visible
 * backlog), while the other members are read in turn. The first heavy packet of a tick is always read, so a large
 * message is delayed, never starved. A sender that has kept more heavy work waiting than the ticks decode for
 * `HEAVY_WAIT_MS` is past any honest transfer: its excess is shed undecoded, so what it can queue is bounded in time.
 */
import { readFrameHeader } from '../codec/frame.js';
import type { PeerSlot } from './member-directory.js';
import { looksLikeLobbykitFrame } from './peer-wire.js';

/** Heavy work one tick may do (bytes read + inflated). */
export const TICK_WORK_BYTES = 256 * 1024;
/** Heavy work one sender may cause in one tick beyond its first heavy packet, so one member cannot spend the tick. */
export const SENDER_WORK_BYTES = 64 * 1024;
/** Packets of at most this much work are light: the read limit bounds them, the budget never holds them back. */
export const LIGHT_WORK_BYTES = 4 * 1024;
/**
 * How long a sender's heavy packets may keep waiting on the budget: past it, those over its share are read and
 * dropped undecoded (`over-budget`). The first heavy packet of each tick still decodes, so an honest transfer that
 * long (hundreds of megabytes, at one packet a tick) loses nothing.
 */
export const HEAVY_WAIT_MS = 5_000;
/** A sender not held back for this long has caught up: its next wait starts afresh. */
const CAUGHT_UP_MS = 1_000;

/** One sender's spending this tick, and since when its heavy packets have been waiting on the budget. */
interface SenderWork {
  tick: number;
  spent: number;
  /** When it was last held back; a second without it ends the wait (whatever other traffic did to the ticks). */
  heldAt: number;
  waitingSince: number;
}

/** The decode work a packet announces: its length, plus what its header says it inflates to (capped). */
export function announcedWork(bytes: Uint8Array, maxInflated: number): number {
  if (looksLikeLobbykitFrame(bytes)) {
    if ((bytes[0]! & 0b100) === 0) return bytes.length;
    const header = readFrameHeader(bytes);
    const announced = header.ok ? (header.value.uncompressedLength ?? 0) : 0;
    // A frame announcing more than the cap is refused before anything is inflated.
    return bytes.length + (announced <= maxInflated ? announced : 0);
  }
  // GZIP (a tutorial peer's packet): the trailer's ISIZE is the inflated length, mod 2^32, which a sender may lie
  // about; inflation stops at the cap either way.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b && bytes.length >= 18) {
    const end = bytes.length;
    const inflated = (bytes[end - 4]! | (bytes[end - 3]! << 8) | (bytes[end - 2]! << 16) | (bytes[end - 1]! << 24)) >>> 0;
    return bytes.length + Math.min(inflated, maxInflated);
  }
  return bytes.length;
}

export class DecodeBudget {
  private tick = 0;
  private spent = 0;
  /** Per sender: the tick its spending was counted in, and how much. */
  private readonly bySender = new WeakMap<PeerSlot, SenderWork>();
  /** The sender whose packet the backend hands over next is to be shed, not decoded (see `shedding`). */
  private shed: PeerSlot | undefined = undefined;
  /** Passed to the backend's read while the tick has done enough work for shares to matter; see `skip`. */
  readonly skip: (from: bigint, next: Uint8Array) => boolean;

  constructor(
    private readonly gate: ReadonlyMap<bigint, PeerSlot>,
    private readonly maxInflated: number,
  ) {
    this.skip = (from, next) => this.overShare(from, next);
  }

  private now = 0;

  beginTick(now: number): void {
    this.tick++;
    this.spent = 0;
    this.now = now;
    this.shed = undefined;
  }

  /** Whether the packet just read from `slot` is the excess of a sender held back too long: dropped undecoded. */
  shedding(slot: PeerSlot | undefined): boolean {
    if (slot === undefined || this.shed !== slot) return false;
    this.shed = undefined;
    return true;
  }

  /** Whether shares matter this tick: only after a heavy packet (until then the backend is not even asked). */
  get checking(): boolean {
    return this.spent > 0;
  }

  /**
   * Counts a packet that was read from `slot` (undefined: a non-member, dropped before any decoding). The router
   * calls it only for packets that may be heavy (large, or compressed), so small game frames cost nothing here.
   */
  charge(slot: PeerSlot | undefined, bytes: Uint8Array): void {
    if (slot === undefined) return;
    const work = announcedWork(bytes, this.maxInflated);
    if (work <= LIGHT_WORK_BYTES) return;
    this.spent += work;
    const entry = this.entryOf(slot);
    entry.spent += work;
  }

  /** `slot`'s record, its spending counted from this tick on. */
  private entryOf(slot: PeerSlot): SenderWork {
    let entry = this.bySender.get(slot);
    if (entry === undefined) {
      entry = { tick: this.tick, spent: 0, heldAt: -Infinity, waitingSince: this.now };
      this.bySender.set(slot, entry);
    } else if (entry.tick !== this.tick) {
      entry.tick = this.tick;
      entry.spent = 0;
    }
    return entry;
  }

  private overShare(from: bigint, next: Uint8Array): boolean {
    this.shed = undefined;
    const work = announcedWork(next, this.maxInflated);
    if (work <= LIGHT_WORK_BYTES) return false;
    const slot = this.gate.get(from);
    if (slot === undefined) return false;
    const entry = this.entryOf(slot);
    if (this.spent + work <= TICK_WORK_BYTES && !(entry.spent > 0 && entry.spent + work > SENDER_WORK_BYTES)) return false;
    // Its packets are here, waiting on us: it is not silent, whatever the liveness check would conclude.
    slot.lastHeard = this.now;
    if (this.now - entry.heldAt > CAUGHT_UP_MS) entry.waitingSince = this.now;
    entry.heldAt = this.now;
    if (this.now - entry.waitingSince < HEAVY_WAIT_MS) return true;
    this.shed = slot;
    return false;
  }
}
