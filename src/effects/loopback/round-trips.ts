/**
 * `settle()`'s round trips through the service: each numbered ping waits for its pong, which says that everything
 * sent before it has been handled and everything the service sent before it has arrived. Pongs are recognised as
 * they arrive, never queued for poll time, so a game that is not polling can still settle.
 */
import { parseServerMessage } from './server-messages.js';

interface Waiting {
  resolve(): void;
  reject(error: Error): void;
  readonly timer: ReturnType<typeof setTimeout>;
}

export class RoundTrips {
  private readonly waiting = new Map<number, Waiting>();
  private nextSeq = 1;

  /** Sends ping `seq` through `send`; resolves on its pong, rejects after `timeoutMs` or when the link is lost. */
  start(timeoutMs: number, send: (seq: number) => void): Promise<void> {
    const seq = this.nextSeq++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(seq);
        reject(new Error(`the loopback service did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(seq, { resolve, reject, timer });
      send(seq);
    });
  }

  /** True when `text` was a pong (consumed here); false for anything else, which the caller queues. */
  takePong(text: string): boolean {
    if (!text.startsWith('{"t":"pong"')) return false;
    const parsed = parseServerMessage(text);
    if (!parsed.ok || parsed.value.t !== 'pong') return false;
    const waiting = this.waiting.get(parsed.value.seq);
    if (waiting !== undefined) {
      this.waiting.delete(parsed.value.seq);
      clearTimeout(waiting.timer);
      waiting.resolve();
    }
    return true;
  }

  failAll(reason: string): void {
    for (const [seq, waiting] of this.waiting) {
      this.waiting.delete(seq);
      clearTimeout(waiting.timer);
      waiting.reject(new Error(`the loopback service connection closed: ${reason}`));
    }
  }
}
