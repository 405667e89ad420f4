// Two separate Node processes play through a loopback service started in this process (port 0, 127.0.0.1 only).
// Real sockets and real time here, so every wait is event-driven and bounded.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackService, type LoopbackService } from '../src/loopback-server/service.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const PLAYER_TIMEOUT_MS = 20_000;

interface Run {
  readonly code: number | null;
  readonly summary: {
    ok: boolean;
    selfId: string;
    lobbyId: string | null;
    membersSeen: string[];
    chat: { from: string; text: string }[];
    messages: { channel: number; from: string; value: { from: string; kind: string } }[];
    left: string[];
    errors: string[];
    failure?: string;
  };
  readonly stderr: string;
}

function player(role: 'host' | 'join', name: string, url: string, tag: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'examples/loopback/player.ts', role, '--url', url, '--name', name, '--tag', tag, '--timeout', String(PLAYER_TIMEOUT_MS), '--json'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // The player gives up on its own; this only guards against a process that hangs outright.
    const guard = setTimeout(() => child.kill('SIGKILL'), PLAYER_TIMEOUT_MS + 10_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve({ code, summary: JSON.parse(last) as Run['summary'], stderr });
      } catch {
        reject(new Error(`${role} printed no JSON summary (exit ${code}); stdout: ${stdout} stderr: ${stderr}`));
      }
    });
  });
}

describe('loopback: two game processes on one machine', () => {
  let service: LoopbackService;
  const log: string[] = [];

  beforeAll(async () => {
    service = await startLoopbackService({ port: 0, log: (line) => log.push(line) });
  });
  afterAll(async () => {
    await service.close();
  });

  it('create and join the same lobby, chat, exchange packets both ways on two channels, and leave', async () => {
    const [host, guest] = await Promise.all([player('host', 'Ada', service.url, 'pair-1'), player('join', 'Brian', service.url, 'pair-1')]);
    expect(host.summary.failure, host.stderr).toBeUndefined();
    expect(guest.summary.failure, guest.stderr).toBeUndefined();
    expect([host.code, guest.code]).toEqual([0, 0]);

    // Same lobby, different ids given by the service.
    expect(host.summary.lobbyId).not.toBeNull();
    expect(guest.summary.lobbyId).toBe(host.summary.lobbyId);
    expect(host.summary.selfId).not.toBe(guest.summary.selfId);
    expect([...host.summary.membersSeen].sort()).toEqual(['Ada', 'Brian']);
    expect([...guest.summary.membersSeen].sort()).toEqual(['Ada', 'Brian']);

    // Each heard the other's chat, with the sender's name as the service stamped it.
    expect(host.summary.chat).toContainEqual({ from: 'Brian', text: 'hello from Brian' });
    expect(guest.summary.chat).toContainEqual({ from: 'Ada', text: 'hello from Ada' });

    // Reliable (channel 1) and unreliable (channel 2) both arrive, both ways, from the right sender.
    for (const [run, other] of [
      [host, 'Brian'],
      [guest, 'Ada'],
    ] as const) {
      const got = run.summary.messages.map((m) => [m.channel, m.from, m.value.from, m.value.kind]);
      expect(got).toContainEqual([1, other, other, 'reliable']);
      expect(got).toContainEqual([2, other, other, 'unreliable']);
    }

    // The guest left; the host saw it go.
    expect(host.summary.left).toEqual(['Brian']);
    expect(host.summary.errors).toEqual([]);
    expect(guest.summary.errors).toEqual([]);
    expect(log.some((line) => line.startsWith('Brian') && line.includes('joined lobby'))).toBe(true);
    expect(log.some((line) => line.startsWith('Brian') && line.includes('left lobby'))).toBe(true);
  });
});
