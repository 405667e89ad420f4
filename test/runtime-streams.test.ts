import { afterEach, describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import type { Observable } from 'rxjs';
import { VirtualClock } from '../src/effects/clock.js';
import { createSimulatedSteam, steamIdOfAccount } from '../src/effects/sim/network.js';
import { createLobbyRuntime, type LobbyMember, type LobbyRuntime } from '../src/runtime.js';
import { heardWithin } from '../src/runtime/liveness.js';
import { createPacketCodec, type PacketCodec } from '../src/codec/packet-codec.js';

const runtimes: LobbyRuntime[] = [];
afterEach(() => {
  for (const r of runtimes.splice(0)) r.dispose();
});

function setup(options: { inspect?: (event: InspectionEvent) => void; codec?: PacketCodec } = {}) {
  const clock = new VirtualClock();
  const steam = createSimulatedSteam({ seed: 3, clock, personaDelayMs: 400 });
  const ids = [1, 2, 3].map((n) => steamIdOfAccount(n));
  ids.forEach((id, i) => steam.addUser({ id, name: `player${i}` }));
  const [host, guest] = ids.map((id, i) =>
    createLobbyRuntime({ backend: steam.backend(id), clock, ...(i === 0 ? options : {}) }),
  ) as [LobbyRuntime, LobbyRuntime];
  runtimes.push(host, guest);
  const frames = (n: number) => {
    for (let i = 0; i < n; i++) {
      clock.advance(1000 / 60);
      host.tick();
      guest.tick();
    }
  };
  return { clock, steam, ids, host, guest, frames };
}

describe('runtime streams', () => {
  it('publishes members with names, and again when a stranger\'s name arrives late', () => {
    const { host, guest, frames, ids } = setup();
    const published: (readonly LobbyMember[])[] = [];
    host.members$.subscribe((list) => published.push(list));
    void host.createLobby();
    frames(10);
    void guest.joinLobby(host.lobbyState().lobbyId!);
    frames(10);
    const named = (list: readonly LobbyMember[]) => list.map((m) => [m.id, m.name]);
    const seenGuest = published.find((list) => list.some((m) => m.id === ids[1]));
    expect(named(seenGuest!)).toEqual([[ids[0], 'player0'], [ids[1], '[unknown]']]);
    frames(40);
    expect(named(host.members())).toEqual([[ids[0], 'player0'], [ids[1], 'player1']]);
    expect(host.members().find((m) => m.id === ids[1])).toMatchObject({ isOwner: false, session: 'connected' });
    expect(host.members().find((m) => m.id === ids[0])).toMatchObject({ isSelf: true, isOwner: true, session: 'self' });
    // Coalesced: one list per change that a tick saw, never one per member event.
    expect(published.length).toBeLessThan(10);
  });

  it('never publishes a member list equal to the one before it, through names, sessions and an owner leaving', () => {
    const { host, guest, frames, ids } = setup();
    const published: (readonly LobbyMember[])[] = [];
    guest.members$.subscribe((list) => published.push(list));
    void host.createLobby();
    frames(10);
    void guest.joinLobby(host.lobbyState().lobbyId!);
    frames(60);
    host.leaveLobby();
    frames(60);
    // Steam hands the lobby to the one left: the guest is its owner, in one list.
    expect(guest.members()).toEqual([expect.objectContaining({ id: ids[1], isSelf: true, isOwner: true })]);
    const text = (list: readonly LobbyMember[] | undefined) => JSON.stringify(list, (_, v: unknown) => (typeof v === 'bigint' ? `${v}` : v));
    const repeats = published.filter((list, i) => i > 0 && text(list) === text(published[i - 1]));
    expect(repeats).toEqual([]);
  });

  it('completes members$ and every other stream on dispose', () => {
    const { host, frames } = setup();
    void host.createLobby();
    frames(10);
    const streams: Observable<unknown>[] = [host.lobby$, host.members$, host.lobbyData$, host.chat$, host.lifecycle$, host.sessions$, host.allConnected$, host.errors$, host.votes$, host.backlog$, host.messages(0)];
    let completed = 0;
    for (const stream of streams) stream.subscribe({ complete: () => void completed++ });
    host.dispose();
    expect(completed).toBe(streams.length);
  });

  it('hands every actor, peers included, to the inspect callback', () => {
    const seen = new Set<string>();
    const { host, guest, frames, ids } = setup({ inspect: (e) => void seen.add((e.actorRef as { id?: string }).id ?? "") });
    void host.createLobby();
    frames(10);
    void guest.joinLobby(host.lobbyState().lobbyId!);
    frames(30);
    expect(host.allConnected()).toBe(true);
    expect([...seen]).toEqual(expect.arrayContaining(['lobby', 'peers', `peer:${ids[1]}`]));
    expect(host.actor.system.get('lobby')).toBeDefined();
  });

  it('auto-ticks on the runtime\'s clock and stops when asked', () => {
    const { clock, host } = setup();
    const stop = host.startAutoTick(60);
    clock.advance(1000);
    const ticked = host.stats().ticks;
    expect(ticked).toBeGreaterThanOrEqual(59);
    expect(ticked).toBeLessThanOrEqual(61);
    stop();
    clock.advance(1000);
    expect(host.stats().ticks).toBe(ticked);
  });

  it('publishes lobby state and data changes, and completes every stream on dispose', () => {
    const { host, frames } = setup();
    const statuses: string[] = [];
    let completed = 0;
    host.lobby$.subscribe({ next: (s) => statuses.push(s.status), complete: () => void completed++ });
    host.lobbyData$.subscribe({ complete: () => void completed++ });
    void host.createLobby({ data: { mode: 'ctf' } });
    frames(10);
    expect(host.setLobbyData('map', 'ice')).toEqual({ ok: true });
    frames(10);
    expect(host.lobbyData()).toMatchObject({ mode: 'ctf', map: 'ice' });
    host.dispose();
    expect(statuses).toEqual(['idle', 'creating', 'joined', 'leaving', 'idle']);
    expect(completed).toBe(2);
  });
});

describe('the packet codec', () => {
  const codecOf = (runtime: LobbyRuntime) => (runtime as unknown as { readonly core: { readonly codec: PacketCodec } }).core.codec;

  it('is a codec of its own for every runtime given none (a hostile member slows only its lobby), and the one given otherwise', () => {
    const own = createPacketCodec();
    let ownDecodes = 0;
    const counting: PacketCodec = { ...own, decode: (bytes) => (ownDecodes++, own.decode(bytes)) };
    const { host, guest, frames, ids, steam, clock } = setup({ codec: counting });
    const other = createLobbyRuntime({ backend: steam.backend(ids[2]!), clock });
    runtimes.push(other);
    expect(codecOf(guest)).not.toBe(codecOf(other));
    expect(codecOf(host)).toBe(counting);

    void host.createLobby();
    frames(10);
    void guest.joinLobby(host.lobbyState().lobbyId!);
    frames(30);
    const atHost: unknown[] = [];
    const atGuest: unknown[] = [];
    host.messages(1).subscribe((m) => atHost.push(m.value));
    guest.messages(1).subscribe((m) => atGuest.push(m.value));
    const before = ownDecodes;
    guest.send(ids[0]!, { hp: 3 }, { channel: 1 });
    host.send(ids[1]!, { hp: 4 }, { channel: 1 });
    frames(10);
    expect(atHost).toEqual([{ hp: 3 }]);
    expect(atGuest).toEqual([{ hp: 4 }]);
    // The host decoded what it received with its own codec; the guest's packet never went through it.
    expect(ownDecodes - before).toBeGreaterThanOrEqual(1);
  });
});

describe('liveness arithmetic', () => {
  it('counts a member silent only after a full window without a frame', () => {
    expect(heardWithin(-Infinity, 0, 5_000)).toBe(false);
    expect(heardWithin(3_000, 7_999, 5_000)).toBe(true);
    expect(heardWithin(3_000, 8_000, 5_000)).toBe(false);
    expect(heardWithin(undefined, 0, 5_000)).toBe(false);
  });
});
