/**
 * Loads steamworks.js only when asked (importing lobbykit never loads native code) and starts it once. A failed
 * start is remembered: steamworks.js aborts the whole process if a native function runs without a live client,
 * so after a failure nothing native is touched again.
 */
import type { SteamworksClient } from './client-types.js';

export type SteamNotRunningCause = 'not-installed' | 'init-failed';

export class SteamNotRunningError extends Error {
  override readonly name = 'SteamNotRunningError';
  readonly code = 'steam-not-running';

  constructor(
    readonly failure: SteamNotRunningCause,
    /** What steamworks.js said, e.g. "Failed to load module '…/steamclient.so'". */
    readonly nativeMessage: string,
  ) {
    super(
      (failure === 'not-installed'
        ? `steamworks.js could not be loaded (${nativeMessage}); install it with \`npm install steamworks.js\`. `
        : `Steam is not running, or this game is not set up for it (steamworks.js: ${nativeMessage}). Start the Steam client and log in, and give the app id (or a steam_appid.txt next to the game). `) +
        'To run without Steam, use the simulated backend: `const steam = createSimulatedSteam({ seed: 1, clock }); steam.addUser({ id, name }); const backend = steam.backend(id);`',
    );
  }
}

interface SteamworksModule {
  init(appId?: number): SteamworksClient;
}

let started: Promise<SteamworksClient> | undefined;

/** The live steamworks.js client, started once per process; rejects with SteamNotRunningError, forever, after a failure. */
export function loadSteamworksClient(appId?: number): Promise<SteamworksClient> {
  started ??= start(appId);
  return started;
}

async function start(appId: number | undefined): Promise<SteamworksClient> {
  let mod: SteamworksModule;
  try {
    const imported = (await import('steamworks.js')) as unknown as { default?: SteamworksModule } & Partial<SteamworksModule>;
    const candidate = imported.default ?? imported;
    if (typeof candidate.init !== 'function') throw new Error('the module has no init()');
    mod = candidate as SteamworksModule;
  } catch (error) {
    throw new SteamNotRunningError('not-installed', messageOf(error));
  }
  try {
    return mod.init(appId);
  } catch (error) {
    throw new SteamNotRunningError('init-failed', messageOf(error));
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
