import { Command } from 'commander';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { registerVisualizeCommand } from '../src/cli/visualize-command.js';

const committed = new URL('../visualizations/', import.meta.url);
let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('lobbykit visualize', () => {
  it('writes the same files as npm run visualize into --out', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lobbykit-visualize-'));
    let out = '';
    let exit = 0;
    const stdout = new PassThrough().on('data', (chunk) => (out += String(chunk)));
    const program = new Command('lobbykit').exitOverride();
    registerVisualizeCommand(program, { stdin: new PassThrough(), stdout, stderr: new PassThrough() }, (c) => (exit = c));
    await program.parseAsync(['visualize', '--out', dir], { from: 'user' });

    expect(exit).toBe(0);
    const written = readdirSync(dir).sort();
    expect(written).toEqual(['lobby', 'lobbyList', 'peerSession', 'session', 'voteKick'].flatMap((m) => [`${m}.json`, `${m}.mmd`, `${m}.svg`]).sort());
    for (const name of written) {
      expect(readFileSync(join(dir, name), 'utf8'), name).toBe(readFileSync(new URL(name, committed), 'utf8'));
    }
    expect(out).toMatch(/15 files in \d+ ms/);
  });
});
