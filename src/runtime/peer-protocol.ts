import type { ControlMessage } from '../codec/control.js';
import type { PacketCodec } from '../codec/packet-codec.js';
import { P2PSendType, type Backend } from '../effects/backend.js';
import { seedFromSteamId } from '../machines/backoff.js';
import type { PeerSessionEvent } from '../machines/peer-session.machine.js';

/** Backend channel for lobbykit's control frames (the frame header says what they are, so 0 is shared safely). */
export const CONTROL_CHANNEL = 0;

/**
 * lobbykit's own handshake, the seed's "handshake" message made a protocol: the peer machines decide when to
 * handshake, ack and heartbeat; this turns those decisions into control frames (sent reliable, so a lost datagram
 * is Steam's problem, not a failed attempt) and turns received control frames back into machine events.
 * The sender is always the transport's `from`: nothing in a control payload names a user.
 */
export class PeerProtocol {
  /** The last handshake each remote sent, echoed in our ack so they can match it to their attempt. */
  private readonly lastHandshake = new Map<bigint, { readonly nonce: number; readonly attempt: number }>();
  private readonly nonce: number;
  private heartbeatSeq = 0;

  constructor(
    private readonly backend: Backend,
    private readonly codec: PacketCodec,
    private readonly toMachines: (event: PeerSessionEvent) => void,
    selfId: bigint,
  ) {
    // Deterministic per user, so simulated runs replay; it only tells our sessions apart, it is no secret.
    this.nonce = seedFromSteamId(selfId) & 0x7fffffff;
  }

  /** The peer machine's `sendHandshake`: false when the backend refused (the attempt then times out and retries). */
  sendHandshake(remoteId: bigint, attempt: number): boolean {
    return this.sendControl(remoteId, { type: 'handshake', nonce: this.nonce, attempt: Math.max(0, attempt - 1) });
  }

  sendHandshakeAck(remoteId: bigint): boolean {
    const theirs = this.lastHandshake.get(remoteId);
    return this.sendControl(remoteId, { type: 'handshake-ack', nonce: theirs?.nonce ?? 0, attempt: theirs?.attempt ?? 0 });
  }

  sendHeartbeat(remoteId: bigint): boolean {
    this.heartbeatSeq = (this.heartbeatSeq + 1) & 0x7fffffff;
    return this.sendControl(remoteId, { type: 'heartbeat', seq: this.heartbeatSeq });
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

  private sendControl(remoteId: bigint, message: ControlMessage): boolean {
    const frame = this.codec.encodeControl(message, CONTROL_CHANNEL);
    if (!frame.ok) return false;
    return this.backend.sendP2P(remoteId, frame.value, P2PSendType.reliable, CONTROL_CHANNEL);
  }
}
