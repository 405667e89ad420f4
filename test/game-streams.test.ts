import { describe, expect, it } from 'vitest';
import { EMPTY_DATA, GameStreams } from '../src/runtime/game-streams.js';
import { IDLE_LOBBY, type LobbyState } from '../src/runtime/lobby-state.js';

describe('GameStreams: backlog$ (the unread packets, published when the number changes)', () => {
  it('gives each subscriber the current backlog, then each change, and never repeats a value to one already listening', () => {
    const streams = new GameStreams(IDLE_LOBBY);
    const a: number[] = [];
    const b: number[] = [];
    const c: number[] = [];
    const subA = streams.backlog$.subscribe((n) => a.push(n));
    streams.setBacklog(3);
    // A second subscriber joining changes nothing, so the first hears nothing.
    const subB = streams.backlog$.subscribe((n) => b.push(n));
    streams.setBacklog(3);
    streams.setBacklog(0);
    subA.unsubscribe();
    subB.unsubscribe();
    // Changes while nobody listens still reach the next subscriber as its first value.
    streams.setBacklog(7);
    streams.setBacklog(5);
    streams.backlog$.subscribe((n) => c.push(n)).unsubscribe();
    expect(a).toEqual([0, 3, 0]);
    expect(b).toEqual([3, 0]);
    expect(c).toEqual([5]);
  });
});

describe('GameStreams: lobby$ (our own membership, published when any field a game reads changes)', () => {
  it('publishes a state that differs from the last in one field only, whichever field it is, and not an equal one', () => {
    const joined: LobbyState = { status: 'joined', lobbyId: 11n, joiningLobbyId: 11n, ownerId: 5n, isOwner: false, epoch: 3 };
    // The epoch is what owner-only commands carry (README): a new one must reach the game even alone.
    const changes: LobbyState[] = [
      { ...joined, lobbyId: 12n },
      { ...joined, lobbyId: 12n, joiningLobbyId: 12n },
      { ...joined, lobbyId: 12n, joiningLobbyId: 12n, ownerId: 6n },
      { ...joined, lobbyId: 12n, joiningLobbyId: 12n, ownerId: 6n, epoch: 4 },
    ];
    const streams = new GameStreams(joined);
    const seen: LobbyState[] = [];
    streams.lobby$.subscribe((s) => seen.push(s));
    streams.setLobby({ ...joined });
    for (const state of changes) {
      streams.setLobby(state);
      streams.setLobby({ ...state });
    }
    expect(seen).toEqual([joined, ...changes]);
  });
});

describe('GameStreams: lobbyData$ (a copy of the backend\'s lobby data, published when it hands out a different object)', () => {
  it('publishes a copy, so the backend changing its own object later changes nothing the game was given', () => {
    const streams = new GameStreams(IDLE_LOBBY);
    const seen: Readonly<Record<string, string>>[] = [];
    streams.lobbyData$.subscribe((d) => seen.push(d));
    const backendData: Record<string, string> = { mode: 'ffa' };
    streams.setLobbyData(backendData);
    backendData['mode'] = 'teams';
    expect(seen).toEqual([{}, { mode: 'ffa' }]);
    expect(seen[1]).not.toBe(backendData);
    expect(streams.lobbyData).toEqual({ mode: 'ffa' });
  });

  it('does not publish the same empty data object again, before or after other data', () => {
    const streams = new GameStreams(IDLE_LOBBY);
    const seen: Readonly<Record<string, string>>[] = [];
    streams.lobbyData$.subscribe((d) => seen.push(d));
    streams.setLobbyData(EMPTY_DATA);
    streams.setLobbyData({ mode: 'ffa' });
    streams.setLobbyData(EMPTY_DATA);
    streams.setLobbyData(EMPTY_DATA);
    expect(seen).toEqual([{}, { mode: 'ffa' }, {}]);
  });
});

describe('GameStreams: allConnected$ (every member connected)', () => {
  it('starts false, as the README\'s `allConnected$.pipe(filter(Boolean), take(1))` relies on, and publishes changes only', () => {
    const streams = new GameStreams(IDLE_LOBBY);
    const seen: boolean[] = [];
    expect(streams.allConnected).toBe(false);
    streams.allConnected$.subscribe((c) => seen.push(c));
    streams.setAllConnected(false);
    streams.setAllConnected(true);
    streams.setAllConnected(true);
    streams.setAllConnected(false);
    expect(seen).toEqual([false, true, false]);
  });
});
