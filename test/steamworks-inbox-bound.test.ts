// The steamworks.js adapter holds a bounded number of unread packets and bytes, over the simulator's
// steamworks.js-shaped client: what it has pulled from Steam and not yet handed to the game is measured from outside
// (the client's reads, counted here, minus the game's reads), and the packets it leaves behind wait in Steam's own
// queue, so the game still gets every packet, in order per sender, when it reads.
import { describe, expect, it } from 'vitest';
import { FrameKind, PayloadCodecId, encodeFrameHeader } from '../src/codec/frame.js';
import type { Backend } from '../src/effects/backend.js';
import { createRandom } from '../src/effects/sim/random.js';
import type { SteamworksBindingName } from '../src/effects/sim/steamworks/client.js';
import { createSteamworksBackend, wrapSteamworksClient, type SteamworksBackendOptions } from '../src/effects/steamworks/adapter.js';
import type { SteamworksClient, SteamworksNetworking, SteamworksP2PPacket } from '../src/effects/steamworks/client-types.js';
import { ALICE, BOB, CAROL, simulatedSteamWithAliceBobCarol } from './helpers/sim-world.js';

const RELIABLE = 2;
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

type Limits = Pick<SteamworksBackendOptions, 'maxPacketsPerPoll' | 'maxInboxPackets' | 'maxInboxBytes'>;

/** Alice's adapter over a client whose reads are counted, so what the adapter holds is seen from outside it. */
function setup(limits: Limits, binding: SteamworksBindingName = 'steamworks.js') {
  const { clock, steam } = simulatedSteamWithAliceBobCarol(11);
  const pulled = { packets: 0, bytes: 0 };
  const count = (packet: SteamworksP2PPacket): SteamworksP2PPacket => {
    pulled.packets++;
    pulled.bytes += packet.size;
    return packet;
  };
  const real = steam.steamworksClient(ALICE, binding);
  const net = real.networking;
  const fromChannel = net.readP2PPacketFromChannel;
  const networking: SteamworksNetworking = {
    ...net,
    readP2PPacket: (size) => count(net.readP2PPacket(size)),
    ...(fromChannel === undefined ? {} : { readP2PPacketFromChannel: (size: number, channel: number) => count(fromChannel(size, channel)) }),
  };
  const client: SteamworksClient = { ...real, networking };
  const alice = wrapSteamworksClient(client, { argv: [], ...limits });
  alice.acceptSession(BOB);
  alice.acceptSession(CAROL);
  const game = { packets: 0, bytes: 0 };
  /** The game's read: counted, so the adapter's holding is what it pulled less what the game took. */
  const read = (channel: number): Uint8Array | undefined => {
    const packet = alice.readP2P(channel);
    if (packet === undefined) return undefined;
    game.packets++;
    game.bytes += packet.bytes.length;
    return packet.bytes.slice();
  };
  const held = () => ({ packets: pulled.packets - game.packets, bytes: pulled.bytes - game.bytes });
  const settle = async (ms = 500): Promise<void> => {
    for (let t = 0; t < ms; t += 10) {
      clock.advance(10);
      await turn();
    }
  };
  return { steam, alice, read, held, settle };
}

/** A lobbykit application frame for `channel` whose payload says who sent it and its place in their sequence. */
function frame(sender: number, seq: number, size: number, channel = 0): Buffer {
  const header = encodeFrameHeader({ kind: FrameKind.application, channel, codecId: PayloadCodecId.raw });
  const bytes = Buffer.alloc(Math.max(size, header.length + 5));
  bytes.set(header);
  bytes[header.length] = sender;
  bytes.writeUInt32BE(seq, header.length + 1);
  return bytes;
}

function send(steam: ReturnType<typeof setup>['steam'], from: bigint, packets: readonly Buffer[]): void {
  const net = steam.steamworksClient(from).networking;
  for (const bytes of packets) expect(net.sendP2PPacket(ALICE, RELIABLE, bytes)).toBe(true);
}

/** Reads every channel in `channels` in turn until nothing is left, polling as a tick would; `perTick` reads a tick. */
function readAll(alice: Backend, read: (channel: number) => Uint8Array | undefined, channels: readonly number[], perTick: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let idle = 0; idle < 2; ) {
    alice.poll();
    let got = 0;
    for (let i = 0; got < perTick && i < perTick * channels.length; i++) {
      const bytes = read(channels[i % channels.length]!);
      if (bytes !== undefined) {
        out.push(bytes);
        got++;
      }
    }
    idle = got === 0 ? idle + 1 : 0;
  }
  return out;
}

const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('the steamworks.js adapter holds a bounded inbox', () => {
  it.each([
    { cap: 'bytes', limits: { maxInboxPackets: 40, maxInboxBytes: 3_000 } },
    { cap: 'packets', limits: { maxInboxPackets: 25, maxInboxBytes: 100_000 } },
  ])('a peer sending far more than the caps while the game reads nothing: the inbox stays under them ($cap bind); then every packet arrives in order', async ({ cap, limits }) => {
    const { steam, alice, read, held, settle } = setup(limits);
    const random = createRandom(5);
    const sent = Array.from({ length: 1_000 }, (_, seq) => frame(1, seq, 20 + random.int(180)));
    const largest = Math.max(...sent.map((b) => b.length));
    send(steam, BOB, sent);
    await settle();
    let peak = { packets: 0, bytes: 0 };
    for (let i = 0; i < 200; i++) {
      alice.poll();
      const now = held();
      expect(alice.pendingPackets()).toBe(now.packets);
      // The documented bound: at most maxInboxPackets packets, and maxInboxBytes plus the one packet that crossed it.
      expect(now.packets).toBeLessThanOrEqual(limits.maxInboxPackets);
      expect(now.bytes).toBeLessThan(limits.maxInboxBytes + largest);
      peak = { packets: Math.max(peak.packets, now.packets), bytes: Math.max(peak.bytes, now.bytes) };
    }
    // The bound is what stopped the pulling, not an empty queue: the cap this case is about was reached.
    expect(cap === 'packets' ? peak.packets === limits.maxInboxPackets : peak.bytes >= limits.maxInboxBytes).toBe(true);
    const got = readAll(alice, read, [0], 7);
    expect(got.map(hexOf)).toEqual(sent.map(hexOf));
    expect(held()).toEqual({ packets: 0, bytes: 0 });
  });

  it('a single packet larger than the byte cap still gets through, and the packets around it', async () => {
    const limits = { maxInboxPackets: 10, maxInboxBytes: 1_000 };
    const { steam, alice, read, held, settle } = setup(limits);
    const sent = [frame(1, 0, 50_000), frame(1, 1, 100), frame(1, 2, 9_000), frame(1, 3, 100)];
    send(steam, BOB, sent);
    await settle();
    alice.poll();
    // An empty inbox takes the next packet, however large; nothing more fits behind it.
    expect(held()).toEqual({ packets: 1, bytes: 50_000 });
    expect(readAll(alice, read, [0], 1).map(hexOf)).toEqual(sent.map(hexOf));
  });

  it('a second sender behind a flood still gets through, in turn with the flood once its packets are pulled', async () => {
    const limits = { maxInboxPackets: 20 };
    const { steam, alice, read, settle } = setup(limits);
    const flood = Array.from({ length: 500 }, (_, seq) => frame(1, seq, 64));
    send(steam, BOB, flood);
    await settle();
    // Carol's packets queue at Steam behind all of Bob's.
    const few = Array.from({ length: 5 }, (_, seq) => frame(2, seq, 64));
    send(steam, CAROL, few);
    await settle();
    const got = readAll(alice, read, [0], 4).map(hexOf);
    expect(got.filter((h) => few.map(hexOf).includes(h))).toEqual(few.map(hexOf));
    expect(got.filter((h) => !few.map(hexOf).includes(h))).toEqual(flood.map(hexOf));
    // Pulled behind the flood, Carol's packets take turns with what the inbox holds of it: none waits for its end.
    expect(got.indexOf(hexOf(few.at(-1)!))).toBeLessThan(got.indexOf(hexOf(flood.at(-1)!)));
  });

  it("native channels take turns at a full inbox: a flood on one channel does not hold another's packets in Steam", async () => {
    const limits = { maxInboxPackets: 20 };
    const { steam, alice, read, settle } = setup(limits, '@pipelab/steamworks.js');
    const on = (from: bigint, channel: number, packets: readonly Buffer[]): void => {
      const net = steam.steamworksClient(from, '@pipelab/steamworks.js').networking;
      for (const bytes of packets) expect(net.sendP2PPacketOnChannel!(ALICE, RELIABLE, bytes, channel)).toBe(true);
    };
    const flood = Array.from({ length: 500 }, (_, seq) => frame(1, seq, 64));
    on(BOB, 1, flood);
    await settle();
    const few = Array.from({ length: 5 }, (_, seq) => frame(2, seq, 64));
    on(CAROL, 2, few);
    await settle();
    const got = readAll(alice, read, [1, 2], 4).map(hexOf);
    expect(got.filter((h) => few.map(hexOf).includes(h))).toEqual(few.map(hexOf));
    expect(got.filter((h) => !few.map(hexOf).includes(h))).toEqual(flood.map(hexOf));
    // Were channel 1 always pulled first, channel 2 would wait behind the whole flood; taking turns, it waits for
    // a few rounds of the channels at most, while most of the flood is still to come.
    expect(got.indexOf(hexOf(few.at(-1)!))).toBeLessThan(flood.length / 2);
  });
});

describe('packet limits are checked when the backend is made', () => {
  const bad: readonly unknown[] = [0, -1, Number.NaN, null, 1.5, Number.POSITIVE_INFINITY, '64'];

  it.each(['maxPacketsPerPoll', 'maxInboxPackets', 'maxInboxBytes'] as const)('%s that is not a positive integer throws, naming it', (name) => {
    const { steam } = setup({});
    for (const value of bad) {
      const options = { argv: [], [name]: value } as SteamworksBackendOptions;
      expect(() => wrapSteamworksClient(steam.steamworksClient(BOB), options)).toThrow(new RegExp(`^wrapSteamworksClient: ${name} must be a positive integer`));
    }
    expect(() => wrapSteamworksClient(steam.steamworksClient(BOB), { argv: [], [name]: 1 })).not.toThrow();
  });

  it('options that are not an object throw; createSteamworksBackend rejects before loading steamworks.js', async () => {
    const { steam } = setup({});
    expect(() => wrapSteamworksClient(steam.steamworksClient(BOB), null as unknown as SteamworksBackendOptions)).toThrow(
      'wrapSteamworksClient: options must be an object, got null',
    );
    // No client and no Steam here: a rejection other than SteamNotRunningError shows nothing was loaded.
    await expect(createSteamworksBackend({ maxInboxBytes: -1 })).rejects.toThrow(new RangeError('createSteamworksBackend: maxInboxBytes must be a positive integer, got -1'));
  });
});
