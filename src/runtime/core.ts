/**
 * The parts of one runtime that its jobs share: the backend and clock, the member directory (also the data
 * plane's gate), the peer protocol, the packet router, the error reporter, the game's streams and the two
 * request slots. runtime.ts builds it; the commands, the machine effects and the outcomes all work through it.
 */
import type { PacketCodec } from '../codec/packet-codec.js';
import type { Backend, P2PRoutes } from '../effects/backend.js';
import type { LobbyClock } from '../effects/clock.js';
import type { SessionEvent } from '../machines/session.machine.js';
import type { LobbyListing } from './api.js';
import type { RuntimeResult } from './errors.js';
import type { GameStreams } from './game-streams.js';
import type { HeldSends } from './held-sends.js';
import type { MemberDirectory } from './member-directory.js';
import type { PacketRouter } from './packet-router.js';
import type { PeerProtocol } from './peer-protocol.js';
import type { Reporter } from './reporter.js';
import type { RequestSlot } from './request-slot.js';
import type { RuntimeStats } from './stats.js';

export type MembershipResult = RuntimeResult<{ readonly lobbyId: bigint }>;
/** `complete` is false when matching lobbies may be missing (steamworks.js filters Steam's first 50). */
export type ListResult = RuntimeResult<{ readonly lobbies: readonly LobbyListing[]; readonly complete: boolean }>;

export interface RuntimeCore {
  readonly selfId: bigint;
  readonly backend: Backend;
  /** The backend's routes when it made them itself (not a wrapper's view of another backend's): see P2PRoutes. */
  readonly routes: P2PRoutes | undefined;
  readonly clock: LobbyClock;
  readonly codec: PacketCodec;
  readonly counters: RuntimeStats;
  readonly directory: MemberDirectory;
  readonly protocol: PeerProtocol;
  readonly router: PacketRouter;
  readonly reporter: Reporter;
  readonly streams: GameStreams;
  /** Reliable messages for members whose wire is not known yet. */
  readonly held: HeldSends;
  /** The one create or join in flight, and the one lobby list request. */
  readonly membershipRequest: RequestSlot<'create' | 'join', MembershipResult>;
  readonly listRequest: RequestSlot<'list', ListResult>;
  /** Sends an event to the root actor; a throw is reported, never passed on. Nothing happens after dispose. */
  toMachines(event: SessionEvent): void;
  /** Reads our lobby's data from the backend and publishes it. */
  refreshLobbyData(): void;
  /** Forgets what the data plane keeps for a member (their last handshake, what was held for them). */
  forgetPeer(id: bigint): void;
}
