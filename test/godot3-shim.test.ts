/**
 * The GodotSteam lobbies tutorial's own GDScript (test/godot3-shim/lobby.gd) in the real Godot 3 engine, with
 * lobbykit's Steam shim (godot/steam.gd) autoloaded where the GodotSteam module would be, against a `lobbykit serve`
 * this file starts on a free port. Two scenarios run at once on that service: a host and a player who finds it
 * through a filtered lobby list, and a host and a player started with `+connect_lobby <id>` as Steam starts a game
 * from an invite. Expected values come from what the test chose (names, chat lines, the driver's message recipe
 * encoded by lobbykit's codec, which the Godot oracle suite checks against the engine) and from what the other
 * process reports about itself. Beside it: the docs' own snippets in the engine, an impostor the service refuses, and a
 * probe of the shim's edges (held packets, drops, a lost service) against a lobbykit backend peer.
 * CI (CI=true) must have godot3-server; elsewhere the suites skip with the reason.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGodot3, godotFromPlain } from '../src/codec/godot/index.js';
import { createLoopbackBackend } from '../src/effects/loopback/connect.js';
import type { LoopbackBackend } from '../src/effects/loopback/loopback-backend.js';
import type { BackendEvent } from '../src/effects/backend.js';
import { startLoopbackService } from '../src/loopback-server/service.js';
import { oracleMode } from './godot/engine.js';
import { Game, ROOT, SHIM, startServe, type GameEvent, type LineProcess } from './helpers/godot3-game.js';
import { drainUntil } from './helpers/loopback-player.js';

const mode = oracleMode();
if (!mode.run) console.warn(`[godot3-shim] skipped: ${mode.reason}`);

/** Each game prints its progress within a few seconds; this only stops a stuck engine. */
const GAME_DEADLINE_MS = 25_000;
const WAIT_MS = 20_000;

interface Player {
  readonly game: Game;
  readonly name: string;
  readonly chat: string;
  readonly role: string;
}

/** The dictionary the driver sends (driver.gd _after_change), built here from the same recipe. */
function expectedMessageHex(senderId: string, role: string, text: string): string {
  const value = godotFromPlain({ message: 'hello', from: BigInt(senderId), role, big: 9007199254740993n, list: [1, 'two', 3.5], text });
  return Buffer.from(encodeGodot3(value)).toString('hex');
}

function one(game: Game, ev: string, match: (e: GameEvent) => boolean = () => true): GameEvent {
  const found = game.all(ev).filter(match);
  expect(found, `${game.label}: one "${ev}" event; its output:\n${game.output()}`).toHaveLength(1);
  return found[0]!;
}

function idOf(player: Player): string {
  return one(player.game, 'ready').id as string;
}

/** Everything the issue asks of two tutorial games in one lobby, read from both sides. */
function expectMeeting(host: Player, joiner: Player, lobbyId: string, serveLog: string): void {
  const hostId = idOf(host);
  const joinId = idOf(joiner);
  expect(hostId).not.toBe(joinId);
  for (const [me, other, otherId] of [
    [host, joiner, joinId],
    [joiner, host, hostId],
  ] as const) {
    const label = me.game.label;
    // Each sees the other as a member, with the name the other asked the service for.
    const members = me.game.all('members').map((e) => e.members);
    expect(members, label).toContainEqual([
      { id: hostId, name: host.name },
      { id: joinId, name: joiner.name },
    ]);
    // The tutorial's handshake arrived, sent by the other (the transport's sender) and naming it.
    one(me.game, 'handshake', (e) => e.from === otherId && e.claimed === otherId);
    // The other's dictionary arrived intact: the very bytes it encoded, which are the recipe's.
    const sent = one(other.game, 'sent');
    expect(sent.hex, `${other.game.label} sent`).toBe(expectedMessageHex(otherId, other.role, other.chat));
    one(me.game, 'packet', (e) => e.from === otherId && e.hex === sent.hex);
    // And its lobby chat line, as text, in this lobby.
    one(me.game, 'chat', (e) => e.from === otherId && e.text === other.chat && e.lobby === lobbyId && e.type === 1);
    expect(me.game.output(), label).toContain(`${other.name} says: ${other.chat}`);
  }
  // The tutorial's own lines on the host, with the joiner's name.
  expect(host.game.output()).toContain(`${joiner.name} has joined the lobby.`);
  expect(host.game.output()).toContain(`${joiner.name} has left the lobby.`);
  // Leaving closes the sessions: the joiner's tutorial code closes its session with the host ...
  expect(one(joiner.game, 'left')).toMatchObject({ before: { [hostId]: true }, after: { [hostId]: false } });
  // ... and once the joiner's game has quit, the host's session with it fails (timeout), as Steam reports it.
  one(host.game, 'session_fail', (e) => e.remote === joinId && e.error === 4 && e.state === false);
  expect(one(host.game, 'left')).toMatchObject({ before: { [joinId]: false } });
  // Both left the lobby, then closed the connection cleanly (not "disconnected").
  for (const [p, id] of [
    [joiner, joinId],
    [host, hostId],
  ] as const) {
    expect(serveLog).toContain(`${p.name} (${id}) left lobby ${lobbyId}`);
    expect(serveLog).toContain(`${p.name} (${id}) left\n`);
  }
}

/** The body of the one fenced block of `lang` in a Markdown text. */
function fenced(markdown: string, lang: string): string {
  const blocks = [...markdown.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'gm'))];
  expect(blocks, `one \`\`\`${lang} block`).toHaveLength(1);
  return blocks[0]![1]!;
}

async function exitCleanly(...games: Game[]): Promise<void> {
  const exits = await Promise.all(games.map((g) => g.exited));
  exits.forEach((exit, i) => {
    const g = games[i]!;
    expect(exit, `${g.label} exit\n--- stdout\n${g.output()}\n--- stderr\n${g.stderr}`).toEqual({ code: 0, signal: null });
    expect(g.all('fail'), g.label).toEqual([]);
  });
}

describe.skipIf(!mode.run)(`the GodotSteam tutorial on lobbykit's Steam shim in Godot 3${mode.run ? '' : ` (SKIPPED: ${mode.reason})`}`, () => {
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

  const player = (label: string, role: string, name: string, chat: string, token: string, args: readonly string[] = []): Player => ({
    game: new Game(label, {
      bin,
      url,
      name,
      args,
      deadlineMs: GAME_DEADLINE_MS,
      env: { LOBBYKIT_TEST_ROLE: role, LOBBYKIT_TEST_TOKEN: token, LOBBYKIT_TEST_CHAT: chat },
    }),
    name,
    chat,
    role,
  });

  it('two copies of the tutorial meet through a filtered lobby list, and through +connect_lobby', async () => {
    const listHost = player('host (list)', 'host', 'Höst Ä', 'hello from the host ✓', 'scenario-list');
    const cmdHost = player('host (cmdline)', 'host', 'Host B', 'hi, B here', 'scenario-cmdline');
    const [listLobby, cmdLobby] = await Promise.all([
      listHost.game.event('hosting', (e) => e.ev === 'hosting'),
      cmdHost.game.event('hosting', (e) => e.ev === 'hosting'),
    ]);
    expect(listLobby).toMatchObject({ name: "Gramps' Lobby", mode: 'GodotSteam test' });

    const listJoiner = player('joiner (list)', 'list', 'Jöiner ✓', 'and hello from the joiner', 'scenario-list');
    // Both lobbies are listed publicly now, so the filter has one to leave out.
    const listed = await listJoiner.game.event('listed', (e) => e.ev === 'listed');
    expect(listed.lobbies).toEqual([listLobby.lobby]);
    const cmdJoiner = player('joiner (cmdline)', 'cmdline', 'Joiner B', 'B2 checking in', 'scenario-cmdline', ['+connect_lobby', cmdLobby.lobby as string]);

    await exitCleanly(listHost.game, listJoiner.game, cmdHost.game, cmdJoiner.game);
    const log = `${serve!.output()}\n`;
    expectMeeting(listHost, listJoiner, listLobby.lobby as string, log);
    expectMeeting(cmdHost, cmdJoiner, cmdLobby.lobby as string, log);
    // The player clicked the button the tutorial made for the listed lobby ...
    expect(one(listJoiner.game, 'click').button).toBe(`Lobby ${listLobby.lobby as string}: Gramps' Lobby [GodotSteam test] - 1 Player(s)`);
    // ... and the other found its lobby on its command line, through the tutorial's _check_Command_Line.
    expect(cmdJoiner.game.output()).toContain(`CMD Line Lobby ID: ${cmdLobby.lobby as string}`);
  });

  it("docs/godot-shim.md: its setup and whole-game script run as written, from the file the package ships", async () => {
    // The page's Godot 3 part; its Godot 4 section has blocks of its own (test/godot4-shim.test.ts).
    const doc = readFileSync(join(ROOT, 'docs', 'godot-shim.md'), 'utf8').split('\n## Godot 4')[0]!;
    const autoload = fenced(doc, 'ini');
    const shimAt = /^Steam="\*res:\/\/(.+)"$/m.exec(autoload)?.[1];
    expect(shimAt).toBeDefined();
    const project = {
      shimAt: shimAt!,
      files: {
        'project.godot': `config_version=4\n\n[application]\n\nconfig/name="docs"\nrun/main_scene="res://main.tscn"\n\n${autoload}`,
        'main.tscn': '[gd_scene load_steps=2 format=2]\n\n[ext_resource path="res://main.gd" type="Script" id=1]\n\n[node name="Main" type="Node"]\nscript = ExtResource( 1 )\n',
        'main.gd': fenced(doc, 'gdscript'),
      },
    };
    // The shell block's variables are the ones the shim reads, and its second copy is started the way Steam does.
    const shell = fenced(doc, 'sh');
    const shim = readFileSync(SHIM, 'utf8');
    for (const variable of shell.match(/\bLOBBYKIT_[A-Z]+(?==)/g) ?? []) expect(shim).toContain(`_environment("${variable}")`);
    expect(shell).toMatch(/^LOBBYKIT_NAME=Bob godot --path \S+ \+connect_lobby \d+$/m);

    const alice = new Game('docs: Alice', { bin, url, name: 'Alice', project, deadlineMs: GAME_DEADLINE_MS });
    const lobbyId = await alice.waitForLine('hosting', (line) => /^Hosting lobby (\d+); start another copy with \+connect_lobby \1$/.exec(line)?.[1]);
    const bob = new Game('docs: Bob', { bin, url, name: 'Bob', project, args: ['+connect_lobby', lobbyId], deadlineMs: GAME_DEADLINE_MS });
    await exitCleanly(alice, bob);
    expect(alice.lines).toContain('Bob joined; 2 in the lobby');
    expect(alice.lines).toContain('Bob: hello from Bob');
    expect(bob.lines).toContain('Alice: welcome, Bob');

    // The file the docs tell people to copy is the one the package ships.
    expect(doc).toContain('node_modules/lobbykit/godot/steam.gd');
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json', '--offline', '--no-update-notifier'], { cwd: ROOT, encoding: 'utf8' })) as { files: { path: string }[] }[];
    expect(packed[0]!.files.map((f) => f.path)).toContain('godot/steam.gd');
  });

  it('a shim cannot speak for another user: forged packet, chat and request are refused, the honest ones arrive', async () => {
    const observer = await createLoopbackBackend({ url, name: 'Observer' });
    const victim = await createLoopbackBackend({ url, name: 'Victim' });
    try {
      const seen: BackendEvent[] = [];
      const until = (what: string, check: () => boolean): Promise<void> => waitOn(observer, seen, what, check);
      observer.createLobby(2, 4);
      await until('lobby created', () => seen.some((e) => e.type === 'lobbyCreated'));
      const created = seen.find((e) => e.type === 'lobbyCreated');
      const lobbyId = created?.type === 'lobbyCreated' ? created.lobbyId : 0n;

      const impostor = new Game('impostor', {
        bin,
        url,
        name: 'Mallory',
        args: ['-s', 'impostor.gd'],
        deadlineMs: GAME_DEADLINE_MS,
        env: { LOBBYKIT_TEST_OBSERVER: String(observer.localUserId()), LOBBYKIT_TEST_VICTIM: String(victim.localUserId()), LOBBYKIT_TEST_LOBBY: String(lobbyId) },
      });
      const malloryId = BigInt((await impostor.event('ready', (e) => e.ev === 'ready')).id as string);

      const packets: { from: bigint; text: string }[] = [];
      const chats: { from: bigint; text: string }[] = [];
      const entered: bigint[] = [];
      await until('the honest chat line that ends the attempt', () => {
        for (const e of seen.splice(0)) {
          if (e.type === 'p2pSessionRequest') observer.acceptSession(e.remote);
          if (e.type === 'lobbyChatUpdate' && e.lobbyId === lobbyId && e.state === 1) entered.push(e.changed);
          if (e.type === 'lobbyChatMessage') chats.push({ from: e.from, text: Buffer.from(e.bytes).toString('utf8') });
        }
        for (let p = observer.readP2P(0); p !== undefined; p = observer.readP2P(0)) packets.push({ from: p.from, text: Buffer.from(p.bytes).toString('utf8') });
        return chats.some((c) => c.text === 'done\0');
      });
      await exitCleanly(impostor);

      // To a lobbykit backend the Godot game is an ordinary member, with the name it asked for.
      expect(entered).toEqual([malloryId]);
      expect(observer.personaName(malloryId)).toBe('Mallory');
      // Only what the shim sent as itself arrived, stamped with its own id; GodotSteam's chat carries its NUL.
      expect(packets).toEqual([{ from: malloryId, text: 'honest' }]);
      expect(chats).toEqual([{ from: malloryId, text: 'done\0' }]);
      expect(observer.getLobbyMemberData(lobbyId, malloryId, 'k')).toBe('');
      // The service refused each forgery, named the impostor, and told the shim, which reported it.
      const log = serve!.output();
      for (const claim of [
        `packet frame claims to come from ${victim.localUserId()}`,
        `chat frame claims to come from ${victim.localUserId()}`,
        `setLobbyMemberData: "from" says ${victim.localUserId()}`,
      ]) {
        expect(log).toContain(`refused a frame from Mallory (${malloryId}): ${claim}`);
        expect(impostor.stderr).toContain(claim);
      }
    } finally {
      await Promise.all([observer.close(), victim.close()]);
    }
  });
});

describe.skipIf(!mode.run)(`the shim's rules at the edges, in Godot 3${mode.run ? '' : ` (SKIPPED: ${mode.reason})`}`, () => {
  it('holds packets until the session is accepted, drops what Steam would not deliver, and reports a lost service', async () => {
    // A service of its own, so the test can stop it under the game.
    const service = await startLoopbackService({ port: 0 });
    const peer = await createLoopbackBackend({ url: service.url, name: 'Peer' });
    const seen: BackendEvent[] = [];
    const until = (what: string, check: () => boolean): Promise<void> => waitOn(peer, seen, what, check);
    const heard = (text: string) => () => seen.some((e) => e.type === 'lobbyChatMessage' && Buffer.from(e.bytes).toString('utf8') === `${text}\0`);
    let probe: Game | undefined;
    try {
      peer.createLobby(2, 4);
      await until('lobby created', () => seen.some((e) => e.type === 'lobbyCreated'));
      const created = seen.find((e) => e.type === 'lobbyCreated');
      const lobbyId = created?.type === 'lobbyCreated' ? created.lobbyId : 0n;
      const peerId = peer.localUserId();
      probe = new Game('probe', {
        bin: mode.run ? mode.bin : '',
        url: service.url,
        name: 'Probe',
        args: ['-s', 'probe.gd'],
        deadlineMs: GAME_DEADLINE_MS,
        env: { LOBBYKIT_TEST_PEER: String(peerId), LOBBYKIT_TEST_LOBBY: String(lobbyId) },
      });
      const probeId = BigInt((await probe.event('ready', (e) => e.ev === 'ready')).id as string);
      await until('the probe in the lobby', heard('ready'));
      // Before the probe accepts: "no delay" (dropped without a session), then a packet, an empty one, one on channel 5.
      const text = (t: string): Uint8Array => new Uint8Array(Buffer.from(t));
      expect(peer.sendP2P(probeId, text('nodelay'), 1, 0)).toBe(true);
      expect(peer.sendP2P(probeId, text('a'), 2, 0)).toBe(true);
      expect(peer.sendP2P(probeId, new Uint8Array(0), 2, 0)).toBe(true);
      expect(peer.sendP2P(probeId, text('bb'), 2, 5)).toBe(true);
      expect(peer.sendLobbyChat(lobbyId, text('sent'))).toBe(true);
      await until('the probe to check its packets', heard('checked'));
      await service.close();
      await exitCleanly(probe);

      // Joining lobby 0 fails as Steam answers a lobby that does not exist (2); the real one succeeds (1).
      expect(probe.all('joined')).toEqual([
        { ev: 'joined', lobby: '0', permissions: 0, locked: false, response: 2 },
        { ev: 'joined', lobby: String(lobbyId), permissions: 0, locked: false, response: 1 },
      ]);
      expect(one(probe, 'lobby')).toEqual({
        ev: 'lobby',
        members: [String(peerId), String(probeId)],
        owner: String(peerId),
        limit: 4,
        peer_name: 'Peer',
        stranger_name: '',
        // An unreliable send over 1200 bytes, to oneself, send type 7, channel -1, lobby data by a non-owner.
        refused: [false, false, false, false, false],
      });
      expect(one(probe, 'packets')).toEqual({
        ev: 'packets',
        requests: [String(peerId)],
        held: [0, 0, true],
        released: [1, 2],
        first: { data: 'a', steam_id_remote: String(peerId), remote_steam_id: String(peerId) },
        cut: 'b',
        then: true,
        dropped: 2,
        active: true,
      });
      expect(one(probe, 'disconnected')).toEqual({ ev: 'disconnected', logged_on: false });
      expect(one(probe, 'kicked')).toEqual({ ev: 'kicked', lobby: String(lobbyId), admin: '0', due_to_disconnect: 1, members: 0 });
    } finally {
      await peer.close();
      await service.close();
      if (probe !== undefined) await probe.exited;
    }
  });
});

/** Drains `backend` into `seen` on every arrival until `check` holds; rejects after WAIT_MS. */
function waitOn(backend: LoopbackBackend, seen: BackendEvent[], what: string, check: () => boolean): Promise<void> {
  return drainUntil(backend, seen, what, check, WAIT_MS);
}
