/**
 * `lobbykit bot` (the real process) plays with the GodotSteam tutorial's own script (test/godot3-shim/lobby.gd,
 * driven by driver.gd) in the real Godot 3 engine through lobbykit's Steam shim, on a `lobbykit serve` this file
 * starts: the bot hosts and the game joins from `+connect_lobby <id>`, and the game hosts and the bot finds it with
 * `--find`. Each side sees the other with its name and handshake; the game's Dictionary comes back to it with
 * `lobbykit_echo` added and its chat line as `echo: <line>` — what docs/godot.md says the bot answers; the bot
 * prints all of it, one JSON line each, and stops on SIGTERM with 0. The scenarios run at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGodot3, godotFromPlain } from '../src/codec/godot/index.js';
import { toTaggedJson } from '../src/codec/tagged-json.js';
import { oracleMode } from './godot/engine.js';
import { BotProcess, type BotJson } from './helpers/bot-process.js';
import { Game, startServe, type LineProcess } from './helpers/godot3-game.js';
import { exitCleanly, idOf, one, sentBy } from './helpers/godot3-expect.js';

const mode = oracleMode();
if (!mode.run) console.warn(`[godot3-bot] skipped: ${mode.reason}`);

const DEADLINE_MS = 25_000;

/** Everything the issue asks of the bot and one tutorial game, read from both. */
function expectPlayedWithBot(bot: BotProcess, game: Game, name: string, chat: string, lobbyId: string): void {
  const botId = (oneLine(bot, 'connected').self as { id: string }).id;
  const gameId = idOf(game);
  const gameWho = { id: gameId, name };
  // The bot saw the game join, with its name, and its handshake; the game saw the bot and read its handshake.
  expect(bot.all('member-joined')).toEqual([{ event: 'member-joined', member: gameWho }]);
  expect(bot.all('handshake')).toEqual([{ event: 'handshake', member: gameWho }]);
  expect(game.all('members').some((e) => (e.members as { id: string; name: string }[]).some((m) => m.id === botId && m.name === 'Echo Bot'))).toBe(true);
  expect(game.all('handshake').filter((e) => e.from === botId && e.claimed === botId).length).toBeGreaterThanOrEqual(1);
  // The game's Dictionary reached the bot as the game encoded it, and came back with lobbykit_echo, byte for byte.
  const sent = sentBy(game) as Record<string, unknown>;
  expect(bot.all('message')).toEqual([{ event: 'message', from: gameWho, channel: 0, value: toTaggedJson(sent) }]);
  const echo = { ...sent, lobbykit_echo: true };
  expect(bot.all('sent')).toEqual([{ event: 'sent', to: gameWho, channel: 0, value: toTaggedJson(echo) }]);
  one(game, 'packet', (e) => e.from === botId && e.hex === Buffer.from(encodeGodot3(godotFromPlain(echo))).toString('hex'));
  // Its chat line too, answered in the lobby chat.
  expect(bot.all('chat')).toEqual([{ event: 'chat', from: gameWho, text: chat }]);
  expect(bot.all('said')).toEqual([{ event: 'said', text: `echo: ${chat}` }]);
  one(game, 'chat', (e) => e.from === botId && e.text === `echo: ${chat}` && e.lobby === lobbyId);
  expect(bot.all('error')).toEqual([]);
}

function oneLine(bot: BotProcess, event: string): BotJson {
  const found = bot.all(event);
  expect(found, `${bot.label}: one "${event}" line; its output:\n${bot.output()}\n${bot.stderr}`).toHaveLength(1);
  return found[0]!;
}

async function stopBot(bot: BotProcess, lobbyId: string): Promise<void> {
  bot.child.kill('SIGTERM');
  expect(await bot.exited, bot.stderr).toEqual({ code: 0, signal: null });
  expect(bot.stderr).toBe(`lobbykit bot: stopped by SIGTERM; left lobby ${lobbyId}\n`);
}

describe.skipIf(!mode.run)(`lobbykit bot plays with the GodotSteam tutorial in Godot 3${mode.run ? '' : ` (SKIPPED: ${mode.reason})`}`, () => {
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

  const game = (label: string, role: string, name: string, chat: string, token: string, args: readonly string[] = []): Game =>
    new Game(label, { bin, url, name, args, deadlineMs: DEADLINE_MS, env: { LOBBYKIT_TEST_ROLE: role, LOBBYKIT_TEST_TOKEN: token, LOBBYKIT_TEST_CHAT: chat } });

  it.concurrent('lobbykit bot --host; the game joins from +connect_lobby <id>', async () => {
    const bot = new BotProcess('bot --host', ['--host', '--url', url, '--name', 'Echo Bot', '--data', 'mode=GodotSteam test'], DEADLINE_MS);
    try {
      const lobbyId = (await bot.event('hosting', (e) => e.event === 'hosting')).lobby as string;
      const joiner = game('Godot joiner', 'cmdline', 'Gödot Player', 'anyone there? ✓', 'bot-host', ['+connect_lobby', lobbyId]);
      // The game leaves once it has heard the bot; the bot sees it go.
      await exitCleanly(joiner);
      await bot.event('session closed', (e) => e.event === 'session-closed');
      await bot.event('member left', (e) => e.event === 'member-left');
      await stopBot(bot, lobbyId);
      expectPlayedWithBot(bot, joiner, 'Gödot Player', 'anyone there? ✓', lobbyId);
      expect(bot.all('session-closed')).toEqual([{ event: 'session-closed', member: { id: idOf(joiner), name: 'Gödot Player' }, reason: 'member-left' }]);
      expect(one(joiner, 'left')).toMatchObject({ before: { [(oneLine(bot, 'connected').self as { id: string }).id]: true } });
    } finally {
      bot.child.kill('SIGKILL');
      await bot.exited;
    }
  });

  it.concurrent('the game hosts; lobbykit bot --find joins it', async () => {
    const host = game('Godot host', 'host', 'Gödot Host', 'hello, whoever you are', 'bot-find');
    const lobbyId = (await host.event('hosting', (e) => e.ev === 'hosting')).lobby as string;
    const bot = new BotProcess('bot --find', ['--find', 'lobbykit_test=bot-find', '--url', url, '--name', 'Echo Bot'], DEADLINE_MS);
    try {
      expect(await bot.event('found', (e) => e.event === 'found')).toEqual({ event: 'found', lobbies: [lobbyId] });
      expect(await bot.event('joined', (e) => e.event === 'joined')).toEqual({ event: 'joined', lobby: lobbyId, owner: { id: idOf(host), name: 'Gödot Host' } });
      // Once the bot has answered both, it is stopped; the host sees it leave, its session fail, and leaves last.
      await bot.event('the Dictionary echoed', (e) => e.event === 'sent');
      await bot.event('the chat line echoed', (e) => e.event === 'said');
      await stopBot(bot, lobbyId);
      await exitCleanly(host);
      expectPlayedWithBot(bot, host, 'Gödot Host', 'hello, whoever you are', lobbyId);
      const botId = (oneLine(bot, 'connected').self as { id: string }).id;
      expect(host.output()).toContain('Echo Bot has left the lobby.');
      one(host, 'session_fail', (e) => e.remote === botId && e.error === 4);
    } finally {
      bot.child.kill('SIGKILL');
      await bot.exited;
    }
  });
});
