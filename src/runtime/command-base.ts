/**
 * What every command checks before it acts — disposed, not in a lobby, a malformed argument, busy — and how it
 * fails: one typed error, published once on `errors$` and returned as the result. The lobby commands
 * (commands.ts) and the sends (sends.ts) share it, and one flag says the runtime was disposed for both.
 */
import type { CodecErrorCode } from '../codec/result.js';
import type { OwnerCommandOptions } from './api.js';
import type { RuntimeCore } from './core.js';
import { describeThrown, type Failed, type LobbyRuntimeError, type RuntimeCommand, type RuntimeResult } from './errors.js';

export type Ok = { readonly ok: true };
export const OK: Ok = Object.freeze({ ok: true });
export type SendRefusal = Extract<LobbyRuntimeError, { kind: 'send-refused' }>['code'];

/** Whether the runtime was disposed, and why: shared by every command object of one runtime. */
export interface CommandState {
  disposed: boolean;
  /** DISPOSED_TEXT, or STOPPED_TEXT when an internal error stopped the runtime. */
  reason: string;
}

/** Why an options argument is not an options object, or undefined (undefined itself is fine: all defaults). */
export function optionsProblem(options: unknown, name: string): string | undefined {
  if (options === undefined) return undefined;
  return options !== null && typeof options === 'object' && !Array.isArray(options) ? undefined : `${name} must be an object, got ${options === null ? 'null' : typeof options}`;
}

export function epochProblem(options: OwnerCommandOptions | undefined): string | undefined {
  const epoch = options?.epoch;
  return epoch === undefined || Number.isInteger(epoch) ? undefined : `epoch must be an integer, got ${String(epoch)}`;
}

/**
 * From now on every command answers `disposed` with `reason`, and each request in flight too (published like every
 * other failure); the streams complete. At dispose() and when the machines stop on an error.
 */
export function endCommands(core: RuntimeCore, state: CommandState, reason: string): void {
  state.disposed = true;
  state.reason = reason;
  const error = { kind: 'wrong-state', command: 'tick', code: 'disposed', reason } as const;
  if (core.membershipRequest.busy) core.membershipRequest.settle(core.reporter.fail(error));
  if (core.listRequest.busy) core.listRequest.settle(core.reporter.fail(error));
  core.reporter.close();
  core.router.complete();
  core.directory.complete();
  core.streams.complete();
}

export abstract class CommandBase {
  constructor(
    protected readonly core: RuntimeCore,
    private readonly state: CommandState,
  ) {}

  protected get disposed(): boolean {
    return this.state.disposed;
  }


  /** A backend command issued directly by the runtime (not through a machine). */
  protected backendCall(command: RuntimeCommand, call: () => boolean): RuntimeResult {
    try {
      return call() ? OK : this.backendRefused(command);
    } catch (thrown) {
      return this.core.reporter.fail({ kind: 'internal', where: command, reason: describeThrown(thrown) });
    }
  }

  protected backendRefused(command: RuntimeCommand): Failed {
    return this.core.reporter.refused(command, this.core.backend);
  }

  protected wrongState(command: RuntimeCommand, code: Extract<LobbyRuntimeError, { kind: 'wrong-state' }>['code'], reason: string): LobbyRuntimeError {
    return { kind: 'wrong-state', command, code, reason };
  }

  protected disposedError(command: RuntimeCommand): LobbyRuntimeError | undefined {
    return this.disposed ? this.wrongState(command, 'disposed', this.state.reason) : undefined;
  }

  protected notInLobby(command: RuntimeCommand, lobbyId: bigint | undefined): LobbyRuntimeError | undefined {
    return lobbyId === undefined ? this.wrongState(command, 'not-in-lobby', 'Not in a lobby.') : undefined;
  }

  protected invalid(command: RuntimeCommand, problem: string | undefined): LobbyRuntimeError | undefined {
    return problem === undefined ? undefined : { kind: 'invalid-argument', command, reason: problem };
  }

  protected busy(command: RuntimeCommand): LobbyRuntimeError | undefined {
    const request = this.core.membershipRequest;
    if (!request.busy) return undefined;
    return this.wrongState(command, 'busy', `A ${request.kind} request is still in flight; wait for it to finish.`);
  }

  protected refuseSend(command: 'send' | 'sendChat', code: SendRefusal, reason: string, codecCode?: CodecErrorCode): Failed {
    this.core.counters.sendsRefused++;
    return this.core.reporter.fail(
      codecCode === undefined ? { kind: 'send-refused', command, code, reason } : { kind: 'send-refused', command, code, codecCode, reason },
    );
  }
}
