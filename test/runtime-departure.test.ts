import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/effects/clock.js';
import { createSimulatedSteam, steamIdOfAccount } from '../src/effects/sim/network.js';
import { createLobbyRuntime, type ChannelMessage, type LobbyRuntime } from '../src/runtime.js';

const FRAME_MS = 1000 / 60;
const runtimes: LobbyRuntime[] = [];
afterEach(() => {
  for (const r of runtimes.splice(0)) r.dispose();
});

/** A host and a guest, connected; the host's received channel-1 messages are collected. */
function connectedPair() {
  const clock = new VirtualClock();
  const steam = createSimulatedSteam({ seed: 5, clock, latencyMs: 20 });
  const [hostId, guestId] = [1, 2].map((n) => steamIdOfAccount(n)) as [bigint, bigint];
  steam.addUser({ id: hostId, name: 'host' });
  steam.addUser({ id: guestId, name: 'guest' });
  const host = createLobbyRuntime({ backend: steam.backend(hostId), clock });
  const guest = createLobbyRuntime({ backend: steam.backend(guestId), clock });
  runtimes.push(host, guest);
  const frames = (n: number, who: readonly LobbyRuntime[] = [host, guest]) => {
    for (let i = 0; i < n; i++) {
      clock.advance(FRAME_MS);
      for (const r of who) r.tick();
    }
  };
  void host.createLobby();
  frames(12);
  void guest.joinLobby(host.lobbyState().lobbyId!);
  frames(30);
  if (!host.allConnected() || !guest.allConnected()) throw new Error('the pair did not connect');
  const received: ChannelMessage[] = [];
  host.messages(1).subscribe((m) => received.push(m));
  return { host, guest, guestId, clock, frames, received };
}

describe('a member who sends and then leaves', () => {
  it('has what it sent before leaving delivered, even when its departure is read in the same tick', () => {
    const pair = connectedPair();
    pair.guest.send('all', { last: 'words' }, { channel: 1 });
    pair.guest.send('all', { state: 1 }, { channel: 1, reliable: false });
    // The host is busy for a while: the packets reach it, then the guest leaves, and the host's next tick finds the
    // packets and the departure waiting together.
    pair.frames(3, [pair.guest]);
    expect(pair.guest.leaveLobby().ok).toBe(true);
    pair.clock.advance(500);
    pair.host.tick();
    expect(pair.received.map((m) => [m.from, m.value])).toEqual([
      [pair.guestId, { last: 'words' }],
      [pair.guestId, { state: 1 }],
    ]);
    expect(pair.host.members().map((m) => m.id)).not.toContain(pair.guestId);
    // And nothing from them after: the session is closed.
    expect(pair.host.stats().droppedNonMember).toBe(0);
  });

  it('still reads at most packetReadLimit packets in the tick that flushes before a departure', () => {
    const pair = connectedPair();
    for (let i = 0; i < 40; i++) pair.guest.send('all', { i }, { channel: 1 });
    pair.frames(3, [pair.guest]);
    expect(pair.guest.leaveLobby().ok).toBe(true);
    pair.clock.advance(500);
    const before = pair.host.stats().packetsRead;
    pair.host.tick();
    // The default read limit is 32: the rest of what the leaver sent is dropped with its session, not read.
    expect(pair.host.stats().packetsRead - before).toBe(32);
    expect(pair.received.map((m) => (m.value as { i: number }).i)).toEqual(Array.from({ length: 32 }, (_, i) => i));
  });
});
