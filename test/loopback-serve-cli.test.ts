// `lobbykit serve` as a real process: prints where it listens, logs joins and leaves, and on SIGINT closes every
// socket and exits 0. Runs the real `bin/lobbykit.js serve`, the command users type.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
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

  it('refuses a non-loopback host, a bad port, origin or window before opening anything', async () => {
    const cases: [readonly string[], RegExp][] = [
      [['--host', '0.0.0.0'], /refusing to listen on 0\.0\.0\.0/],
      [['--port', 'eighty'], /--port must be an integer/],
      [['--allow-origin', 'https://game.example/index.html'], /--allow-origin takes an origin/],
      [['--dead-after', 'soon'], /--dead-after must be a whole number of seconds/],
    ];
    const runs = cases.map(([args]) => serve(args));
    for (const [i, run] of runs.entries()) {
      expect(await run.exited).toBe(2);
      expect(run.stderr()).toMatch(cases[i]![1]);
      expect(run.stderr().trim().split('\n')).toHaveLength(1);
    }
  });

  it('lets a web page from an --allow-origin in, and tells another one how to be let in', async () => {
    const run = serve(['--port', '0', '--allow-origin', 'https://game.example']);
    const [, url] = await run.output(/listening on (ws:\/\/127\.0\.0\.1:\d+)/);
    const visit = async (origin: string) => {
      const socket = new WebSocket(url!, { origin });
      const closed = once(socket, 'close') as Promise<[number, Buffer]>;
      await once(socket, 'open');
      socket.send(JSON.stringify({ op: 'hello', name: origin, protocol: 1 }));
      const first = await Promise.race([once(socket, 'message').then(([d]) => String(d)), closed.then(([code]) => `closed ${code}`)]);
      socket.terminate();
      return first;
    };
    expect(await visit('https://game.example')).toMatch(/"t":"welcome"/);
    expect(await visit('https://evil.example')).toBe('closed 1008');
    await run.output(/refused a connection from the web page at https:\/\/evil\.example: .*--allow-origin https:\/\/evil\.example/);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });
});

function lobbyIdOf(backend: { drainEvents(sink: (e: { type: string; lobbyId?: bigint }) => void): number }): bigint {
  let id = 0n;
  backend.drainEvents((e) => {
    if (e.type === 'lobbyCreated' && e.lobbyId !== undefined) id = e.lobbyId;
  });
  return id;
}
