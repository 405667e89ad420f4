// runtime.actor is public, so a devtool or a game may send it anything the machines accept (a public send once
// killed the runtime). Every event type of the root (SessionEvent: the lobby's, the lobby list's, session requests,
// the peers') is sent from outside with a well-formed payload, in and out of a lobby, to runtime.actor and straight
// to the lobby and lobby-list actors in its system. No actor ever errors, every promise settles, the events only
// the machines raise themselves are refused with a typed error, and afterwards the runtime still creates, is
// joined and delivers a message. The table is a Record over the event types, so a new event type fails to compile
// here until it is added.
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../src/machines/session.machine.js';
import { connectLobbyArgs } from '../src/effects/sim/network.js';
import { createRuntimeWorld, type Player, type RuntimeWorld } from './helpers/runtime-world.js';

interface Scene {
  readonly self: bigint;
  readonly other: bigint;
  readonly lobbyId: bigint;
  readonly epoch: number;
}

const EVENTS: { readonly [T in SessionEvent['type']]: (s: Scene) => Extract<SessionEvent, { type: T }> } = {
  'lobby.create': () => ({ type: 'lobby.create', lobbyType: 2, maxMembers: 4, data: { name: 'outside' } }),
  'lobby.join': (s) => ({ type: 'lobby.join', lobbyId: s.lobbyId }),
  'lobby.leave': () => ({ type: 'lobby.leave' }),
  'lobby.kick': (s) => ({ type: 'lobby.kick', memberId: s.other, epoch: s.epoch }),
  'lobby.ban': (s) => ({ type: 'lobby.ban', memberId: s.other, epoch: s.epoch }),
  'lobby.start': (s) => ({ type: 'lobby.start', epoch: s.epoch }),
  'lobby.invited': (s) => ({ type: 'lobby.invited', lobbyId: s.lobbyId, from: s.other }),
  'lobby.joinRequested': (s) => ({ type: 'lobby.joinRequested', lobbyId: s.lobbyId, friendId: s.other }),
  'lobby.launchArgs': (s) => ({ type: 'lobby.launchArgs', argv: connectLobbyArgs(s.lobbyId) }),
  'lobby.created': (s) => ({ type: 'lobby.created', result: 1, lobbyId: s.lobbyId + 1n }),
  'lobby.createRefused': () => ({ type: 'lobby.createRefused', reason: 'sent from outside' }),
  'lobby.entered': (s) => ({ type: 'lobby.entered', lobbyId: s.lobbyId, response: 1, ownerId: s.other, members: [s.other, s.self] }),
  'lobby.joinRefused': (s) => ({ type: 'lobby.joinRefused', lobbyId: s.lobbyId, reason: 'sent from outside' }),
  'lobby.ownerChanged': (s) => ({ type: 'lobby.ownerChanged', lobbyId: s.lobbyId, ownerId: s.self }),
  'lobby.gone': (s) => ({ type: 'lobby.gone', lobbyId: s.lobbyId }),
  'lobby.left': () => ({ type: 'lobby.left' }),
  'member.changed': (s) => ({ type: 'member.changed', memberId: s.other, change: 'left', changedBy: s.other }),
  'steam.serversDisconnected': () => ({ type: 'steam.serversDisconnected' }),
  'lobby.list': () => ({ type: 'lobby.list', filters: {} }),
  'lobby.listReceived': (s) => ({ type: 'lobby.listReceived', lobbies: [s.lobbyId] }),
  'lobby.listRefused': () => ({ type: 'lobby.listRefused', reason: 'sent from outside' }),
  'session.request': (s) => ({ type: 'session.request', remoteId: s.other }),
  'peer.handshake': (s) => ({ type: 'peer.handshake', remoteId: s.other }),
  'peer.handshakeAck': (s) => ({ type: 'peer.handshakeAck', remoteId: s.other }),
  'peer.silent': (s) => ({ type: 'peer.silent', remoteId: s.other }),
  'peer.sessionFailed': (s) => ({ type: 'peer.sessionFailed', remoteId: s.other, error: 1 }),
  'peer.close': (s) => ({ type: 'peer.close', remoteId: s.other, cause: 'member-left' }),
  'peer.connected': (s) => ({ type: 'peer.connected', remoteId: s.other, attempt: 1 }),
  'peer.attemptFailed': (s) => ({
    type: 'peer.attemptFailed',
    remoteId: s.other,
    attempt: 1,
    failure: { code: 'handshake-timeout', reason: 'sent from outside' },
    retryInMs: 100,
  }),
  'peer.closed': (s) => ({ type: 'peer.closed', remoteId: s.other, reason: { code: 'closed-by-runtime', cause: 'member-left' } }),
  'session.heartbeatDue': () => ({ type: 'session.heartbeatDue' }),
  'session.reconnectDue': (s) => ({ type: 'session.reconnectDue', remoteId: s.other, token: 1 }),
  'session.seatExpired': (s) => ({ type: 'session.seatExpired', memberId: s.other, token: 1 }),
  'lobby.acceptInvite': (s) => ({ type: 'lobby.acceptInvite', lobbyId: s.lobbyId, from: s.other }),
  'steam.serversConnected': () => ({ type: 'steam.serversConnected' }),
  'peer.reconnect': (s) => ({ type: 'peer.reconnect', remoteId: s.other }),
  'vote.start': (s) => ({ type: 'vote.start', target: s.other }),
  'vote.cast': () => ({ type: 'vote.cast', approve: true }),
  'vote.startReceived': (s) => ({ type: 'vote.startReceived', starter: s.other, voteId: 1, target: s.self }),
  'vote.ballotReceived': (s) => ({ type: 'vote.ballotReceived', voter: s.other, starter: s.other, voteId: 1, target: s.self, approve: true }),
};

// What the runtime's API says only the machines raise for themselves (api.ts, `actor`).
const MACHINES_ONLY: ReadonlySet<string> = new Set([
  'peer.connected',
  'peer.attemptFailed',
  'peer.closed',
  'session.heartbeatDue',
  'session.reconnectDue',
  'session.seatExpired',
]);
const LOBBY_LIST_EVENTS: ReadonlySet<string> = new Set(['lobby.list', 'lobby.listReceived', 'lobby.listRefused', 'steam.serversDisconnected']);

let world: RuntimeWorld | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

/** A player whose every actor's snapshots are watched for an 'error' status. */
function watchedPlayer(w: RuntimeWorld, index: number, failures: string[]): Player {
  const inspect = (event: InspectionEvent): void => {
    if (event.type !== '@xstate.snapshot') return;
    const status = (event.snapshot as { status?: string }).status;
    if (status === 'error') failures.push(`${(event.actorRef as AnyActorRef).id}: ${String((event.snapshot as { error?: unknown }).error)}`);
  };
  return w.player(index, {}, { inspect });
}

async function settled<T>(w: RuntimeWorld, promise: Promise<T>, maxMs = 30_000): Promise<T> {
  let result: { value: T } | undefined;
  void promise.then((value) => (result = { value }));
  await w.runUntil(() => result !== undefined, maxMs);
  if (result === undefined) throw new Error(`still pending after ${maxMs} ms of virtual time`);
  return result.value;
}

async function lobbyOf(w: RuntimeWorld, host: Player): Promise<bigint> {
  const created = await settled(w, host.runtime.createLobby({ maxMembers: 8 }));
  if (!created.ok) throw new Error(created.error.reason);
  return created.lobbyId;
}

describe('events sent to runtime.actor from outside', () => {
  it('every event type, in and out of a lobby, to the root and to the lobby and list actors: nothing breaks', async () => {
    const w = createRuntimeWorld('simulated', 11);
    world = w;
    const failures: string[] = [];
    const alice = watchedPlayer(w, 0, failures);
    const bob = watchedPlayer(w, 1, failures);
    const carol = watchedPlayer(w, 2, failures);
    const bobsLobby = await lobbyOf(w, bob);
    const scene = (): Scene => ({ self: alice.id, other: bob.id, lobbyId: bobsLobby, epoch: alice.runtime.lobbyState().epoch });

    const sendAll = async (target: (type: string) => AnyActorRef | undefined): Promise<void> => {
      for (const [type, make] of Object.entries(EVENTS)) {
        const actor = target(type);
        if (actor === undefined) continue;
        expect(() => actor.send(make(scene()) as never), type).not.toThrow();
        await w.run(50);
      }
    };

    // Outside a lobby, then inside Bob's (with a connected peer), to the root through runtime.actor.
    const refusedBefore = alice.errorsOf('invalid-argument').length;
    await sendAll(() => alice.runtime.actor);
    // Outside events may have started a create or a join of their own: leave, and let any abandoned one time out.
    alice.runtime.leaveLobby();
    await w.run(25_000);
    const joined = await settled(w, alice.runtime.joinLobby(bobsLobby));
    expect(joined.ok).toBe(true);
    expect(await w.runUntil(() => alice.runtime.allConnected(), 10_000)).toBe(true);
    await sendAll(() => alice.runtime.actor);
    const refused = alice.errorsOf('invalid-argument').slice(refusedBefore).filter((e) => e.command === 'actor.send');
    expect(refused.map((e) => e.reason.split(' ')[0]).sort()).toEqual([...MACHINES_ONLY, ...MACHINES_ONLY].sort());

    // Straight to the lobby and lobby-list actors, past the runtime (every event each of them takes).
    const system = alice.runtime.actor.system;
    await sendAll((type) => (LOBBY_LIST_EVENTS.has(type) ? system.get('lobbyList') : type.startsWith('lobby.') || type === 'member.changed' ? system.get('lobby') : undefined));

    // Whatever state that left, the runtime recovers with its public API and works as ever.
    alice.runtime.leaveLobby();
    await w.run(25_000);
    expect(alice.runtime.lobbyState().status).toBe('idle');
    const alicesLobby = await lobbyOf(w, alice);
    const carolJoined = await settled(w, carol.runtime.joinLobby(alicesLobby));
    expect(carolJoined.ok).toBe(true);
    expect(await w.runUntil(() => alice.runtime.allConnected() && carol.runtime.allConnected(), 10_000)).toBe(true);
    const inbox = carol.listen(2);
    expect(alice.runtime.send(carol.id, { after: 'outside' }, { channel: 2 })).toEqual({ ok: true, recipients: 1 });
    await w.run(300);
    expect(inbox).toEqual([{ from: alice.id, channel: 2, value: { after: 'outside' } }]);
    const list = await settled(w, alice.runtime.findLobbies());
    expect(list.ok).toBe(true);

    expect(failures).toEqual([]);
    for (const player of [alice, bob, carol]) {
      expect(player.runtime.actor.getSnapshot().status).toBe('active');
      expect(player.errorsOf('internal')).toEqual([]);
    }
  });
});
