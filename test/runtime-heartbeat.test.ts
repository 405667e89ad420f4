import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/effects/clock.js';
import { createSimulatedSteam, steamIdOfAccount } from '../src/effects/sim/network.js';
import { createLobbyRuntime, type LobbyRuntime, type LobbyRuntimeOptions } from '../src/runtime.js';
import { heartbeatDue } from '../src/runtime/liveness.js';

const FRAME_MS = 1000 / 60;
const runtimes: LobbyRuntime[] = [];
afterEach(() => {
  for (const r of runtimes.splice(0)) r.dispose();
});

/** Two connected runtimes; `run(ms, everyFrame)` ticks both at 60 Hz, calling `everyFrame(frame)` first. */
function connectedPair(options: Partial<LobbyRuntimeOptions> = {}) {
  const clock = new VirtualClock();
  const steam = createSimulatedSteam({ seed: 11, clock, latencyMs: 20 });
  const [hostId, guestId] = [1, 2].map((n) => steamIdOfAccount(n)) as [bigint, bigint];
  steam.addUser({ id: hostId, name: 'host' });
  steam.addUser({ id: guestId, name: 'guest' });
  const host = createLobbyRuntime({ backend: steam.backend(hostId), clock, ...options });
  const guest = createLobbyRuntime({ backend: steam.backend(guestId), clock, ...options });
  runtimes.push(host, guest);
  const run = (ms: number, everyFrame: (frame: number) => void = () => {}) => {
    for (let frame = 0; frame < Math.round(ms / FRAME_MS); frame++) {
      everyFrame(frame);
      clock.advance(FRAME_MS);
      host.tick();
      guest.tick();
    }
  };
  void host.createLobby();
  run(200);
  void guest.joinLobby(host.lobbyState().lobbyId!);
  run(500);
  if (!host.allConnected() || !guest.allConnected()) throw new Error('the pair did not connect');
  guest.messages(1).subscribe(() => {});
  return { host, guest, guestId, run };
}

/** Control frames (after the handshake: heartbeats) the guest reads from the host over `ms` of traffic. */
function heartbeatsSeenByGuest(pair: ReturnType<typeof connectedPair>, ms: number, everyFrame?: (frame: number) => void): number {
  const before = pair.guest.stats().controlFrames;
  pair.run(ms, everyFrame);
  return pair.guest.stats().controlFrames - before;
}

describe('heartbeats', () => {
  it('are sent once an interval on a quiet link', () => {
    const pair = connectedPair();
    const seen = heartbeatsSeenByGuest(pair, 10_000);
    expect(seen).toBeGreaterThanOrEqual(9);
    expect(seen).toBeLessThanOrEqual(11);
  });

  it('are not sent while reliable game traffic goes out at least once an interval, and the session stays alive', () => {
    const pair = connectedPair();
    const seen = heartbeatsSeenByGuest(pair, 10_000, (frame) => {
      if (frame % 15 === 0) pair.host.send(pair.guestId, { tick: frame }, { channel: 1 });
    });
    expect(seen).toBe(0);
    expect(pair.guest.allConnected()).toBe(true);
    expect(pair.guest.stats().messagesDelivered).toBeGreaterThanOrEqual(39);
  });

  it('still go out beside unreliable traffic, which may be lost', () => {
    const pair = connectedPair();
    const seen = heartbeatsSeenByGuest(pair, 10_000, (frame) => {
      if (frame % 3 === 0) pair.host.send(pair.guestId, { tick: frame }, { channel: 1, reliable: false });
    });
    expect(seen).toBeGreaterThanOrEqual(9);
  });

  it('resume once the link goes quiet (at the first heartbeat tick an interval after the last reliable send)', () => {
    const pair = connectedPair();
    heartbeatsSeenByGuest(pair, 3_000, (frame) => {
      if (frame % 15 === 0) pair.host.send(pair.guestId, { tick: frame }, { channel: 1 });
    });
    expect(heartbeatsSeenByGuest(pair, 5_000)).toBeGreaterThanOrEqual(4);
  });
});

describe('heartbeatDue', () => {
  it('owes a heartbeat before any reliable send and once the interval has passed', () => {
    expect(heartbeatDue(undefined, 0, 1000)).toBe(true);
    expect(heartbeatDue(-Infinity, 0, 1000)).toBe(true);
    expect(heartbeatDue(0, 1000, 1000)).toBe(true);
    expect(heartbeatDue(0, 2500, 1000)).toBe(true);
  });

  it('owes none while more than a millisecond of the interval is left', () => {
    expect(heartbeatDue(0, 998, 1000)).toBe(false);
    expect(heartbeatDue(500, 600, 1000)).toBe(false);
  });

  it('counts a send exactly one interval before the timer fires as due, despite rounding in frame times', () => {
    const sentAt = 79 * (1000 / 60);
    const firesAt = sentAt + 1000;
    expect(heartbeatDue(sentAt, firesAt, 1000)).toBe(true);
    expect(heartbeatDue(sentAt, firesAt - 1e-9, 1000)).toBe(true);
  });
});
