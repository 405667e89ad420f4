import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./helpers/load-real-steamworks.ts', import.meta.url));

describe('loading the real steamworks.js without Steam', () => {
  it('yields SteamNotRunningError (twice, without touching native code again) and the process exits cleanly', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    expect(line, run.stdout).toBeDefined();
    const attempts = JSON.parse(line!.slice('RESULT '.length)) as Record<string, string>[];
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt['name']).toBe('SteamNotRunningError');
      expect(attempt['code']).toBe('steam-not-running');
      expect(attempt['failure']).toBe('init-failed');
      expect(attempt['message']).toMatch(/Steam is not running/);
      expect(attempt['message']).toMatch(/createSimulatedSteam/);
    }
  });

  it('importing lobbykit\'s effects does not load native code', () => {
    const probe = [
      "await import('./src/effects/index.ts');",
      "const native = Object.keys(require.cache ?? {}).filter((p) => p.endsWith('.node'));",
      'process.stdout.write(String(native.length));',
    ].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);\n${probe}`], {
      encoding: 'utf8',
      timeout: 60_000,
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('0');
  });
});
