// The loopback service against clients that misbehave over time: one that stops reading, one that floods bad
// frames, one that stops answering, a web page from elsewhere, one that hoards lobbies. What each costs the service
// is counted in bytes and replies (never timed), and the honest players around it notice at most a member leaving.
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ChatMemberStateChange, CreateLobbyResult, MAX_RELIABLE_BYTES } from '../src/effects/backend.js';
import { VirtualClock } from '../src/effects/clock.js';
import { idToWire } from '../src/effects/loopback/protocol.js';
import { startLoopbackService } from '../src/loopback-server/service.js';
import { clientFrame, createWorld, rawSocket, serviceReplies, type Player, type World } from './loopback-world.js';

let world: World | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await world?.close();
  world = undefined;
});

async function lobbyWith(owner: Player, ...members: Player[]): Promise<bigint> {
  expect(owner.backend.createLobby(2, 8)).toBe(true);
  const lobbyId = (await owner.waitFor('lobbyCreated')).lobbyId;
  for (const member of members) {
    member.backend.joinLobby(lobbyId);
    await member.waitFor('lobbyEntered', (e) => e.lobbyId === lobbyId && e.response === 1);
    await owner.waitFor('lobbyChatUpdate', (e) => e.changed === member.id);
  }
  return lobbyId;
}

/** A hand-driven client on a raw socket that joins `lobbyId`; resolves with its id as the owner learns it. */
async function rawMember(w: World, owner: Player, lobbyId: bigint, name: string) {
  const socket = await rawSocket(w.service.url);
  sockets.push(socket);
  const replies = serviceReplies(socket);
  socket.write(clientFrame(1, JSON.stringify({ op: 'hello', name, protocol: 1 })));
  socket.write(clientFrame(1, JSON.stringify({ op: 'joinLobby', lobbyId: idToWire(lobbyId) })));
  const entered = await owner.waitFor('lobbyChatUpdate', (e) => e.lobbyId === lobbyId && owner.backend.personaName(e.changed) === name);
  return { socket, replies, id: entered.changed };
}

/** Chat and a packet still flow between two honest players. */
async function stillWorks(a: Player, b: Player, lobbyId: bigint): Promise<void> {
  const text = new TextEncoder().encode(`still here ${a.seen.length}`);
  expect(a.backend.sendLobbyChat(lobbyId, text)).toBe(true);
  await b.waitFor('lobbyChatMessage', (e) => e.bytes.length === text.length && e.bytes.every((x, i) => x === text[i]));
  expect(b.backend.sendP2P(a.id, new Uint8Array([4, 2]), 2, 5)).toBe(true);
  a.backend.acceptSession(b.id);
  await a.until('a packet on channel 5', () => a.backend.availableP2P(5) > 0);
  expect(a.backend.readP2P(5)).toMatchObject({ from: b.id });
}

describe('loopback service: bounded per connection', () => {
  it('drops a member that stops reading once its backlog passes the limit; the others are untouched', async () => {
    // The smallest limit the service takes: two full reliable packets with their headers.
    const limit = 2 * (MAX_RELIABLE_BYTES + 22);
    world = await createWorld({ maxOutgoingBytes: limit });
    const owner = await world.player('Owner');
    const bob = await world.player('Bob');
    const lobbyId = await lobbyWith(owner, bob);
    const slow = await rawMember(world, owner, lobbyId, 'Sleepy');
    slow.socket.pause(); // never reads again: the kernel's buffers fill, then the service's

    // 32 MiB of reliable packets: far more than the kernel's socket buffers and the limit together.
    const sent = 32;
    const packet = new Uint8Array(MAX_RELIABLE_BYTES).fill(7);
    for (let i = 0; i < sent; i++) expect(owner.backend.sendP2P(slow.id, packet, 2, 0)).toBe(true);

    const gone = await owner.waitFor('lobbyChatUpdate', (e) => e.changed === slow.id && e.state !== ChatMemberStateChange.entered);
    expect(gone.state).toBe(ChatMemberStateChange.disconnected);
    await owner.waitFor('p2pConnectFail', (e) => e.remote === slow.id);
    await owner.backend.settle();
    const stats = world.service.stats();
    expect(stats.slowClientsDropped).toBe(1);
    expect(stats.peakOutgoingBytes).toBeGreaterThan(0);
    expect(stats.peakOutgoingBytes).toBeLessThanOrEqual(limit);
    expect(stats.packetsRelayed).toBeLessThan(sent);
    expect(world.log.some((line) => line.startsWith('Sleepy') && /stopped reading/.test(line))).toBe(true);
    expect(bob.backend.getLobbyMembers(lobbyId)).toEqual([owner.id, bob.id]);
    await stillWorks(owner, bob, lobbyId);
  });

  it('answers a flood of 300,000 malformed frames with a handful of replies, then says how many it held back', async () => {
    const clock = new VirtualClock();
    // The budget refills on this clock; pings are off so that a minute of it drops nobody.
    world = await createWorld({ clock, deadAfterMs: 0 });
    const owner = await world.player('Owner');
    const bob = await world.player('Bob');
    const lobbyId = await lobbyWith(owner, bob);
    const flooder = await rawMember(world, owner, lobbyId, 'Flood');

    const flood = 300_000;
    // Seven bytes each: a one-byte binary frame of unknown kind 9.
    flooder.socket.write(Buffer.concat(Array.from({ length: flood }, () => clientFrame(2, new Uint8Array([9])))));
    flooder.socket.write(clientFrame(1, JSON.stringify({ op: 'ping', seq: 1 })));
    const replies = await flooder.replies.until((r) => r.t === 'pong');
    const errors = replies.filter((r) => r.t === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThanOrEqual(32);
    expect(errors.every((e) => e.code === 'malformed')).toBe(true);
    let stats = world.service.stats();
    expect(stats.framesRefused).toBe(flood);
    expect(stats.errorRepliesSuppressed).toBe(flood - errors.length);
    expect(stats.peakOutgoingBytes).toBeLessThan(64 * 1024);

    // Time passes, the budget returns, and the next error says how many went unanswered meanwhile.
    clock.advance(60_000);
    flooder.socket.write(clientFrame(2, new Uint8Array([9])));
    flooder.socket.write(clientFrame(1, JSON.stringify({ op: 'ping', seq: 2 })));
    const [next] = await flooder.replies.until((r) => r.t === 'pong');
    expect(next).toMatchObject({ t: 'error', code: 'malformed', suppressed: flood - errors.length });
    stats = world.service.stats();
    expect(stats.framesRefused).toBe(flood + 1);
    await stillWorks(owner, bob, lobbyId);
  });

  it('lets one connection be in one regular lobby (and two invisible ones), not 5,000', async () => {
    world = await createWorld();
    const owner = await world.player('Owner');
    const bob = await world.player('Bob');
    const lobbyId = await lobbyWith(owner, bob);
    const hoarder = await rawSocket(world.service.url);
    sockets.push(hoarder);
    const replies = serviceReplies(hoarder);
    hoarder.write(clientFrame(1, JSON.stringify({ op: 'hello', name: 'Hoarder', protocol: 1 })));
    const attempts = 5000;
    const create = (lobbyType: number) => clientFrame(1, JSON.stringify({ op: 'createLobby', lobbyType, maxMembers: 4 }));
    hoarder.write(Buffer.concat(Array.from({ length: attempts }, (_, i) => create(i % 2 === 0 ? 2 : 3))));
    hoarder.write(clientFrame(1, JSON.stringify({ op: 'ping', seq: 1 })));
    const answers = await replies.until((r) => r.t === 'pong');
    const created = answers.flatMap((r) => (r.t === 'update' ? (r.events as { type: string; result: number }[]) : [])).filter((e) => e.type === 'lobbyCreated');
    expect(created).toHaveLength(attempts);
    // Steam's rule: one regular lobby and up to two invisible ones; the rest are refused with EResult 25.
    expect(created.filter((e) => e.result === CreateLobbyResult.ok)).toHaveLength(3);
    expect(created.filter((e) => e.result === CreateLobbyResult.limitExceeded)).toHaveLength(attempts - 3);
    expect(answers.find((r) => r.t === 'error')).toMatchObject({ code: 'lobby-limit', detail: expect.stringMatching(/one regular/) });
    expect(world.service.stats().lobbies).toBe(1 + 3);
    await stillWorks(owner, bob, lobbyId);
  });
});

describe('loopback service: vanished clients', () => {
  it('drops a member that keeps its socket open but answers nothing, and keeps one that is only quiet', async () => {
    const clock = new VirtualClock();
    const deadAfterMs = 3000;
    world = await createWorld({ clock, deadAfterMs });
    const owner = await world.player('Owner');
    const quiet = await world.player('Quiet');
    const lobbyId = await lobbyWith(owner, quiet);
    const silent = await rawMember(world, owner, lobbyId, 'Frozen');
    // Pings go out every third of the window; two round trips of the owner let every answer to them arrive.
    const step = async (): Promise<void> => {
      clock.advance(deadAfterMs / 3);
      await owner.backend.settle();
      await owner.backend.settle();
    };
    for (let i = 0; i < 3; i++) await step();

    const gone = await owner.waitFor('lobbyChatUpdate', (e) => e.changed === silent.id && e.state !== ChatMemberStateChange.entered);
    expect(gone.state).toBe(ChatMemberStateChange.disconnected);
    expect(world.service.stats().silentClientsDropped).toBe(1);
    expect(world.log.some((line) => line.startsWith('Frozen') && /no answer for 3000 ms/.test(line))).toBe(true);
    // The quiet member sent nothing in all that time but answered every ping (ws does, as browsers and Godot do).
    for (let i = 0; i < 6; i++) await step();
    expect(owner.backend.getLobbyMembers(lobbyId)).toEqual([owner.id, quiet.id]);
    expect(quiet.backend.isConnected()).toBe(true);
    expect(world.service.stats().silentClientsDropped).toBe(1);
  });
});

describe('loopback service: browser origins', () => {
  /** Connects with `origin` as a browser page would; resolves with the welcome or the close it got. */
  async function visit(url: string, origin: string | undefined): Promise<{ welcomed: boolean; code?: number; reason?: string }> {
    const socket = new WebSocket(url, origin === undefined ? {} : { origin });
    const closed = once(socket, 'close') as Promise<[number, Buffer]>;
    await once(socket, 'open');
    socket.send(JSON.stringify({ op: 'hello', name: 'page', protocol: 1 }));
    const first = await Promise.race([once(socket, 'message').then(([data]) => JSON.parse(String(data)) as { t: string }), closed]);
    if (!Array.isArray(first) && first.t === 'welcome') {
      socket.close();
      await closed;
      return { welcomed: true };
    }
    const [code, reason] = await closed;
    return { welcomed: false, code, reason: reason.toString() };
  }

  it('lets this machine’s pages and non-browser clients in, refuses other web pages unless allowed', async () => {
    const service = await startLoopbackService({ port: 0, allowOrigins: ['https://game.example', 'app://game'] });
    try {
      // Written from the rule: loopback pages and Electron's file:// pages yes; the rest only when named.
      const table: readonly [string | undefined, boolean][] = [
        [undefined, true],
        ['http://127.0.0.1:5173', true],
        ['http://localhost:8080', true],
        ['https://[::1]:8443', true],
        ['file://', true],
        ['https://game.example', true],
        ['HTTPS://GAME.EXAMPLE', true],
        ['app://game', true],
        ['https://evil.example', false],
        ['https://game.example.evil.example', false],
        ['http://127.0.0.1.evil.example', false],
        ['null', false],
      ];
      for (const [origin, allowed] of table) {
        const result = await visit(service.url, origin);
        expect(result.welcomed, String(origin)).toBe(allowed);
        if (!allowed) expect(result, String(origin)).toMatchObject({ code: 1008, reason: expect.stringMatching(/not allowed; run lobbykit serve --allow-origin/) });
      }
      expect(service.stats().originsRefused).toBe(table.filter(([, allowed]) => !allowed).length);
      expect(service.stats().users).toBe(0);
    } finally {
      await service.close();
    }
  });

  it('refuses bad options with a sentence, before listening', async () => {
    await expect(startLoopbackService({ port: 0, allowOrigins: ['https://game.example/path'] })).rejects.toThrow(/--allow-origin takes an origin/);
    await expect(startLoopbackService({ port: 0, deadAfterMs: -1 })).rejects.toThrow(/deadAfterMs/);
    await expect(startLoopbackService({ port: 0, maxOutgoingBytes: 1024 })).rejects.toThrow(/maxOutgoingBytes must be an integer of at least/);
  });
});
