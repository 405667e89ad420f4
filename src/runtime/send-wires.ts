/**
 * What a send needs to know about wires: a message's bytes per tutorial wire among its recipients (made once per
 * send, however many recipients share a wire), and the Steam channel each wire's packets go out on.
 */
import type { Backend } from '../effects/backend.js';
import type { PeerWire } from './peer-wire.js';

/** A message's bytes per tutorial wire: at most four wires exist, and most lobbies have none, so no Map per send. */
export class TutorialBytes {
  constructor(private readonly entries: readonly (readonly [PeerWire, Uint8Array])[]) {}

  get(wire: PeerWire): Uint8Array | undefined {
    for (const [known, bytes] of this.entries) if (known === wire) return bytes;
    return undefined;
  }

  with(wire: PeerWire, bytes: Uint8Array): TutorialBytes {
    return new TutorialBytes([...this.entries, [wire, bytes]]);
  }
}

export const NO_TUTORIAL_BYTES = new TutorialBytes([]);

/**
 * The Steam channel a message on lobbykit `channel` goes out on: a lobbykit frame carries its channel in its
 * header where the backend has no channels of its own; a tutorial peer reads the Steam channel itself, and where
 * the backend only emulates channels (steamworks.js 0.4) that is channel 0, the only one there is.
 */
export function steamChannel(backend: Backend, wire: PeerWire | undefined, channel: number): number {
  const support = backend.capabilities.p2pChannels;
  if (wire?.kind === 'lobbykit') return support === 'absent' ? 0 : channel;
  return support === 'native' ? channel : 0;
}
