// The runtime's packet reading, as the seed's _read_all_p2p_packets does it and a game relies on: at most
// packetReadLimit packets a tick, the rest on later ticks in order, channels taken in turn across ticks, and within a
// channel senders in turn, so a member who floods cannot hold back another.
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/effects/clock.js';
import { createSimulatedSteam, steamIdOfAccount } from '../src/effects/sim/network.js';
import { createLobbyRuntime, type LobbyRuntime } from '../src/runtime.js';

const FRAME_MS = 1000 / 60;
const runtimes: LobbyRuntime[] = [];
afterEach(() => {
  for (const r of runtimes.splice(0)) r.dispose();
});

/** A host with a read limit and two guests, all connected; the host's messages on `channels` land in `read`. */
function lobbyOfThree(packetReadLimit: number, channels: readonly number[]) {
  const clock = new VirtualClock();
  const steam = createSimulatedSteam({ seed: 11, clock, latencyMs: 20 });
  const [hostId, annId, bobId] = [1, 2, 3].map((n) => steamIdOfAccount(n)) as [bigint, bigint, bigint];
  for (const [id, name] of [[hostId, 'host'], [annId, 'Ann'], [bobId, 'Bob']] as const) steam.addUser({ id, name });
  const host = createLobbyRuntime({ backend: steam.backend(hostId), clock, packetReadLimit });
  const ann = createLobbyRuntime({ backend: steam.backend(annId), clock });
  const bob = createLobbyRuntime({ backend: steam.backend(bobId), clock });
  const all = [host, ann, bob];
  runtimes.push(...all);
  const frames = (n: number, who: readonly LobbyRuntime[] = all) => {
    for (let i = 0; i < n; i++) {
      clock.advance(FRAME_MS);
      for (const r of who) r.tick();
    }
  };
  void host.createLobby();
  frames(12);
  void ann.joinLobby(host.lobbyState().lobbyId!);
  void bob.joinLobby(host.lobbyState().lobbyId!);
  frames(60);
  if (!host.allConnected() || host.members().length !== 3) throw new Error('the lobby did not connect');
  const read: { from: string; channel: number; value: unknown }[] = [];
  const names = new Map([[annId, 'Ann'], [bobId, 'Bob']]);
  for (const channel of channels) host.messages(channel).subscribe((m) => read.push({ from: names.get(m.from) ?? '?', channel, value: m.value }));
  /** The guests' sends reach the host's inbox while the host does not tick. */
  const deliverWithoutReading = () => {
    frames(3, [ann, bob]);
    clock.advance(100);
  };
  /** One host tick; returns the game messages it delivered and how many packets it read (control frames too). */
  const tick = () => {
    const [before, packetsBefore] = [read.length, host.stats().packetsRead];
    host.tick();
    return { messages: read.slice(before), packets: host.stats().packetsRead - packetsBefore };
  };
  return { host, ann, bob, deliverWithoutReading, tick };
}

describe("the runtime's read loop", () => {
  it('reads at most packetReadLimit packets a tick and the rest on the next, in order', () => {
    const lobby = lobbyOfThree(32, [1]);
    for (let i = 0; i < 40; i++) lobby.ann.send('all', { i }, { channel: 1 });
    lobby.deliverWithoutReading();
    const [first, second] = [lobby.tick(), lobby.tick()];
    // Bob's heartbeats come in too (he sends nothing else): they take their place in the limit.
    expect(first.packets).toBe(32);
    const values = [...first.messages, ...second.messages].map((m) => (m.value as { i: number }).i);
    expect(values).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(first.messages.length).toBeGreaterThanOrEqual(30);
  });

  it.each([0, -5, 2.5, Number.NaN])('reads the seed\'s 32 packets a tick when packetReadLimit is %s, not a positive integer', (limit) => {
    const lobby = lobbyOfThree(limit, [1]);
    for (let i = 0; i < 40; i++) lobby.ann.send('all', { i }, { channel: 1 });
    lobby.deliverWithoutReading();
    const [first, second] = [lobby.tick(), lobby.tick()];
    expect(first.packets).toBe(32);
    expect([...first.messages, ...second.messages].map((m) => (m.value as { i: number }).i)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('takes channels in turn, and the next tick starts with the channel after the last one read', () => {
    const lobby = lobbyOfThree(3, [1, 5]);
    for (let i = 0; i < 20; i++) lobby.ann.send('all', { i }, { channel: 1 });
    for (let i = 0; i < 20; i++) lobby.ann.send('all', { i }, { channel: 5 });
    lobby.deliverWithoutReading();
    const channels = [1, 2, 3, 4].flatMap(() => lobby.tick().messages.map((m) => m.channel));
    // Whatever else a tick reads (a heartbeat on channel 0), the two game channels alternate.
    expect(channels.length).toBeGreaterThanOrEqual(8);
    for (let i = 1; i < channels.length; i++) expect(channels[i]).not.toBe(channels[i - 1]);
  });

  it('serves senders in turn within a channel, so a flood from one member does not hold back another', () => {
    const lobby = lobbyOfThree(10, [1]);
    for (let i = 0; i < 300; i++) lobby.ann.send('all', { flood: i }, { channel: 1 });
    lobby.deliverWithoutReading();
    lobby.bob.send('all', { bob: 1 }, { channel: 1 });
    lobby.bob.send('all', { bob: 2 }, { channel: 1 });
    lobby.deliverWithoutReading();
    const first = lobby.tick();
    expect(first.packets).toBe(10);
    expect(first.messages.filter((m) => m.from === 'Bob').map((m) => m.value)).toEqual([{ bob: 1 }, { bob: 2 }]);
    expect(first.messages.filter((m) => m.from === 'Ann').length).toBeGreaterThanOrEqual(5);
  });
});
