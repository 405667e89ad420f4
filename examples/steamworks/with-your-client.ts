// docs/steamworks.md's example, as written there (test/docs-steamworks.test.ts keeps the two the same and runs this
// function with the simulator's steamworks.js client): lobbykit on the client the game already has, and the game's
// own Steam callbacks shared with lobbykit's.
import { SteamCallbackId, createLobbyRuntime, createSteamworksBackend, steamworksCallbacks, type LobbyRuntime, type SteamworksClient } from 'lobbykit';

export async function startOnSteam(client: SteamworksClient, log: (line: string) => void): Promise<LobbyRuntime> {
  // The client from the game's own `init()`: lobbykit never calls init() again, which would drop this client.
  const backend = await createSteamworksBackend({ client });
  const runtime = createLobbyRuntime({ backend });
  runtime.errors$.subscribe((error) => log(`${error.kind}: ${error.reason}`));

  // steamworks.js keeps one handler per callback id; lobbykit's hub gives every subscriber its own.
  const callbacks = steamworksCallbacks(client);
  callbacks.register(SteamCallbackId.PersonaStateChange, (change) => log(`persona ${String(change.steam_id)} changed`));

  // Call runtime.tick() every frame; the list arrives through it.
  void runtime.findLobbies({ strings: [{ key: 'mode', value: 'ctf' }] }).then((found) => {
    if (found.ok && !found.complete) log('Steam listed only its first 50 lobbies: a matching one may be missing');
  });
  return runtime;
}
