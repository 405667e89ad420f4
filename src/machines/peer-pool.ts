/**
 * Holds one peer-session actor per remote member, outside the root's `children` map.
 *
 * Why: XState v5 copies a machine's children object on every spawn and every stop, so spawning peers as root
 * children costs O(members) each, O(members²) for a full lobby (see bench/spawn.bench.ts). The pool keeps its
 * peers in a mutable Map (O(1) spawn, stop and routing) while they stay in the same actor system: same clock,
 * visible to `inspect`, and reachable with `system.get(peerSystemId(remoteId))`. It decides nothing; the root
 * says whom to spawn, close and route to, and the pool hands every event its peers emit back to the root.
 */
import { createActor, fromCallback, type ActorRefFrom, type AnyActorRef } from 'xstate';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff.js';
import type { PeerEffects } from './effects.js';
import {
  DEFAULT_PEER_TIMING,
  peerSessionMachine,
  withDefaults,
  type PeerCloseCause,
  type PeerSessionEmitted,
  type PeerSessionEvent,
  type PeerTiming,
} from './peer-session.machine.js';

export interface PeerOptions {
  readonly timing?: Partial<PeerTiming>;
  readonly retry?: Partial<RetryPolicy>;
}

export interface PeerPoolInput {
  readonly peer: PeerOptions;
  readonly effects: PeerEffects;
}

/** What the root asks of the pool. Peer-bound events (`peer.handshake`, …) are routed by their `remoteId`. */
export type PeerPoolCommand =
  | { readonly type: 'pool.spawn'; readonly remoteIds: readonly bigint[] }
  | { readonly type: 'pool.close'; readonly remoteId: bigint; readonly cause: PeerCloseCause }
  | { readonly type: 'pool.closeAll'; readonly cause: PeerCloseCause }
  | PeerSessionEvent;

/** XState's event to a parent whose child stopped in error (the pool's receive is typed for commands only). */
function isActorError(event: { readonly type: string }): event is { readonly type: string; readonly error: unknown } {
  return event.type.startsWith('xstate.error.actor.');
}

/** The system id a peer actor is registered under. */
export function peerSystemId(remoteId: bigint): string {
  return `peer:${remoteId}`;
}

/** The pool: its peers get the runtime's effects from the pool's input. */
export const peerPool = fromCallback<PeerPoolCommand, PeerPoolInput, PeerSessionEmitted>(
  ({ input, self, sendBack, receive }) => {
    const peers = new Map<bigint, ActorRefFrom<typeof peerSessionMachine>>();
    const timing = withDefaults(DEFAULT_PEER_TIMING, input.peer.timing);
    const retry = withDefaults(DEFAULT_RETRY_POLICY, input.peer.retry);

    const spawn = (remoteId: bigint) => {
      if (peers.has(remoteId)) return;
      const peer = createActor(peerSessionMachine, {
        // A child of the pool: same system (clock, inspection), but never in a machine snapshot's children.
        parent: self as AnyActorRef,
        id: peerSystemId(remoteId),
        systemId: peerSystemId(remoteId),
        input: { remoteId, timing, retry, effects: input.effects },
      });
      peers.set(remoteId, peer);
      peer.on('*', (emitted) => {
        if (emitted.type === 'peer.closed' && peers.get(remoteId) === peer) peers.delete(remoteId);
        sendBack(emitted);
      });
      peer.start();
    };

    const close = (remoteId: bigint, cause: PeerCloseCause) => {
      peers.get(remoteId)?.send({ type: 'peer.close', remoteId, cause });
    };

    receive((command) => {
      switch (command.type) {
        case 'pool.spawn':
          for (const remoteId of command.remoteIds) spawn(remoteId);
          return;
        case 'pool.close':
          close(command.remoteId, command.cause);
          return;
        case 'pool.closeAll':
          for (const remoteId of [...peers.keys()]) close(remoteId, command.cause);
          return;
        case 'peer.handshake':
        case 'peer.handshakeAck':
        case 'peer.silent':
        case 'peer.sessionFailed':
        case 'peer.close':
          peers.get(command.remoteId)?.send(command);
          return;
        default: {
          // A peer whose action threw has stopped in error: the pool fails with it, and so the root, which reports it.
          const event: { readonly type: string } = command;
          if (isActorError(event)) throw event.error;
          // Done events of finished peers land here (the pool is their parent); their peer.closed came first.
          return;
        }
      }
    });

    // The root stopped with sessions still open: each is closed for good, which stops it and cancels its timers
    // (XState refuses stop() on an actor that has a parent).
    return () => {
      for (const [remoteId, peer] of [...peers]) peer.send({ type: 'peer.close', remoteId, cause: 'disposed' });
      peers.clear();
    };
  },
);
