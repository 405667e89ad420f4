/**
 * What the demo story reports as it happens (the timeline) and what it adds up to (the summary). Plain data with
 * bigints for Steam ids; the renderer turns it into text, or into JSON lines with the ids as strings.
 */

/** A player as the timeline names them. */
export interface Who {
  readonly name: string;
  readonly id: bigint;
}

export interface SessionFailureNote {
  readonly who: Who;
  readonly remote: Who;
  readonly attempt: number;
  readonly code: string;
  readonly reason: string;
  /** Wait before the next attempt; undefined when the session gave up. */
  readonly retryInMs: number | undefined;
}

export type DemoEvent =
  | { readonly type: 'step'; readonly t: number; readonly index: number; readonly total: number; readonly title: string }
  | { readonly type: 'world'; readonly t: number; readonly players: number; readonly latencyMs: number; readonly loss: number; readonly seed: number }
  | { readonly type: 'lobby-created'; readonly t: number; readonly who: Who; readonly lobbyId: bigint; readonly memberLimit: number }
  | { readonly type: 'lobby-data'; readonly t: number; readonly who: Who; readonly key: string; readonly value: string }
  | { readonly type: 'lobbies-found'; readonly t: number; readonly who: Who; readonly filter: string; readonly found: number; readonly names: readonly string[] }
  | { readonly type: 'joined'; readonly t: number; readonly who: Who; readonly lobbyId: bigint; readonly members: number }
  | { readonly type: 'join-refused'; readonly t: number; readonly who: Who; readonly response: number | undefined; readonly key: string | undefined; readonly reason: string }
  | { readonly type: 'all-connected'; readonly t: number; readonly members: number; readonly sessions: number }
  | { readonly type: 'chat'; readonly t: number; readonly who: Who; readonly text: string; readonly heardBy: number }
  | {
      readonly type: 'traffic';
      readonly t: number;
      readonly frame: number;
      readonly frames: number;
      readonly messages: number;
      readonly delivered: number;
      readonly bytes: number;
      readonly seedBytes: number;
    }
  | { readonly type: 'link-cut'; readonly t: number; readonly who: Who }
  | { readonly type: 'sessions-failed'; readonly t: number; readonly failures: readonly SessionFailureNote[] }
  | { readonly type: 'link-restored'; readonly t: number; readonly who: Who }
  | { readonly type: 'reconnected'; readonly t: number; readonly who: Who; readonly peers: number; readonly attempts: number }
  | { readonly type: 'kicked'; readonly t: number; readonly by: Who; readonly who: Who; readonly reason: string }
  | { readonly type: 'owner-left'; readonly t: number; readonly who: Who }
  | { readonly type: 'owner-changed'; readonly t: number; readonly from: Who; readonly to: Who; readonly seenBy: number }
  | { readonly type: 'left'; readonly t: number; readonly who: Who; readonly reason: string; readonly sessionsClosed: number }
  | { readonly type: 'all-closed'; readonly t: number; readonly opened: number; readonly closed: number };

export type DemoEventType = DemoEvent['type'];

export interface MemberRow extends Who {
  /** What happened to this player, in story order ("created the lobby", "kicked by Gramps", …). */
  readonly story: readonly string[];
  readonly chatHeard: number;
  readonly messagesReceived: number;
}

export interface ChannelRow {
  readonly channel: number;
  readonly label: string;
  readonly reliable: boolean;
  /** `send` calls. */
  readonly messages: number;
  /** Packets on the wire (one per recipient). */
  readonly packets: number;
  /** Messages handed to the receivers' `messages(channel)` subscribers. */
  readonly delivered: number;
  /** Bytes lobbykit put on the wire for them. */
  readonly bytes: number;
  /** Bytes the seed's own format (Godot var2bytes + GZIP) would have put on the wire for the same messages. */
  readonly seedBytes: number;
}

export interface FailureRow {
  /** error kind/code, e.g. "join-failed/full" or "session-failed/liveness-timeout". */
  readonly key: string;
  readonly count: number;
  /** One reason text, as the runtime worded it. */
  readonly example: string;
}

export interface DemoSummary {
  readonly players: number;
  readonly seed: number;
  readonly latencyMs: number;
  readonly loss: number;
  /** Virtual time the story took, ms. */
  readonly virtualMs: number;
  readonly lobbyId: bigint;
  readonly memberLimit: number;
  readonly members: readonly MemberRow[];
  readonly channels: readonly ChannelRow[];
  /** Handshakes and heartbeats (lobbykit control frames on channel 0). */
  readonly control: { readonly packets: number; readonly bytes: number };
  readonly chatLines: number;
  readonly refused: { readonly who: Who; readonly reason: string };
  readonly kicked: { readonly who: Who; readonly by: Who };
  readonly ownerChange: { readonly from: Who; readonly to: Who };
  /** Session attempts that failed and were retried. */
  readonly retries: number;
  /** Sessions that came back after a failure. */
  readonly reconnections: number;
  readonly sessions: { readonly opened: number; readonly closed: number };
  readonly failures: readonly FailureRow[];
}

export type DemoOutcome =
  | { readonly ok: true; readonly summary: DemoSummary }
  | { readonly ok: false; readonly step: string; readonly problem: string };
