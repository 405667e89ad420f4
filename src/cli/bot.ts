/**
 * `lobbykit bot`'s player: a lobbykit runtime on the loopback backend that hosts, joins or finds a lobby and plays
 * the other side for a Godot developer with one copy of their game. The runtime speaks each member's wire (the
 * tutorial's Dictionaries to GodotSteam games) and answers handshakes; this prints what it sees, one line each
 * (bot-lines.ts), and answers: a Dictionary with the same Dictionary plus `lobbykit_echo: true`, sent back to its
 * sender on its channel; a chat line from someone else with `echo: <line>` in the lobby chat. Echoes are never
 * answered, so two bots do not answer each other forever. It runs until stopped (exit 0) or until it cannot go on:
 * the service is unreachable or goes away, the lobby cannot be had, or the bot is removed from it (exit 1).
 */
import type { ChannelMessage, ChatMessage, LobbyMember, LobbyRuntime } from '../runtime.js';
import type { LifecycleEvent } from '../runtime/api.js';
import type { LobbyRuntimeError } from '../runtime/errors.js';
import type { SessionEmitted } from '../machines/session.machine.js';
import type { LoopbackBackend } from '../effects/loopback/loopback-backend.js';
import type { CliIo } from './main.js';
import { lineJson, lineText, type BotLine, type Who } from './bot-lines.js';

/** The key an echoed Dictionary carries; a Dictionary that has it is never answered. */
export const ECHO_KEY = 'lobbykit_echo';
/** What an echoed chat line starts with; a line that starts with it is never answered. */
export const ECHO_PREFIX = 'echo: ';

export type BotLobby =
  | { readonly kind: 'host'; readonly maxMembers: number; readonly data: Readonly<Record<string, string>> }
  | { readonly kind: 'join'; readonly lobbyId: bigint }
  | { readonly kind: 'find'; readonly filters: readonly { readonly key: string; readonly value: string }[] };

export interface BotOptions {
  readonly url: string;
  readonly name: string;
  readonly lobby: BotLobby;
  /** The channels whose messages are read (and answered); the tutorial reads and sends on 0 only. */
  readonly channels: readonly number[];
  /** How to open to a Godot game that has not shown its wire: GZIP'd (the tutorial's final version) or not. */
  readonly compression: 'gzip' | 'none';
  /** The Godot version of games that have not shown their wire (one that has is read as what it sent). */
  readonly godotVersion: 3 | 4;
  readonly json: boolean;
}

/** Why the bot stops, and its exit status. */
interface Ending {
  readonly status: number;
  readonly reason: string;
}

/** The Dictionary sent back for `value`, or undefined when it is not one or is itself an echo. */
export function echoOf(value: unknown): unknown {
  if (value instanceof Map) return value.has(ECHO_KEY) ? undefined : new Map([...value, [ECHO_KEY, true]]);
  if (typeof value !== 'object' || value === null) return undefined;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  if (Object.prototype.hasOwnProperty.call(value, ECHO_KEY)) return undefined;
  return { ...value, [ECHO_KEY]: true };
}

/** The chat line sent back for `text`, or undefined when it is an echo itself. */
export function chatEchoOf(text: string): string | undefined {
  return text.startsWith(ECHO_PREFIX) ? undefined : ECHO_PREFIX + text;
}

/** Runs the bot until `stop` aborts (its reason names the signal) or it cannot go on; resolves to the exit status. */
export async function runBot(options: BotOptions, io: CliIo, stop: AbortSignal): Promise<number> {
  // Loaded here so `lobbykit --help` loads neither the runtime nor ws.
  const [{ createLoopbackBackend }, { createLobbyRuntime }] = await Promise.all([import('../effects/loopback/connect.js'), import('../runtime.js')]);
  const print = (line: BotLine): void => void io.stdout.write(`${options.json ? lineJson(line) : lineText(line)}\n`);
  const finish = (ending: Ending): number => {
    const stopped: BotLine = { event: 'stopped', status: ending.status, reason: ending.reason };
    if (options.json) {
      print(stopped);
      io.stderr.write(`${lineText(stopped)}\n`);
    } else {
      (ending.status === 0 ? io.stdout : io.stderr).write(`${lineText(stopped)}\n`);
    }
    return ending.status;
  };
  let backend: LoopbackBackend;
  try {
    backend = await createLoopbackBackend({ url: options.url, name: options.name });
  } catch (error) {
    return finish({ status: 1, reason: error instanceof Error ? error.message : String(error) });
  }
  const runtime = createLobbyRuntime({ backend, tutorial: { compression: options.compression, godotVersion: options.godotVersion } });
  const bot = new Bot(options, backend, runtime, print, stop);
  const ending = await bot.play();
  await bot.quit();
  return finish(ending);
}

class Bot {
  private readonly names = new Map<bigint, string>();
  private lobbyId: bigint | undefined;
  private end: (ending: Ending) => void = () => {};
  private readonly ended: Promise<Ending>;
  private readonly stopTicking: () => void;
  private readonly stopListening: () => void;

  constructor(
    private readonly options: BotOptions,
    private readonly backend: LoopbackBackend,
    private readonly runtime: LobbyRuntime,
    private readonly print: (line: BotLine) => void,
    stop: AbortSignal,
  ) {
    this.ended = new Promise((resolve) => (this.end = resolve));
    const stopped = (): void => this.end({ status: 0, reason: this.stoppedText(String(stop.reason ?? 'a stop request')) });
    if (stop.aborted) stopped();
    else stop.addEventListener('abort', stopped, { once: true });
    for (const channel of options.channels) runtime.messages(channel).subscribe((m) => this.onMessage(m));
    runtime.chat$.subscribe((c) => this.onChat(c));
    runtime.members$.subscribe((list) => this.onMembers(list));
    runtime.sessions$.subscribe((e) => this.onSession(e));
    runtime.lifecycle$.subscribe((e) => this.onLifecycle(e));
    runtime.errors$.subscribe((e) => this.onError(e));
    this.stopTicking = runtime.startAutoTick(60);
    // Tick as soon as the service sends something, not up to a frame later.
    this.stopListening = backend.onIncoming(() => queueMicrotask(() => this.tick()));
  }

  /** Gets the lobby the options ask for, then plays until the bot stops; resolves with why it stopped. */
  async play(): Promise<Ending> {
    const self = { id: this.runtime.selfId, name: this.backend.localUserName() };
    this.print({ event: 'connected', url: this.options.url, self });
    const lobby = this.options.lobby;
    const entering = lobby.kind === 'host' ? this.host(lobby.maxMembers, lobby.data) : lobby.kind === 'join' ? this.join(lobby.lobbyId) : this.find(lobby.filters);
    const refused = await Promise.race([entering, this.ended]);
    return refused ?? this.ended;
  }

  async quit(): Promise<void> {
    this.stopTicking();
    this.stopListening();
    this.runtime.dispose();
    await this.backend.close();
  }

  private tick(): void {
    this.runtime.tick();
    if (!this.backend.isConnected()) this.cannotGoOn('');
  }

  /** Ends with status 1: the service going away is the reason whenever it has (the lobby went with it). */
  private cannotGoOn(reason: string): void {
    this.end({ status: 1, reason: this.backend.isConnected() ? reason : `the loopback service at ${this.options.url} went away` });
  }

  private async host(maxMembers: number, data: Readonly<Record<string, string>>): Promise<Ending | undefined> {
    const created = await this.runtime.createLobby({ maxMembers, data });
    return created.ok ? undefined : { status: 1, reason: `could not create a lobby: ${created.error.reason}` };
  }

  private async join(lobbyId: bigint): Promise<Ending | undefined> {
    const joined = await this.runtime.joinLobby(lobbyId);
    return joined.ok ? undefined : { status: 1, reason: `could not join lobby ${lobbyId}: ${joined.error.reason}` };
  }

  private async find(filters: readonly { readonly key: string; readonly value: string }[]): Promise<Ending | undefined> {
    const wanted = filters.map((f) => `${f.key}=${f.value}`).join(', ');
    const found = await this.runtime.findLobbies({ strings: filters });
    if (!found.ok) return { status: 1, reason: `could not list lobbies: ${found.error.reason}` };
    if (found.lobbies.length === 0) return { status: 1, reason: `no lobby at ${this.options.url} has ${wanted}` };
    this.print({ event: 'found', lobbies: found.lobbies.map((l) => l.lobbyId) });
    return this.join(found.lobbies[0]!.lobbyId);
  }

  private onLifecycle(event: LifecycleEvent): void {
    if (event.type === 'lifecycle.entered') {
      this.lobbyId = event.lobbyId;
      if (event.role === 'owner') this.print({ event: 'hosting', lobby: event.lobbyId });
      else this.print({ event: 'joined', lobby: event.lobbyId, owner: event.ownerId === undefined ? undefined : this.who(event.ownerId) });
      this.onMembers(this.runtime.members());
    } else if (event.type === 'lifecycle.left') {
      this.lobbyId = undefined;
      if (event.reason.code !== 'user') this.cannotGoOn(`removed from lobby ${event.lobbyId}: ${event.reason.reason}`);
    }
  }

  /** Members who came and went since the last list (the list is only read once our own entry was printed). */
  private onMembers(list: readonly LobbyMember[]): void {
    if (this.lobbyId === undefined) return;
    const now = new Set<bigint>();
    for (const member of list) {
      if (member.isSelf) continue;
      now.add(member.id);
      if (!this.names.has(member.id)) {
        this.names.set(member.id, member.name);
        this.print({ event: 'member-joined', member: { id: member.id, name: member.name } });
      }
    }
    for (const [id, name] of this.names) {
      if (now.has(id)) continue;
      this.names.delete(id);
      this.print({ event: 'member-left', member: { id, name } });
    }
  }

  private onSession(event: SessionEmitted): void {
    if (event.type === 'peer.connected') this.print({ event: 'handshake', member: this.who(event.remoteId) });
    if (event.type === 'peer.closed') {
      const reason = event.reason.code === 'closed-by-runtime' ? event.reason.cause : event.reason.code;
      this.print({ event: 'session-closed', member: this.who(event.remoteId), reason });
    }
  }

  private onMessage(message: ChannelMessage): void {
    const from = this.who(message.from);
    this.print({ event: 'message', from, channel: message.channel, value: message.value });
    const echo = echoOf(message.value);
    if (echo === undefined) return;
    // A refusal (the echo too large, the sender gone) arrives on errors$ and is printed there.
    if (this.runtime.send(message.from, echo, { channel: message.channel }).ok) this.print({ event: 'sent', to: from, channel: message.channel, value: echo });
  }

  private onChat(chat: ChatMessage): void {
    if (chat.from === this.runtime.selfId) return;
    this.print({ event: 'chat', from: { id: chat.from, name: chat.name }, text: chat.text });
    const echo = chatEchoOf(chat.text);
    if (echo !== undefined && this.runtime.sendChat(echo).ok) this.print({ event: 'said', text: echo });
  }

  private onError(error: LobbyRuntimeError): void {
    // The lobby requests' own failures end the bot with their reason; everything else is one line.
    if (error.kind === 'create-failed' || error.kind === 'join-failed' || error.kind === 'list-failed') return;
    this.print({ event: 'error', kind: error.kind, reason: error.reason });
  }

  private who(id: bigint): Who {
    const name = this.names.get(id) ?? this.runtime.members().find((m) => m.id === id)?.name ?? this.backend.personaName(id);
    return { id, name };
  }

  private stoppedText(signal: string): string {
    return this.lobbyId === undefined ? `stopped by ${signal}` : `stopped by ${signal}; left lobby ${this.lobbyId}`;
  }
}
