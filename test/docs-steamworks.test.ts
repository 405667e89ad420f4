// docs/steamworks.md stays true: its TypeScript snippet is examples/steamworks/with-your-client.ts word for word
// (the function; its imports are the example's), which `npm test` type-checks, and which runs here with the
// simulator's steamworks.js client in place of the game's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startOnSteam } from '../examples/steamworks/with-your-client.js';
import { VirtualClock } from '../src/effects/clock.js';
import { createSimulatedSteam } from '../src/effects/sim/network.js';
import { SteamCallbackId } from '../src/effects/steamworks/client-types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('docs/steamworks.md', () => {
  it('shows the example as it is in examples/', () => {
    const doc = readFileSync(join(root, 'docs/steamworks.md'), 'utf8');
    const snippets = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(snippets).toHaveLength(1);
    expect(readFileSync(join(root, 'examples/steamworks/with-your-client.ts'), 'utf8').endsWith(snippets[0]!)).toBe(true);
  });

  it('runs: the list says it may be incomplete past 50 lobbies, and the game\'s own callback sits beside lobbykit\'s', async () => {
    const clock = new VirtualClock();
    const steam = createSimulatedSteam({ seed: 2, clock });
    const me = 76561198000000001n;
    steam.addUser({ id: me, name: 'Me' });
    for (let i = 0; i < 50; i++) {
      const id = 76561198100000000n + BigInt(i);
      steam.addUser({ id, name: `Owner ${i}` });
      steam.backend(id).createLobby(2, 4);
    }
    const client = steam.steamworksClient(me);
    const log: string[] = [];
    const runtime = await startOnSteam(client, (line) => log.push(line));
    let gameHeard = 0;
    client.callback.register(SteamCallbackId.LobbyDataUpdate, () => gameHeard++);
    for (let i = 0; i < 120; i++) {
      clock.advance(1000 / 60);
      runtime.tick();
      await turn();
    }
    expect(log).toEqual(['Steam listed only its first 50 lobbies: a matching one may be missing']);
    const created = runtime.createLobby({ lobbyType: 2, maxMembers: 4, data: { mode: 'ctf' } });
    for (let i = 0; i < 120; i++) {
      clock.advance(1000 / 60);
      runtime.tick();
      await turn();
    }
    expect(await created).toMatchObject({ ok: true });
    // The lobby data lobbykit set reached both the game's handler and lobbykit (which shows it in lobbyData()).
    expect(gameHeard).toBeGreaterThan(0);
    expect(runtime.lobbyData()).toMatchObject({ mode: 'ctf' });
    runtime.dispose();
  });
});
