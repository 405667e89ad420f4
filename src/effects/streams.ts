/**
 * Backend → RxJS. `tick()` is the one place a frame touches the backend: it delivers queued events in order (so
 * the frame sees one consistent world), then reads at most `packetReadLimit` packets, taking channels in turn and
 * (inside the backend's inbox) senders in turn, and hands each to a synchronous sink — no pipe, no closure, no
 * Subject `next` per packet. What is left unread is the backlog, published when it changes.
 */
import { BehaviorSubject, Observable, Subject, distinctUntilChanged, filter } from 'rxjs';
import { DEFAULT_PACKET_READ_LIMIT, type Backend, type BackendEvent, type BackendEventType } from './backend.js';

/** Receives each packet read in a tick. Called synchronously, in read order; `bytes` belong to the sink. */
export type PacketSink = (from: bigint, bytes: Uint8Array, channel: number) => void;

export interface BackendStreamsOptions {
  /** Packets read per tick at most (default 32, the seed's PACKET_READ_LIMIT). */
  readonly packetReadLimit?: number;
  /** Where packets go; without one they are read and dropped (and counted in the report). */
  readonly onPacket?: PacketSink;
}

export interface TickReport {
  readonly events: number;
  readonly packets: number;
  /** Packets left unread after this tick. */
  readonly backlog: number;
}

export interface BackendStreams {
  /** Every backend event, in order, at tick time. */
  readonly events$: Observable<BackendEvent>;
  /** Unread packets after each tick, emitted when it changes: a rising backlog means the game is falling behind. */
  readonly backlog$: Observable<number>;
  /** Events of one type, narrowed. */
  eventsOfType<T extends BackendEventType>(type: T): Observable<Extract<BackendEvent, { type: T }>>;
  setPacketSink(sink: PacketSink | undefined): void;
  tick(): TickReport;
  /** Completes the streams; later ticks do nothing. */
  dispose(): void;
}

const ascending = (a: number, b: number): number => a - b;

export function createBackendStreams(backend: Backend, options: BackendStreamsOptions = {}): BackendStreams {
  const limit = options.packetReadLimit ?? DEFAULT_PACKET_READ_LIMIT;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`packetReadLimit must be a non-negative integer, got ${limit}`);
  const events = new Subject<BackendEvent>();
  const backlog = new BehaviorSubject<number>(backend.pendingPackets());
  let sink = options.onPacket;
  let disposed = false;
  /** Channel served last, so the next tick starts after it and no channel is always first. */
  let lastChannel = -1;
  const scratch: number[] = [];
  const emit = (event: BackendEvent): void => events.next(event);

  const readPackets = (): number => {
    let read = 0;
    while (read < limit) {
      const live = backend.channelsWithPackets();
      if (live.length === 0) break;
      scratch.length = 0;
      for (const channel of live) scratch.push(channel);
      scratch.sort(ascending);
      let start = 0;
      while (start < scratch.length && scratch[start]! <= lastChannel) start++;
      if (start === scratch.length) start = 0;
      for (let i = 0; i < scratch.length && read < limit; i++) {
        const channel = scratch[(start + i) % scratch.length]!;
        const packet = backend.readP2P(channel);
        if (packet === undefined) continue;
        read++;
        lastChannel = channel;
        if (sink !== undefined) sink(packet.from, packet.bytes, channel);
      }
    }
    return read;
  };

  return {
    events$: events.asObservable(),
    backlog$: backlog.pipe(distinctUntilChanged()),
    eventsOfType<T extends BackendEventType>(type: T) {
      return events.pipe(filter((e): e is Extract<BackendEvent, { type: T }> => e.type === type));
    },
    setPacketSink(next) {
      sink = next;
    },
    tick() {
      if (disposed) return { events: 0, packets: 0, backlog: 0 };
      backend.poll();
      const eventCount = backend.drainEvents(emit);
      const packets = readPackets();
      const left = backend.pendingPackets();
      if (left !== backlog.value) backlog.next(left);
      return { events: eventCount, packets, backlog: left };
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      events.complete();
      backlog.complete();
    },
  };
}
