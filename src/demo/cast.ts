/**
 * The demo's players: their names and Steam ids, and what the story watches on each one's runtime (errors, chat,
 * why it left, delivered messages, sessions opened and closed) to decide when a step is done and to tell it.
 */
import type { Subscription } from 'rxjs';
import type { LobbyRuntime, LobbyRuntimeError } from '../runtime.js';
import type { Who } from './events.js';
import { PlayerMotion } from './traffic.js';

export const RELIABLE_CHANNEL = 1;
export const UNRELIABLE_CHANNEL = 2;

const NAMES = ['Gramps', 'Ada', 'Bruno', 'Chiara', 'Dmitri', 'Esme', 'Farid', 'Greta', 'Hiro', 'Ines', 'Jonas', 'Kemi'];

export function nameOf(index: number): string {
  const base = NAMES[index % NAMES.length]!;
  return index < NAMES.length ? base : `${base}${Math.floor(index / NAMES.length) + 1}`;
}

export interface Actor extends Who {
  readonly index: number;
  readonly runtime: LobbyRuntime;
  readonly motion: PlayerMotion;
  readonly errors: LobbyRuntimeError[];
  readonly story: string[];
  /** Remotes with a connected session right now. */
  readonly open: Set<bigint>;
  chatHeard: number;
  messagesReceived: number;
  sessionsOpened: number;
  sessionsClosed: number;
  /** Connections made after a failure with the same remote. */
  reconnections: number;
  readonly failedWith: Set<bigint>;
  /** How far into `errors` the failure reporter has read. */
  errorsSeen: number;
  /** Why the lobby machine says this player left, once it has. */
  leftReason: string | undefined;
}

/** One game channel's traffic: messages sent, packets (one per recipient), what arrived, the seed format's bytes. */
export interface ChannelCount {
  messages: number;
  packets: number;
  delivered: number;
  seedBytes: number;
}

export const who = (a: Actor): Who => ({ name: a.name, id: a.id });

/** A player whose runtime's streams are watched from now on; the subscriptions go into `subscriptions`. */
export function castActor(
  player: { readonly index: number; readonly name: string; readonly id: bigint; readonly runtime: LobbyRuntime; readonly seed: number },
  counts: ReadonlyMap<number, ChannelCount>,
  subscriptions: Subscription[],
): Actor {
  const { index, name, id, runtime } = player;
  const actor: Actor = {
    index,
    name,
    id,
    runtime,
    motion: new PlayerMotion((player.seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0),
    errors: [],
    story: [],
    open: new Set(),
    chatHeard: 0,
    messagesReceived: 0,
    sessionsOpened: 0,
    sessionsClosed: 0,
    reconnections: 0,
    failedWith: new Set(),
    errorsSeen: 0,
    leftReason: undefined,
  };
  const delivered = (channel: number) => () => {
    counts.get(channel)!.delivered++;
    actor.messagesReceived++;
  };
  subscriptions.push(
    runtime.errors$.subscribe((e) => actor.errors.push(e)),
    runtime.chat$.subscribe(() => actor.chatHeard++),
    runtime.lifecycle$.subscribe((event) => {
      if (event.type === 'lifecycle.left') actor.leftReason = event.reason.reason;
    }),
    runtime.messages(RELIABLE_CHANNEL).subscribe(delivered(RELIABLE_CHANNEL)),
    runtime.messages(UNRELIABLE_CHANNEL).subscribe(delivered(UNRELIABLE_CHANNEL)),
    runtime.sessions$.subscribe((event) => {
      if (event.type === 'peer.connected') {
        if (!actor.open.has(event.remoteId)) actor.sessionsOpened++;
        actor.open.add(event.remoteId);
        if (actor.failedWith.has(event.remoteId)) actor.reconnections++;
      } else if (event.type === 'peer.closed') {
        if (actor.open.delete(event.remoteId)) actor.sessionsClosed++;
      }
    }),
  );
  return actor;
}
