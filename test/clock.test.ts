import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/effects/clock.js';

describe('VirtualClock', () => {
  it('fires timers in due order, each at its own due time', () => {
    const clock = new VirtualClock();
    const seen: Array<[string, number]> = [];
    clock.setTimeout(() => seen.push(['b', clock.now()]), 20);
    clock.setTimeout(() => seen.push(['a', clock.now()]), 10);
    clock.setTimeout(() => seen.push(['c', clock.now()]), 20);
    clock.advance(15);
    expect(seen).toEqual([['a', 10]]);
    clock.advance(100);
    expect(seen).toEqual([['a', 10], ['b', 20], ['c', 20]]);
    expect(clock.now()).toBe(115);
  });

  it('runs a timer set by a firing timer within the same advance', () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 5);
    }, 5);
    clock.advance(10);
    expect(seen).toEqual([5, 10]);
  });

  it('never fires a cleared timer and counts only live ones', () => {
    const clock = new VirtualClock();
    let fired = 0;
    const id = clock.setTimeout(() => fired++, 5);
    clock.setTimeout(() => fired++, 6);
    expect(clock.pending).toBe(2);
    clock.clearTimeout(id);
    expect(clock.pending).toBe(1);
    clock.advance(10);
    expect(fired).toBe(1);
    expect(clock.pending).toBe(0);
    expect(clock.fired).toBe(fired);
  });

  it('counts every timer that fired, including ones set while firing, and never a cleared one', () => {
    const clock = new VirtualClock();
    let ran = 0;
    const chain = (n: number) => clock.setTimeout(() => {
      ran++;
      if (n > 0) chain(n - 1);
    }, 3);
    chain(4);
    clock.clearTimeout(clock.setTimeout(() => ran++, 1));
    clock.advance(100);
    expect(ran).toBe(5);
    expect(clock.fired).toBe(5);
  });

  it('lets go of cleared timers long before they would have fallen due, and still fires the live ones in order', () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    const live: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const id = clock.setTimeout(() => fired.push(i), 60_000 + i);
      if (i % 10 === 0) live.push(i);
      else clock.clearTimeout(id);
      // Held timers stay within twice the live ones plus a fixed slack, whatever the number cleared.
      expect(clock.held).toBeLessThanOrEqual(2 * clock.pending + 65);
    }
    expect(clock.pending).toBe(100);
    clock.advance(120_000);
    expect(fired).toEqual(live);
    expect(clock.held).toBe(0);
  });

  it('refuses to go back in time', () => {
    const clock = new VirtualClock(100);
    expect(() => clock.advanceTo(50)).toThrow(RangeError);
  });
});
