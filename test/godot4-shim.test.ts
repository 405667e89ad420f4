/**
 * The Godot 4 tab of GodotSteam's lobby and P2P tutorials (test/godot4-shim/lobby.gd, driven by driver.gd) in the
 * real Godot 4.6 engine (its official web build in headless Chromium: one Chromium, a page per engine), with the
 * Godot 4 shim (godot/steam4.gd) autoloaded as `Steam`, playing through a `lobbykit serve` this file starts on
 * 127.0.0.1 with lobbykit runtimes on the loopback backend. The game first joins a runtime's lobby from
 * `+connect_lobby <id>` on its command line, then hosts a lobby that a second runtime (opening in Godot 4's
 * var_to_bytes) finds through a filtered list. Each time: both see each other as members with their names, handshakes
 * arrive both ways, a Dictionary and a chat line cross both ways intact, and leaving closes the sessions. Expected
 * values come from what each side reports about itself (the bytes the game says it encoded, the ids and names the
 * service gave), from lobbykit's tree codec (which the Godot 4 oracle suite checks against the same engine) and from
 * what the test chose. Beside it, in the same Chromium: docs/godot-shim.md's Godot 4 setup and whole-game script, as
 * written, two copies meeting; and a probe of the shim's edges (held packets, drops, refusals, a lost service, no
 * service) against a lobbykit backend.
 * CI (CI=true) must have Chromium and the engine package; elsewhere the suite skips with the reason in its name.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGodot, godotFromPlain } from '../src/codec/godot/index.js';
import type { BackendEvent } from '../src/effects/backend.js';
import { createLoopbackBackend } from '../src/effects/loopback/connect.js';
import { startLoopbackService } from '../src/loopback-server/service.js';
import { godot4Mode, Godot4Browser, type Godot4Engine } from './godot/engine4.js';
import { ROOT, startServe, type LineProcess } from './helpers/godot3-game.js';
import { Godot4Game, SHIM4, shimQuery } from './helpers/godot4-game.js';
import { drainUntil, LoopbackPlayer } from './helpers/loopback-player.js';

const mode = godot4Mode();
if (!mode.run) console.warn(`[godot4-shim] skipped: ${mode.reason}`);

/** The driver gives up on itself after 40 s (driver.gd DEADLINE_S); these only stop a stuck engine or a lost message. */
const ENGINE_DEADLINE_MS = 60_000;
const WAIT_MS = 30_000;
const STAGE_MS = 60_000;

const GODOT_NAME = 'Gödot Vier ✓';
const GODOT_CHAT = 'hello from Godot 4 ✓';
const TOKEN = 'godot4-shim';

interface Side {
  readonly player: LoopbackPlayer;
  readonly name: string;
  readonly chat: string;
  /** The Dictionary it sends the game. */
  readonly message: Record<string, unknown>;
}

async function lobbykit(label: string, name: string, chat: string, godotVersion?: 4): Promise<Side> {
  const player = await LoopbackPlayer.start(label, url, name, [0], godotVersion ? { tutorial: { godotVersion } } : {});
  return { player, name, chat, message: { message: 'hello', from: player.id, role: 'lobbykit', big: 9007199254740993n, list: [1, 'two', 3.5], text: chat } };
}

/** Sends the runtime's Dictionary and chat line once the game is a connected member. */
async function speak(me: Side): Promise<void> {
  const { runtime } = me.player;
  await me.player.until('2 members, all connected', () => runtime.members().length === 2 && runtime.allConnected(), WAIT_MS);
  expect(runtime.send('all', me.message, { channel: 0 })).toEqual({ ok: true, recipients: 1 });
  expect(runtime.sendChat(me.chat)).toEqual({ ok: true });
}

/** Waits until the runtime has the game's handshake (its session is up), Dictionary and chat line. */
async function hearGame(me: Side, godotId: bigint): Promise<void> {
  await me.player.until(
    "the game's handshake, Dictionary and chat line",
    () => me.player.sessionEvents('peer.connected', godotId).length > 0 && me.player.messages.some((m) => m.from === godotId) && me.player.chat.some((c) => c.from === godotId),
    WAIT_MS,
  );
}

/** What the runtime and the game saw of each other in one stage. */
function expectPlayedTogether(me: Side, stage: string, lobbyId: string): void {
  const g = game!;
  const godotId = BigInt(godotIdText);
  const myId = String(me.player.id);
  const label = `${g.label} (${stage})`;
  // Each saw the other as a member, with the name it asked the service for.
  expect(g.all('members', stage).some((e) => (e.members as { id: string; name: string }[]).some((m) => m.id === myId && m.name === me.name)), label).toBe(true);
  expect(me.player.memberLists.some((list) => list.some(([id, name]) => id === godotIdText && name === GODOT_NAME)), label).toBe(true);
  // Handshakes both ways: the game read the runtime's (naming the runtime), the runtime's session came up on the game's.
  expect(g.all('handshake', stage).filter((e) => e.from === myId && e.claimed === myId).length, label).toBeGreaterThanOrEqual(1);
  expect(me.player.sessionEvents('peer.connected', godotId).length, label).toBeGreaterThanOrEqual(1);
  // The game's Dictionary reached the runtime as the value it encoded with var_to_bytes, on channel 0 ...
  expect(me.player.messages.filter((m) => m.from === godotId), label).toEqual([{ from: godotId, channel: 0, value: g.sent(stage) }]);
  // ... and the runtime's reached the game, which read it with bytes_to_var and re-encodes it to Godot 4's bytes for it.
  const expectedHex = Buffer.from(encodeGodot(godotFromPlain(me.message), 4)).toString('hex');
  expect(g.all('packet', stage).filter((e) => e.from === myId).map((e) => e.hex), label).toEqual([expectedHex]);
  // Chat lines both ways, as text, in this lobby.
  expect(me.player.chat.filter((c) => c.from === godotId).map((c) => [c.text, c.name, String(c.lobbyId)]), label).toEqual([[GODOT_CHAT, GODOT_NAME, lobbyId]]);
  expect(g.all('chat', stage).filter((e) => e.from === myId).map((e) => [e.text, e.lobby]), label).toEqual([[me.chat, lobbyId]]);
  expect(g.engine.lines, label).toContain(`${me.name} says: ${me.chat}`);
  // Nothing the game sent failed to decode, and no session with it failed.
  expect(me.player.errors.filter((e) => e.kind === 'decode-failed' || e.kind === 'session-failed'), label).toEqual([]);
}

/** The one ```lang block in `markdown`. */
function fenced(markdown: string, lang: string): string {
  const blocks = [...markdown.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'gm'))];
  expect(blocks, `one \`\`\`${lang} block`).toHaveLength(1);
  return blocks[0]![1]!;
}

let url = '';
let browser: Godot4Browser | undefined;
let serve: LineProcess | undefined;
let game: Godot4Game | undefined;
let godotIdText = '';

describe.skipIf(!mode.run)(`the Godot 4 shim in the real Godot 4.6 web engine${mode.run ? '' : ` (SKIPPED: ${mode.reason})`}`, () => {
  beforeAll(async () => {
    if (!mode.run) return;
    const started = await startServe(120_000);
    serve = started.process;
    url = started.url;
    browser = await Godot4Browser.launch(mode.engineDir);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    serve?.child.kill('SIGINT');
    await serve?.exited;
  });

  describe('the Godot 4 tutorial plays with lobbykit runtimes', () => {
    let host: Side | undefined;
    let joiner: Side | undefined;
    let firstLobby = '';

    beforeAll(async () => {
      // The first runtime hosts; the game is started the way Steam starts a game from an invite.
      host = await lobbykit('lobbykit host', 'Lobbykit Host', 'welcome, Godot 4');
      const created = await host.player.runtime.createLobby({ maxMembers: 4, data: { name: 'lobbykit', mode: 'GodotSteam test' } });
      if (!created.ok) throw new Error(created.error.reason);
      firstLobby = String(created.lobbyId);
      game = await Godot4Game.start('Godot 4 game', browser!, {
        url,
        name: GODOT_NAME,
        args: ['+connect_lobby', firstLobby],
        driver: { token: TOKEN, chat: GODOT_CHAT },
        deadlineMs: ENGINE_DEADLINE_MS,
      });
      godotIdText = (await game.event('the shim connected', (e) => e.ev === 'ready')).id as string;
    }, 120_000);

    afterAll(async () => {
      await game?.engine.close();
      await Promise.all([host?.player.quit(), joiner?.player.quit()]);
    });

    it('joins the lobby on its command line (+connect_lobby), plays with the runtime there and leaves', async () => {
      const me = host!;
      const g = game!;
      const godotId = BigInt(godotIdText);
      expect(godotId).toBeGreaterThan(0n);
      await speak(me);
      await hearGame(me, godotId);
      const left = await g.event('leaving the first lobby', (e) => e.ev === 'left' && e.stage === 'joined');
      await me.player.until('the game gone', () => me.player.runtime.members().length === 1, WAIT_MS);

      // The tutorial's check_command_line read the arguments the page started the engine with.
      expect(g.all('ready')[0]!.args).toEqual(['+connect_lobby', firstLobby]);
      expect(g.engine.lines).toContain(`Command line lobby ID: ${firstLobby}`);
      expect(g.all('joined', 'joined').map((e) => [e.lobby, e.response])).toEqual([[firstLobby, 1]]);
      expectPlayedTogether(me, 'joined', firstLobby);
      // Leaving closes the sessions: the tutorial's leave_lobby closed the game's session with us, and we closed ours.
      const myId = String(me.player.id);
      expect(left).toMatchObject({ before: { [myId]: true }, after: { [myId]: false }, lobby_id: '0' });
      expect(me.player.sessionEvents('peer.closed', godotId)).toHaveLength(1);
      expect(me.player.memberLists.at(-1)).toEqual([]);
    }, STAGE_MS);

    it('hosts a lobby that a runtime opening in Godot 4 finds through a filtered list; each leaves, the game quits', async () => {
      const g = game!;
      const godotId = BigInt(godotIdText);
      const hosting = await g.event('hosting a lobby', (e) => e.ev === 'hosting');
      const lobbyId = hosting.lobby as string;
      joiner = await lobbykit('lobbykit joiner', 'Lobbykit Joiner', 'hi from the joiner', 4);
      const me = joiner;
      try {
        const found = await me.player.runtime.findLobbies({ strings: [{ key: 'lobbykit_test', value: TOKEN }] });
        expect(found.ok && found.lobbies.map((l) => [String(l.lobbyId), l.data.name, l.data.mode])).toEqual([[lobbyId, "Gramps' Lobby", 'GodotSteam test']]);
        expect(await me.player.runtime.joinLobby(BigInt(lobbyId))).toEqual({ ok: true, lobbyId: BigInt(lobbyId) });
        await speak(me);
        await hearGame(me, godotId);
        await g.event('our chat line', (e) => e.ev === 'chat' && e.stage === 'hosting' && e.from === String(me.player.id));
      } finally {
        await me.player.quit();
      }
      expect(await g.engine.exited, g.output()).toBe('0');

      expect(lobbyId).not.toBe(firstLobby);
      expectPlayedTogether(me, 'hosting', lobbyId);
      // The runtime opened to the host in Godot 4's wire: the game read its opening handshake (the one that names
      // lobbykit) as a Dictionary, and no packet as anything else (a Godot 3 Dictionary reads as a Transform3D).
      expect(g.all('handshake', 'hosting').filter((e) => e.from === String(me.player.id) && e.lobbykit === 1)).toHaveLength(1);
      expect(g.engine.lines.filter((line) => line.startsWith('Packet: ') && !line.startsWith('Packet: {'))).toEqual([]);
      // Leaving closed our session; once we quit, the host's session with us failed, as Steam reports it, and it left.
      const myId = String(me.player.id);
      expect(me.player.sessionEvents('peer.closed', godotId)).toHaveLength(1);
      expect(g.all('session_fail', 'hosting').filter((e) => e.remote === myId && e.error === 4 && e.state === false)).toHaveLength(1);
      expect(g.engine.lines).toContain(`${me.name} has left the lobby.`);
      expect(g.all('left', 'hosting')).toHaveLength(1);
    }, STAGE_MS);

    it('ran without a script error or a failure of its own', () => {
      const g = game!;
      expect(g.all('fail'), g.output()).toEqual([]);
      expect(g.engine.errors.filter((line) => /SCRIPT ERROR|ERROR: (?!Could not load global script cache)/.test(line)), g.output()).toEqual([]);
      expect(g.engine.lines.some((line) => line.startsWith('Godot Engine v4.6.stable.official'))).toBe(true);
    });
  });

  it("docs/godot-shim.md: its Godot 4 setup and whole-game script run as written, two copies, from the file the package ships", async () => {
    const doc = readFileSync(join(ROOT, 'docs', 'godot-shim.md'), 'utf8');
    const section = doc.slice(doc.indexOf('\n## Godot 4'));
    const autoload = fenced(section, 'ini');
    const shimAt = /^Steam="\*res:\/\/(.+)"$/m.exec(autoload)?.[1];
    expect(shimAt).toBeDefined();
    const files = {
      'project.godot': `config_version=5\n\n[application]\n\nconfig/name="docs"\nrun/main_scene="res://main.tscn"\n\n${autoload}`,
      'main.gd': fenced(section, 'gdscript'),
      [shimAt!]: readFileSync(SHIM4, 'utf8'),
    };
    const alice = await browser!.start({ files, search: shimQuery(url, 'Alice'), timeoutMs: 30_000 });
    try {
      const lobbyId = await alice.waitForLine('hosting', (line) => /^Hosting lobby (\d+); start another copy with \+connect_lobby \1$/.exec(line)?.[1]);
      const bob = await browser!.start({ files, args: ['+connect_lobby', lobbyId], search: shimQuery(url, 'Bob'), timeoutMs: 30_000 });
      try {
        expect(await Promise.all([alice.exited, bob.exited]), `${alice.lines.join('\n')}\n${alice.errors.join('\n')}\n---\n${bob.lines.join('\n')}\n${bob.errors.join('\n')}`).toEqual(['0', '0']);
        expect(alice.lines).toContain('Bob joined; 2 in the lobby');
        expect(alice.lines).toContain('Bob: hello from Bob');
        expect(bob.lines).toContain('Alice: welcome, Bob');
        for (const copy of [alice, bob]) expect(copy.errors.filter((line) => /SCRIPT ERROR|ERROR: (?!Could not load global script cache)/.test(line))).toEqual([]);
      } finally {
        await bob.close();
      }
    } finally {
      await alice.close();
    }
    // The file the docs tell people to copy is the one the package ships.
    expect(section).toContain('node_modules/lobbykit/godot/steam4.gd');
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json', '--offline', '--no-update-notifier'], { cwd: ROOT, encoding: 'utf8' })) as { files: { path: string }[] }[];
    expect(packed[0]!.files.map((f) => f.path)).toContain('godot/steam4.gd');
  }, 60_000);

  it('holds packets until the session is accepted, drops what Steam would not deliver, reports a lost service and then no service', async () => {
    // A service of its own, so the test can stop it under the game.
    const service = await startLoopbackService({ port: 0, log: () => {} });
    const peer = await createLoopbackBackend({ url: service.url, name: 'Peer' });
    const seen: BackendEvent[] = [];
    const until = (what: string, check: () => boolean): Promise<void> => drainUntil(peer, seen, what, check, WAIT_MS);
    const heard = (text: string) => () => seen.some((e) => e.type === 'lobbyChatMessage' && Buffer.from(e.bytes).toString('utf8') === `${text}\0`);
    let probe: Godot4Engine | undefined;
    try {
      peer.createLobby(2, 4);
      await until('lobby created', () => seen.some((e) => e.type === 'lobbyCreated'));
      const created = seen.find((e) => e.type === 'lobbyCreated');
      const lobbyId = created?.type === 'lobbyCreated' ? created.lobbyId : 0n;
      const peerId = peer.localUserId();
      probe = await browser!.start({
        files: {
          'project.godot': readFileSync(join(ROOT, 'test', 'godot4-shim', 'project.godot'), 'utf8'),
          'main.gd': readFileSync(join(ROOT, 'test', 'godot4-shim', 'probe.gd'), 'utf8'),
          'steam.gd': readFileSync(SHIM4, 'utf8'),
        },
        args: [String(peerId), String(lobbyId)],
        search: shimQuery(service.url, 'Probe'),
        timeoutMs: 30_000,
      });
      const events = (ev: string): Record<string, unknown>[] =>
        probe!.lines.filter((line) => line.startsWith('LK ')).map((line) => JSON.parse(line.slice(3)) as Record<string, unknown>).filter((e) => e.ev === ev);
      const probeId = BigInt(await probe.waitForLine('ready', (line) => /^LK .*"ev":"ready".*"id":"(\d+)"/.exec(line)?.[1]));
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
      expect(await probe.exited, `${probe.lines.join('\n')}\n${probe.errors.join('\n')}`).toBe('0');

      // A web export's init answers at once and connects between frames: not logged on, no id, until connected.
      expect(events('init')).toEqual([{ ev: 'init', status: 0, logged_on: false, id: '0' }]);
      expect(events('ready')).toEqual([{ ev: 'ready', id: String(probeId), logged_on: true }]);
      // Joining lobby 0 fails as Steam answers a lobby that does not exist (2); the real one succeeds (1).
      expect(events('joined')).toEqual([
        { ev: 'joined', lobby: '0', permissions: 0, locked: false, response: 2 },
        { ev: 'joined', lobby: String(lobbyId), permissions: 0, locked: false, response: 1 },
      ]);
      expect(events('lobby')).toEqual([
        {
          ev: 'lobby',
          members: [String(peerId), String(probeId)],
          owner: String(peerId),
          limit: 4,
          peer_name: 'Peer',
          stranger_name: '',
          // An unreliable send over 1200 bytes, to oneself, send type 7, channel -1, lobby data by a non-owner.
          refused: [false, false, false, false, false],
        },
      ]);
      expect(events('packets')).toEqual([
        {
          ev: 'packets',
          requests: [String(peerId)],
          held: [0, 0, true],
          released: [1, 2],
          // GodotSteam 4 names the sender remote_steam_id, and only that.
          first: { data: 'a', remote_steam_id: String(peerId), keys: ['data', 'remote_steam_id'] },
          cut: 'b',
          then: true,
          dropped: 2,
          active: true,
        },
      ]);
      expect(events('disconnected')).toEqual([{ ev: 'disconnected', logged_on: false }]);
      expect(events('kicked')).toEqual([{ ev: 'kicked', lobby: String(lobbyId), admin: '0', due_to_disconnect: 1, members: 0 }]);
      // Starting over with the service gone: init still answers at once, then steam_server_connect_failed says so.
      const [unreachable] = events('unreachable');
      expect(unreachable).toMatchObject({ result: 3, retrying: false, logged_on: false, id: '0', init: { status: 0 }, init_result: { status: 2 } });
      expect((unreachable!.init_result as { verbal: string }).verbal).toContain(`no lobbykit loopback service is listening at ${service.url}`);
    } finally {
      await probe?.close();
      await peer.close();
      await service.close();
    }
  }, 60_000);
});
