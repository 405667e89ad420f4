import { Command } from 'commander';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { registerInspectCommand } from '../src/cli/inspect-command.js';

async function run(argv: readonly string[]) {
  let out = '';
  let err = '';
  let exit = 0;
  const stdout = new PassThrough().on('data', (chunk) => (out += String(chunk)));
  const stderr = new PassThrough().on('data', (chunk) => (err += String(chunk)));
  const program = new Command('lobbykit').exitOverride();
  registerInspectCommand(program, { stdin: new PassThrough(), stdout, stderr }, (code) => (exit = code));
  await program.parseAsync([...argv], { from: 'user' });
  return { out, err, exit };
}

describe('lobbykit inspect', () => {
  it('prints the loopback URL, runs, and closes cleanly', async () => {
    const result = await run(['inspect', '--port', '0', '--for', '0']);
    expect(result.exit).toBe(0);
    expect(result.out).toMatch(/lobbykit inspector: http:\/\/127\.0\.0\.1:\d+\//);
    expect(result.out).toContain('lobbykit inspector: closed');
  });

  it.each([
    [['--port', '70000'], /--port must be 0\.\.65535/],
    [['--members', '-1'], /--members must be 0\.\.249/],
    [['--host', '0.0.0.0', '--for', '0'], /only listens on loopback/],
  ])('refuses bad options %j with a reason and exit code 2', async (args, message) => {
    const result = await run(['inspect', ...args]);
    expect(result.exit).toBe(2);
    expect(result.err).toMatch(message);
  });
});
