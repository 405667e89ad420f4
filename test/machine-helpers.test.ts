import { describe, expect, it } from 'vitest';
import {
  createLobbyProblem,
  isSteamId,
  lobbyFromLaunchArgs,
  memberChangeFromSteam,
  parseSteamId,
  SENT_SESSION_ERRORS,
  sessionErrorInfo,
} from '../src/steam/index.js';
import { nextRandom } from '../src/machines/backoff.js';
import { MemberTable } from '../src/machines/member-table.js';
import { jsonSafeContext } from '../src/machines/serialize.js';

describe('member change from Steam state bits', () => {
  it.each([
    [0x1, 'entered'],
    [0x2, 'left'],
    [0x4, 'disconnected'],
    [0x8, 'kicked'],
    [0x10, 'banned'],
    [0x2 | 0x10, 'banned'],
    [0x2 | 0x4, 'disconnected'],
  ] as const)('bits %i → %s', (bits, change) => {
    expect(memberChangeFromSteam(bits)).toBe(change);
  });

  it('reads the names steamworks.js sends and refuses what names nothing', () => {
    expect(memberChangeFromSteam('Entered')).toBe('entered');
    expect(memberChangeFromSteam('Kicked')).toBe('kicked');
    expect(memberChangeFromSteam('Exploded')).toBeUndefined();
    expect(memberChangeFromSteam(0)).toBeUndefined();
    expect(memberChangeFromSteam(0x40)).toBeUndefined();
    expect(memberChangeFromSteam(1.5)).toBeUndefined();
  });
});

describe('+connect_lobby launch argument', () => {
  it('finds the flag anywhere in argv', () => {
    expect(lobbyFromLaunchArgs(['res://main.tscn', '+connect_lobby', '109775241000000001'])).toEqual({
      kind: 'lobby',
      lobbyId: 109775241000000001n,
    });
    expect(lobbyFromLaunchArgs(['--fullscreen'])).toEqual({ kind: 'none' });
  });

  it.each([[[]], [['x']], [['-5']], [['0']], [['18446744073709551616']], [['12ab']]])(
    'calls a missing or malformed id after the flag invalid: %j',
    (rest) => {
      expect(lobbyFromLaunchArgs(['+connect_lobby', ...rest]).kind).toBe('invalid');
    },
  );

  it('accepts the largest 64-bit id and nothing above', () => {
    expect(parseSteamId('18446744073709551615')).toBe(18446744073709551615n);
    expect(parseSteamId('18446744073709551616')).toBeUndefined();
  });
});

describe('session errors and create requests', () => {
  it('gives every error Steam still sends a readable reason; only "no rights" is not worth a retry', () => {
    expect(SENT_SESSION_ERRORS.map((e) => [e, sessionErrorInfo(e).retryable])).toEqual([
      [0, true],
      [2, false],
      [4, true],
      [5, true],
    ]);
    expect(sessionErrorInfo(4).reason).toBe('connection timed out');
    expect(sessionErrorInfo(42)).toMatchObject({ key: 'unknown', reason: 'unknown error 42' });
  });

  it('names what is wrong with a create request', () => {
    expect(createLobbyProblem(2, 250)).toBeUndefined();
    expect(createLobbyProblem(2, 10, { ['k'.repeat(256)]: 'v' })).toMatch(/keys/);
    expect(createLobbyProblem(2, 10, { k: 'v'.repeat(8193) })).toMatch(/8192 bytes/);
    expect(createLobbyProblem(2, 10, { k: '\u00e9'.repeat(4096) })).toBeUndefined();
    expect(createLobbyProblem(2, 10, { k: '\u00e9'.repeat(4097) })).toMatch(/8192 bytes/);
  });
});

describe('isSteamId', () => {
  it('takes exactly the positive 64-bit bigints', () => {
    expect([1n, 76561197960265728n, 2n ** 64n - 1n].map(isSteamId)).toEqual([true, true, true]);
    expect([0n, -1n, 2n ** 64n, 1, '1', undefined].map(isSteamId)).toEqual([false, false, false, false, false, false]);
  });
});

describe('retry jitter: mulberry32', () => {
  it('draws the published generator’s sequence (reference values from an independent implementation)', () => {
    // mulberry32 from seed 7, computed outside lobbykit from the algorithm's published definition.
    const expected = [
      [1831565820, 0.011704753153026104],
      [3663131633, 0.06195825757458806],
      [1199730150, 0.97690763277933],
    ];
    let state = 7;
    for (const [nextState, unit] of expected) {
      const draw = nextRandom(state);
      expect(draw).toEqual({ state: nextState, unit });
      state = draw.state;
    }
  });
});

describe('MemberTable', () => {
  const A = 76561198000000002n;
  const B = 76561198000000066n; // same bucket as A (ids 64 apart)
  it('counts a member once however often the entries name it', () => {
    expect(MemberTable.from([[A, 'x'], [A, 'y']]).size).toBe(1);
    expect(MemberTable.from([[A, 'x'], [A, 'y']]).get(A)).toBe('y');
  });

  it('reads like a ReadonlyMap: values and forEach visit every member, and removal empties a shared bucket', () => {
    const table = MemberTable.from([[A, 'connected'], [B, 'connecting']]);
    expect([...table.values()].sort()).toEqual(['connected', 'connecting']);
    const seen: [bigint, string][] = [];
    table.forEach((value, key, map) => {
      expect(map).toBe(table);
      seen.push([key, value]);
    });
    expect(seen).toEqual([...table.entries()]);
    const none = table.without(A).without(B);
    expect(none.size).toBe(0);
    expect([...none.keys()]).toEqual([]);
    expect(none.has(A)).toBe(false);
  });
});

describe('MemberTable against a Map (the ReadonlyMap it implements)', () => {
  const A = 76561198000000002n;
  const B = 76561198000000066n;
  const sameAs = <V>(table: MemberTable<V>, map: Map<bigint, V>) => {
    expect(table.size).toBe(map.size);
    expect([...table.entries()].sort(([x], [y]) => (x < y ? -1 : 1))).toEqual([...map.entries()].sort(([x], [y]) => (x < y ? -1 : 1)));
    for (const id of [A, B]) expect(table.has(id)).toBe(map.has(id));
  };

  it('built from a long list that names a member twice, counts them once and keeps the later value, as new Map does', () => {
    // Past SMALL (32) entries the table is built in buckets directly, not one member at a time.
    const ids = Array.from({ length: 40 }, (_, i) => 76561198000000100n + BigInt(i));
    const entries: [bigint, number][] = [...ids.map((id, i): [bigint, number] => [id, i]), [ids[7]!, 99]];
    const table = MemberTable.from(entries);
    sameAs(table, new Map(entries));
    expect(table.size).toBe(40);
    expect(table.get(ids[7]!)).toBe(99);
  });

  it('keeps a member whose value is undefined, as Map.set does', () => {
    const table = MemberTable.empty<string | undefined>().with(A, undefined);
    sameAs(table, new Map([[A, undefined]]));
    sameAs(table.with(B, 'x').with(A, undefined), new Map<bigint, string | undefined>([[A, undefined], [B, 'x']]));
  });

  it('removing a member that is not there leaves a large table as it was, size included', () => {
    // 40 members: past the short-list form. Ids 1..40 fill buckets 1..40 (an id's low 6 bits), so absent 100n
    // shares bucket 36 with member 36n and absent 63n has an empty bucket.
    const entries = Array.from({ length: 40 }, (_, i) => [BigInt(i + 1), i] as const);
    const table = MemberTable.from(entries);
    const map = new Map<bigint, number>(entries);
    for (const absent of [63n, 100n, A]) sameAs(table.without(absent), map);
    map.delete(5n);
    sameAs(table.without(63n).without(100n).without(5n), map);
  });

  it('writes its ids in JSON as "<digits>n", so snapshots of different members write differently', () => {
    const table = MemberTable.from([[A, 'connected'], [B, 'connecting']]);
    expect(JSON.parse(JSON.stringify(table))).toEqual([
      ['76561198000000002n', 'connected'],
      ['76561198000000066n', 'connecting'],
    ]);
    // A context carrying tables (as the session machine's does) writes them the same way through its toJSON.
    const context = jsonSafeContext({ members: MemberTable.from([[B, 'closed']]) });
    expect(JSON.parse(JSON.stringify(context))).toEqual({ members: [['76561198000000066n', 'closed']] });
  });
});
