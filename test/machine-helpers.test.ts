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
