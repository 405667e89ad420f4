// Steam's lobby data limits (reference/steam-facts.md: key ≤ 255 characters, k_nMaxLobbyKeyLength; value ≤ 8,192
// bytes, k_cubChatMetadataMax) are one rule on every backend, applied by the runtime before the backend is asked:
// a value over the limit is an invalid-argument result with its reason, in setLobbyData and in createLobby's data,
// and the backend never sees the call; values at the limit reach the other members intact. The sizes below are
// counted by Node's Buffer, not by lobbykit.
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../src/effects/backend.js';
import { createLobbyRuntime, type LobbyRuntime } from '../src/runtime.js';
import { startLoopbackRuntimes, type LoopbackRuntimes } from './helpers/loopback-live.js';
import { createRuntimeWorld, userId, type RuntimeWorld } from './helpers/runtime-world.js';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

// [what, key, value, kept]: at and just past each limit, in characters of one, three and four UTF-8 bytes.
const CASES: readonly [string, string, string, boolean][] = [
  ['a 255-character key', 'k'.repeat(255), 'v', true],
  ['a 256-character key', 'k'.repeat(256), 'v', false],
  ['an empty key', '', 'v', false],
  ['8,192 one-byte characters', 'ascii', 'a'.repeat(8192), true],
  ['8,193 one-byte characters', 'ascii', 'a'.repeat(8193), false],
  ['2,730 three-byte characters and two one-byte ones (8,192 bytes)', 'euro', '€'.repeat(2730) + 'ab', true],
  ['2,731 three-byte characters (8,193 bytes in 2,731 characters)', 'euro', '€'.repeat(2731), false],
  ['2,048 four-byte characters (8,192 bytes in 4,096 UTF-16 units)', 'emoji', '😀'.repeat(2048), true],
  ['10 MB', 'huge', 'x'.repeat(10_000_000), false],
  ['a NUL character', 'nul', 'a\0b', false],
];

interface Table {
  readonly host: LobbyRuntime;
  readonly guest: LobbyRuntime;
  /** Calls the host's backend received, by method name. */
  readonly calls: Map<string, number>;
  until(what: string, check: () => boolean): Promise<void>;
}

/** The backend as the runtime sees it, counting the calls it receives. */
function counted(backend: Backend, calls: Map<string, number>): Backend {
  return new Proxy(backend, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

async function lobbyOf(table: Omit<Table, 'until'> & Pick<Table, 'until'>): Promise<bigint> {
  const creating = table.host.createLobby();
  await table.until('the host in its lobby', () => table.host.lobbyState().status === 'joined');
  const created = await creating;
  if (!created.ok) throw new Error('create failed');
  const joining = table.guest.joinLobby(created.lobbyId);
  await table.until('the guest in the lobby', () => table.guest.allConnected());
  expect((await joining).ok).toBe(true);
  return created.lobbyId;
}

async function checkSetLobbyData(table: Table): Promise<void> {
  await lobbyOf(table);
  for (const [what, key, value, kept] of CASES) {
    const before = table.calls.get('setLobbyData') ?? 0;
    const result = table.host.setLobbyData(key, value);
    if (kept) {
      expect(result, what).toEqual({ ok: true });
      await table.until(`${what} at the guest`, () => table.guest.lobbyData()[key] === value);
    } else {
      expect(result, what).toMatchObject({ ok: false, error: { kind: 'invalid-argument', command: 'setLobbyData' } });
      if (bytes(value) > 8192) expect(!result.ok && result.error.reason, what).toMatch(/8192 bytes/);
      expect(table.calls.get('setLobbyData') ?? 0, `${what}: the backend was asked`).toBe(before);
      expect(table.guest.lobbyData()[key], what).not.toBe(value);
    }
  }
}

async function checkCreateData(table: Table): Promise<void> {
  for (const [what, key, value, kept] of CASES) {
    if (kept) continue;
    const result = await table.host.createLobby({ data: { name: 'fine', [key]: value } });
    expect(result, what).toMatchObject({ ok: false, error: { kind: 'invalid-argument', command: 'createLobby' } });
    expect(table.calls.get('createLobby') ?? 0, `${what}: the backend was asked`).toBe(0);
  }
  // The same data within the limits is set once the lobby exists.
  const data = Object.fromEntries(CASES.filter(([, , , kept]) => kept).map(([, key, value]) => [key, value]));
  const creating = table.host.createLobby({ data });
  await table.until('the host in its lobby', () => table.host.lobbyState().status === 'joined');
  const created = await creating;
  if (!created.ok) throw new Error('create failed');
  const joining = table.guest.joinLobby(created.lobbyId);
  await table.until('the data at the guest', () => Object.entries(data).every(([k, v]) => table.guest.lobbyData()[k] === v));
  expect((await joining).ok).toBe(true);
}

describe.each(['simulated', 'steamworks-adapter'] as const)('lobby data limits (%s)', (flavour) => {
  let world: RuntimeWorld;
  afterEach(() => world.dispose());

  function table(): Table {
    world = createRuntimeWorld(flavour);
    const calls = new Map<string, number>();
    const host = createLobbyRuntime({ backend: counted(world.sim.user({ id: userId(0), name: 'host' }), calls), clock: world.sim.clock });
    const guest = world.player(1).runtime;
    world.everyFrame(() => host.tick());
    return {
      host,
      guest,
      calls,
      until: async (what, check) => {
        if (!(await world.runUntil(check, 10_000))) throw new Error(`never: ${what}`);
      },
    };
  }

  it('setLobbyData: at the limits kept and seen by members, past them refused before the backend', async () => {
    await checkSetLobbyData(table());
  });

  it("createLobby's data: past the limits refused before the backend; within them set on the new lobby", async () => {
    await checkCreateData(table());
  });
});

describe('lobby data limits (loopback service)', () => {
  let loop: LoopbackRuntimes;
  afterEach(async () => loop.close());

  async function table(): Promise<Table> {
    loop = await startLoopbackRuntimes();
    const calls = new Map<string, number>();
    const hostPlayer = await loop.player('Host');
    const host = createLobbyRuntime({ backend: counted(hostPlayer.backend, calls) });
    hostPlayer.runtime.dispose();
    const guest = (await loop.player('Guest')).runtime;
    return {
      host,
      guest,
      calls,
      until: (what, check) =>
        loop.until(what, () => {
          host.tick();
          return check();
        }),
    };
  }

  it('setLobbyData: at the limits kept and seen by members, past them refused before the backend', async () => {
    await checkSetLobbyData(await table());
  });

  it("createLobby's data: past the limits refused before the backend; within them set on the new lobby", async () => {
    await checkCreateData(await table());
  });
});
