/**
 * How much decoding one tick may do, so a member who sends zip bombs or megabyte payloads cannot freeze the game's
 * frame: work is counted in bytes read plus bytes inflated, as each packet's header announces them. Small packets
 * (game traffic) are bounded by the read limit alone. Heavy ones share a budget per tick and per sender: a sender
 * whose next heavy packet does not fit waits for a later tick with its packets queued in the backend (the visible
 * backlog), while the other members are read in turn. The first heavy packet of a tick is always read, so a large
 * message is delayed, never starved.
 */
import { readFrameHeader } from '../codec/frame.js';
import type { PeerSlot } from './member-directory.js';
import { looksLikeLobbykitFrame } from './peer-wire.js';

/** Heavy work one tick may do (bytes read + inflated). */
export const TICK_WORK_BYTES = 256 * 1024;
/** Heavy work one sender may cause in one tick, so one member cannot spend the whole tick's share. */
export const SENDER_WORK_BYTES = 64 * 1024;
/** Packets of at most this much work are light: the read limit bounds them, the budget never holds them back. */
export const LIGHT_WORK_BYTES = 4 * 1024;

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
  private readonly bySender = new WeakMap<PeerSlot, { tick: number; spent: number }>();
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
    const entry = this.bySender.get(slot);
    if (entry === undefined || entry.tick !== this.tick) this.bySender.set(slot, { tick: this.tick, spent: work });
    else entry.spent += work;
  }

  private overShare(from: bigint, next: Uint8Array): boolean {
    const work = announcedWork(next, this.maxInflated);
    if (work <= LIGHT_WORK_BYTES) return false;
    const slot = this.gate.get(from);
    if (slot === undefined) return false;
    const entry = this.bySender.get(slot);
    const spent = entry !== undefined && entry.tick === this.tick ? entry.spent : 0;
    if (this.spent + work <= TICK_WORK_BYTES && !(spent > 0 && spent + work > SENDER_WORK_BYTES)) return false;
    // Its packets are here, waiting on us: it is not silent, whatever the liveness check would conclude.
    slot.lastHeard = this.now;
    return true;
  }
}
