/**
 * How the `lobbykit` process fails, run as users run it (bin/lobbykit.js in a child process, bounded): every failure
 * is one stderr line `lobbykit <verb>: …` and never a stack trace, and a reader that stops early (`| head`) ends the
 * output quietly with status 0.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess, type ProcessRun } from './helpers/run-process.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const DEADLINE_MS = 60_000;
const scratch = mkdtempSync(join(tmpdir(), 'lobbykit-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const lobbykit = (args: readonly string[], input = ''): Promise<ProcessRun> =>
  runProcess(process.execPath, ['bin/lobbykit.js', ...args], { cwd: root, timeoutMs: DEADLINE_MS, input });

/** The shell pipeline a user types, with the CLI's own exit status (not head's) printed last on stderr. */
const piped = (args: string, reader: string): Promise<ProcessRun> =>
  runProcess('bash', ['-c', `node bin/lobbykit.js ${args} | ${reader}; echo "lobbykit exited with \${PIPESTATUS[0]}" >&2`], {
    cwd: root,
    timeoutMs: DEADLINE_MS,
  });

/** Exactly one stderr line, starting `prefix: ` and matching `detail`. */
function expectOneLine(run: ProcessRun, prefix: string, detail: RegExp): void {
  expect(run.timedOut).toBe(false);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr.split('\n')).toHaveLength(2);
  expect(run.stderr.startsWith(`${prefix}: `), run.stderr).toBe(true);
  expect(run.stderr).toMatch(detail);
}

describe.concurrent('lobbykit writing into a pipe its reader closed', () => {
  it('`demo | head -2` prints two lines and exits 0 with nothing on stderr', async () => {
    const run = await piped('demo', 'head -2');
    expect(run.stdout.split('\n')).toHaveLength(3);
    expect(run.stderr).toBe('lobbykit exited with 0\n');
  });

  it('`demo --json | head -1` prints one JSON line and exits 0 with nothing on stderr', async () => {
    const run = await piped('demo --json', 'head -1');
    expect(JSON.parse(run.stdout)).toMatchObject({ type: 'world' });
    expect(run.stderr).toBe('lobbykit exited with 0\n');
  });
});

describe.concurrent('lobbykit failures: one line naming the command', () => {
  it('codec encode of a control packet without "message" says what a control packet needs', async () => {
    const run = await lobbykit(['codec', 'encode', '--format', 'lobbykit'], '{"kind":"control","channel":0,"value":1}');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expectOneLine(run, 'lobbykit codec encode', /bad-payload: a control packet needs "message"/);
  });

  it('visualize --out an existing file says a file is in the way, and leaves the file alone', async () => {
    const file = join(scratch, 'notes.txt');
    writeFileSync(file, 'keep me');
    const run = await lobbykit(['visualize', '--out', file]);
    expect(run.code).toBe(1);
    expectOneLine(run, 'lobbykit visualize', /--out .*notes\.txt: a file is in the way; give a folder/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it.each([
    [['nope'], 'lobbykit', /unknown command 'nope'/],
    [['demo', '--plaers', '4'], 'lobbykit demo', /unknown option '--plaers' \(Did you mean --players\?\)/],
    [['demo', '--players'], 'lobbykit demo', /option '--players <n>' argument missing/],
    [['codec', 'decode'], 'lobbykit codec decode', /required option '--format <format>' not specified/],
    [['codec', 'encode', '--format', 'protobuf'], 'lobbykit codec encode', /protobuf/],
  ] as const)('usage error %j: exit 2 and one line', async (args, prefix, detail) => {
    const run = await lobbykit(args);
    expect(run.code).toBe(2);
    expectOneLine(run, prefix, detail);
  });
});
