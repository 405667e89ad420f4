import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createActor } from 'xstate';
import { VirtualClock } from '../src/effects/clock.js';
import { InspectFeed, activeStateIds, leafPaths, type ActorView, type FeedUpdate } from '../src/inspect/feed.js';
import { SCRIPTED_LOBBY_ID, startScriptedLobby, type ScriptedLobby } from '../src/inspect/scripted-lobby.js';
import { createInspectServer, type InspectServer } from '../src/inspect/server.js';
import { peerSessionMachine } from '../src/machines/peer-session.machine.js';
import { lobbyMachine } from '../src/machines/lobby.machine.js';
import { NO_EFFECTS } from '../src/machines/effects.js';
import { sessionMachine } from '../src/machines/session.machine.js';

interface Message extends FeedUpdate {
  readonly type: 'hello' | 'update';
}

const open: { server?: InspectServer; lobby?: ScriptedLobby; sockets: WebSocket[] } = { sockets: [] };

afterEach(async () => {
  for (const ws of open.sockets) ws.terminate();
  open.sockets = [];
  open.lobby?.stop();
  open.lobby = undefined;
  await open.server?.close();
  open.server = undefined;
});

async function serve(options: Parameters<typeof createInspectServer>[0] = {}): Promise<InspectServer> {
  open.server = await createInspectServer(options);
  return open.server;
}

/** Connects and collects every message; `next()` resolves with the next one not yet taken. */
function connect(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}feed`, { headers });
  open.sockets.push(ws);
  const inbox: Message[] = [];
  const waiters: ((m: Message) => void)[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as Message;
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else inbox.push(message);
  });
  const next = (): Promise<Message> =>
    inbox.length > 0 ? Promise.resolve(inbox.shift()!) : new Promise((resolve) => waiters.push(resolve));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return { ws, next, opened };
}

const byName = (actors: readonly ActorView[]) => new Map(actors.map((a) => [a.name, a]));
const peersOf = (actors: readonly ActorView[]) => actors.filter((a) => a.machineId === 'peerSession');

describe('inspect server', () => {
  it('serves one self-contained page on loopback that draws every machine, and nothing else', async () => {
    const server = await serve();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    for (const id of ['cluster:session', 'cluster:lobby', 'cluster:lobby.joined', 'state:lobby.joined.present', 'state:lobby.joined.reconnecting.rejoining', 'state:lobbyList.listing', 'state:peerSession.handshaking']) {
      expect(html).toContain(`id="${id}"`);
    }
    // No CDN, no external script or stylesheet: everything is inline.
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?https?:/i);
    expect((await fetch(`${server.url}other`)).status).toBe(404);
  });

  it('refuses to listen anywhere but loopback', async () => {
    await expect(createInspectServer({ host: '0.0.0.0' })).rejects.toMatchObject({ code: 'not-loopback' });
  });

  it('refuses a feed connection from another origin', async () => {
    const server = await serve();
    const client = connect(server.url, { origin: 'http://evil.example' });
    await expect(client.opened).rejects.toThrow(/403/);
  });

  it('gives a late browser the current state of the lobby, the root and every peer', async () => {
    const clock = new VirtualClock();
    const server = await serve({ clock });
    open.lobby = startScriptedLobby({ clock, inspect: server.inspect, members: 3, latencyMs: 100, memberEveryMs: 500 });
    clock.advance(10_000);

    const client = connect(server.url);
    await client.opened;
    const hello = await client.next();
    expect(hello.type).toBe('hello');
    const actors = byName(hello.actors);
    expect(actors.get('lobby')?.value).toContain('joined.present');
    expect(actors.get('lobby')?.stateIds).toContain('lobby.joined.present');
    const root = hello.actors.find((a) => a.machineId === 'session');
    expect(root?.value).toEqual(['inLobby.allConnected']);
    const peers = peersOf(hello.actors);
    expect(peers.map((p) => p.name).sort()).toEqual(open.lobby.memberIds.map((id) => `peer:${id}`).sort());
    expect(peers).toHaveLength(3);
    for (const peer of peers) expect(peer.value).toEqual(['connected']);
    // Steam IDs reach the page as text; the last member's first handshake failed and was retried.
    const lastPeer = `peer:${open.lobby.memberIds[2]}`;
    expect(hello.log.some((e) => e.event === 'lobby.created' && e.detail.includes(`lobbyId=${SCRIPTED_LOBBY_ID}n`))).toBe(true);
    expect(hello.log.some((e) => e.event === 'peer.sessionFailed' && e.to === lastPeer)).toBe(true);
  });

  it('streams changes to connected browsers as they happen', async () => {
    const clock = new VirtualClock();
    const server = await serve({ clock });
    const client = connect(server.url);
    await client.opened;
    expect((await client.next()).actors).toEqual([]);

    const peer = createActor(peerSessionMachine, { clock, inspect: server.inspect, input: { remoteId: 42n, effects: NO_EFFECTS } });
    peer.start();
    const first = await client.next();
    expect(first.type).toBe('update');
    expect(first.actors.at(-1)?.value).toEqual(['handshaking']);

    peer.send({ type: 'peer.handshakeAck', remoteId: 42n });
    const second = await client.next();
    expect(second.actors.at(-1)?.value).toEqual(['connected']);
    expect(second.log.map((e) => e.event)).toContain('peer.handshakeAck');
    expect(second.log.find((e) => e.event === 'peer.handshakeAck')?.detail).toBe('remoteId=42n');
    peer.stop();
  });

  it('keeps only the last N log entries', async () => {
    const clock = new VirtualClock();
    const server = await serve({ clock, logLimit: 10 });
    const peer = createActor(peerSessionMachine, { clock, inspect: server.inspect, input: { remoteId: 7n, effects: NO_EFFECTS } });
    peer.start();
    peer.send({ type: 'peer.handshakeAck', remoteId: 7n });
    for (let i = 0; i < 40; i++) peer.send({ type: 'peer.handshake', remoteId: 7n });
    const client = connect(server.url);
    await client.opened;
    const hello = await client.next();
    expect(hello.log).toHaveLength(10);
    const seqs = hello.log.map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => seqs[0]! + i));
    expect(seqs[0]).toBeGreaterThan(30);
    peer.stop();
  });
});

describe('inspect feed', () => {
  it('resolves active state ids through the machine, for parallel states too', () => {
    const value = { inLobby: 'connecting' };
    expect(leafPaths(value)).toEqual(['inLobby.connecting']);
    expect(activeStateIds(sessionMachine.root, value)).toEqual(['session', 'session.inLobby', 'session.inLobby.connecting']);
    expect(activeStateIds(lobbyMachine.root, 'joined')).toEqual(['lobby', 'lobby.joined']);
  });

  it('forgets finished actors beyond its limit but keeps live ones', () => {
    const clock = new VirtualClock();
    const feed = new InspectFeed({ finishedLimit: 2 });
    const peers = Array.from({ length: 5 }, (_, i) =>
      createActor(peerSessionMachine, { clock, inspect: (e) => void feed.apply(e), input: { remoteId: BigInt(i + 1), effects: NO_EFFECTS } }),
    );
    for (const peer of peers) peer.start();
    for (const peer of peers.slice(0, 4)) peer.send({ type: 'peer.close', remoteId: 1n, cause: 'lobby-left' });
    const actors = feed.current().actors;
    expect(actors.filter((a) => a.status === 'done')).toHaveLength(2);
    expect(actors.filter((a) => a.status === 'active')).toHaveLength(1);
  });

  it('summarizes events in one bounded line', () => {
    const feed = new InspectFeed();
    const clock = new VirtualClock();
    const peer = createActor(peerSessionMachine, { clock, inspect: (e) => void feed.apply(e), input: { remoteId: 9n, effects: NO_EFFECTS } });
    peer.start();
    peer.send({ type: 'peer.sessionFailed', remoteId: 9n, error: 4 });
    const entry = feed.current().log.find((e) => e.event === 'peer.sessionFailed');
    expect(entry?.detail).toBe('remoteId=9n error=4');
    // An unnamed root actor is shown by its machine's id rather than XState's generated `x:0`.
    expect(peer.id).toMatch(/^x:/);
    expect(entry?.to).toBe('peerSession');
    peer.stop();
  });
});
