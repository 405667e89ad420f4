/**
 * Reliable messages for a member whose wire is not known yet (it entered after us and has neither declared nor
 * sent anything): held, in order, and sent in its wire the moment it shows it, as Steam itself buffers reliable
 * data for a session that is still opening. Nothing is lost and a tutorial peer never gets a lobbykit frame. The
 * hold is bounded per member in messages and bytes; past it a send is refused for that member, and a member who
 * leaves takes its hold with it. Unreliable messages are not held: they would arrive stale.
 */
import type { P2PSendType } from '../steam/index.js';
import type { GodotVersion, PeerWire } from './peer-wire.js';
import { compressFor } from './tutorial-codec.js';

export const MAX_HELD_MESSAGES = 256;
export const MAX_HELD_BYTES = 1024 * 1024;

export interface HeldSend {
  /** The message as a lobbykit frame, for a member that turns out to speak lobbykit. */
  readonly frame: Uint8Array;
  /** The message as var2bytes per Godot version, made when it was sent (undefined: not a Dictionary). */
  readonly godot: Readonly<Record<GodotVersion, Uint8Array | undefined>>;
  readonly sendType: P2PSendType;
  /** The game's (lobbykit) channel; the Steam channel depends on the wire. */
  readonly channel: number;
}

export interface Released {
  readonly bytes: Uint8Array;
  readonly send: HeldSend;
}

export class HeldSends {
  private readonly held = new Map<bigint, { readonly sends: HeldSend[]; bytes: number }>();

  /** Holds `send` for `memberId`; false when the member's hold is full. */
  hold(memberId: bigint, send: HeldSend): boolean {
    let entry = this.held.get(memberId);
    if (entry === undefined) {
      entry = { sends: [], bytes: 0 };
      this.held.set(memberId, entry);
    }
    if (entry.sends.length >= MAX_HELD_MESSAGES || entry.bytes + send.frame.length > MAX_HELD_BYTES) return false;
    entry.sends.push(send);
    entry.bytes += send.frame.length;
    return true;
  }

  /** The member showed its wire: what was held for it, in order, as the bytes of that wire. */
  release(memberId: bigint, wire: PeerWire): readonly Released[] {
    const entry = this.held.get(memberId);
    if (entry === undefined) return [];
    this.held.delete(memberId);
    const out: Released[] = [];
    for (const send of entry.sends) {
      if (wire.kind === 'lobbykit') {
        out.push({ bytes: send.frame, send });
        continue;
      }
      const raw = send.godot[wire.godot];
      if (raw !== undefined) out.push({ bytes: compressFor(raw, wire), send });
    }
    return out;
  }

  forget(memberId: bigint): void {
    this.held.delete(memberId);
  }

  clear(): void {
    this.held.clear();
  }
}
