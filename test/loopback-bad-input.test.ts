// Hostile and broken clients at the loopback service: each gets a clear error back or is removed cleanly, and the
// well-behaved players around them notice nothing but (at most) a member going away.
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ChatMemberStateChange, MAX_RELIABLE_BYTES } from '../src/effects/backend.js';
import { encodeChatFrame, encodePacketFrame, PACKET_HEADER_BYTES } from '../src/effects/loopback/binary-frames.js';
import { idToWire } from '../src/effects/loopback/protocol.js';
import { clientFrame, clientFrameHeader, createWorld, rawSocket, WAIT_MS, type Player, type World } from './loopback-world.js';

interface Reply {
  readonly t: string;
  readonly code?: string;
  readonly detail?: string;
  readonly userId?: string;
  readonly events?: { type: string; response?: number }[];
}

/** A ws client that speaks the protocol by hand, recording every text reply. */
async function handClient(url: string) {
  const socket = new WebSocket(url);
  const replies: Reply[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data, isBinary) => {
    if (!isBinary) replies.push(JSON.parse(data.toString()) as Reply);
    for (const w of waiters) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const w of waiters) w();
    }),
  );
  await once(socket, 'open');
  let read = 0;
  /** The next reply after those already taken. */
  const next = (): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (read < replies.length) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(replies[read++]!);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error('no reply from the service'));
      }, WAIT_MS);
      if (!check()) waiters.add(check);
    });
  const hello = async (name: string): Promise<bigint> => {
    socket.send(JSON.stringify({ op: 'hello', name, protocol: 1 }));
    const welcome = await next();
    expect(welcome.t).toBe('welcome');
    return BigInt(welcome.userId!);
  };
  return { socket, next, hello, closed };
}

describe('loopback service: bad input', () => {
  let world: World;
  let owner: Player;
  let member: Player;
  let lobbyId: bigint;

  beforeEach(async () => {
    world = await createWorld();
    owner = await world.player('Owner');
    member = await world.player('Member');
    owner.backend.createLobby(2, 8);
    lobbyId = (await owner.waitFor('lobbyCreated')).lobbyId;
    member.backend.joinLobby(lobbyId);
    await member.waitFor('lobbyEntered');
    await owner.waitFor('lobbyChatUpdate');
  });
  afterEach(async () => {
    await world.close();
  });

  /** The service still does its job for the well-behaved players. */
  async function serviceStillWorks(): Promise<void> {
    const text = new TextEncoder().encode(`still here ${owner.seen.length}`);
    expect(owner.backend.sendLobbyChat(lobbyId, text)).toBe(true);
    await member.waitFor('lobbyChatMessage', (e) => e.bytes.length === text.length && e.bytes.every((b, i) => b === text[i]));
    expect(member.backend.sendP2P(owner.id, new Uint8Array([7, 7]), 0, 3)).toBe(true);
    owner.backend.acceptSession(member.id);
    await owner.until('a packet on channel 3', () => owner.backend.availableP2P(3) > 0);
    expect(owner.backend.readP2P(3)).toMatchObject({ from: member.id });
  }

  it('answers malformed frames, unknown ops and bad arguments with a clear error, and keeps the connection', async () => {
    const client = await handClient(world.service.url);
    client.socket.send(JSON.stringify({ op: 'joinLobby', lobbyId: idToWire(lobbyId) }));
    expect(await client.next()).toMatchObject({ t: 'error', code: 'not-ready', detail: expect.stringMatching(/hello first/) });
    await client.hello('Mallory');

    const cases: [string | Uint8Array, string, RegExp][] = [
      ['{not json', 'malformed', /not JSON/],
      ['[1,2,3]', 'malformed', /JSON object/],
      [JSON.stringify({ nope: 1 }), 'malformed', /"op"/],
      [JSON.stringify({ op: 'teleport' }), 'unknown-op', /unknown op "teleport"/],
      [JSON.stringify({ op: 'joinLobby', lobbyId: 42 }), 'invalid-argument', /decimal string/],
      [JSON.stringify({ op: 'joinLobby', lobbyId: '-5' }), 'invalid-argument', /lobbyId/],
      [JSON.stringify({ op: 'requestLobbyList', filters: { numbers: [{ key: 'k', value: 1, comparison: '~' }] } }), 'invalid-argument', /numerical filter/],
      [JSON.stringify({ op: 'setLobbyData', lobbyId: idToWire(lobbyId), key: 'k', value: 'v' }), 'not-a-member', /not a member/],
      [new Uint8Array([9, 1, 2]), 'malformed', /unknown binary frame kind 9/],
      [new Uint8Array([1, 2, 3]), 'malformed', /shorter than its 22-byte header/],
      [new Uint8Array([]), 'malformed', /empty/],
    ];
    for (const [frame, code, detail] of cases) {
      client.socket.send(frame, { binary: typeof frame !== 'string' });
      const reply = await client.next();
      expect(reply, String(frame)).toMatchObject({ t: 'error', code });
      expect(reply.detail, String(frame)).toMatch(detail);
    }
    // A refused creation still answers lobbyCreated (fail), so a game waiting for it is never left hanging.
    client.socket.send(JSON.stringify({ op: 'createLobby', lobbyType: 2, maxMembers: 251 }));
    expect(await client.next()).toMatchObject({ t: 'error', code: 'invalid-argument', detail: expect.stringMatching(/max members/) });
    expect(await client.next()).toMatchObject({ t: 'update', events: [{ type: 'lobbyCreated', result: 2, lobbyId: '0' }] });
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    // Every case, the early join and the refused creation.
    expect(world.service.stats().framesRefused).toBe(cases.length + 2);
    await serviceStillWorks();
    client.socket.close();
  });

  it('refuses a client claiming another user’s id, in packets, chat and control fields; nothing reaches anyone', async () => {
    const client = await handClient(world.service.url);
    const mallory = await client.hello('Mallory');
    const before = world.service.stats().packetsRelayed;

    client.socket.send(encodePacketFrame(2, 0, owner.id, member.id, new Uint8Array([1])));
    expect(await client.next()).toMatchObject({ code: 'impersonation', detail: expect.stringContaining(`this connection is ${mallory}`) });
    client.socket.send(encodeChatFrame(member.id, lobbyId, new Uint8Array([1])));
    expect(await client.next()).toMatchObject({ code: 'impersonation' });
    client.socket.send(JSON.stringify({ op: 'joinLobby', lobbyId: idToWire(lobbyId), from: idToWire(owner.id) }));
    expect(await client.next()).toMatchObject({ code: 'impersonation', detail: expect.stringMatching(/"from" says/) });
    client.socket.send(JSON.stringify({ op: 'hello', name: 'Owner again', protocol: 1 }));
    expect(await client.next()).toMatchObject({ code: 'invalid-argument', detail: expect.stringMatching(/already said hello/) });

    // Its own id is fine, and is what the receiver sees.
    client.socket.send(encodePacketFrame(2, 0, mallory, member.id, new Uint8Array([5])));
    await member.waitFor('p2pSessionRequest', (e) => e.remote === mallory);
    expect(world.service.stats().packetsRelayed).toBe(before + 1);
    expect(member.seen.filter((e) => e.type === 'p2pSessionRequest').map((e) => (e as { remote: bigint }).remote)).toEqual([mallory]);
    expect(member.seen.some((e) => e.type === 'lobbyChatMessage')).toBe(false);
    expect(member.backend.getLobbyMembers(lobbyId)).toEqual([owner.id, member.id]);
    await serviceStillWorks();
    client.socket.close();
  });

  it('refuses sends above Steam’s limits with an error, and cuts off a frame above the wire limit (1009)', async () => {
    const client = await handClient(world.service.url);
    const mallory = await client.hello('Mallory');
    client.socket.send(JSON.stringify({ op: 'joinLobby', lobbyId: idToWire(lobbyId) }));
    expect((await client.next()).events?.[0]).toMatchObject({ type: 'lobbyEntered', response: 1 });
    await owner.waitFor('lobbyChatUpdate', (e) => e.changed === mallory);

    client.socket.send(encodePacketFrame(0, 0, mallory, member.id, new Uint8Array(1201)));
    expect(await client.next()).toMatchObject({ code: 'too-large', detail: expect.stringMatching(/unreliable sends are limited to 1200 bytes, got 1201/) });
    client.socket.send(encodeChatFrame(mallory, lobbyId, new Uint8Array(4097)));
    expect(await client.next()).toMatchObject({ code: 'too-large', detail: expect.stringMatching(/4096/) });
    client.socket.send(JSON.stringify({ op: 'ping', seq: 1, pad: 'x'.repeat(70_000) }));
    expect(await client.next()).toMatchObject({ code: 'too-large', detail: expect.stringMatching(/control frames/) });
    expect(client.socket.readyState).toBe(WebSocket.OPEN);

    // Above a full reliable packet plus header the service does not even buffer it: the connection goes.
    client.socket.send(new Uint8Array(MAX_RELIABLE_BYTES + PACKET_HEADER_BYTES + 1));
    const { code } = await client.closed;
    expect(code).toBe(1009);
    const gone = await owner.waitFor('lobbyChatUpdate', (e) => e.changed === mallory && e.state !== ChatMemberStateChange.entered);
    expect(gone.state).toBe(ChatMemberStateChange.disconnected);
    expect(owner.backend.getLobbyMembers(lobbyId)).toEqual([owner.id, member.id]);
    await serviceStillWorks();
  });

  it('removes a client that vanishes mid-frame: members see it disconnect and ownership moves', async () => {
    // The vanishing client owns a lobby with one other member: an invisible one, since that member is already in
    // a regular lobby and Steam allows one regular lobby (and two invisible ones) per user.
    const socket = await rawSocket(world.service.url);
    socket.write(clientFrame(1, JSON.stringify({ op: 'hello', name: 'Ghost', protocol: 1 })));
    socket.write(clientFrame(1, JSON.stringify({ op: 'createLobby', lobbyType: 3, maxMembers: 4 })));
    owner.backend.requestLobbyList({ resultCount: 10 });
    // Find the ghost's lobby through the directory, then join it.
    await owner.until('the ghost lobby to be listed', () => {
      const lists = owner.seen.filter((e) => e.type === 'lobbyList') as { lobbyIds: readonly bigint[] }[];
      const last = lists[lists.length - 1];
      if (last !== undefined && last.lobbyIds.length < 2) owner.backend.requestLobbyList({ resultCount: 10 });
      return last !== undefined && last.lobbyIds.length === 2;
    });
    const lists = owner.seen.filter((e) => e.type === 'lobbyList') as { lobbyIds: readonly bigint[] }[];
    const ghostLobby = lists[lists.length - 1]!.lobbyIds.find((id) => id !== lobbyId)!;
    member.backend.joinLobby(ghostLobby);
    await member.waitFor('lobbyEntered', (e) => e.lobbyId === ghostLobby && e.response === 1);
    const ghost = member.backend.getLobbyOwner(ghostLobby);
    expect(member.backend.personaName(ghost)).toBe('Ghost');

    // Half a packet frame, then the process is gone.
    socket.write(clientFrameHeader(2, 1000));
    socket.write(Buffer.alloc(100));
    socket.destroy();

    const left = await member.waitFor('lobbyChatUpdate', (e) => e.lobbyId === ghostLobby && e.changed === ghost);
    expect(left.state).toBe(ChatMemberStateChange.disconnected);
    await member.waitFor('lobbyDataUpdate', (e) => e.lobbyId === ghostLobby && e.memberId === ghostLobby);
    expect(member.backend.getLobbyOwner(ghostLobby)).toBe(member.id);
    expect(member.backend.getLobbyMembers(ghostLobby)).toEqual([member.id]);
    expect(world.log.some((line) => line.startsWith('Ghost') && line.includes('disconnected'))).toBe(true);
    await serviceStillWorks();
  });
});
