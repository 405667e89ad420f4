import { describe, expect, it } from 'vitest';
import { FULL_SOAK, runSoak } from '../bench/soak.bench.js';

// The fast version of `npm run bench -- soak`: 20 full runtimes in one lobby for 60 simulated seconds, with the
// full run's faults (20% loss, 200 ms jitter, reordering and duplication on unreliable), a member leaving and
// another joining every second, the owner leaving twice and a 6 s partition of a quarter of the lobby that heals.
describe('soak (20 members, 60 simulated seconds, seeded)', () => {
  it('delivers every reliable message exactly once and in order, resolves every session and leaks nothing', async () => {
    const result = await runSoak({
      ...FULL_SOAK,
      seed: 20,
      real: 20,
      thin: 0,
      seconds: 60,
      churnEveryMs: 1_000,
      ownerLeaves: 2,
      partition: { atMs: 20_000, forMs: 6_000, fraction: 0.25 },
      sendEveryFrames: 20,
    });
    // The run did what it claims: traffic, churn, owner changes, failures to recover from.
    expect(result.reliableExpected).toBeGreaterThan(10_000);
    expect(result.leaves).toBeGreaterThanOrEqual(40);
    expect(result.joins).toBeGreaterThanOrEqual(40);
    expect(result.ownerChanges).toBeGreaterThanOrEqual(2);
    expect(result.unreliableDelivered).toBeGreaterThan(0);

    expect({
      lost: result.reliableLost,
      duplicated: result.reliableDuplicated,
      outOfOrder: result.reliableOutOfOrder,
    }).toEqual({ lost: 0, duplicated: 0, outOfOrder: 0 });
    expect(result.reliableDelivered).toBeGreaterThanOrEqual(result.reliableExpected - result.reliableForgiven);
    expect(result.sessionsUnresolved).toBe(0);
    expect(result.closedWithoutReason).toBe(0);
    expect(result.sessionsClosed).toBeGreaterThan(0);
    expect(result.internalErrors).toBe(0);
    // After everyone left: only each runtime's root and lobby actors, and no timer more than before.
    expect(result.actorsAfter).toBe(result.actorsBaseline);
    expect(result.actorsBaseline).toBe(2 * result.realMembers);
    expect(result.timersAfter).toBe(result.timersBaseline);
  });
});
