// What the loopback backend holds for a sender whose P2P session it has not accepted: bounded in bytes (counted
// here, never timed) and in virtual time like the simulator (10 s), freed at once when the session is closed.
import { describe, expect, it } from 'vitest';
import { MAX_RELIABLE_BYTES, type BackendEvent } from '../src/effects/backend.js';
import { VirtualClock } from '../src/effects/clock.js';
import { encodePacketFrame } from '../src/effects/loopback/binary-frames.js';
import { LoopbackBackend } from '../src/effects/loopback/loopback-backend.js';

const ME = 76561197960266729n;
const STRANGER = 76561197960266730n;
const FRIEND = 76561197960266731n;
/** Two full reliable packets (plus a little bookkeeping each): what one unaccepted sender may make us hold. */
const PER_SENDER_BOUND = 2 * MAX_RELIABLE_BYTES + 1024;

function backendOnFakeSocket() {
  const clock = new VirtualClock();
  const sentText: string[] = [];
  const backend = new LoopbackBackend({
    transport: { isOpen: () => true, sendText: (t) => void sentText.push(t), sendBinary: () => {}, close: async () => {} },
    userId: ME,
    name: 'Me',
    clock,
  });
  const events: BackendEvent[] = [];
  const drain = (): BackendEvent[] => {
    const fresh: BackendEvent[] = [];
    backend.drainEvents((e) => fresh.push(e));
    events.push(...fresh);
    return fresh;
  };
  return { clock, backend, drain, events, sentText };
}

const big = encodePacketFrame(2, 0, STRANGER, ME, new Uint8Array(MAX_RELIABLE_BYTES));

describe('loopback backend: packets from senders not accepted', () => {
  it('holds at most two full reliable packets of a stranger who sends 300 MiB unanswered', () => {
    const { backend, drain } = backendOnFakeSocket();
    for (let i = 1; i <= 300; i++) {
      backend.receiveBinary(big);
      drain();
      // The third and every later packet pushes out the oldest.
      expect(backend.droppedPackets()).toBe(Math.max(0, i - 2));
    }
    expect(backend.unacceptedBytes()).toBeGreaterThan(2 * MAX_RELIABLE_BYTES);
    expect(backend.unacceptedBytes()).toBeLessThanOrEqual(PER_SENDER_BOUND);
    expect(backend.pendingPackets()).toBe(0);
  });

  it('raises one session request per sender and drops what it held when nobody answers it for 10 s, as the simulator', () => {
    const { clock, backend, drain } = backendOnFakeSocket();
    backend.receiveBinary(big);
    expect(drain()).toEqual([{ type: 'p2pSessionRequest', remote: STRANGER }]);
    clock.advance(5_000);
    backend.receiveBinary(big);
    expect(drain()).toEqual([]);
    clock.advance(4_999);
    drain();
    expect(backend.droppedPackets()).toBe(0);
    clock.advance(1);
    drain();
    expect(backend.droppedPackets()).toBe(2);
    expect(backend.unacceptedBytes()).toBe(0);
    // A packet after that is a new request, as a new session would be.
    backend.receiveBinary(big);
    expect(drain()).toEqual([{ type: 'p2pSessionRequest', remote: STRANGER }]);
  });

  it('frees a stranger’s packets at once when its session is closed (the refusal)', () => {
    const { backend, drain, sentText } = backendOnFakeSocket();
    for (let i = 0; i < 5; i++) backend.receiveBinary(big);
    drain();
    expect(backend.unacceptedBytes()).toBeGreaterThan(0);
    expect(backend.closeSession(STRANGER)).toBe(true);
    expect(backend.unacceptedBytes()).toBe(0);
    expect(backend.droppedPackets()).toBe(5);
    expect(sentText.at(-1)).toBe(JSON.stringify({ op: 'closeSession', remote: String(STRANGER) }));
  });

  it('keeps an honest sender’s first packets while strangers flood, and hands them over in order on accept', () => {
    const { backend, drain } = backendOnFakeSocket();
    for (let n = 1; n <= 3; n++) backend.receiveBinary(encodePacketFrame(2, 1, FRIEND, ME, new Uint8Array([n])));
    // Twenty strangers, each sending 10 MiB: together far past what all unaccepted senders may hold.
    for (let s = 0; s < 20; s++) {
      const from = STRANGER + 100n + BigInt(s);
      const frame = encodePacketFrame(2, 0, from, ME, new Uint8Array(MAX_RELIABLE_BYTES));
      for (let i = 0; i < 10; i++) backend.receiveBinary(frame);
      drain();
      expect(backend.unacceptedBytes()).toBeLessThanOrEqual(4 * PER_SENDER_BOUND);
    }
    expect(backend.acceptSession(FRIEND)).toBe(true);
    expect([1, 2, 3].map(() => backend.readP2P(1)?.bytes[0])).toEqual([1, 2, 3]);
    expect(backend.readP2P(0)).toBeUndefined();
  });
});
