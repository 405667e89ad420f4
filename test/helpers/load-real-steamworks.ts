// Run in a child process by steamworks-load.test.ts: loads the REAL steamworks.js with no Steam running.
// If lobbykit touched a native function after the failed init, the process would abort (exit 134) here.
import { createSteamworksBackend } from '../../src/effects/steamworks/adapter.js';
import { SteamNotRunningError } from '../../src/effects/steamworks/load.js';

const attempts: unknown[] = [];
for (let i = 0; i < 2; i++) {
  try {
    await createSteamworksBackend({ appId: 480 });
    attempts.push({ started: true });
  } catch (error) {
    attempts.push(
      error instanceof SteamNotRunningError
        ? { name: error.name, code: error.code, failure: error.failure, message: error.message }
        : { unexpected: String(error) },
    );
  }
}
process.stdout.write(`RESULT ${JSON.stringify(attempts)}\n`);
