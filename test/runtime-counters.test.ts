// The runtime's counters add up: every packet read comes to exactly one outcome (delivered, unrouted, control,
// dropped as from a non-member or from someone expelled, or a decode error), frame after frame, through a storm
// that mixes every hostile class with chat frames, JSON nested too deep, valid messages on a channel the game
// listens to and one it does not, heartbeats, and packets from a stranger and from a kicked member let through
// behind the runtime's back. Each decode error is one decode-failed error, no more (a chat frame was once counted
// twice).
import { afterEach, describe, expect, it } from 'vitest';
import { FrameKind, PayloadCodecId, encodeFrameHeader } from '../src/codec/frame.js';
import { createPacketCodec } from '../src/codec/packet-codec.js';
import { encodeChatFrame } from '../src/effects/steamworks/chat-frame.js';
import { P2PSendType } from '../src/effects/backend.js';
import type { RuntimeStats } from '../src/runtime.js';
import { hostileClasses } from './helpers/hostile-packets.js';
import { createRuntimeWorld, hostLobby, userId, type RuntimeWorld } from './helpers/runtime-world.js';
import { ThinMember } from './helpers/thin-member.js';

/**
 * The counters that are not what became of a packet read (from RuntimeStats' documentation). Every other counter
 * is one, so a counter added for a new outcome joins the sum without this test changing.
 */
const NOT_PACKET_OUTCOMES: ReadonlySet<string> = new Set([
  'ticks',
  'packetsRead',
  'sessionRequestsAccepted',
  'sessionRequestsRefused',
  'expelledRejoins',
  'packetsSent',
  'sendsRefused',
  'backendEvents',
  'unknownMemberChanges',
  'readBacklog',
  'chatNotices',
  'chatNoticesRefused',
]);
/** The outcomes every storm below must reach at least once. */
const OUTCOMES = ['messagesDelivered', 'unroutedMessages', 'controlFrames', 'droppedNonMember', 'droppedExpelled', 'decodeErrors'] as const;

const outcomes = (s: RuntimeStats): number =>
  Object.entries(s).reduce((sum, [key, value]) => (NOT_PACKET_OUTCOMES.has(key) ? sum : sum + (value as number)), 0);

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

function jsonFrame(text: string): Uint8Array {
  const header = encodeFrameHeader({ kind: FrameKind.application, channel: 1, codecId: PayloadCodecId.json });
  const payload = new TextEncoder().encode(text);
  const out = new Uint8Array(header.length + payload.length);
  out.set(header);
  out.set(payload, header.length);
  return out;
}

describe('runtime counters under a hostile storm', () => {
  it('packetsRead is the sum of the outcomes after every frame, and decodeErrors the decode-failed errors', async () => {
    const w = createRuntimeWorld('simulated', 23);
    world = w;
    const host = w.player(0);
    const lobbyId = await hostLobby(w, host, { maxMembers: 8 });
    const hostile = new ThinMember(w.sim.user({ id: userId(9), name: 'hostile' }));
    const kicked = new ThinMember(w.sim.user({ id: userId(10), name: 'kicked' }));
    const stranger = w.sim.user({ id: userId(11), name: 'stranger' });
    let frames = 0;
    const broken: string[] = [];
    w.everyFrame(() => {
      hostile.tick();
      kicked.tick();
      if (++frames % 60 === 0) hostile.heartbeat();
      const stats = host.runtime.stats();
      if (stats.packetsRead !== outcomes(stats)) broken.push(`frame ${frames}: read ${stats.packetsRead}, outcomes ${outcomes(stats)}`);
    });
    hostile.backend.joinLobby(lobbyId);
    kicked.backend.joinLobby(lobbyId);
    expect(await w.runUntil(() => host.runtime.allConnected() && host.runtime.members().length === 3, 10_000)).toBe(true);
    host.listen(1);

    // The kicked member and the stranger get their packets read anyway (sessions accepted behind the runtime's back).
    expect(host.runtime.kick(kicked.id)).toEqual({ ok: true });
    await w.run(500);
    host.backend.acceptSession(kicked.id);
    host.backend.acceptSession(stranger.localUserId());

    const codec = createPacketCodec();
    const valid = (value: unknown, channel: number): Uint8Array => {
      const encoded = codec.encode(value, { channel });
      if (!encoded.ok) throw new Error(encoded.detail);
      return encoded.value;
    };
    const storm: Uint8Array[] = [
      ...Object.values(hostileClasses(60, 99)).flat().map((p) => p.bytes),
      ...Array.from({ length: 40 }, (_, i) => encodeChatFrame(lobbyId, new Uint8Array([0xff, 0xfe, i]))),
      ...Array.from({ length: 40 }, (_, i) => encodeChatFrame(lobbyId, new TextEncoder().encode(`chat ${i}`))),
      ...Array.from({ length: 20 }, () => jsonFrame('['.repeat(100_000) + ']'.repeat(100_000))),
      ...Array.from({ length: 60 }, (_, i) => valid({ seq: i }, i % 2 === 0 ? 1 : 5)),
    ];
    for (let at = 0; at < storm.length; at += 32) {
      for (const bytes of storm.slice(at, at + 32)) hostile.backend.sendP2P(host.id, bytes, P2PSendType.reliable, 0);
      kicked.backend.sendP2P(host.id, valid({ from: 'kicked' }, 1), P2PSendType.reliable, 0);
      stranger.sendP2P(host.id, valid({ from: 'stranger' }, 1), P2PSendType.reliable, 0);
      await w.run(1000 / 60);
    }
    await w.run(1_000);

    const stats = host.runtime.stats();
    expect(broken).toEqual([]);
    expect(stats.packetsRead).toBe(outcomes(stats));
    expect(stats.decodeErrors).toBe(host.errorsOf('decode-failed').length);
    // Every kind of outcome happened, so the sum above is over all of them.
    for (const key of OUTCOMES) expect(stats[key], key).toBeGreaterThan(0);
    expect(host.backend.pendingPackets()).toBe(0);
    expect(host.errorsOf('internal')).toEqual([]);
  });
});
