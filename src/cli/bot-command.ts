/**
 * `lobbykit bot`: reads and checks its flags (one of --host, --join, --find; the service's address and the bot's
 * name; what it hosts with; which channels it reads; how it opens to Godot games), then runs the bot (bot.ts) until
 * Ctrl-C or SIGTERM. Exit status: 0 when stopped by a signal, 1 when it cannot go on (service unreachable or gone,
 * no lobby, removed from it), 2 for flags it cannot use — each with one line prefixed `lobbykit bot:`.
 */
import type { Command } from 'commander';
import { isValidChannel } from '../codec/frame.js';
import { DEFAULT_MAX_MEMBERS, createLobbyProblem, isSteamId, lobbyDataProblem } from '../steam/index.js';
import { DEFAULT_LOOPBACK_HOST, DEFAULT_LOOPBACK_PORT } from '../loopback-server/loopback-host.js';
import type { CliIo } from './main.js';
import type { BotLobby, BotOptions } from './bot.js';

interface RawFlags {
  readonly host?: boolean;
  readonly join?: string;
  readonly find?: string[];
  readonly url: string;
  readonly name: string;
  readonly maxMembers: string;
  readonly data?: string[];
  readonly channel?: string[];
  readonly compression: string;
  readonly godot: string;
  readonly json?: boolean;
}

const DEFAULT_URL = `ws://${DEFAULT_LOOPBACK_HOST}:${DEFAULT_LOOPBACK_PORT}`;
/** A repeatable flag's values (no default, so `--help` shows none). */
const collect = (value: string, list: string[] | undefined): string[] => [...(list ?? []), value];

/** `key=value` (the value may hold "=" too), or undefined when there is no "=". */
function pair(text: string): { key: string; value: string } | undefined {
  const at = text.indexOf('=');
  return at < 0 ? undefined : { key: text.slice(0, at), value: text.slice(at + 1) };
}

function lobbyIdOf(text: string): bigint | undefined {
  if (!/^[0-9]{1,20}$/.test(text)) return undefined;
  const id = BigInt(text);
  return isSteamId(id) ? id : undefined;
}

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

function lobbyOf(raw: RawFlags): Parsed<BotLobby> {
  const find = raw.find ?? [];
  const dataFlags = raw.data ?? [];
  const modes = [raw.host === true, raw.join !== undefined, find.length > 0].filter(Boolean).length;
  if (modes !== 1) return { ok: false, problem: 'say what to do with exactly one of --host, --join <lobby id> or --find <key=value>' };
  const hostOnly = dataFlags.length > 0 ? '--data' : raw.maxMembers !== String(DEFAULT_MAX_MEMBERS) ? '--max-members' : undefined;
  if (raw.host !== true && hostOnly !== undefined) return { ok: false, problem: `${hostOnly} is for --host` };
  if (raw.join !== undefined) {
    const lobbyId = lobbyIdOf(raw.join);
    return lobbyId === undefined ? { ok: false, problem: `--join takes a lobby id (a Steam ID, as the host prints it), got ${JSON.stringify(raw.join)}` } : { ok: true, value: { kind: 'join', lobbyId } };
  }
  if (find.length > 0) {
    const filters = [];
    for (const text of find) {
      const filter = pair(text);
      const problem = filter === undefined ? 'it has no "="' : lobbyDataProblem(filter.key, filter.value);
      if (problem !== undefined) return { ok: false, problem: `--find takes key=value (a lobby data string to match), got ${JSON.stringify(text)}: ${problem}` };
      filters.push(filter!);
    }
    return { ok: true, value: { kind: 'find', filters } };
  }
  const data: Record<string, string> = {};
  for (const text of dataFlags) {
    const entry = pair(text);
    const problem = entry === undefined ? 'it has no "="' : lobbyDataProblem(entry.key, entry.value);
    if (problem !== undefined) return { ok: false, problem: `--data takes key=value (lobby data to set), got ${JSON.stringify(text)}: ${problem}` };
    Object.defineProperty(data, entry!.key, { value: entry!.value, enumerable: true, writable: true, configurable: true });
  }
  const maxMembers = /^[0-9]{1,3}$/.test(raw.maxMembers) ? Number(raw.maxMembers) : NaN;
  const problem = createLobbyProblem(2, maxMembers, data);
  if (problem !== undefined) return { ok: false, problem: `--max-members or --data: ${problem}` };
  return { ok: true, value: { kind: 'host', maxMembers, data } };
}

/** The bot's options from its flags, or the one problem to report. */
export function botOptionsOf(raw: RawFlags): Parsed<BotOptions> {
  const lobby = lobbyOf(raw);
  if (!lobby.ok) return lobby;
  if (!/^wss?:\/\/./.test(raw.url)) return { ok: false, problem: `--url is the service's ws:// address, e.g. ${DEFAULT_URL}; got ${JSON.stringify(raw.url)}` };
  if (raw.compression !== 'gzip' && raw.compression !== 'none') return { ok: false, problem: `--compression is gzip or none, got ${JSON.stringify(raw.compression)}` };
  if (raw.godot !== '3' && raw.godot !== '4') return { ok: false, problem: `--godot is 3 or 4, got ${JSON.stringify(raw.godot)}` };
  const channelFlags = raw.channel ?? [];
  const channels = channelFlags.length === 0 ? [0] : channelFlags.map((text) => (/^[0-9]{1,10}$/.test(text) ? Number(text) : NaN));
  const badChannel = channels.findIndex((c) => !isValidChannel(c));
  if (badChannel >= 0) return { ok: false, problem: `--channel takes a channel number 0..2147483647, got ${JSON.stringify(channelFlags[badChannel])}` };
  return {
    ok: true,
    value: {
      url: raw.url,
      name: raw.name,
      lobby: lobby.value,
      channels: [...new Set(channels)],
      compression: raw.compression,
      godotVersion: raw.godot === '4' ? 4 : 3,
      json: raw.json === true,
    },
  };
}

export function registerBotCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('bot')
    .description('Someone to play with: a lobbykit player on the loopback service that hosts, joins or finds a lobby, prints what it sees and echoes messages and chat (docs/godot.md).')
    .option('--host', 'create a public lobby and wait for players (prints the +connect_lobby argument for your game)')
    .option('--join <lobby id>', 'join this lobby')
    .option('--find <key=value>', 'join the first lobby whose lobby data has key=value (repeatable: all must match)', collect)
    .option('--url <url>', 'where `lobbykit serve` listens', DEFAULT_URL)
    .option('--name <name>', 'the persona name the others see', 'lobbykit bot')
    .option('--max-members <n>', 'with --host: the lobby size, 1..250', String(DEFAULT_MAX_MEMBERS))
    .option('--data <key=value>', "with --host: lobby data to set (repeatable), e.g. 'mode=GodotSteam test'", collect)
    .option('--channel <n>', 'a P2P channel to read and answer (repeatable; default 0, the tutorial\'s)', collect)
    .option('--compression <gzip|none>', "how Godot games that have not sent anything yet are first spoken to: GZIP'd (the tutorial's final version) or not", 'gzip')
    .option('--godot <3|4>', 'the Godot version of games that have not sent anything yet (a game that has is read as what it sent)', '3')
    .option('--json', 'print one JSON object per line instead of text')
    .action(async (raw: RawFlags) => {
      const parsed = botOptionsOf(raw);
      if (!parsed.ok) {
        io.stderr.write(`lobbykit bot: ${parsed.problem}\n`);
        setExit(2);
        return;
      }
      const { runBot } = await import('./bot.js');
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals): void => stop.abort(signal);
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        setExit(await runBot(parsed.value, io, stop.signal));
      } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
    });
}
