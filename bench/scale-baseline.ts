// The scale bench's baseline: the same players, lobbies and traffic as the measured run, written by hand with no
// library — what a game's own loop would do with no gate, no fairness, no typed errors and no actors. Each player
// keeps its own objects (as 2,000 runtimes do), every datagram is copied per recipient and waits out the latency in
// a per-frame bucket, state updates use a fixed binary layout and events JSON. The run's wall time over this one's
// says how much the library costs on top of the work itself, and the baseline alone how close to this machine's
// floor the 60 s target sits. Both still move with the machine's noise, and so does their ratio (docs/benchmarks.md).

const STATE_BYTES = 1 + 6 * 8;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

interface Datagram {
  readonly to: BaselinePlayer;
  readonly from: bigint;
  readonly channel: number;
  readonly bytes: Uint8Array;
}

interface State {
  tick: number;
  x: number;
  y: number;
  vx: number;
  vy: number;
  hp: number;
}

class BaselinePlayer {
  readonly peers: BaselinePlayer[] = [];
  /** Per channel (1: state, 2: events), what arrived since the last tick. */
  readonly inbox: Datagram[][] = [[], [], []];
  private readonly out = new Uint8Array(64 * 1024);
  private pos = 0;

  constructor(readonly id: bigint) {}

  encodeState(s: State): Uint8Array {
    if (this.pos + STATE_BYTES > this.out.length) this.pos = 0;
    const bytes = this.out.subarray(this.pos, this.pos + STATE_BYTES);
    this.pos += STATE_BYTES;
    const view = new DataView(bytes.buffer, bytes.byteOffset, STATE_BYTES);
    bytes[0] = 1;
    view.setFloat64(1, s.tick, true);
    view.setFloat64(9, s.x, true);
    view.setFloat64(17, s.y, true);
    view.setFloat64(25, s.vx, true);
    view.setFloat64(33, s.vy, true);
    view.setFloat64(41, s.hp, true);
    return bytes;
  }
}

function decodeState(bytes: Uint8Array): State {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return {
    tick: view.getFloat64(1, true),
    x: view.getFloat64(9, true),
    y: view.getFloat64(17, true),
    vx: view.getFloat64(25, true),
    vy: view.getFloat64(33, true),
    hp: view.getFloat64(41, true),
  };
}

export interface BaselineOptions {
  readonly players: number;
  readonly lobbySize: number;
  readonly frames: number;
  readonly frameMs: number;
  readonly latencyMs: number;
  readonly stateEveryFrames: number;
  readonly eventEveryFrames: number;
  readonly sendState: boolean;
  readonly sendEvents: boolean;
  readonly firstId: bigint;
}

export interface BaselineResult {
  readonly wallSeconds: number;
  readonly delivered: number;
  /**
   * Drops the baseline's players. Until then they stay alive, so a caller that measures off-heap memory after the
   * baseline calls this once it has read its figures: each player's 64 KB output buffer is off-heap, and V8 hands
   * such memory back some time after its owner dies, not at the next gc(). Dropped at once, the 80 buffers of an
   * 80-player, 1-second run were still counted before the runtimes were built and gone after, which read as
   * −64,499 B per runtime.
   */
  release(): void;
}

/** Runs the hand-written baseline; the caller compares `delivered` with its own run to be sure both did the same work. */
export function runHandWrittenBaseline(o: BaselineOptions): BaselineResult {
  const players = Array.from({ length: o.players }, (_, i) => new BaselinePlayer(o.firstId + BigInt(i)));
  players.forEach((p, i) => {
    const base = i - (i % o.lobbySize);
    for (let j = base; j < base + o.lobbySize; j++) if (j !== i) p.peers.push(players[j]!);
  });
  const inFlight = new Map<number, Datagram[]>();
  const send = (from: BaselinePlayer, bytes: Uint8Array, channel: number, due: number) => {
    let bucket = inFlight.get(due);
    if (bucket === undefined) {
      bucket = [];
      inFlight.set(due, bucket);
    }
    for (const to of from.peers) bucket.push({ to, from: from.id, channel, bytes: bytes.slice() });
  };
  const latencyFrames = Math.ceil(o.latencyMs / o.frameMs);
  const state: State = { tick: 0, x: 0, y: 0, vx: 0, vy: 0, hp: 100 };
  let delivered = 0;
  const deliver = (message: { from: bigint; channel: number; value: unknown }) => {
    if (message.value !== undefined) delivered++;
  };
  const start = performance.now();
  for (let f = 0; f < o.frames; f++) {
    const arriving = inFlight.get(f);
    if (arriving !== undefined) {
      for (const d of arriving) d.to.inbox[d.channel]!.push(d);
      inFlight.delete(f);
    }
    for (let i = 0; i < players.length; i++) {
      const p = players[i]!;
      for (let channel = 1; channel <= 2; channel++) {
        const queue = p.inbox[channel]!;
        for (const d of queue) {
          const value = channel === 1 ? decodeState(d.bytes) : (JSON.parse(textDecoder.decode(d.bytes)) as unknown);
          deliver({ from: d.from, channel, value });
        }
        queue.length = 0;
      }
      if (o.sendState && (f + i) % o.stateEveryFrames === 0) {
        state.tick = f;
        state.x = (f * 7 + i) % 800;
        state.y = (f * 3 + i) % 600;
        send(p, p.encodeState(state), 1, f + latencyFrames);
      }
      if (o.sendEvents && (f + i) % o.eventEveryFrames === 0) {
        send(p, textEncoder.encode(JSON.stringify({ event: 'score', by: i, at: f })), 2, f + latencyFrames);
      }
    }
  }
  const wallSeconds = (performance.now() - start) / 1000;
  const release = () => {
    players.length = 0;
    // Datagrams still in flight at the end name their recipients.
    inFlight.clear();
  };
  return { wallSeconds, delivered, release };
}
