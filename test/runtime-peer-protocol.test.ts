import { describe, expect, it } from 'vitest';
import { createPacketCodec } from '../src/codec/index.js';
import type { ControlMessage } from '../src/codec/control.js';
import { P2PSendType, type Backend } from '../src/effects/backend.js';
import type { PeerSlot } from '../src/runtime/member-directory.js';
import { PeerProtocol } from '../src/runtime/peer-protocol.js';
import { LOBBYKIT_WIRE, openingWire, tutorialWire, type PeerWire } from '../src/runtime/peer-wire.js';

const SELF = 76561198000000001n;
const REMOTE = 76561198000000002n;

interface Sent {
  readonly to: bigint;
  readonly bytes: Uint8Array;
  readonly sendType: P2PSendType;
  readonly channel: number;
}

/** A PeerProtocol over a backend that records every send and accepts it. */
function protocolWith(slot: Partial<PeerSlot> | undefined): { protocol: PeerProtocol; sent: Sent[] } {
  const sent: Sent[] = [];
  const backend = {
    sendP2P(to: bigint, bytes: Uint8Array, sendType: P2PSendType, channel: number): boolean {
      sent.push({ to, bytes, sendType, channel });
      return true;
    },
  } as unknown as Backend;
  const slots = new Map<bigint, PeerSlot>();
  if (slot !== undefined) {
    const wire: PeerWire | undefined = slot.wire;
    slots.set(REMOTE, { id: REMOTE, lastHeard: -Infinity, lastSent: -Infinity, route: undefined, wire, opens: slot.opens ?? false });
  }
  const protocol = new PeerProtocol(backend, createPacketCodec(), () => undefined, SELF, slots, openingWire(undefined));
  return { protocol, sent };
}

function controlMessages(sent: readonly Sent[]): ControlMessage[] {
  const codec = createPacketCodec();
  return sent.map((s) => {
    const decoded = codec.decode(s.bytes);
    if (!decoded.ok || decoded.value.kind !== 'control') throw new Error('not a control frame');
    return decoded.value.message;
  });
}

describe('PeerProtocol: handshakes to a lobbykit member (docs/wire-format.md, control frames)', () => {
  it('numbers the attempts from 0, as the wire format\'s opening handshake does, and counts each retry', () => {
    // The machine counts attempts from 1 (peer-session.machine.ts `attempt`); the wire's first handshake says 0.
    const { protocol, sent } = protocolWith({ wire: LOBBYKIT_WIRE });
    expect(protocol.sendHandshake(REMOTE, 1)).toBe(true);
    expect(protocol.sendHandshake(REMOTE, 2)).toBe(true);
    expect(protocol.sendHandshake(REMOTE, 5)).toBe(true);
    const attempts = controlMessages(sent).map((m) => (m.type === 'handshake' ? m.attempt : -1));
    expect(attempts).toEqual([0, 1, 4]);
  });

  it('numbers its heartbeats in sequence: each carries one more than the one before', () => {
    const { protocol, sent } = protocolWith({ wire: LOBBYKIT_WIRE });
    for (let i = 0; i < 3; i++) expect(protocol.sendHeartbeat(REMOTE)).toBe(true);
    const seqs = controlMessages(sent).map((m) => (m.type === 'heartbeat' ? m.seq : -1));
    expect(seqs[1]).toBe(seqs[0]! + 1);
    expect(seqs[2]).toBe(seqs[1]! + 1);
  });
});

describe('PeerProtocol: a member whose wire is not known yet (the file\'s doc comment)', () => {
  it('opens to a member who was in the lobby before us with the tutorial handshake, reliable on channel 0', () => {
    const { protocol, sent } = protocolWith({ wire: undefined, opens: true });
    expect(protocol.sendHandshake(REMOTE, 1)).toBe(true);
    expect(sent.map((s) => [s.to, s.sendType, s.channel])).toEqual([[REMOTE, P2PSendType.reliable, 0]]);
  });

  it('sends nothing to a member who came after us (it opens to us), and says so: false', () => {
    const { protocol, sent } = protocolWith({ wire: undefined, opens: false });
    expect(protocol.sendHandshake(REMOTE, 1)).toBe(false);
    expect(sent).toEqual([]);
  });

  it('sends nothing to someone it has no slot for, and says so: false', () => {
    const { protocol, sent } = protocolWith(undefined);
    expect(protocol.sendHandshake(REMOTE, 1)).toBe(false);
    expect(sent).toEqual([]);
  });
});

describe('openingWire (TutorialOptions: Godot 3 and gzip by default)', () => {
  it('takes each option as given and defaults the rest to the tutorial\'s', () => {
    expect(openingWire(undefined)).toEqual({ kind: 'tutorial', godot: 3, gzip: true });
    expect(openingWire({})).toEqual({ kind: 'tutorial', godot: 3, gzip: true });
    expect(openingWire({ compression: 'none' })).toEqual({ kind: 'tutorial', godot: 3, gzip: false });
    expect(openingWire({ compression: 'gzip' })).toEqual({ kind: 'tutorial', godot: 3, gzip: true });
    expect(openingWire({ godotVersion: 4, compression: 'none' })).toEqual({ kind: 'tutorial', godot: 4, gzip: false });
    expect(openingWire({ godotVersion: 4 })).toBe(tutorialWire(4, true));
  });
});
