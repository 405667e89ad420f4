/**
 * A GodotSteam game running the seed tutorial's lobby and P2P code, ported line for line to TypeScript over a bare
 * backend (the tutorial's functions are named in comments), so runtime tests can put lobbykit beside a tutorial
 * peer on the simulated Steam without starting Godot. Its packets are made and read with the Godot codec the way
 * the tutorial's `_send_P2P_Packet` / `_read_P2P_Packet` do; the real engine checks the same bytes in the Godot
 * oracle suites. Everything it reads that the tutorial's reader would choke on is counted in `unreadable`.
 */
import { decodeGodotPlain, encodeGodotPlain, godotCompress, godotDecompress } from '../../src/codec/godot/index.js';
import { P2PSendType, type Backend } from '../../src/effects/backend.js';

export interface TutorialPeerOptions {
  /** The tutorial's final `_send_P2P_Packet` GZIPs; its first version does not. */
  readonly gzip?: boolean;
  /** The engine: Godot 3's var2bytes (the tutorial's) or Godot 4's var_to_bytes (GodotSteam's Godot 4 tutorials). */
  readonly godot?: 3 | 4;
  /**
   * False: its handshakes reach nobody, as a host's do when our session request reaches it before it has seen us
   * enter (it handshakes the members it knows, once).
   */
  readonly handshakes?: boolean;
}

export interface ReceivedPacket {
  readonly from: bigint;
  readonly channel: number;
  readonly value: Record<string, unknown>;
}

export class TutorialPeer {
  lobbyId = 0n;
  members: bigint[] = [];
  readonly received: ReceivedPacket[] = [];
  readonly chat: { readonly from: bigint; readonly text: string }[] = [];
  readonly connectFails: { readonly remote: bigint; readonly error: number }[] = [];
  /** Packets whose bytes the tutorial's `bytes2var(decompress_dynamic(…))` would not turn into a Dictionary. */
  unreadable = 0;
  private readonly unreadableBySender = new Map<bigint, number>();
  private readonly gzip: boolean;

  constructor(
    readonly backend: Backend,
    options: TutorialPeerOptions = {},
  ) {
    this.gzip = options.gzip ?? true;
    this.godot = options.godot ?? 3;
    this.handshakes = options.handshakes ?? true;
  }

  private readonly handshakes: boolean;
  private readonly godot: 3 | 4;

  get id(): bigint {
    return this.backend.localUserId();
  }

  /** `_create_Lobby`: Steam.createLobby(LOBBY_TYPE_PUBLIC, 10). */
  createLobby(maxMembers = 10): void {
    this.backend.createLobby(2, maxMembers);
  }

  /** `_join_Lobby`. */
  joinLobby(lobbyId: bigint): void {
    this.members = [];
    this.backend.joinLobby(lobbyId);
  }

  /** `_process`: run_callbacks, then `_read_All_P2P_Packets` on the tutorial's channel (and any asked for). */
  tick(channels: readonly number[] = [0]): void {
    const backend = this.backend;
    backend.poll();
    backend.drainEvents((event) => {
      switch (event.type) {
        case 'lobbyCreated': // _on_Lobby_Created
          if (event.result !== 1) return;
          this.lobbyId = event.lobbyId;
          backend.setLobbyJoinable(event.lobbyId, true);
          backend.setLobbyData(event.lobbyId, 'name', 'Gramps');
          backend.setLobbyData(event.lobbyId, 'mode', 'GodotSteam test');
          backend.allowRelay(true);
          return;
        case 'lobbyEntered': // _on_Lobby_Joined
          if (event.response !== 1) return;
          this.lobbyId = event.lobbyId;
          this.getLobbyMembers();
          this.makeHandshake();
          return;
        case 'lobbyChatUpdate': // _on_Lobby_Chat_Update
          this.getLobbyMembers();
          return;
        case 'lobbyChatMessage': // _on_Lobby_Message
          // GodotSteam's String::utf8 reads the entry up to its NUL.
          this.chat.push({ from: event.from, text: new TextDecoder().decode(event.bytes).split('\0')[0]! });
          return;
        case 'p2pSessionRequest': // _on_P2P_Session_Request
          backend.acceptSession(event.remote);
          this.makeHandshake();
          return;
        case 'p2pConnectFail': // _on_P2P_Session_Connect_Fail
          this.connectFails.push({ remote: event.remote, error: event.error });
          return;
        default:
          return;
      }
    });
    // _read_All_P2P_Packets: PACKET_READ_LIMIT 32.
    for (const channel of channels) {
      for (let read = 0; read < 32 && backend.availableP2P(channel) > 0; read++) {
        const packet = backend.readP2P(channel);
        if (packet !== undefined) this.readPacket(packet.from, packet.bytes, channel);
      }
    }
  }

  /** `_send_P2P_Packet(target, packet_data)`: target 0 is everyone but us. */
  send(target: bigint, packet: Record<string, unknown>, channel = 0, sendType: number = P2PSendType.reliable): void {
    const raw = encodeGodotPlain(packet, this.godot);
    const data = this.gzip ? godotCompress(raw, 'gzip') : raw;
    const to = target === 0n ? this.members.filter((id) => id !== this.id) : [target];
    for (const id of to) this.backend.sendP2P(id, data, sendType as P2PSendType, channel);
  }

  /** `_on_Send_Chat_pressed`: GodotSteam sends the text and its terminating NUL (godotsteam.cpp:3452 at 3200570). */
  sendChat(text: string): void {
    this.backend.sendLobbyChat(this.lobbyId, new TextEncoder().encode(`${text}\0`));
  }

  /** `_leave_Lobby`: leave, then close the session with every member but us. */
  leave(): void {
    if (this.lobbyId === 0n) return;
    this.backend.leaveLobby(this.lobbyId);
    this.lobbyId = 0n;
    for (const id of this.members) if (id !== this.id) this.backend.closeSession(id);
    this.members = [];
  }

  /** Handshakes received, by sender. */
  handshakesFrom(id: bigint): number {
    return this.received.filter((p) => p.from === id && p.value.message === 'handshake').length;
  }

  messagesFrom(id: bigint): ReceivedPacket[] {
    return this.received.filter((p) => p.from === id && p.value.message !== 'handshake');
  }

  unreadableFrom(id: bigint): number {
    return this.unreadableBySender.get(id) ?? 0;
  }

  private countUnreadable(from: bigint): void {
    this.unreadable++;
    this.unreadableBySender.set(from, this.unreadableFrom(from) + 1);
  }

  /** `_make_P2P_Handshake`. */
  private makeHandshake(): void {
    if (!this.handshakes) return;
    this.send(0n, { message: 'handshake', from: this.id });
  }

  /** `_get_Lobby_Members`. */
  private getLobbyMembers(): void {
    this.members = [...this.backend.getLobbyMembers(this.lobbyId)];
  }

  /** `_read_P2P_Packet`: `bytes2var(PACKET_CODE.decompress_dynamic(-1, File.COMPRESSION_GZIP))` into a Dictionary. */
  private readPacket(from: bigint, bytes: Uint8Array, channel: number): void {
    let raw = bytes;
    if (this.gzip) {
      const inflated = godotDecompress(bytes, 'gzip');
      if (!inflated.ok) {
        this.countUnreadable(from);
        return;
      }
      raw = inflated.value;
    }
    // `var READABLE: Dictionary = bytes2var(…)`: anything but a Dictionary (String keys here) is unreadable to it.
    const decoded = decodeGodotPlain(raw, this.godot);
    if (!decoded.ok || typeof decoded.value !== 'object' || decoded.value === null || decoded.value instanceof Map || Array.isArray(decoded.value) || ArrayBuffer.isView(decoded.value)) {
      this.countUnreadable(from);
      return;
    }
    this.received.push({ from, channel, value: decoded.value as Record<string, unknown> });
  }
}
