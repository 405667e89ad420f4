/**
 * Where every failure goes: each error is published on `errors$` exactly once, at the moment it is made, and a
 * command that is running collects the errors reported while it runs so it can return the first refusal as its
 * result. Backend calls go through `guarded`, so a backend that throws becomes an `internal` error, never a throw
 * into the game loop.
 */
import type { Backend, RefusalCode } from '../effects/backend.js';
import { describeThrown, failed, type Failed, type LobbyRuntimeError, type RuntimeCommand } from './errors.js';

export class Reporter {
  /** Errors reported while a command runs, so a synchronous command can return them. */
  private captured: LobbyRuntimeError[] | undefined;
  private closed = false;

  constructor(private readonly publish: (error: LobbyRuntimeError) => void) {}

  /** Publishes `error` (and hands it to the command being run, if any). */
  report(error: LobbyRuntimeError): LobbyRuntimeError {
    this.captured?.push(error);
    if (!this.closed) this.publish(error);
    return error;
  }

  /** Publishes `error` and returns it as a failed result. */
  fail(error: LobbyRuntimeError): Failed {
    return failed(this.report(error));
  }

  /**
   * The backend returned false to a call made for `command`: `backend-refused`, with the backend's own reason when it
   * gives one (asking it is guarded too: a backend that throws there costs only its reason).
   */
  refused(command: RuntimeCommand, backend: Pick<Backend, 'lastRefusal'>): Failed {
    return this.fail({ kind: 'backend-refused', command, ...this.refusal(command, backend) });
  }

  /** Why the backend refused `command`, as it says (read guarded), or `native-error` with a plain sentence. */
  refusal(command: RuntimeCommand, backend: Pick<Backend, 'lastRefusal'>): { code: RefusalCode; reason: string } {
    const refusal = this.guarded('lastRefusal', () => backend.lastRefusal());
    return { code: refusal?.code ?? 'native-error', reason: refusal?.detail ?? `The backend refused ${command}.` };
  }

  /** Runs `call`; a throw becomes an `internal` error (published) and `undefined`. */
  guarded<T>(where: string, call: () => T): T | undefined {
    try {
      return call();
    } catch (thrown) {
      this.report({ kind: 'internal', where, reason: describeThrown(thrown) });
      return undefined;
    }
  }

  /** Runs a command; returns the errors reported while it ran (already published). */
  capture(run: () => void): readonly LobbyRuntimeError[] {
    const outer = this.captured;
    const captured: LobbyRuntimeError[] = [];
    this.captured = captured;
    try {
      run();
    } finally {
      this.captured = outer;
    }
    outer?.push(...captured);
    return captured;
  }

  /** After dispose: errors are still returned to callers, but the stream is complete. */
  close(): void {
    this.closed = true;
  }
}
