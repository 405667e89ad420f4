// The public API called as a careless or hostile JavaScript caller would: every failure is a typed result, never a
// throw, and it is published on errors$ exactly once (the very error the result carries, and nothing else). The
// expected kinds and codes are written from the API's rules (README "Errors"), not read back from the code.
import { afterEach, describe, expect, it } from 'vitest';
import type { LobbyRuntime, LobbyRuntimeError } from '../src/runtime.js';
import { createRuntimeWorld, userId, type Player, type RuntimeWorld } from './helpers/runtime-world.js';

type Expected =
  | { readonly kind: 'invalid-argument' }
  | { readonly kind: 'wrong-state'; readonly code: string }
  | { readonly kind: 'send-refused'; readonly code: string }
  | { readonly kind: 'join-failed' | 'create-failed'; readonly code: string };

type Outcome = { readonly threw: string } | { readonly ok: true } | { readonly ok: false; readonly error: LobbyRuntimeError; readonly published: readonly LobbyRuntimeError[] };

/** The runtime as a JavaScript caller sees it: every command takes anything. */
type Untyped = { readonly [K in keyof LobbyRuntime]: LobbyRuntime[K] extends (...args: never[]) => infer R ? (...args: unknown[]) => R : LobbyRuntime[K] };

/** A call as a JavaScript caller makes it: any argument, no types. */
type Call = (runtime: Untyped, ids: Ids) => unknown;

interface Ids {
  readonly self: bigint;
  readonly owner: bigint;
  readonly lobbyId: bigint;
  readonly stranger: bigint;
}

/** Bytes no compressor can shrink much (a seeded linear congruential sequence). */
function noise(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = 12345;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

const BAD_ARGUMENT = { kind: 'invalid-argument' } as const;
const notIn = { kind: 'wrong-state', code: 'not-in-lobby' } as const;
const notOwner = { kind: 'wrong-state', code: 'not-owner' } as const;

// Arguments no caller following the types would pass: each must be refused as an invalid argument, in any state.
const MISTYPED: readonly [string, Call][] = [
  ['createLobby(null)', (r) => r.createLobby(null)],
  ["createLobby('public')", (r) => r.createLobby('public')],
  ['createLobby([])', (r) => r.createLobby([])],
  ["createLobby({ maxMembers: '4' })", (r) => r.createLobby({ maxMembers: '4' })],
  ['createLobby({ lobbyType: 7 })', (r) => r.createLobby({ lobbyType: 7 })],
  ['createLobby({ data: null })', (r) => r.createLobby({ data: null })],
  ["createLobby({ data: 'x' })", (r) => r.createLobby({ data: 'x' })],
  ['createLobby({ data: { k: 5 } })', (r) => r.createLobby({ data: { k: 5 } })],
  ["joinLobby('x')", (r) => r.joinLobby('x')],
  ['joinLobby(5)', (r) => r.joinLobby(5)],
  ['joinLobby(null)', (r) => r.joinLobby(null)],
  ['joinLobby()', (r) => r.joinLobby()],
  ['joinLobby(-1n)', (r) => r.joinLobby(-1n)],
  ['findLobbies(null)', (r) => r.findLobbies(null)],
  ["findLobbies('public')", (r) => r.findLobbies('public')],
  ['findLobbies({ strings: [null] })', (r) => r.findLobbies({ strings: [null] })],
  ['findLobbies({ strings: 5 })', (r) => r.findLobbies({ strings: 5 })],
  ['findLobbies({ numbers: [undefined] })', (r) => r.findLobbies({ numbers: [undefined] })],
  ['send(owner, m, null)', (r, ids) => r.send(ids.owner, 'm', null)],
  ["send(owner, m, 'reliable')", (r, ids) => r.send(ids.owner, 'm', 'reliable')],
  ["send(owner, m, { channel: '1' })", (r, ids) => r.send(ids.owner, 'm', { channel: '1' })],
  ['send(owner, m, { sendType: 9 })', (r, ids) => r.send(ids.owner, 'm', { sendType: 9 })],
  ["send('everyone', m)", (r) => r.send('everyone', 'm')],
  ['send(null, m)', (r) => r.send(null, 'm')],
  ['send(5, m)', (r) => r.send(5, 'm')],
  ['sendChat(null)', (r) => r.sendChat(null)],
  ['sendChat(5)', (r) => r.sendChat(5)],
  ['kick(owner, null)', (r, ids) => r.kick(ids.owner, null)],
  ["kick(owner, 'now')", (r, ids) => r.kick(ids.owner, 'now')],
  ["kick(owner, { epoch: '1' })", (r, ids) => r.kick(ids.owner, { epoch: '1' })],
  ["kick('x')", (r) => r.kick('x')],
  ['kick(null)', (r) => r.kick(null)],
  ['ban(owner, null)', (r, ids) => r.ban(ids.owner, null)],
  ['ban(5)', (r) => r.ban(5)],
  ['startGame(null)', (r) => r.startGame(null)],
  ["startGame('go')", (r) => r.startGame('go')],
  ['startGame({ epoch: 1.5 })', (r) => r.startGame({ epoch: 1.5 })],
  ["invite('x')", (r) => r.invite('x')],
  ['invite(null)', (r) => r.invite(null)],
  ["setLobbyData(null, 'v')", (r) => r.setLobbyData(null, 'v')],
  ["setLobbyData('k', null)", (r) => r.setLobbyData('k', null)],
  ["setLobbyData('k', 5)", (r) => r.setLobbyData('k', 5)],
  ["setLobbyData('', 'v')", (r) => r.setLobbyData('', 'v')],
];

// Well-typed calls that make no sense in the caller's state, or carry what Steam cannot: each with its typed error.
const OUTSIDE_A_LOBBY: readonly [string, Call, Expected][] = [
  ['send(owner, m)', (r, ids) => r.send(ids.owner, 'm'), notIn],
  ["send('all', m)", (r) => r.send('all', 'm'), notIn],
  ['sendChat(text)', (r) => r.sendChat('hello'), notIn],
  ['invite(user)', (r, ids) => r.invite(ids.stranger), notIn],
  ['setLobbyData(k, v)', (r) => r.setLobbyData('k', 'v'), notIn],
  ['leaveLobby()', (r) => r.leaveLobby(), notIn],
  ['kick(user)', (r, ids) => r.kick(ids.owner), notIn],
  ['ban(user)', (r, ids) => r.ban(ids.owner), notIn],
  ['startGame()', (r) => r.startGame(), notIn],
];

const AS_A_MEMBER: readonly [string, Call, Expected][] = [
  ['setLobbyData(k, v)', (r) => r.setLobbyData('k', 'v'), notOwner],
  ['kick(owner)', (r, ids) => r.kick(ids.owner), notOwner],
  ['ban(owner)', (r, ids) => r.ban(ids.owner), notOwner],
  ['startGame()', (r) => r.startGame(), notOwner],
  ['createLobby()', (r) => r.createLobby(), { kind: 'wrong-state', code: 'already-in-lobby' }],
  // (joinLobby of the lobby we are in resolves at once: the one join rule, tested in runtime-reconnect.test.ts.)
  ['kick(self)', (r, ids) => r.kick(ids.self), BAD_ARGUMENT],
  ['kick(a stranger)', (r, ids) => r.kick(ids.stranger), BAD_ARGUMENT],
  ['send(a stranger, m)', (r, ids) => r.send(ids.stranger, 'm'), { kind: 'send-refused', code: 'not-a-member' }],
  ['send(owner, 2 MiB)', (r, ids) => r.send(ids.owner, 'x'.repeat(2 << 20)), { kind: 'send-refused', code: 'too-large' }],
  ['send(owner, 2 KB, unreliable)', (r, ids) => r.send(ids.owner, noise(2000), { reliable: false }), { kind: 'send-refused', code: 'too-large' }],
  ['send(owner, lone surrogate)', (r, ids) => r.send(ids.owner, 'a\uD800b'), { kind: 'send-refused', code: 'unencodable' }],
  ['sendChat(5,000 bytes)', (r) => r.sendChat('x'.repeat(5000)), { kind: 'send-refused', code: 'too-large' }],
  ['sendChat(lone surrogate)', (r) => r.sendChat('a\uD800b'), { kind: 'send-refused', code: 'unencodable' }],
];

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

/** Makes `call`, letting virtual time run when it returns a promise; what it returned or threw, and what errors$ got. */
async function attempt(w: RuntimeWorld, player: Player, call: Call, ids: Ids): Promise<Outcome> {
  const before = player.errors.length;
  let returned: unknown;
  try {
    returned = call(player.runtime as never, ids);
  } catch (thrown) {
    return { threw: thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown) };
  }
  if (returned instanceof Promise) {
    let settled: unknown;
    void returned.then((r) => (settled = r));
    await w.runUntil(() => settled !== undefined, 30_000);
    returned = settled;
  }
  const result = returned as { ok: boolean; error?: LobbyRuntimeError };
  if (result.ok) return { ok: true };
  return { ok: false, error: result.error!, published: player.errors.slice(before) };
}

function expectFailedOnce(outcome: Outcome, expected: Expected): void {
  expect(outcome).not.toHaveProperty('threw');
  expect(outcome).toMatchObject({ ok: false });
  if (!('error' in outcome)) return;
  const { error, published } = outcome;
  if (expected.kind === 'invalid-argument') {
    // A mistyped send option is refused by send's own vocabulary; either way its type says "invalid argument".
    expect(error.kind === 'invalid-argument' || (error.kind === 'send-refused' && error.code === 'invalid-argument')).toBe(true);
  } else {
    expect(error).toMatchObject(expected);
  }
  expect(error.reason.length).toBeGreaterThan(0);
  expect(published).toHaveLength(1);
  expect(published[0]).toBe(error);
}

async function outsider(): Promise<{ w: RuntimeWorld; player: Player; ids: Ids }> {
  const w = createRuntimeWorld('simulated');
  world = w;
  const player = w.player(0);
  const other = w.player(1);
  return { w, player, ids: { self: player.id, owner: other.id, lobbyId: userId(50), stranger: userId(60) } };
}

async function member(): Promise<{ w: RuntimeWorld; player: Player; ids: Ids }> {
  const w = createRuntimeWorld('simulated');
  world = w;
  const owner = w.player(0);
  const player = w.player(1);
  const created = owner.runtime.createLobby();
  await w.runUntil(() => owner.runtime.lobbyState().status === 'joined');
  const result = await created;
  if (!result.ok) throw new Error('create failed');
  const joined = player.runtime.joinLobby(result.lobbyId);
  await w.runUntil(() => player.runtime.allConnected() && owner.runtime.allConnected());
  expect((await joined).ok).toBe(true);
  return { w, player, ids: { self: player.id, owner: owner.id, lobbyId: result.lobbyId, stranger: userId(60) } };
}

describe('mistyped arguments are an invalid-argument result, published once, never a throw', () => {
  it.each(MISTYPED)('outside a lobby: %s', async (_, call) => {
    const { w, player, ids } = await outsider();
    expectFailedOnce(await attempt(w, player, call, ids), BAD_ARGUMENT);
  });

  it.each(MISTYPED)('as a member: %s', async (_, call) => {
    const { w, player, ids } = await member();
    expectFailedOnce(await attempt(w, player, call, ids), BAD_ARGUMENT);
  });
});

describe('every failed command is published on errors$ exactly once', () => {
  it.each(OUTSIDE_A_LOBBY)('outside a lobby: %s', async (_, call, expected) => {
    const { w, player, ids } = await outsider();
    expectFailedOnce(await attempt(w, player, call, ids), expected);
  });

  it.each(AS_A_MEMBER)('as a member: %s', async (_, call, expected) => {
    const { w, player, ids } = await member();
    expectFailedOnce(await attempt(w, player, call, ids), expected);
  });

  it('a join Steam refuses, a create without servers, and requests made while one is in flight', async () => {
    const { w, player, ids } = await outsider();
    expectFailedOnce(await attempt(w, player, (r) => r.joinLobby(userId(70)), ids), { kind: 'join-failed', code: 'enter-response' });
    const first = player.runtime.createLobby();

    expectFailedOnce(await attempt(w, player, (r) => r.createLobby(), ids), { kind: 'wrong-state', code: 'busy' });
    expectFailedOnce(await attempt(w, player, (r) => r.joinLobby(userId(70)), ids), { kind: 'wrong-state', code: 'busy' });
    let listed: unknown;
    void player.runtime.findLobbies().then((r) => (listed = r));
    expectFailedOnce(await attempt(w, player, (r) => r.findLobbies(), ids), { kind: 'wrong-state', code: 'list-in-flight' });
    await w.runUntil(() => player.runtime.lobbyState().status === 'joined' && listed !== undefined);
    expect((await first).ok).toBe(true);
    expect(listed).toMatchObject({ ok: true });
    expect(player.runtime.leaveLobby().ok).toBe(true);

    w.sim.steam.faults.disconnectServers(player.id);
    await w.run(100);
    const before = player.errors.length;
    const created = await attempt(w, player, (r) => r.createLobby(), ids);
    // Losing the servers may itself be reported; the create's own failure must be there once.
    expect(created).toMatchObject({ ok: false, error: { kind: 'create-failed' } });
    if ('error' in created) expect(player.errors.slice(before).filter((e) => e === created.error)).toHaveLength(1);
  });

  it('a pending request that dispose() settles is published once; later calls fail as disposed', async () => {
    const { w, player, ids } = await outsider();
    const list = player.runtime.findLobbies();
    const before = player.errors.length;
    player.runtime.dispose();
    const result = await list;
    expect(result).toMatchObject({ ok: false, error: { kind: 'wrong-state', code: 'disposed' } });
    if (!result.ok) expect(player.errors.slice(before)).toEqual([result.error]);
    for (const [, call] of [...OUTSIDE_A_LOBBY, ['createLobby()', (r: Untyped) => r.createLobby()] as const]) {
      const outcome = await attempt(w, player, call, ids);
      expect(outcome).toMatchObject({ ok: false, error: { kind: 'wrong-state', code: 'disposed' } });
    }
  });
});
