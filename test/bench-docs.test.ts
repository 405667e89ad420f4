// docs/benchmarks.md cannot drift: its table is what bench/docs.ts makes of the committed bench/results/*.json, every
// suite in bench/ is explained there and has rows (or is declared to have no standing figures), and the generator
// puts each figure where it belongs, which the synthetic results below check against cells written by hand.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DOC, SUITE_ROWS, SUITES_WITHOUT_FIGURES, TABLE_END, TABLE_START, readResults, renderTable, withTable } from '../bench/docs.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const suites = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length));

/** The table's rows as [suite, measure, result] cells. */
function cells(table: string): string[][] {
  return table
    .split('\n')
    .slice(2)
    .map((line) => line.split(' | ').map((c) => c.replace(/^\| |`| \|$/g, '')));
}

describe('docs/benchmarks.md', () => {
  it('holds the table that `npm run bench:docs` makes of the committed results', () => {
    const doc = readFileSync(DOC, 'utf8');
    expect(doc).toContain(TABLE_START);
    expect(doc).toContain(TABLE_END);
    expect(doc).toBe(withTable(doc, renderTable(readResults())));
  });

  it('explains every suite in bench/, and the table has rows for each that has standing figures', () => {
    const doc = readFileSync(DOC, 'utf8');
    for (const suite of suites) {
      expect(doc, `a section for ${suite}`).toContain(`### \`${suite}\``);
      expect(SUITE_ROWS[suite] !== undefined || SUITES_WITHOUT_FIGURES.includes(suite), `rows for ${suite}`).toBe(true);
    }
    expect(Object.keys(SUITE_ROWS).filter((s) => !suites.includes(s))).toEqual([]);
    // Results for suites that exist only, each one JSON object as `--json` prints it.
    expect(Object.keys(readResults()).filter((s) => SUITE_ROWS[s] === undefined)).toEqual([]);
  });

  it('carries no dates and no wall times', () => {
    const doc = readFileSync(DOC, 'utf8');
    expect(doc).not.toMatch(/\b20\d\d-\d\d-\d\d\b/);
    expect(doc).not.toMatch(/\d\s?(ms|µs|ns) (wall|per)|\d+(\.\d+)? s wall/);
  });
});

describe('the table generator', () => {
  it('puts each figure of a suite’s JSON in its row', () => {
    const table = renderTable({
      tick: { 'tick.busyVsHandwritten': 1.07, spawnScaling: 0.93 },
      codec: {
        wire: { handshake: { lobbykit: 9, seed: 71, json: 50 }, state: { lobbykit: 78, seed: 171, json: 248 } },
        speed: { state: { encodeVsJson: 3.2, decodeVsJson: 2.7 } },
      },
      soak: { 'soak.reliableDelivered': 1288189, 'soak.reliableLost': 0, 'soak.reliableDuplicated': 0, 'soak.reliableOutOfOrder': 2 },
      scale: { 'scale.bytesPerPeerSession': 8090, 'scale.runtimeBytesPerPeerSession': 6758, 'scale.simulatorBytesPerPeerSession': 1332 },
    });
    const rows = cells(table);
    const cell = (suite: string, measure: string) => rows.find((r) => r[0] === suite && r[1]!.startsWith(measure))?.[2];
    expect(cell('tick', 'busy tick')).toBe('1.07×');
    expect(cell('tick', 'entering a full lobby')).toBe('0.93×');
    expect(cell('codec', 'handshake on the wire')).toBe('9 B (seed 71 B, JSON 50 B)');
    expect(cell('codec', '8-player state update on the wire')).toBe('78 B (seed 171 B, JSON 248 B)');
    expect(cell('codec', 'state update: encode speed')).toBe('3.2×');
    expect(cell('codec', 'state update: decode speed')).toBe('2.7×');
    // A figure the run did not report is said to be missing, not shown as part of a cell.
    expect(cell('codec', '250-member lobby snapshot')).toBe('not reported');
    expect(cell('soak', 'reliable messages delivered')).toBe('1,288,189');
    expect(cell('soak', 'lost / duplicated / out of order')).toBe('0 / 0 / 2');
    expect(cell('scale', 'heap per peer session')).toBe('7.9 KiB (6.6 KiB + 1.3 KiB)');
    // A suite without results says how to get them.
    expect(cell('sim', 'simulated Steam')).toBe('not run: npm run bench:docs -- --run sim');
    expect(rows).toHaveLength(Object.values(SUITE_ROWS).reduce((n, r) => n + r.length, 0));
  });

  it('replaces only what lies between the markers', () => {
    const doc = `# B\n\nbefore\n${TABLE_START}\nold table\n${TABLE_END}\nafter\n`;
    expect(withTable(doc, '| new |')).toBe(`# B\n\nbefore\n${TABLE_START}\n| new |\n${TABLE_END}\nafter\n`);
    expect(() => withTable('# no markers', '| t |')).toThrow(/bench-table/);
  });
});
