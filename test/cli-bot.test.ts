/**
 * `lobbykit bot` as a real process against a lobbykit runtime on a loopback service: it joins the runtime's
 * lobby, prints each thing it sees as one JSON line, answers Dictionaries and chat lines with the echoes
 * docs/godot.md promises (and nothing else), and ends with the exit status and the one `lobbykit bot:` line the
 * docs give — 0 on SIGTERM, 1 when the service goes away or no lobby matches, 2 for flags it cannot use.
 * Expected values are what the test sent and the ids the service gave.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { toTaggedJson } from '../src/codec/tagged-json.js';
import { runBot } from '../src/cli/bot.js';
import { main } from '../src/cli/main.js';
import { startLoopbackService, type LoopbackService } from '../src/loopback-server/service.js';
import { BotProcess } from './helpers/bot-process.js';
import { ROOT } from './helpers/godot3-game.js';
import { LoopbackPlayer } from './helpers/loopback-player.js';

const DEADLINE_MS = 20_000;
const WAIT_MS = 15_000;

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function service(): Promise<LoopbackService> {
  const started = await startLoopbackService({ port: 0 });
  cleanup.push(() => started.close());
  return started;
}

async function runCli(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(argv, { stdin: new PassThrough(), stdout, stderr });
  return { code, stdout: out, stderr: err };
}

function who(id: bigint, name: string): { id: string; name: string } {
  return { id: String(id), name };
}

describe('lobbykit bot', () => {
  it("joins a runtime's lobby, prints what it sees, echoes Dictionaries and chat (never an echo), and stops on SIGTERM with 0", async () => {
    const { url } = await service();
    const me = await LoopbackPlayer.start('runtime', url, 'Räntime', [0, 3]);
    cleanup.push(() => me.quit());
    const created = await me.runtime.createLobby({ maxMembers: 4 });
    if (!created.ok) throw new Error(created.error.reason);
    const lobbyId = created.lobbyId;

    const bot = new BotProcess('bot', ['--join', String(lobbyId), '--url', url, '--name', 'Echo Böt', '--channel', '0', '--channel', '3'], DEADLINE_MS);
    cleanup.push(async () => void (bot.child.kill('SIGKILL'), await bot.exited));
    const connected = await bot.event('connected', (e) => e.event === 'connected');
    const botId = BigInt((connected.self as { id: string }).id);
    expect(connected).toEqual({ event: 'connected', url, self: who(botId, 'Echo Böt') });
    expect(await bot.event('joined', (e) => e.event === 'joined')).toEqual({ event: 'joined', lobby: String(lobbyId), owner: who(me.id, 'Räntime') });
    await me.until('the bot connected', () => me.runtime.members().length === 2 && me.runtime.allConnected(), WAIT_MS);
    await bot.event('handshake', (e) => e.event === 'handshake');

    // What the bot must not answer first, on the channel of the last answerable one, so an answer would come first.
    const notADictionary = [1, 'two'];
    const anEcho = { message: 'mine', lobbykit_echo: true };
    const move = { message: 'move', x: 1.5, big: 2n ** 60n };
    const state = new Map<unknown, unknown>([[1, 'one'], ['hp', 3]]);
    for (const [value, channel] of [
      [notADictionary, 0],
      [anEcho, 0],
      [move, 3],
      [state, 0],
    ] as const) {
      expect(me.runtime.send(botId, value, { channel })).toEqual({ ok: true, recipients: 1 });
    }
    expect(me.runtime.sendChat('echo: not to be answered')).toEqual({ ok: true });
    expect(me.runtime.sendChat('hello, bot')).toEqual({ ok: true });
    await me.until('both echoes and the chat echo', () => me.messages.length === 2 && me.chat.some((c) => c.text === 'echo: hello, bot'), WAIT_MS);

    // Exactly the two Dictionaries came back, each with lobbykit_echo added, on the channel it was sent on.
    const echoes = [...me.messages].sort((a, b) => a.channel - b.channel);
    expect(echoes).toEqual([
      { from: botId, channel: 0, value: new Map<unknown, unknown>([[1, 'one'], ['hp', 3], ['lobbykit_echo', true]]) },
      { from: botId, channel: 3, value: { ...move, lobbykit_echo: true } },
    ]);
    expect(me.chat.filter((c) => c.from === botId).map((c) => c.text)).toEqual(['echo: hello, bot']);

    // The bot printed each message and chat line it saw, and each answer it sent.
    const runtimeWho = who(me.id, 'Räntime');
    await bot.event('the answer it said', (e) => e.event === 'said');
    // The bot prints each answer after sending it, in its own order: the runtime can hold both before both lines are out.
    for (const channel of [0, 3]) await bot.event(`its answer on channel ${channel}`, (e) => e.event === 'sent' && e.channel === channel);
    expect(bot.all('message').map((e) => [e.channel, e.value])).toEqual(
      expect.arrayContaining([
        [0, toTaggedJson(notADictionary)],
        [0, toTaggedJson(anEcho)],
        [3, toTaggedJson(move)],
        [0, toTaggedJson(state)],
      ]),
    );
    expect(bot.all('message')).toHaveLength(4);
    expect(bot.all('message').every((e) => JSON.stringify(e.from) === JSON.stringify(runtimeWho))).toBe(true);
    expect(bot.all('sent').map((e) => [e.to, e.channel])).toEqual(expect.arrayContaining([[runtimeWho, 3], [runtimeWho, 0]]));
    expect(bot.all('chat').map((e) => [e.from, e.text])).toEqual([
      [runtimeWho, 'echo: not to be answered'],
      [runtimeWho, 'hello, bot'],
    ]);
    expect(bot.all('said')).toEqual([{ event: 'said', text: 'echo: hello, bot' }]);
    expect(bot.all('member-joined')).toEqual([{ event: 'member-joined', member: runtimeWho }]);

    // We leave: the bot sees us go and closes its session; then SIGTERM stops it cleanly.
    await me.quit();
    await bot.event('member-left', (e) => e.event === 'member-left');
    await bot.event('session-closed', (e) => e.event === 'session-closed');
    expect(bot.all('member-left')).toEqual([{ event: 'member-left', member: runtimeWho }]);
    expect(bot.all('session-closed')).toEqual([{ event: 'session-closed', member: runtimeWho, reason: 'member-left' }]);
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    const reason = `stopped by SIGTERM; left lobby ${lobbyId}`;
    expect(bot.lines.at(-1)).toBe(JSON.stringify({ event: 'stopped', status: 0, reason }));
    expect(bot.stderr).toBe(`lobbykit bot: ${reason}\n`);
    expect(bot.all('error')).toEqual([]);
  });

  it('ends with 1 and one line, no stack trace, when the service goes away', async () => {
    const own = await startLoopbackService({ port: 0 });
    const bot = new BotProcess('bot', ['--host', '--url', own.url], DEADLINE_MS);
    cleanup.push(async () => void (bot.child.kill('SIGKILL'), await bot.exited));
    await bot.event('hosting', (e) => e.event === 'hosting');
    await own.close();
    expect(await bot.exited).toEqual({ code: 1, signal: null });
    const reason = `the loopback service at ${own.url} went away`;
    expect(bot.stderr).toBe(`lobbykit bot: ${reason}\n`);
    expect(bot.lines.at(-1)).toBe(JSON.stringify({ event: 'stopped', status: 1, reason }));
  });

  it('ends with 1 when no lobby has what --find asks for, and when nothing listens', async () => {
    const { url } = await service();
    const none = await runCli(['bot', '--find', 'mode=GodotSteam test', '--url', url]);
    expect(none).toMatchObject({ code: 1, stderr: `lobbykit bot: no lobby at ${url} has mode=GodotSteam test\n` });
    expect(none.stdout).toMatch(/^connected to ws:\/\/127\.0\.0\.1:\d+ as lobbykit bot \(\d+\)\n$/);
    const closed = await startLoopbackService({ port: 0 });
    await closed.close();
    const nobody = await runCli(['bot', '--host', '--url', closed.url]);
    expect(nobody).toMatchObject({ code: 1, stdout: '' });
    expect(nobody.stderr).toMatch(/^lobbykit bot: no lobbykit loopback service is listening at ws:\/\/127\.0\.0\.1:\d+; start the service in another terminal with `npx lobbykit serve`\n$/);
  });

  it("takes the commands docs/godot.md shows (each gets as far as connecting)", async () => {
    const doc = readFileSync(join(ROOT, 'docs', 'godot.md'), 'utf8');
    const commands = [...doc.matchAll(/^npx lobbykit bot (.*?)(?:\s+#.*)?$/gm)].map((m) => [...m[1]!.matchAll(/'([^']*)'|(\S+)/g)].map((w) => w[1] ?? w[2]!));
    expect(commands.length).toBeGreaterThanOrEqual(3);
    for (const args of commands) {
      const run = await runCli(['bot', ...args, '--url', 'ws://127.0.0.1:1']);
      expect([run.code, run.stderr], args.join(' ')).toEqual([1, expect.stringMatching(/^lobbykit bot: no lobbykit loopback service is listening at ws:\/\/127\.0\.0\.1:1;/)]);
    }
  });

  it('refuses flags it cannot use with 2 and one line, before connecting to anything', async () => {
    const cases: [readonly string[], RegExp][] = [
      [[], /exactly one of --host, --join <lobby id> or --find <key=value>/],
      [['--host', '--join', '109775240917155841'], /exactly one of/],
      [['--join', 'abc'], /--join takes a lobby id .*"abc"/],
      [['--join', '0'], /--join takes a lobby id/],
      [['--find', 'mode'], /--find takes key=value .*"mode": it has no "="/],
      [['--host', '--max-members', '251'], /max members must be an integer in 1\.\.250/],
      [['--host', '--data', 'name'], /--data takes key=value/],
      [['--join', '109775240917155841', '--data', 'a=b'], /--data is for --host/],
      [['--host', '--channel', '-1'], /--channel takes a channel number/],
      [['--host', '--compression', 'zip'], /--compression is gzip or none/],
      [['--host', '--godot', '5'], /--godot is 3 or 4/],
      [['--host', '--url', 'http://127.0.0.1:27015'], /--url is the service's ws:\/\/ address/],
    ];
    for (const [args, problem] of cases) {
      const run = await runCli(['bot', ...args, ...(args.includes('--url') ? [] : ['--url', 'ws://127.0.0.1:1'])]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout, args.join(' ')).toBe('');
      expect(run.stderr, args.join(' ')).toMatch(new RegExp(`^lobbykit bot: .*${problem.source}.*\\n$`));
    }
  });

  it("prints, as text, the lines docs/godot.md shows for a game that says hello", async () => {
    const { url } = await service();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.on('data', (d: Buffer) => (out += `[stderr] ${d.toString()}`));
    const stop = new AbortController();
    const options = { url, name: 'lobbykit bot', lobby: { kind: 'host', maxMembers: 10, data: {} }, channels: [0], compression: 'gzip', godotVersion: 3, json: false } as const;
    const running = runBot(options, { stdin: new PassThrough(), stdout, stderr }, stop.signal);
    /** Resolves once the bot's output so far passes `check`; rejects after WAIT_MS. */
    const printed = (what: string, check: (text: string) => boolean): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the bot did not print ${what}:\n${out}`)), WAIT_MS);
        const test = (): void => {
          if (!check(out)) return;
          clearTimeout(timer);
          stdout.off('data', test);
          resolve();
        };
        stdout.on('data', test);
        test();
      });
    await printed('hosting', (text) => /hosting lobby \d+/.test(text));
    const alice = await LoopbackPlayer.start('Alice', url, 'Alice');
    cleanup.push(() => alice.quit());
    const lobbyId = BigInt(/hosting lobby (\d+)/.exec(out)![1]!);
    expect((await alice.runtime.joinLobby(lobbyId)).ok).toBe(true);
    await alice.until('connected to the bot', () => alice.runtime.allConnected() && alice.runtime.members().length === 2, WAIT_MS);
    alice.runtime.send('all', { message: 'hello', from: alice.id }, { channel: 0 });
    await alice.until('the echo', () => alice.messages.length === 1, WAIT_MS);
    alice.runtime.sendChat('hi bot');
    await alice.until('the chat echo', () => alice.chat.some((c) => c.text === 'echo: hi bot'), WAIT_MS);
    await alice.quit();
    const botId = /as lobbykit bot \((\d+)\)/.exec(out)![1]!;
    await printed('Alice leaving', (text) => text.includes('member left: Alice') && text.includes('session with Alice'));
    stop.abort('SIGINT');
    expect(await running).toBe(0);

    // The doc's block, with the doc's ids and address put back in place of this run's.
    const doc = readFileSync(join(ROOT, 'docs', 'godot.md'), 'utf8');
    const shown = /```text\n([\s\S]*?)```/.exec(doc)![1]!;
    const asInDoc = out
      .replaceAll(url, 'ws://127.0.0.1:27015')
      .replaceAll(String(lobbyId), '109775240917155841')
      .replaceAll(botId, '76561197960265729')
      .replaceAll(String(alice.id), '76561197960265730');
    expect(asInDoc).toBe(shown);
  });
});
