/**
 * A lobbykit runtime plays with the GodotSteam tutorial's own script (test/godot3-shim/lobby.gd, driven by
 * driver.gd) in the real Godot 3 engine, through lobbykit's Steam shim, on a `lobbykit serve` this file starts on a
 * free port: (a) Godot hosts and the runtime joins through a filtered lobby list, (b) the runtime hosts and Godot
 * joins from `+connect_lobby <id>` on its command line, (c) two Godot games and the runtime share one lobby. In
 * each, every side sees the others as members with their names, handshakes arrive both ways, a Dictionary and a
 * chat line cross both ways intact, and leaving closes the sessions. Expected values come from what each side
 * reports about itself (the bytes a Godot game says it encoded, the ids and names the service gave) and from what
 * the test chose; the scenarios run at once, each in its own lobby. Beside them, docs/godot.md's example (the file
 * examples/godot/play-with-godot.ts, word for word) plays with the tutorial's host. CI must have godot3-server.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGodot3, godotFromPlain } from '../src/codec/godot/index.js';
import { oracleMode } from './godot/engine.js';
import { startLoopbackService } from '../src/loopback-server/service.js';
import { Game, LineProcess, ROOT, startServe } from './helpers/godot3-game.js';
import { exitCleanly, idOf, one, sentBy } from './helpers/godot3-expect.js';
import { LoopbackPlayer } from './helpers/loopback-player.js';

const mode = oracleMode();
if (!mode.run) console.warn(`[godot3-play] skipped: ${mode.reason}`);

/** Each game finishes within a few seconds; these only stop a stuck engine or a lost message. */
const GAME_DEADLINE_MS = 25_000;
const WAIT_MS = 20_000;

interface GodotPlayer {
  readonly game: Game;
  readonly name: string;
  readonly chat: string;
}

interface LobbykitPlayer {
  readonly player: LoopbackPlayer;
  readonly name: string;
  readonly chat: string;
  /** The Dictionary it sends every Godot game. */
  readonly message: Record<string, unknown>;
}

/** Waits until the runtime has heard every Godot game's handshake, Dictionary and chat line. */
async function heardAll(me: LobbykitPlayer, games: readonly GodotPlayer[]): Promise<void> {
  await me.player.until(
    `a handshake, a Dictionary and a chat line from ${games.map((g) => g.name).join(', ')}`,
    () =>
      games.every((g) => {
        const id = BigInt(idOf(g.game));
        return (
          me.player.sessionEvents('peer.connected', id).length > 0 &&
          me.player.messages.some((m) => m.from === id) &&
          me.player.chat.some((c) => c.from === id)
        );
      }),
    WAIT_MS,
  );
}

/** Sends the runtime's Dictionary and chat line to everyone once every expected member is connected. */
async function speak(me: LobbykitPlayer, members: number): Promise<void> {
  const { runtime } = me.player;
  await me.player.until(`${members} members, all connected`, () => runtime.members().length === members && runtime.allConnected(), WAIT_MS);
  expect(runtime.send('all', me.message, { channel: 0 })).toEqual({ ok: true, recipients: members - 1 });
  expect(runtime.sendChat(me.chat)).toEqual({ ok: true });
}

/** What the runtime and one Godot game must have seen of each other. */
function expectPlayedTogether(me: LobbykitPlayer, godot: GodotPlayer, lobbyId: string): void {
  const label = godot.game.label;
  const godotId = idOf(godot.game);
  const myId = String(me.player.id);
  // Each saw the other as a member, with the name it asked the service for.
  expect(godot.game.all('members').some((e) => (e.members as { id: string; name: string }[]).some((m) => m.id === myId && m.name === me.name)), label).toBe(true);
  expect(me.player.memberLists.some((list) => list.some(([id, name]) => id === godotId && name === godot.name)), label).toBe(true);
  // Handshakes both ways: the game read the runtime's (naming the runtime), the runtime's session came up on the game's.
  expect(godot.game.all('handshake').filter((e) => e.from === myId && e.claimed === myId).length, label).toBeGreaterThanOrEqual(1);
  expect(me.player.sessionEvents('peer.connected', BigInt(godotId)).length, label).toBeGreaterThanOrEqual(1);
  // The game's Dictionary reached the runtime as the value it encoded, on the tutorial's channel 0 ...
  expect(me.player.messages.filter((m) => m.from === BigInt(godotId)), label).toEqual([{ from: BigInt(godotId), channel: 0, value: sentBy(godot.game) }]);
  // ... and the runtime's reached the game as the very var2bytes lobbykit's codec makes of it.
  const expectedHex = Buffer.from(encodeGodot3(godotFromPlain(me.message))).toString('hex');
  one(godot.game, 'packet', (e) => e.from === myId && e.hex === expectedHex);
  // Chat lines both ways, as text, in this lobby.
  expect(me.player.chat.filter((c) => c.from === BigInt(godotId)).map((c) => [c.text, c.name, String(c.lobbyId)]), label).toEqual([[godot.chat, godot.name, lobbyId]]);
  one(godot.game, 'chat', (e) => e.from === myId && e.text === me.chat && e.lobby === lobbyId);
  expect(godot.game.output(), label).toContain(`${me.name} says: ${me.chat}`);
  // Nothing the game sent failed to decode, and no session with it failed.
  expect(me.player.errors.filter((e) => e.kind === 'decode-failed' || e.kind === 'session-failed'), label).toEqual([]);
}

describe.skipIf(!mode.run)(`a lobbykit runtime plays with the GodotSteam tutorial in Godot 3${mode.run ? '' : ` (SKIPPED: ${mode.reason})`}`, () => {
  let serve: LineProcess | undefined;
  let url = '';
  const bin = mode.run ? mode.bin : '';

  beforeAll(async () => {
    const started = await startServe(120_000);
    serve = started.process;
    url = started.url;
  });

  afterAll(async () => {
    serve?.child.kill('SIGINT');
    await serve?.exited;
  });

  const godot = (label: string, role: string, name: string, chat: string, token: string, players: number, args: readonly string[] = []): GodotPlayer => ({
    game: new Game(label, {
      bin,
      url,
      name,
      args,
      deadlineMs: GAME_DEADLINE_MS,
      env: { LOBBYKIT_TEST_ROLE: role, LOBBYKIT_TEST_TOKEN: token, LOBBYKIT_TEST_CHAT: chat, LOBBYKIT_TEST_PLAYERS: String(players) },
    }),
    name,
    chat,
  });

  const lobbykit = async (label: string, name: string, chat: string): Promise<LobbykitPlayer> => {
    const player = await LoopbackPlayer.start(label, url, name);
    return { player, name, chat, message: { message: 'hello', from: player.id, role: 'lobbykit', big: 9007199254740993n, list: [1, 'two', 3.5], text: chat } };
  };

  it.concurrent('(a) Godot hosts; the runtime finds its lobby through a filtered list and joins', async () => {
    const host = godot('Godot host (a)', 'host', 'Gödot Host', 'hello from Godot ✓', 'play-a', 2);
    const hosting = await host.game.event('hosting', (e) => e.ev === 'hosting');
    const me = await lobbykit('lobbykit (a)', 'Lobbykit Ä', 'hello from lobbykit ✓');
    try {
      const found = await me.player.runtime.findLobbies({ strings: [{ key: 'lobbykit_test', value: 'play-a' }] });
      expect(found.ok && found.lobbies.map((l) => [String(l.lobbyId), l.data.name, l.data.mode])).toEqual([[hosting.lobby, "Gramps' Lobby", 'GodotSteam test']]);
      const joined = await me.player.runtime.joinLobby(BigInt(hosting.lobby as string));
      expect(joined).toEqual({ ok: true, lobbyId: BigInt(hosting.lobby as string) });
      await speak(me, 2);
      await heardAll(me, [host]);
      await host.game.event('our chat line', (e) => e.ev === 'chat' && e.from === String(me.player.id));
    } finally {
      await me.player.quit();
    }
    await exitCleanly(host.game);
    expectPlayedTogether(me, host, hosting.lobby as string);
    // Leaving closed our session; once we quit, the host's session with us failed, as Steam reports it, and it left.
    expect(me.player.sessionEvents('peer.closed', BigInt(idOf(host.game)))).toHaveLength(1);
    one(host.game, 'session_fail', (e) => e.remote === String(me.player.id) && e.error === 4 && e.state === false);
    expect(host.game.output()).toContain(`${me.name} has left the lobby.`);
  });

  it.concurrent('(b) the runtime hosts; Godot joins from +connect_lobby <id> on its command line', async () => {
    const me = await lobbykit('lobbykit (b)', 'Lobbykit Host', 'welcome, Godot');
    const created = await me.player.runtime.createLobby({ maxMembers: 4, data: { name: 'lobbykit', mode: 'GodotSteam test' } });
    if (!created.ok) throw new Error(created.error.reason);
    const lobbyId = String(created.lobbyId);
    const joiner = godot('Godot joiner (b)', 'cmdline', 'Gödot Joiner', 'hi from the joiner', 'play-b', 2, ['+connect_lobby', lobbyId]);
    try {
      await speak(me, 2);
      await heardAll(me, [joiner]);
      // The game leaves once it has heard us.
      await me.player.until('the game gone', () => me.player.runtime.members().length === 1, WAIT_MS);
    } finally {
      await me.player.quit();
    }
    await exitCleanly(joiner.game);
    expectPlayedTogether(me, joiner, lobbyId);
    expect(joiner.game.output()).toContain(`CMD Line Lobby ID: ${lobbyId}`);
    // Leaving closes the sessions: the game's tutorial code closed its session with us, and we closed ours with it.
    const myId = String(me.player.id);
    expect(one(joiner.game, 'left')).toMatchObject({ before: { [myId]: true }, after: { [myId]: false } });
    expect(me.player.sessionEvents('peer.closed', BigInt(idOf(joiner.game)))).toHaveLength(1);
    expect(me.player.memberLists.at(-1)).toEqual([]);
  });

  it.concurrent('(c) two Godot games and the runtime in one lobby', async () => {
    const host = godot('Godot host (c)', 'host', 'Host C', 'host C here', 'play-c', 3);
    const hosting = await host.game.event('hosting', (e) => e.ev === 'hosting');
    const lobbyId = hosting.lobby as string;
    const me = await lobbykit('lobbykit (c)', 'Lobbykit C', 'lobbykit C here');
    let joiner: GodotPlayer | undefined;
    try {
      const found = await me.player.runtime.findLobbies({ strings: [{ key: 'lobbykit_test', value: 'play-c' }] });
      expect(found.ok && found.lobbies.map((l) => String(l.lobbyId))).toEqual([lobbyId]);
      expect(await me.player.runtime.joinLobby(BigInt(lobbyId))).toMatchObject({ ok: true });
      await me.player.until('the host connected', () => me.player.runtime.allConnected(), WAIT_MS);
      // The second game comes after us, from its command line: it opens to both of us, as the tutorial's joiner does.
      joiner = godot('Godot joiner (c)', 'cmdline', 'Joiner C', 'joiner C here', 'play-c', 3, ['+connect_lobby', lobbyId]);
      await speak(me, 3);
      await heardAll(me, [host, joiner]);
      await me.player.until('the joiner gone', () => me.player.runtime.members().length === 2, WAIT_MS);
    } finally {
      await me.player.quit();
    }
    await exitCleanly(host.game, joiner.game);
    for (const g of [host, joiner]) expectPlayedTogether(me, g, lobbyId);
    // The two games played with each other as well, in the tutorial's own way.
    for (const [a, b] of [
      [host, joiner],
      [joiner, host],
    ] as const) {
      const from = idOf(b.game);
      one(a.game, 'handshake', (e) => e.from === from && e.claimed === from);
      one(a.game, 'packet', (e) => e.from === from && e.hex === one(b.game, 'sent').hex);
      one(a.game, 'chat', (e) => e.from === from && e.text === b.chat && e.lobby === lobbyId);
    }
    // Each saw all three at once.
    const everyone = [idOf(host.game), String(me.player.id), idOf(joiner.game)].sort();
    for (const g of [host, joiner]) {
      expect(g.game.all('members').some((e) => JSON.stringify((e.members as { id: string }[]).map((m) => m.id).sort()) === JSON.stringify(everyone)), g.game.label).toBe(true);
    }
    expect(me.player.memberLists.some((list) => list.length === 2)).toBe(true);
    // Leaving closes the sessions: the joiner closed its own; we saw it leave and closed ours, then closed the host's
    // on leaving; the host's sessions with both failed once each had quit, and it left last.
    const [hostId, joinerId, myId] = [idOf(host.game), idOf(joiner.game), String(me.player.id)];
    expect(one(joiner.game, 'left')).toMatchObject({ before: { [hostId]: true, [myId]: true }, after: { [hostId]: false, [myId]: false } });
    for (const id of [hostId, joinerId]) expect(me.player.sessionEvents('peer.closed', BigInt(id)), id).toHaveLength(1);
    for (const id of [joinerId, myId]) one(host.game, 'session_fail', (e) => e.remote === id && e.error === 4 && e.state === false);
  });

  it.concurrent("docs/godot.md: its example is examples/godot/play-with-godot.ts, and it plays with the tutorial's host", async () => {
    const doc = readFileSync(join(ROOT, 'docs', 'godot.md'), 'utf8');
    const snippets = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(snippets).toHaveLength(1);
    const example = readFileSync(join(ROOT, 'examples', 'godot', 'play-with-godot.ts'), 'utf8');
    expect(example.endsWith(snippets[0]!)).toBe(true);

    // A service of its own: the example finds the first lobby with mode=GodotSteam test, as every tutorial host's is.
    const own = await startLoopbackService({ port: 0 });
    try {
      const host = new Game('Godot host (docs)', {
        bin,
        url: own.url,
        name: 'Gödot Host',
        deadlineMs: GAME_DEADLINE_MS,
        env: { LOBBYKIT_TEST_ROLE: 'host', LOBBYKIT_TEST_TOKEN: 'docs', LOBBYKIT_TEST_CHAT: 'hello, Node' },
      });
      await host.event('hosting', (e) => e.ev === 'hosting');
      const child = spawn(process.execPath, ['--import', 'tsx', 'examples/godot/play-with-godot.ts'], {
        cwd: ROOT,
        env: { ...process.env, LOBBYKIT_URL: own.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const script = new LineProcess('docs example', child, GAME_DEADLINE_MS);
      expect(await script.exited, script.stderr).toEqual({ code: 0, signal: null });
      await exitCleanly(host);
      const lobbyId = one(host, 'hosting').lobby as string;
      const scriptId = one(host, 'chat', (e) => e.text === 'hello from Node').from as string;
      // What the doc says each side prints: the join, then the game's Dictionary (as console.log writes it) and chat line.
      expect(script.lines[0]).toBe(`joined lobby ${lobbyId}`);
      const rest = script.lines.slice(1).join('\n');
      expect([`${format('Gödot Host sent', sentBy(host))}\nGödot Host says: hello, Node`, `Gödot Host says: hello, Node\n${format('Gödot Host sent', sentBy(host))}`]).toContain(rest);
      expect(host.output()).toContain(`Packet: {from:${scriptId}, message:hello}`);
      expect(host.output()).toContain('Node player says: hello from Node');
      expect(doc).toContain('`Packet: {from:76561197960265729, message:hello}`');
      expect(doc).toContain('`Node player says: hello from Node`');
    } finally {
      await own.close();
    }
  });
});
