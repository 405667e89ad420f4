/**
 * A lobby member without a runtime: a bare backend that speaks lobbykit's wire as a runtime does — on entering a
 * lobby it declares its wire in member data and handshakes the members already there; it answers handshakes and
 * sends heartbeats — so a test or benchmark can fill a 250-member lobby around ONE real runtime without running 250
 * of them (each with 249 peer actors). It speaks the wire protocol from the codec, nothing from the runtime.
 */
import { createPacketCodec, type PacketCodec } from '../../src/codec/packet-codec.js';
import { P2PSendType, type Backend } from '../../src/effects/backend.js';
import { WIRE_MEMBER_DATA_KEY, WIRE_MEMBER_DATA_VALUE } from '../../src/runtime/peer-wire.js';

export class ThinMember {
  /** Remotes we handshook with or that handshook with us (we answer and heartbeat them). */
  readonly peers = new Set<bigint>();
  /** Game messages received (decoded), per channel. */
  readonly received = new Map<number, number>();
  decodeErrors = 0;
  private heartbeatSeq = 0;

  constructor(
    readonly backend: Backend,
    private readonly codec: PacketCodec = createPacketCodec(),
  ) {}

  get id(): bigint {
    return this.backend.localUserId();
  }

  /** Accepts sessions, answers handshakes, counts messages. */
  tick(): void {
    const backend = this.backend;
    backend.poll();
    backend.drainEvents((event) => {
      if (event.type === 'p2pSessionRequest') backend.acceptSession(event.remote);
      if (event.type === 'lobbyEntered' && event.response === 1) this.entered(event.lobbyId);
    });
    for (;;) {
      const channel = backend.channelsWithPackets()[0];
      if (channel === undefined) break;
      const packet = backend.readP2P(channel);
      if (packet === undefined) break;
      const decoded = this.codec.decode(packet.bytes);
      if (!decoded.ok) {
        this.decodeErrors++;
        continue;
      }
      const value = decoded.value;
      if (value.kind === 'control') {
        if (value.message.type === 'handshake') {
          this.peers.add(packet.from);
          this.control(packet.from, { type: 'handshake-ack', nonce: value.message.nonce, attempt: value.message.attempt });
        }
      } else {
        this.received.set(value.channel, (this.received.get(value.channel) ?? 0) + 1);
      }
    }
  }

  /** What a runtime does on entering (runtime/outcomes.ts, peer-protocol.ts): declare, then open to who is there. */
  private entered(lobbyId: bigint): void {
    const backend = this.backend;
    if (backend.capabilities.memberData !== 'absent') backend.setLobbyMemberData(lobbyId, WIRE_MEMBER_DATA_KEY, WIRE_MEMBER_DATA_VALUE);
    for (const member of backend.getLobbyMembers(lobbyId)) {
      if (member === this.id) continue;
      this.peers.add(member);
      this.control(member, { type: 'handshake', nonce: 1, attempt: 0 });
    }
  }

  heartbeat(): void {
    this.heartbeatSeq++;
    for (const peer of this.peers) this.control(peer, { type: 'heartbeat', seq: this.heartbeatSeq });
  }

  /** Sends a pre-encoded frame (what a game would send through its own loop). */
  sendFrame(to: bigint, frame: Uint8Array, channel: number, sendType: P2PSendType = P2PSendType.reliable): boolean {
    return this.backend.sendP2P(to, frame, sendType, channel);
  }

  private control(to: bigint, message: Parameters<PacketCodec['encodeControl']>[0]): void {
    const frame = this.codec.encodeControl(message, 0);
    if (frame.ok) this.backend.sendP2P(to, frame.value, P2PSendType.reliable, 0);
  }
}
