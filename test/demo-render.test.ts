import { describe, expect, it } from 'vitest';
import type { DemoEvent } from '../src/demo/events.js';
import { createTimeline, jsonLine, renderEvent } from '../src/demo/render.js';

const joined = (i: number): DemoEvent => ({ type: 'joined', t: 100 + i, who: { name: `p${i}`, id: 76561198000000000n + BigInt(i) }, lobbyId: 1n, members: 9 });

describe('the demo timeline', () => {
  it('shows the first five of a run of per-player lines and counts the rest', () => {
    const timeline = createTimeline({ color: false });
    const lines = Array.from({ length: 8 }, (_, i) => timeline.push(joined(i))).flat();
    expect(lines).toHaveLength(5);
    expect(lines.map((l) => l.match(/p\d/)?.[0])).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    const next = timeline.push({ type: 'all-connected', t: 200, members: 9, sessions: 36 });
    expect(next).toHaveLength(2);
    expect(next[0]).toMatch(/… and 3 more like these$/);
    expect(next[1]).toBe(renderEvent({ type: 'all-connected', t: 200, members: 9, sessions: 36 }, { color: false }));
    expect(timeline.flush()).toEqual([]);
  });

  it('owes the count of a run still open at the end', () => {
    const timeline = createTimeline({ color: false });
    for (let i = 0; i < 7; i++) timeline.push(joined(i));
    expect(timeline.flush()).toEqual([expect.stringMatching(/and 2 more like these$/)]);
  });

  it('paints only when asked to', () => {
    expect(renderEvent(joined(1), { color: true })).toContain('\x1b[');
    expect(renderEvent(joined(1), { color: false })).not.toContain('\x1b[');
  });

  it('writes Steam ids as decimal strings in JSON', () => {
    expect(JSON.parse(jsonLine(joined(3)))).toMatchObject({ who: { id: '76561198000000003' }, lobbyId: '1' });
  });
});
