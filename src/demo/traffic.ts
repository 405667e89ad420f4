/**
 * Counting what the story puts on the wire: a Backend wrapper that tallies every accepted P2P send by channel
 * (so the bytes are the ones the runtime really framed), and the seed format's bytes for the same messages.
 */
import { seedWireBytes } from '../codec/seed-format.js';
import type { Backend } from '../effects/backend.js';
import { nextRandom } from '../machines/backoff.js';

export interface WireTally {
  packets: number;
  bytes: number;
}

/** Per backend channel, everything every wrapped backend sent. */
export class WireLedger {
  private readonly byChannel = new Map<number, WireTally>();

  note(channel: number, bytes: number): void {
    let tally = this.byChannel.get(channel);
    if (tally === undefined) {
      tally = { packets: 0, bytes: 0 };
      this.byChannel.set(channel, tally);
    }
    tally.packets++;
    tally.bytes += bytes;
  }

  channel(channel: number): Readonly<WireTally> {
    return this.byChannel.get(channel) ?? { packets: 0, bytes: 0 };
  }
}

/**
 * The same backend, with `sendP2P` noting what it accepted. A Proxy rather than a subclass, so it wraps any
 * Backend (simulated, loopback, steamworks.js) without knowing its class.
 */
export function countingBackend(backend: Backend, ledger: WireLedger): Backend {
  const sendP2P: Backend['sendP2P'] = (to, bytes, sendType, channel) => {
    const accepted = backend.sendP2P(to, bytes, sendType, channel);
    if (accepted) ledger.note(channel, bytes.length);
    return accepted;
  };
  return new Proxy(backend, {
    get(target, property, receiver) {
      if (property === 'sendP2P') return sendP2P;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The seed's bytes for one message: `var2bytes(msg).compress(File.COMPRESSION_GZIP)`. */
export function seedBytesOf(message: unknown): number {
  return seedWireBytes(message).length;
}

/** What a player sends every frame: its input on the reliable channel, its position on the unreliable one. */
export interface InputMessage {
  readonly message: 'input';
  readonly tick: number;
  readonly keys: number;
  readonly aim: number;
}

export interface StateMessage {
  readonly tick: number;
  readonly x: number;
  readonly y: number;
  readonly hp: number;
}

/** One player's seeded game: a random walk snapped to quarter units, as a game snaps positions it sends. */
export class PlayerMotion {
  private rng: number;
  private x: number;
  private y: number;
  private hp = 100;
  private keys = 0;

  constructor(seed: number) {
    this.rng = seed >>> 0;
    this.x = Math.floor(this.unit() * 200) / 4;
    this.y = Math.floor(this.unit() * 200) / 4;
  }

  step(tick: number): { readonly input: InputMessage; readonly state: StateMessage } {
    // Keys change now and then, as a player's do; the walk follows them.
    if (this.unit() < 0.1) this.keys = Math.floor(this.unit() * 16);
    const dx = (this.keys & 1 ? 0.25 : 0) - (this.keys & 2 ? 0.25 : 0);
    const dy = (this.keys & 4 ? 0.25 : 0) - (this.keys & 8 ? 0.25 : 0);
    this.x = Math.min(50, Math.max(0, this.x + dx));
    this.y = Math.min(50, Math.max(0, this.y + dy));
    if (this.unit() < 0.02) this.hp = Math.max(1, this.hp - Math.floor(this.unit() * 20));
    const aim = Math.floor(this.unit() * 360);
    return {
      input: { message: 'input', tick, keys: this.keys, aim },
      state: { tick, x: this.x, y: this.y, hp: this.hp },
    };
  }

  private unit(): number {
    const next = nextRandom(this.rng);
    this.rng = next.state;
    return next.unit;
  }
}
