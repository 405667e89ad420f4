import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/effects/clock.js';
import { FRAME_MS, runMinimalGame } from '../examples/minimal-game-loop.js';

describe('examples/minimal-game-loop.ts on virtual time', () => {
  it('hosts, joins, connects and exchanges positions every frame, with no errors', () => {
    const summary = runMinimalGame(new VirtualClock(), 300);
    expect(summary.errors).toEqual([]);
    expect(summary.lobbyId).toBeTypeOf('bigint');
    const connectedAt = summary.connectedAtFrame!;
    expect(connectedAt).toBeGreaterThan(1);
    expect(connectedAt).toBeLessThan(60);
    // Each side sends one position per frame once connected; the last ~2 frames are still in flight (20 ms latency).
    const sentEach = summary.frames - connectedAt + 1;
    const inFlight = Math.ceil(20 / FRAME_MS) + 1;
    for (const count of [summary.positionsReceived.host, summary.positionsReceived.friend]) {
      expect(count).toBeGreaterThanOrEqual(sentEach - inFlight);
      expect(count).toBeLessThanOrEqual(sentEach);
    }
    expect(summary.lastPositionSeenByHost).toEqual({ x: expect.any(Number), y: expect.any(Number) });
    expect(summary.chat).toEqual(['Friend: gg! rematch on the ice map?']);
  });

  it('replays exactly: same frames, same result', () => {
    expect(runMinimalGame(new VirtualClock(), 120)).toEqual(runMinimalGame(new VirtualClock(), 120));
  });
});
