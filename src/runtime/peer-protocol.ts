/**
 * The handshake, in each member's wire: the peer machines decide when to handshake, ack and heartbeat; this turns
 * those decisions into packets — lobbykit's control frames for lobbykit peers, the tutorial's handshake Dictionary
 * for GodotSteam peers, who get no heartbeats — sent reliable, so a lost datagram is Steam's problem, not a failed
 * attempt. A member whose wire is not known yet is opened to with the tutorial's handshake, marked as lobbykit's,
 * if it was in the lobby before us (as a tutorial joiner does); a member who came after us opens to us.
 * The sender is always the transport's `from`: nothing in a payload names a user.
 */
import type { ControlMessage } from '../codec/control.js';
import type { PacketCodec } from '../codec/packet-codec.js';
import { P2PSendType, type Backend } from '../effects/backend.js';
import { seedFromSteamId } from '../machines/backoff.js';
import type { PeerSessionEvent } from '../machines/peer-session.machine.js';
import type { PeerSlot } from './member-directory.js';
import { LOBBYKIT_WIRE, type TutorialWire } from './peer-wire.js';
import { tutorialHandshake } from './tutorial-codec.js';

/** Backend channel for lobbykit's control frames (the frame header says what they are, so 0 is shared safely). */
export const CONTROL_CHANNEL = 0;
/** The tutorial's CHANNEL for its handshake. */
const TUTORIAL_HANDSHAKE_CHANNEL = 0;

export class PeerProtocol {
  /** The last handshake each remote sent, echoed in our ack so they can match it to their attempt. */
  private readonly lastHandshake = new Map<bigint, { readonly nonce: number; readonly attempt: number }>();
  private readonly nonce: number;
  private heartbeatSeq = 0;

  constructor(
    private readonly backend: Backend,
    private readonly codec: PacketCodec,
    private readonly toMachines: (event: PeerSessionEvent) => void,
    private readonly selfId: bigint,
    private readonly slots: ReadonlyMap<bigint, PeerSlot>,
    /** How to open to a member that has not shown its wire (the GodotSteam game this lobby may be shared with). */
    private readonly opening: TutorialWire,
  ) {
    // Deterministic per user, so simulated runs replay; it only tells our sessions apart, it is no secret.
    this.nonce = seedFromSteamId(selfId) & 0x7fffffff;
  }

  /** The peer machine's `sendHandshake`: false when nothing went out (the attempt then times out and retries). */
  sendHandshake(remoteId: bigint, attempt: number): boolean {
    const slot = this.slots.get(remoteId);
    const wire = slot?.wire;
    if (wire?.kind === 'lobbykit') {
      return this.sendControl(remoteId, { type: 'handshake', nonce: this.nonce, attempt: Math.max(0, attempt - 1) });
    }
    if (wire !== undefined) return this.sendTutorialHandshake(remoteId, wire, false);
    return slot?.opens === true ? this.sendTutorialHandshake(remoteId, this.opening, true) : false;
  }

  /** Answers a handshake; a tutorial peer's answer is our own tutorial handshake, as its session request makes one. */
  sendHandshakeAck(remoteId: bigint): boolean {
    const wire = this.slots.get(remoteId)?.wire;
    if (wire?.kind === 'lobbykit') {
      const theirs = this.lastHandshake.get(remoteId);
      return this.sendControl(remoteId, { type: 'handshake-ack', nonce: theirs?.nonce ?? 0, attempt: theirs?.attempt ?? 0 });
    }
    return wire === undefined ? this.sendHandshake(remoteId, 1) : this.sendTutorialHandshake(remoteId, wire, false);
  }

  /** Heartbeats are lobbykit's: a tutorial peer's liveness is Steam's session state, and it would only print them. */
  sendHeartbeat(remoteId: bigint): boolean {
    if (this.slots.get(remoteId)?.wire !== LOBBYKIT_WIRE) return false;
    this.heartbeatSeq = (this.heartbeatSeq + 1) & 0x7fffffff;
    return this.sendControl(remoteId, { type: 'heartbeat', seq: this.heartbeatSeq });
  }

  /** A tutorial handshake arrived (from a tutorial peer, or a lobbykit runtime opening with one). */
  receiveTutorialHandshake(from: bigint): void {
    this.toMachines({ type: 'peer.handshake', remoteId: from });
  }

  /** A control frame from a member (already gated and decoded). Heartbeats only count as traffic. */
  receive(from: bigint, message: ControlMessage): void {
    switch (message.type) {
      case 'handshake':
        this.lastHandshake.set(from, { nonce: message.nonce, attempt: message.attempt });
        this.toMachines({ type: 'peer.handshake', remoteId: from });
        return;
      case 'handshake-ack':
        this.toMachines({ type: 'peer.handshakeAck', remoteId: from });
        return;
      case 'heartbeat':
      case 'heartbeat-ack':
      case 'goodbye':
        // Liveness is the traffic throttle's business; a goodbye is followed by Steam's own member-left update.
        return;
    }
  }

  forget(remoteId: bigint): void {
    this.lastHandshake.delete(remoteId);
  }

  clear(): void {
    this.lastHandshake.clear();
  }

  private sendTutorialHandshake(remoteId: bigint, wire: TutorialWire, fromLobbykit: boolean): boolean {
    const bytes = tutorialHandshake(this.selfId, wire, fromLobbykit);
    return this.backend.sendP2P(remoteId, bytes, P2PSendType.reliable, TUTORIAL_HANDSHAKE_CHANNEL);
  }

  private sendControl(remoteId: bigint, message: ControlMessage): boolean {
    const frame = this.codec.encodeControl(message, CONTROL_CHANNEL);
    if (!frame.ok) return false;
    return this.backend.sendP2P(remoteId, frame.value, P2PSendType.reliable, CONTROL_CHANNEL);
  }
}
