import { describe, expect, it } from 'vitest';
import { moduleOf, startCpuProfile, timeByModule, type CpuProfile } from '../cpu-profile.js';

const ROOT = 'file:///work/lobbykit/';

/** Keeps this thread busy for `ms` of wall time (the clock read in the loop keeps V8 from dropping it). */
function spinFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

// The scale bench's time by module is read from these figures: a frame must land in the module it ran in, whichever
// build ran, and the time must add up to the samples'.
describe('scale bench CPU profile', () => {
  it.each([
    ['file:///work/lobbykit/dist/effects/sim/core.js', 'sendOn', 'effects/sim/core'],
    ['file:///work/lobbykit/src/effects/sim/core.ts', 'sendOn', 'effects/sim/core'],
    ['file:///work/lobbykit/dist/runtime.js', 'send', 'runtime'],
    ['file:///work/lobbykit/bench/scale-world.ts', 'playFrames', 'bench/scale-world'],
    ['file:///work/lobbykit/node_modules/xstate/dist/raise-9de11213.cjs.js', 'microstep', 'xstate'],
    ['file:///work/lobbykit/node_modules/@statelyai/inspect/dist/index.mjs', 'send', '@statelyai/inspect'],
    ['file:///elsewhere/node_modules/rxjs/dist/cjs/internal/Subscriber.js', 'next', 'rxjs'],
    ['', '(garbage collector)', '(garbage collector)'],
    ['', '(program)', '(program)'],
    ['', 'dispatch', '(native)'],
    ['node:internal/timers', 'listOnTimeout', 'node'],
    ['file:///elsewhere/tool.mjs', 'main', 'file:///elsewhere/tool.mjs'],
  ])('puts %s (%s) in %s', (url, functionName, module) => {
    expect(moduleOf(url, functionName, ROOT)).toBe(module);
  });

  it('sums each sample’s time into its module, per unit and in ns, largest first', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url });
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', '') },
        { id: 2, callFrame: frame('sendOn', `${ROOT}dist/effects/sim/core.js`) },
        { id: 3, callFrame: frame('arrive', `${ROOT}dist/effects/sim/core.js`) },
        { id: 4, callFrame: frame('microstep', `${ROOT}node_modules/xstate/dist/raise.cjs.js`) },
        { id: 5, callFrame: frame('(garbage collector)', '') },
      ],
      samples: [2, 3, 4, 2, 5, 9],
      timeDeltas: [10, 20, 30, 40, 50, 7],
    };
    expect(timeByModule(profile, 10, ROOT)).toEqual([
      { module: 'effects/sim/core', nanosPerUnit: 7000 },
      { module: '(garbage collector)', nanosPerUnit: 5000 },
      { module: 'xstate', nanosPerUnit: 3000 },
      { module: '(unknown)', nanosPerUnit: 700 },
    ]);
  });

  it('profiles a stretch of this thread: its samples land in the function that ran, and the modules account for every sampled microsecond', async () => {
    const stop = await startCpuProfile(100);
    spinFor(30);
    const profile = await stop();
    const spinning = new Set(profile.nodes.filter((n) => n.callFrame.functionName === 'spinFor').map((n) => n.id));
    expect(profile.samples.filter((id) => spinning.has(id)).length, 'samples taken while spinFor ran').toBeGreaterThan(0);
    expect(profile.timeDeltas.length).toBe(profile.samples.length);
    const sampled = profile.timeDeltas.reduce((sum, us) => sum + us, 0);
    const byModule = timeByModule(profile, 1, ROOT);
    const total = byModule.reduce((sum, m) => sum + m.nanosPerUnit, 0);
    expect(total).toBeCloseTo(sampled * 1000, 6);
    expect(byModule.map((m) => m.nanosPerUnit)).toEqual([...byModule.map((m) => m.nanosPerUnit)].sort((a, b) => b - a));
  });
});
