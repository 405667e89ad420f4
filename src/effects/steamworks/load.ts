/**
 * Loads steamworks.js only when asked (importing lobbykit never loads native code) and starts it, for a game that
 * has no client of its own (one that has must pass it: createSteamworksBackend({ client })). A started client is
 * kept on the loaded module, so a second call hands back the same client instead of calling `init()` again, which
 * would drop the first (steamworks.js lib.rs:14-16). A failed start is not kept: `init()` without Steam throws
 * cleanly and can be called again, so a game can retry once Steam is up. Nothing else native is touched after a
 * failure, because steamworks.js aborts the process on a native call without a client.
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

/** Where a client lobbykit started is kept: on the steamworks.js module, whose native state is per process anyway. */
const STARTED = Symbol.for('lobbykit.steamworks.startedClient');

/**
 * The steamworks.js client lobbykit started, or a new one; rejects with SteamNotRunningError when steamworks.js is
 * missing or Steam is not running, and tries again on the next call.
 */
export async function loadSteamworksClient(appId?: number): Promise<SteamworksClient> {
  let mod: SteamworksModule;
  try {
    const imported = (await import('steamworks.js')) as unknown as { default?: SteamworksModule } & Partial<SteamworksModule>;
    const candidate = imported.default ?? imported;
    if (typeof candidate.init !== 'function') throw new Error('the module has no init()');
    mod = candidate as SteamworksModule;
  } catch (error) {
    throw new SteamNotRunningError('not-installed', messageOf(error));
  }
  const kept = (mod as { [STARTED]?: SteamworksClient })[STARTED];
  if (kept !== undefined) return kept;
  let client: SteamworksClient;
  try {
    client = mod.init(appId);
  } catch (error) {
    throw new SteamNotRunningError('init-failed', messageOf(error));
  }
  try {
    Object.defineProperty(mod, STARTED, { value: client, configurable: true });
  } catch {
    // A frozen module namespace: nothing to keep the client on; the caller holds it.
  }
  return client;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
