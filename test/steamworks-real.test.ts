// The real steamworks.js 0.4 (a devDependency) on this machine, which has no Steam: init() fails cleanly and can be
// retried, and lobbykit's callback hub installs on the package's callback namespace. In a child process, because any
// other native call without a client aborts the process.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A child that lingers (a runCallbacks timer left running) fails the test instead of hanging it.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child did not exit: ${stderr}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the real steamworks.js without Steam', () => {
  it('fails init() cleanly each time it is asked, so a game can retry once Steam runs; the hub installs', async () => {
    const { code, stdout, stderr } = await run('test/fixtures/steamworks/real-package.ts');
    expect(code).toBe(0);
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    const failed = { failure: 'init-failed', nativeMessage: expect.stringMatching(/^Failed to load module '.*steamclient\.so'$/) };
    expect(result.attempts).toEqual([failed, failed]);
    // Steam's own library says so once per SteamAPI_Init: init() really ran twice, the failure was not cached.
    expect(stderr.match(/\[S_API\] SteamAPI_Init\(\): Failed to load module/g)).toHaveLength(2);
    expect(result).toMatchObject({ installed: true, intact: true, same: true, register: true });
  });
});
