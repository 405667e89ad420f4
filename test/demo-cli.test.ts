import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { DemoSummary } from '../src/demo/events.js';
import { STORY_STEPS } from '../src/demo/story.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `lobbykit demo …` in-process, with streams that are not terminals (so no colour and no pacing). */
async function demo(...args: string[]): Promise<Run> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await main(['demo', ...args], { stdin: Readable.from([]), stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

type Line = { readonly type: string; readonly t?: number } & Record<string, unknown>;

function jsonLines(text: string): Line[] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Line);
}

/** The summary line of a --json run; ids arrive as strings. */
function summaryOf(lines: readonly Line[]): DemoSummary & Record<string, unknown> {
  const found = lines.filter((l) => l.type === 'summary');
  expect(found).toHaveLength(1);
  return found[0] as never;
}

describe('lobbykit demo: the story', () => {
  it('plays the whole story with 6 players and sums it up', async () => {
    const run = await demo();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const text = run.stdout;
    // Not a terminal: plain text.
    expect(text).not.toContain('\x1b[');
    STORY_STEPS.forEach((title, i) => expect(text).toContain(`${i + 1}/${STORY_STEPS.length} ${title}`));
    expect(text).toMatch(/was refused: .*full/i);
    expect(text).toMatch(/kicked/);
    expect(text).toMatch(/is the new owner/);
    expect(text).toMatch(/every session closed: (\d+) opened, \1 closed/);
    // The summary table names all six players, and the closing wire-bytes section keeps the codec's numbers.
    const members = text.slice(text.indexOf('members'));
    for (const name of ['Gramps', 'Ada', 'Bruno', 'Chiara', 'Dmitri', 'Esme']) expect(members).toMatch(new RegExp(`^  ${name}\\s+7656119`, 'm'));
    expect(text).toMatch(/^\s+8-player state update\s+\d+\s+\d+\s+\d+/m);
  });

  it('reports what happened in the summary: refusal, retry, kick, owner change, all sessions closed, bytes saved', async () => {
    const run = await demo('--json');
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    const summary = summaryOf(lines);
    expect(summary.members).toHaveLength(6);
    expect(summary.refused.reason).toMatch(/full/);
    expect(summary.members.find((m) => m.name === summary.refused.who.name)?.story).toEqual(['refused: full']);
    expect(summary.failures.find((f) => f.key === 'join-failed/full')?.count).toBe(1);
    expect(summary.retries).toBeGreaterThan(0);
    expect(summary.reconnections).toBeGreaterThan(0);
    expect(summary.failures.find((f) => f.key.startsWith('session-failed'))?.count).toBe(summary.retries);
    expect(summary.kicked.by.name).toBe('Gramps');
    expect(summary.members.find((m) => m.name === summary.kicked.who.name)?.story).toContain('kicked by Gramps');
    expect(summary.ownerChange.from.name).toBe('Gramps');
    expect(summary.ownerChange.to.name).not.toBe('Gramps');
    // Five in the lobby: every member opened a session with each of the four others, and all of them closed.
    expect(summary.sessions).toEqual({ opened: 20, closed: 20 });
    expect(lines.filter((l) => l.type === 'owner-changed')).toHaveLength(1);
    for (const channel of summary.channels) {
      expect(channel.bytes).toBeGreaterThan(0);
      expect(channel.seedBytes - channel.bytes).toBeGreaterThan(0);
      // Every message went to the four other members, and without loss every one arrived.
      expect(channel.packets).toBe(channel.messages * 4);
      expect(channel.delivered).toBe(channel.packets);
    }
    expect(summary.channels.map((c) => c.reliable)).toEqual([true, false]);
  });

  it('with loss, keeps every reliable message and loses some unreliable ones', async () => {
    const run = await demo('--json', '--loss', '0.2', '--players', '4', '--seed', '3');
    expect(run.code).toBe(0);
    const [reliable, unreliable] = summaryOf(jsonLines(run.stdout)).channels;
    expect(reliable!.delivered).toBe(reliable!.packets);
    expect(unreliable!.delivered).toBeLessThan(unreliable!.packets);
    // 20 % loss: about 80 % arrive.
    expect(unreliable!.delivered / unreliable!.packets).toBeGreaterThan(0.6);
  });

  it('plays the same run for the same seed, and another for another seed', async () => {
    const first = await demo('--seed', '42', '--players', '5');
    const again = await demo('--seed', '42', '--players', '5');
    const other = await demo('--seed', '43', '--players', '5');
    expect(first.code).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    expect(other.code).toBe(0);
    expect(other.stdout).not.toBe(first.stdout);
  });

  it('--json prints one parseable object per line, in time order, with Steam ids as strings', async () => {
    const run = await demo('--json', '--players', '4');
    expect(run.code).toBe(0);
    const raw = run.stdout.trimEnd().split('\n');
    const lines = jsonLines(run.stdout);
    expect(lines).toHaveLength(raw.length);
    expect(lines.map((l) => typeof l.type)).toEqual(raw.map(() => 'string'));
    const times = lines.flatMap((l) => (typeof l.t === 'number' ? [l.t] : []));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(lines.filter((l) => l.type === 'step').map((l) => l['title'])).toEqual([...STORY_STEPS]);
    const created = lines.find((l) => l.type === 'lobby-created')!;
    expect(created['lobbyId']).toMatch(/^\d{17,20}$/);
    expect((created['who'] as { id: unknown }).id).toMatch(/^\d{17}$/);
    expect(lines.at(-1)?.type).toBe('wire-bytes');
  });
});

describe('lobbykit demo: options', () => {
  it.each([
    [['--players', '1'], /--players must be an integer from 4 to 251/],
    [['--players', 'six'], /--players .*"six"/],
    [['--players', '2.5'], /--players/],
    [['--loss', '0.9'], /--loss must be a probability from 0 to 0.5/],
    [['--latency', 'fast'], /--latency must be a number of milliseconds/],
    [['--seed', '-1'], /--seed/],
    [['--frobnicate'], /unknown option/],
  ])('%j exits non-zero with one line saying why', async (args, message) => {
    const run = await demo(...args);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it('--help lists every option', async () => {
    const run = await demo('--help');
    expect(run.code).toBe(0);
    for (const option of ['--players', '--latency', '--loss', '--seed', '--json', '--help']) expect(run.stdout).toContain(option);
  });
});
