// examples/electron (docs/electron.md): its main-process module runs under Node with the simulator's steamworks.js
// client standing in for the game's, behind an IPC that structured-clones every argument and result as Electron's
// does; the doc shows main.ts as it is; and the doc's bundler line keeps steamworks.js and electron external.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startLobbyHost, type LobbyHost, type MainIpc, type RendererPort } from '../examples/electron/lobby-host.js';
import { VirtualClock } from '../src/effects/clock.js';
import { createSimulatedSteam } from '../src/effects/sim/network.js';
import { ALICE, BOB } from './helpers/sim-world.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** ipcMain and a renderer as Electron gives them: handlers by channel, and every value structured-cloned. */
function electronIpc() {
  const handlers = new Map<string, (event: unknown, ...args: never[]) => unknown>();
  const received: [string, unknown][] = [];
  const ipc: MainIpc = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const renderer: RendererPort = { send: (channel, value) => void received.push([channel, structuredClone(value)]) };
  const invoke = async (channel: string, ...args: unknown[]): Promise<unknown> => {
    const handler = handlers.get(channel);
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
    return structuredClone(await handler({}, ...(structuredClone(args) as never[])));
  };
  return { ipc, renderer, invoke, handlers, received };
}

describe('examples/electron', () => {
  it('runs the main-process lobby host under Node: create, join and a message over IPC, then stops cleanly', async () => {
    const clock = new VirtualClock();
    const steam = createSimulatedSteam({ seed: 9, clock });
    steam.addUser({ id: ALICE, name: 'Alice' });
    steam.addUser({ id: BOB, name: 'Bob' });
    const alice = electronIpc();
    const bob = electronIpc();
    const hosts: LobbyHost[] = [];
    for (const [id, side] of [
      [ALICE, alice],
      [BOB, bob],
    ] as const) {
      hosts.push(await startLobbyHost({ client: steam.steamworksClient(id), ipc: side.ipc, renderer: side.renderer, clock, argv: ['/opt/game/game'] }));
    }
    const until = async <T>(promise: Promise<T>): Promise<T> => {
      let done = false;
      void promise.then(() => (done = true));
      for (let i = 0; i < 600 && !done; i++) {
        clock.advance(1000 / 60);
        await turn();
      }
      return promise;
    };
    const created = (await until(alice.invoke('lobby:create', { lobbyType: 2, maxMembers: 4 }))) as { ok: boolean; lobbyId: bigint };
    expect(created.ok).toBe(true);
    expect(await until(bob.invoke('lobby:join', created.lobbyId))).toEqual({ ok: true, lobbyId: created.lobbyId });
    for (let i = 0; i < 120; i++) {
      clock.advance(1000 / 60);
      await turn();
    }
    expect(await alice.invoke('lobby:send', 'all', { x: 3 }, { channel: 1 })).toEqual({ ok: true, recipients: 1 });
    for (let i = 0; i < 30; i++) {
      clock.advance(1000 / 60);
      await turn();
    }
    expect(bob.received.filter(([channel]) => channel === 'lobby:message').map(([, value]) => value)).toEqual([{ from: ALICE, channel: 1, value: { x: 3 } }]);
    const members = bob.received.filter(([channel]) => channel === 'lobby:members').at(-1)?.[1] as { id: bigint }[];
    expect(members.map((m) => m.id).sort()).toEqual([ALICE, BOB].sort());
    // A bad argument from the renderer is a typed result, not a throw in the main process.
    expect(await alice.invoke('lobby:join', 'not a lobby')).toMatchObject({ ok: false, error: { kind: 'invalid-argument' } });
    for (const host of hosts) host.stop();
    expect(alice.handlers.size).toBe(0);
    // Stopped: no more ticks, so nothing more reaches the renderers.
    const sent = alice.received.length + bob.received.length;
    clock.advance(5_000);
    await turn();
    expect(alice.received.length + bob.received.length).toBe(sent);
  });

  it('docs/electron.md shows main.ts as it is', () => {
    const doc = readFileSync(join(root, 'docs/electron.md'), 'utf8');
    const snippets = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(snippets).toHaveLength(1);
    expect(readFileSync(join(root, 'examples/electron/main.ts'), 'utf8').endsWith(snippets[0]!)).toBe(true);
  });

  it("the doc's bundler line keeps steamworks.js (a native module) and electron out of the bundle", () => {
    const doc = readFileSync(join(root, 'docs/electron.md'), 'utf8');
    const lines = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    expect(lines).toHaveLength(1);
    const out = mkdtempSync(join(tmpdir(), 'lobbykit-electron-'));
    try {
      const command = lines[0]!.replace('--outfile=build/main.js', `--outfile=${join(out, 'main.js')}`);
      expect(command).not.toBe(lines[0]);
      const run = spawnSync(command, { cwd: root, shell: true, encoding: 'utf8', timeout: 60_000 });
      expect(run.status, run.stderr).toBe(0);
      const bundle = readFileSync(join(out, 'main.js'), 'utf8');
      expect(bundle).toMatch(/from "steamworks\.js"/);
      expect(bundle).toMatch(/from "electron"/);
      // steamworks.js's own loader (which requires its .node binary) is not inlined.
      expect(bundle).not.toMatch(/steamworksjs\.linux-x64-gnu\.node/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
