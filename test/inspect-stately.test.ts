// docs/inspection.md tells users to pass @statelyai/inspect's inspector, with bigint-safe sanitizers, as `inspect`. This runs
// that wiring for real — through `createInspector` with a collecting adapter instead of the online UI — on a lobby
// of two runtimes, so the documented recipe is known to work, not just to type-check. (It found that a sanitizer
// must let `undefined` through: callback actors have no context.)
import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/effects/clock.js';
import { createSimulatedSteam, steamIdOfAccount } from '../src/effects/sim/network.js';
import { statelySanitizers } from '../src/inspect/stately.js';
import { createLobbyRuntime } from '../src/runtime.js';
import { advanceUntil } from '../src/testing/virtual-time.js';

describe("Stately's inspector on a lobbykit runtime", () => {
  it('sees the lobby actor reach joined and every peer connect, with bigint-free events', async () => {
    const received: StatelyInspectionEvent[] = [];
    const inspector = createInspector(
      { send: (event) => void received.push(event) },
      statelySanitizers,
    );
    const clock = new VirtualClock();
    const steam = createSimulatedSteam({ seed: 3, clock });
    const [hostId, guestId] = [steamIdOfAccount(1), steamIdOfAccount(2)];
    steam.addUser({ id: hostId, name: 'Host' });
    steam.addUser({ id: guestId, name: 'Guest' });
    const host = createLobbyRuntime({ backend: steam.backend(hostId), clock, inspect: inspector.inspect });
    const guest = createLobbyRuntime({ backend: steam.backend(guestId), clock });
    const runtimes = [host, guest];

    const created = host.createLobby({ lobbyType: 2, maxMembers: 4 });
    await advanceUntil(clock, () => host.lobbyState().status === 'joined', { tick: runtimes });
    const lobby = await created;
    if (!lobby.ok) throw new Error(lobby.error.reason);
    const joined = guest.joinLobby(lobby.lobbyId);
    expect(await advanceUntil(clock, () => host.allConnected() && guest.allConnected(), { tick: runtimes })).toBe(true);
    expect((await joined).ok).toBe(true);

    // The inspector converts XState's events on a zero-delay timer (its stand-in for requestIdleCallback in Node):
    // let those callbacks run until no more arrive.
    for (let seen = -1; seen !== received.length; ) {
      seen = received.length;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }

    // Every event crossed the adapter as plain JSON; the events' Steam ids exactly, as text.
    expect(() => JSON.stringify(received)).not.toThrow();
    const handshakes = received.filter((e) => e.type === '@xstate.event' && e.event.type === 'peer.handshake');
    expect(handshakes.map((e) => (e.type === '@xstate.event' ? e.event['remoteId'] : undefined))).toContain(`${guestId}n`);
    const snapshots = received.filter((e): e is Extract<StatelyInspectionEvent, { type: '@xstate.snapshot' }> => e.type === '@xstate.snapshot');
    const lobbyRef = received.find((e) => e.type === '@xstate.actor' && e.name === 'lobby');
    expect(lobbyRef).toBeDefined();
    expect(snapshots.some((e) => e.sessionId === lobbyRef!.sessionId && JSON.stringify((e.snapshot as { value?: unknown }).value).includes('joined'))).toBe(true);
    const peerRef = received.find((e) => e.type === '@xstate.actor' && e.name === `peer:${guestId}`);
    expect(peerRef).toBeDefined();
    expect(snapshots.some((e) => e.sessionId === peerRef!.sessionId && JSON.stringify((e.snapshot as { value?: unknown }).value).includes('connected'))).toBe(true);
    host.dispose();
    guest.dispose();
  });
});
