import { describe, expect, it } from 'vitest';
import type { DemoEvent } from '../src/demo/events.js';
import { DEFAULT_DEMO_OPTIONS, parseDemoOptions } from '../src/demo/options.js';
import { STORY_STEPS, runDemoStory } from '../src/demo/story.js';
import type { SimulatedSteam } from '../src/effects/sim/network.js';

describe('the demo story', () => {
  it('ends with a failed outcome naming the step when something it waits for never happens', async () => {
    let steam: SimulatedSteam | undefined;
    const events: DemoEvent[] = [];
    const outcome = await runDemoStory(
      { ...DEFAULT_DEMO_OPTIONS, players: 4 },
      {
        onSteam: (s) => (steam = s),
        onEvent: (event) => {
          events.push(event);
          // Cut the host off for good as play begins: its reliable messages can never arrive.
          if (event.type === 'step' && event.title === STORY_STEPS[5]) {
            const host = events.find((e) => e.type === 'lobby-created');
            if (host?.type === 'lobby-created') steam!.faults.partition([host.who.id]);
          }
        },
      },
    );
    expect(outcome).toMatchObject({ ok: false, step: STORY_STEPS[5] });
    expect(!outcome.ok && outcome.problem).toMatch(/^waited \d+\.\d s of virtual time for the reliable messages to arrive, and it did not happen$/);
    // Nothing after the failed step was reported.
    expect(events.filter((e) => e.type === 'step').map((e) => e.type === 'step' && e.title)).toEqual(STORY_STEPS.slice(0, 6));
  });

  it('stretches its patience with the network instead of failing on a slow, lossy one', async () => {
    const parsed = parseDemoOptions({ players: '4', latency: '500', loss: '0.5', seed: '9' });
    if (!parsed.ok) throw new Error(parsed.problem);
    const outcome = await runDemoStory(parsed.options, { onEvent: () => {} });
    expect(outcome.ok && outcome.summary.sessions.opened).toBe(6);
    expect(outcome.ok && outcome.summary.sessions.closed).toBe(6);
    // Half of the unreliable datagrams are lost; every reliable one arrives.
    const [reliable, unreliable] = outcome.ok ? outcome.summary.channels : [];
    expect(reliable!.delivered).toBe(reliable!.packets);
    expect(unreliable!.delivered / unreliable!.packets).toBeGreaterThan(0.3);
    expect(unreliable!.delivered / unreliable!.packets).toBeLessThan(0.7);
  });
});
