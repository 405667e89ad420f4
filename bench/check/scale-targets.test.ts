import { describe, expect, it } from 'vitest';
import { TARGET_BYTES_PER_SESSION, TARGET_WALL_SECONDS, unmetTargets, type ScaleRunFacts } from '../scale-targets.js';

// A run meets the scale targets only if it was fast and small enough and also did the work: a run that delivered
// nothing, or lost players on the way, would otherwise be the fastest of all.
describe('scale bench targets', () => {
  const met: ScaleRunFacts = {
    players: 2000,
    simulatedSeconds: 60,
    traffic: 'all',
    profiled: false,
    wallSeconds: 40.55,
    bytesPerPeerSession: 7878,
    delivered: 17_630_193,
    baselineDelivered: 17_630_193,
    stillConnected: 2000,
    sessionErrors: 0,
    sendFailures: 0,
  };

  it('are met by a full run on time, within the heap, that delivered what the baseline did to everyone', () => {
    expect(unmetTargets(met)).toEqual([]);
    expect(unmetTargets({ ...met, wallSeconds: TARGET_WALL_SECONDS, bytesPerPeerSession: TARGET_BYTES_PER_SESSION })).toEqual([]);
  });

  it.each<[string, Partial<ScaleRunFacts>, RegExp]>([
    ['too slow', { wallSeconds: 85.8 }, /wall time 85.8 s is over 60 s/],
    ['too large', { bytesPerPeerSession: 10_241 }, /10241 B per peer session is over 10240 B/],
    ['unmeasured heap', { bytesPerPeerSession: undefined }, /heap was not measured/],
    ['nothing delivered', { delivered: 0, wallSeconds: 1 }, /0 messages delivered where the baseline delivered 17630193/],
    ['less delivered than the baseline', { delivered: 17_630_000 }, /17630000 messages delivered/],
    ['players lost', { stillConnected: 1993 }, /7 of 2000 players lost a session/],
    ['errors reported', { sessionErrors: 3 }, /3 errors reported/],
    ['sends refused', { sendFailures: 1 }, /1 sends refused/],
    ['partial traffic', { traffic: 'state' }, /judged on 'all' only/],
    ['profiled', { profiled: true }, /profiled/],
    ['shorter', { simulatedSeconds: 8 }, /2000 players × 8 s; the targets are for 2000 × 60 s/],
    ['smaller', { players: 80, stillConnected: 80 }, /80 players × 60 s/],
  ])('are not met by a run %s, and say why', (_, change, reason) => {
    const unmet = unmetTargets({ ...met, ...change });
    expect(unmet).toHaveLength(1);
    expect(unmet[0]).toMatch(reason);
  });

  it('gives every reason when several hold', () => {
    expect(unmetTargets({ ...met, wallSeconds: 86, sendFailures: 2, stillConnected: 0 })).toHaveLength(3);
  });
});
