// `lobbykit serve` as a real process: prints where it listens, logs joins and leaves, and on SIGINT closes every
// socket and exits 0. Runs the real `bin/lobbykit.js serve`, the command users type.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLoopbackBackend } from '../src/effects/loopback/connect.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const DEADLINE_MS = 20_000;

function serve(args: readonly string[]) {
  const child = spawn(process.execPath, ['bin/lobbykit.js', 'serve', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of waiters) w();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const guard = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve(code);
    }),
  );
  /** Resolves with the first match of `pattern` in stdout, waiting for output as it comes. */
  const output = (pattern: RegExp): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const m = stdout.match(pattern);
        if (m !== null) {
          waiters.delete(check);
          resolve(m);
        }
      };
      waiters.add(check);
      void exited.then(() => {
        if (waiters.delete(check)) reject(new Error(`serve exited before printing ${pattern}; stdout: ${stdout} stderr: ${stderr}`));
      });
      check();
    });
  return { child, output, exited, stderr: () => stderr, stdout: () => stdout };
}

describe('lobbykit serve', () => {
  it('listens on 127.0.0.1, logs a join and a leave, and stops on SIGINT with exit 0', async () => {
    const run = serve(['--port', '0']);
    const [, url] = await run.output(/listening on (ws:\/\/127\.0\.0\.1:\d+)/);
    const alice = await createLoopbackBackend({ url: url!, name: 'Alice' });
    alice.createLobby(2, 4);
    await run.output(/Alice \(\d+\) created lobby/);
    const bob = await createLoopbackBackend({ url: url!, name: 'Bob' });
    await alice.settle();
    const lobbyId = lobbyIdOf(alice);
    expect(lobbyId).not.toBe(0n);
    bob.joinLobby(lobbyId);
    await run.output(/Bob \(\d+\) joined lobby/);
    await bob.close();
    await run.output(/Bob \(\d+\) left/);

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toMatch(/stopped \(1 connection closed\)/);
    // Alice's socket was closed by the service, and she is told so.
    await new Promise<void>((resolve) => {
      if (!alice.isConnected()) resolve();
      else alice.onIncoming(() => resolve());
    });
    const events: string[] = [];
    alice.drainEvents((e) => events.push(e.type));
    expect(events).toContain('serversDisconnected');
  });

  it('refuses a non-loopback host and a bad port before opening anything', async () => {
    const wide = serve(['--host', '0.0.0.0']);
    expect(await wide.exited).toBe(2);
    expect(wide.stderr()).toMatch(/refusing to listen on 0\.0\.0\.0/);
    const bad = serve(['--port', 'eighty']);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toMatch(/--port must be an integer/);
  });
});

function lobbyIdOf(backend: { drainEvents(sink: (e: { type: string; lobbyId?: bigint }) => void): number }): bigint {
  let id = 0n;
  backend.drainEvents((e) => {
    if (e.type === 'lobbyCreated' && e.lobbyId !== undefined) id = e.lobbyId;
  });
  return id;
}
