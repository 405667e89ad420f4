/**
 * Every failure a game can meet, as one discriminated union on `kind`, each with a `reason` a player or developer
 * can read. Commands return these in their result; every one of them is also published on `runtime.errors$`, so a
 * game can log failures in one place without checking every result.
 */
import type { CodecErrorCode } from '../codec/result.js';
import type { BackendProblemCode, RefusalCode } from '../effects/backend.js';
import type { EnterFailureKey } from '../steam/index.js';
import type { LobbyListFailureCode } from '../machines/lobby-list.machine.js';
import type { CreateFailure, JoinFailure, RejectionCode } from '../machines/lobby.machine.js';
import type { PeerFailure } from '../machines/peer-session.machine.js';
import type { IgnoredCode } from '../machines/session.machine.js';
import type { VoteRejectionCode } from '../machines/vote-kick.machine.js';

/** The runtime's commands, as named in errors. */
export type RuntimeCommand =
  | 'createLobby'
  | 'findLobbies'
  | 'joinLobby'
  | 'leaveLobby'
  | 'sendChat'
  | 'send'
  | 'kick'
  | 'ban'
  | 'invite'
  | 'setLobbyData'
  | 'startGame'
  | 'acceptInvite'
  | 'reconnect'
  | 'startVoteKick'
  | 'voteKick'
  | 'tick'
  /** An event sent to `runtime.actor` from outside. */
  | 'actor.send';

export type LobbyRuntimeError =
  /** Creating a lobby failed: Steam's result, a timeout, lost servers, the backend refused, or `leaveLobby` cancelled it. */
  | {
      readonly kind: 'create-failed';
      readonly code: CreateFailure['code'] | 'cancelled';
      readonly result?: number;
      readonly reason: string;
    }
  /** Joining failed; `response` and `key` are Steam's enter response when it answered. */
  | {
      readonly kind: 'join-failed';
      readonly lobbyId: bigint;
      readonly code: JoinFailure['code'] | 'cancelled';
      readonly response?: number;
      readonly key?: EnterFailureKey;
      readonly reason: string;
    }
  | { readonly kind: 'list-failed'; readonly code: LobbyListFailureCode; readonly reason: string }
  /** One P2P attempt with a member failed (the seed's "Session failure with …" texts); `retryInMs` undefined: closed. */
  | {
      readonly kind: 'session-failed';
      readonly remoteId: bigint;
      readonly attempt: number;
      readonly failure: PeerFailure;
      readonly retryInMs: number | undefined;
      readonly reason: string;
    }
  /** A P2P session request we refused (a stranger, or someone kicked or banned from this lobby). */
  | {
      readonly kind: 'session-refused';
      readonly remoteId: bigint;
      readonly code: IgnoredCode | 'expelled';
      readonly reason: string;
    }
  /**
   * A member's packet that did not decode: the codec's code and detail, or `over-budget` for a heavy packet shed
   * undecoded from a member that kept the tick's decode budget waiting too long. The runtime drops it and goes on.
   */
  | {
      readonly kind: 'decode-failed';
      readonly from: bigint;
      readonly code: CodecErrorCode | 'over-budget';
      readonly detail: string;
      readonly reason: string;
    }
  /** A send refused before anything went on the wire. */
  | {
      readonly kind: 'send-refused';
      readonly command: 'send' | 'sendChat';
      /** `not-connected`: the member has not shown what it speaks yet (its session is still connecting). */
      readonly code: 'too-large' | 'unencodable' | 'not-a-member' | 'not-connected' | 'invalid-argument';
      readonly codecCode?: CodecErrorCode;
      readonly reason: string;
    }
  /** A command that makes no sense now (not in a lobby, not the owner, busy, owner changed, disposed…). */
  | {
      readonly kind: 'wrong-state';
      readonly command: RuntimeCommand;
      readonly code: RejectionCode | VoteRejectionCode | 'not-a-member' | 'disposed';
      readonly reason: string;
    }
  /** A bad argument; `createLobbyRuntime` for a bad option, published at the first tick (its default is used). */
  | { readonly kind: 'invalid-argument'; readonly command: RuntimeCommand | 'createLobbyRuntime'; readonly reason: string }
  /** The backend said no (Steam's or the adapter's own limits, a missing capability). */
  | {
      readonly kind: 'backend-refused';
      readonly command: RuntimeCommand | 'effect';
      readonly code: RefusalCode;
      readonly reason: string;
    }
  /** The backend found a problem in how it is wired into the game (steamworks.js callbacks replaced); `reason` says the fix. */
  | { readonly kind: 'backend-problem'; readonly code: BackendProblemCode; readonly reason: string }
  /** Something threw inside the runtime or the backend; caught so the game loop goes on. */
  | { readonly kind: 'internal'; readonly where: string; readonly reason: string };

export type LobbyRuntimeErrorKind = LobbyRuntimeError['kind'];

/** A command's outcome: never thrown, never a rejected promise. */
export type RuntimeResult<T extends object = object> =
  | ({ readonly ok: true } & T)
  | { readonly ok: false; readonly error: LobbyRuntimeError };

export type Failed = { readonly ok: false; readonly error: LobbyRuntimeError };

export function failed(error: LobbyRuntimeError): Failed {
  return { ok: false, error };
}

/** The seed's text for a P2P failure, e.g. "Session failure with 7656… [connection timed out]." */
export function sessionFailureText(remoteId: bigint, failure: PeerFailure): string {
  return `Session failure with ${remoteId} [${failure.reason}].`;
}

export function describeThrown(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}

export const DISPOSED_TEXT = 'The runtime was disposed.';
export const STOPPED_TEXT = 'The runtime stopped after an internal error (published on errors$): it has left the lobby; create a new runtime.';
