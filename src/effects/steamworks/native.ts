/**
 * Calling into steamworks.js from the adapter: a native call that throws becomes the command's refusal (native code
 * must never throw into the game loop), and the refusal a command leaves is kept for `lastRefusal()`. What the
 * simulator marks as a native abort is passed on: the real process would be gone, and a test must see it.
 */
import type { Refusal, RefusalCode } from '../backend.js';

/** The simulator's abort-equivalent (sim/steamworks/process.ts) by name, so production code never imports the simulator. */
function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'SimulatedNativeAbort';
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class NativeCalls {
  refusal: Refusal | undefined;

  refuse(code: RefusalCode, detail: string): false {
    this.refusal = { code, detail };
    return false;
  }

  /** Runs `call`; a throw becomes a 'native-error' refusal naming `what`, and `fallback` is returned. */
  call<T>(what: string, call: () => T, fallback: T): T {
    try {
      return call();
    } catch (error) {
      if (isAbort(error)) throw error;
      this.refuse('native-error', `steamworks.js ${what} failed: ${messageOf(error)}`);
      return fallback;
    }
  }

  /** Runs `call` where a throw is an expected answer (e.g. "No packet available"), leaving the refusal alone. */
  quiet<T>(call: () => T, fallback: T): T {
    try {
      return call();
    } catch (error) {
      if (isAbort(error)) throw error;
      return fallback;
    }
  }
}
