// One game process on the loopback backend. In two terminals, after `npx lobbykit serve`:
//   node --import tsx examples/loopback/player.ts host
//   node --import tsx examples/loopback/player.ts join
// The host creates a public lobby; the joiner finds it with a lobby-list filter and joins; both chat, exchange
// game messages on channel 1 (reliable) and channel 2 (unreliable) both ways, then the joiner leaves and the host
// sees it go. Each prints what it saw as one JSON line at the end (`--json` prints only that line).
//
// Options: --url ws://127.0.0.1:27015  --name <persona>  --tag <text> (pairs a host with its joiner)
//          --timeout <ms> (give up, exit 1)  --json
import { createLobbyRuntime, createLoopbackBackend, type LobbyRuntime } from 'lobbykit';

type Role = 'host' | 'join';

interface Summary {
  ok: boolean;
  role: Role;
  name: string;
  selfId: string;
  lobbyId: string | null;
  /** Names of every member seen in the lobby while it ran (self included). */
  membersSeen: string[];
  chat: { from: string; text: string }[];
  messages: { channel: number; from: string; value: unknown }[];
  /** Names of members seen leaving. */
  left: string[];
  errors: string[];
  failure?: string;
}

const GAME_KEY = 'game';
const GAME_VALUE = 'lobbykit-loopback-example';

function option(args: readonly string[], name: string, fallback: string): string {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && at + 1 < args.length ? (args[at + 1] as string) : fallback;
}

const args = process.argv.slice(2);
const role = args[0];
if (role !== 'host' && role !== 'join') {
  process.stderr.write('usage: node --import tsx examples/loopback/player.ts host|join [--url ws://127.0.0.1:27015] [--name N] [--tag T] [--timeout ms] [--json]\n');
  process.exit(2);
}
const url = option(args, 'url', 'ws://127.0.0.1:27015');
const name = option(args, 'name', role === 'host' ? 'Host' : 'Guest');
const tag = option(args, 'tag', 'default');
const timeoutMs = Number(option(args, 'timeout', '20000'));
const jsonOnly = args.includes('--json');
const say = (line: string): void => {
  if (!jsonOnly) process.stdout.write(`[${name}] ${line}\n`);
};

/** Resolves when `check` holds, re-checking after every tick; rejects with `what` when the deadline passes. */
function until(runtime: LobbyRuntime, what: string, check: () => boolean, deadline: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (check()) {
        clearInterval(timer);
        resolve();
      } else if (performance.now() > deadline) {
        clearInterval(timer);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, 1000 / 60);
    void runtime;
  });
}

async function main(): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let backend;
  try {
    backend = await createLoopbackBackend({ url, name });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const runtime = createLobbyRuntime({ backend });
  const stopTicking = runtime.startAutoTick(60);
  const summary: Summary = {
    ok: false,
    role: role as Role,
    name,
    selfId: String(runtime.selfId),
    lobbyId: null,
    membersSeen: [],
    chat: [],
    messages: [],
    left: [],
    errors: [],
  };
  const nameOf = (id: bigint): string => backend.personaName(id);
  let current = new Map<bigint, string>();
  runtime.members$.subscribe((members) => {
    const next = new Map(members.map((m) => [m.id, m.name] as const));
    for (const [id, who] of current) if (!next.has(id) && id !== runtime.selfId) summary.left.push(who);
    for (const who of next.values()) if (!summary.membersSeen.includes(who)) summary.membersSeen.push(who);
    current = next;
  });
  runtime.chat$.subscribe((m) => {
    summary.chat.push({ from: m.name, text: m.text });
    say(`chat from ${m.name}: ${m.text}`);
  });
  for (const channel of [1, 2]) {
    runtime.messages(channel).subscribe((m) => {
      summary.messages.push({ channel, from: nameOf(m.from), value: m.value });
      say(`channel ${channel} from ${nameOf(m.from)}: ${JSON.stringify(m.value)}`);
    });
  }
  runtime.errors$.subscribe((e) => summary.errors.push(`${e.kind}: ${e.reason}`));

  try {
    say(`connected to ${url} as ${runtime.selfId}`);
    let lobbyId: bigint;
    if (role === 'host') {
      const created = await runtime.createLobby({ lobbyType: 2, maxMembers: 4, data: { [GAME_KEY]: GAME_VALUE, tag } });
      if (!created.ok) throw new Error(`could not create the lobby: ${created.error.reason}`);
      lobbyId = created.lobbyId;
      say(`created lobby ${lobbyId}; waiting for a player to join`);
    } else {
      lobbyId = await findHostLobby(runtime, deadline);
      const joined = await runtime.joinLobby(lobbyId);
      if (!joined.ok) throw new Error(`could not join lobby ${lobbyId}: ${joined.error.reason}`);
      say(`joined lobby ${lobbyId}`);
    }
    summary.lobbyId = String(lobbyId);

    await until(runtime, 'a second member with a connected session', () => runtime.members().length >= 2 && runtime.allConnected(), deadline);
    say('every member connected');
    runtime.sendChat(`hello from ${name}`);
    runtime.send('all', { from: name, kind: 'reliable', n: 1 }, { channel: 1, reliable: true });
    runtime.send('all', { from: name, kind: 'unreliable', n: 2 }, { channel: 2, reliable: false });

    const heardAll = (): boolean =>
      summary.chat.some((c) => c.from !== name) && [1, 2].every((ch) => summary.messages.some((m) => m.channel === ch && m.from !== name));
    await until(runtime, "the other player's chat and messages on channels 1 and 2", heardAll, deadline);
    if (role === 'join') {
      const left = runtime.leaveLobby();
      if (!left.ok) throw new Error(`could not leave: ${left.error.reason}`);
      say('left the lobby');
    } else {
      await until(runtime, 'the other player to leave', () => summary.left.length > 0, deadline);
      say(`${summary.left.join(', ')} left`);
    }
    summary.ok = true;
  } catch (error) {
    summary.failure = error instanceof Error ? error.message : String(error);
    say(`failed: ${summary.failure}`);
  }
  stopTicking();
  runtime.dispose();
  await backend.close();
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  return summary.ok ? 0 : 1;
}

/** The joiner finds its host through a list filter, retrying while the host may still be creating the lobby. */
async function findHostLobby(runtime: LobbyRuntime, deadline: number): Promise<bigint> {
  for (;;) {
    const found = await runtime.findLobbies({ strings: [{ key: GAME_KEY, value: GAME_VALUE }, { key: 'tag', value: tag }], slotsAvailable: 1 });
    if (found.ok && found.lobbies.length > 0) return found.lobbies[0]!.lobbyId;
    if (performance.now() > deadline) throw new Error(`no lobby tagged ${JSON.stringify(tag)} appeared; is the host running?`);
    // Only while no host lobby exists yet: ask again a little later.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

process.exitCode = await main();
