/**
 * One client of the loopback service: its socket with a bounded outgoing buffer (a client that stops reading is
 * dropped rather than held in memory), its budget of error replies (a flood of bad frames earns a few replies,
 * not one each), when it was last heard from, and the users it exchanged packets with.
 */
import type { ServerMessage } from '../effects/loopback/server-messages.js';
import { encodeServerMessage } from '../effects/loopback/server-messages.js';

/** Error replies a connection may get in a burst, and how many more it earns per second after that. */
export const ERROR_REPLY_BURST = 16;
export const ERROR_REPLIES_PER_SECOND = 4;

export type SendResult = 'sent' | 'full' | 'gone';

/**
 * What a connection uses of its socket (the `ws` WebSocket the service accepted), stated here so the published
 * types do not need `ws`'s own (an optional @types package).
 */
export interface ClientSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string | Uint8Array): void;
  send(data: Uint8Array, options: { binary: boolean }): void;
  once(event: 'close', listener: () => void): unknown;
  close(code: number, reason: string): void;
  terminate(): void;
  ping(): void;
}

/** WebSocket.OPEN, the same number in every WebSocket implementation. */
const OPEN = 1;

export class Connection {
  userId: bigint | undefined = undefined;
  /** Set once the connection is closing or dropped: nothing more is sent to it or taken from it. */
  gone = false;
  /** Clock time of the last frame or pong from the client. */
  lastHeard: number;
  /** Users this one exchanged packets with: told when it goes away, as a timed-out session. */
  readonly peers = new Set<bigint>();
  /** Absent targets already reported, so a 60 Hz sender gets one failure, not sixty a second. */
  readonly failedTargets = new Set<bigint>();
  /** Error replies not sent because the budget was spent; the next one sent says how many. */
  suppressedErrors = 0;
  private errorTokens = ERROR_REPLY_BURST;
  private tokensAt: number;

  constructor(
    readonly socket: ClientSocket,
    private readonly maxOutgoingBytes: number,
    now: number,
  ) {
    this.lastHeard = now;
    this.tokensAt = now;
  }

  /** Bytes written to this socket that the client has not taken yet (beyond what the kernel holds). */
  get backlog(): number {
    return this.socket.bufferedAmount;
  }

  /**
   * Queues a frame unless the client is gone or its backlog would pass the limit ('full': the caller drops it).
   * `size` is the frame's byte length, known to callers that relay binary frames.
   */
  send(data: string | Uint8Array): SendResult {
    if (this.gone || this.socket.readyState !== OPEN) return 'gone';
    const size = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.byteLength;
    if (this.socket.bufferedAmount + size > this.maxOutgoingBytes) return 'full';
    if (typeof data === 'string') this.socket.send(data);
    else this.socket.send(data, { binary: true });
    return 'sent';
  }

  sendMessage(message: ServerMessage): SendResult {
    return this.send(encodeServerMessage(message));
  }

  /** Takes one error reply from the budget (refilled over time); false means this error goes unsent. */
  takeErrorReply(now: number): boolean {
    const earned = Math.floor(((now - this.tokensAt) * ERROR_REPLIES_PER_SECOND) / 1000);
    if (earned > 0) {
      this.errorTokens = Math.min(ERROR_REPLY_BURST, this.errorTokens + earned);
      this.tokensAt += (earned * 1000) / ERROR_REPLIES_PER_SECOND;
    }
    if (this.errorTokens >= ERROR_REPLY_BURST) this.tokensAt = now;
    if (this.errorTokens === 0) {
      this.suppressedErrors++;
      return false;
    }
    this.errorTokens--;
    return true;
  }
}
