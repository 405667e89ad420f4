import { describe, expect, it } from 'vitest';
import { HeldSends, type HeldSend } from '../src/runtime/held-sends.js';
import { LOBBYKIT_WIRE } from '../src/runtime/peer-wire.js';
import { P2PSendType } from '../src/steam/index.js';

/** The hold's limits per member, as docs/reliability.md's table of limits states them. */
const HELD_MESSAGES = 256;
const HELD_BYTES = 1024 * 1024;

function send(length: number, tag: number): HeldSend {
  const frame = new Uint8Array(length);
  frame.fill(tag & 0xff);
  return { frame, godot: { 3: undefined, 4: undefined }, sendType: P2PSendType.reliable, channel: 1 };
}

describe('HeldSends (reliable messages for a member whose wire is not known yet)', () => {
  it('holds 256 messages for a member and refuses the 257th; what it held comes out whole, in order', () => {
    const held = new HeldSends();
    const member = 10n;
    const sends = Array.from({ length: HELD_MESSAGES }, (_, i) => send(8, i));
    for (const s of sends) expect(held.hold(member, s)).toBe(true);
    expect(held.hold(member, send(8, 999))).toBe(false);
    expect(held.hold(member, send(1, 1000))).toBe(false);
    // The limit is per member: another member's hold is untouched by this one's.
    expect(held.hold(11n, send(8, 0))).toBe(true);
    expect(held.release(member, LOBBYKIT_WIRE).map((r) => r.send)).toEqual(sends);
  });

  it('holds up to exactly 1 MiB of frames for a member and refuses a byte more', () => {
    const held = new HeldSends();
    const member = 10n;
    const quarters = [0, 1, 2, 3].map((i) => send(HELD_BYTES / 4, i));
    for (const s of quarters) expect(held.hold(member, s)).toBe(true);
    expect(held.hold(member, send(1, 4))).toBe(false);
    expect(held.release(member, LOBBYKIT_WIRE).map((r) => r.send)).toEqual(quarters);
  });

  it('takes a single message of exactly 1 MiB and refuses one a byte larger', () => {
    const held = new HeldSends();
    expect(held.hold(10n, send(HELD_BYTES + 1, 0))).toBe(false);
    expect(held.release(10n, LOBBYKIT_WIRE)).toEqual([]);
    const whole = send(HELD_BYTES, 1);
    expect(held.hold(11n, whole)).toBe(true);
    expect(held.release(11n, LOBBYKIT_WIRE).map((r) => r.send)).toEqual([whole]);
  });

  it('holds nothing after clear (we left the lobby): nothing is released, and every member has its whole hold again', () => {
    const held = new HeldSends();
    for (let i = 0; i < HELD_MESSAGES; i++) expect(held.hold(10n, send(8, i))).toBe(true);
    expect(held.hold(11n, send(8, 0))).toBe(true);
    held.clear();
    expect(held.release(10n, LOBBYKIT_WIRE)).toEqual([]);
    expect(held.release(11n, LOBBYKIT_WIRE)).toEqual([]);
    const after = send(8, 1);
    expect(held.hold(10n, after)).toBe(true);
    expect(held.release(10n, LOBBYKIT_WIRE).map((r) => r.send)).toEqual([after]);
  });
});
