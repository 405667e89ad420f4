import { lobbyMachine, type CreateParams, type LobbyDataParams, type LobbyIdParams, type ListParams, type MemberParams } from '../machines/lobby.machine.js';
import { createPeerPool } from '../machines/peer-pool.js';
import { peerSessionMachine, type HandshakeParams, type RemoteParams } from '../machines/peer-session.machine.js';
import { sessionMachine, type AcceptSessionParams } from '../machines/session.machine.js';

/**
 * The effects the machines ask for, as plain functions. The lobby actions also get the lobby's current lobby id,
 * so leaving can tell "leave the lobby we are in" (answered with `lobby.left`) from "leave a stray lobby".
 */
export interface MachineEffects {
  createLobby(params: CreateParams): void;
  joinLobby(params: LobbyIdParams): void;
  leaveLobby(params: LobbyIdParams, currentLobbyId: bigint | undefined): void;
  setLobbyJoinable(params: LobbyIdParams): void;
  setLobbyData(params: LobbyDataParams): void;
  allowRelay(): void;
  requestLobbyList(params: ListParams): void;
  kick(params: MemberParams): void;
  ban(params: MemberParams): void;
  start(params: LobbyIdParams): void;
  acceptSession(params: AcceptSessionParams): void;
  sendHandshake(params: HandshakeParams): void;
  sendHandshakeAck(params: RemoteParams): void;
  sendHeartbeat(params: RemoteParams): void;
  closeSession(params: RemoteParams): void;
  /**
   * Liveness from the runtime's ledger (see liveness.ts); absent: the machine's own timer, kept alive only by
   * `peer.traffic` events.
   */
  readonly liveness?: {
    heardWithinWindow(remoteId: bigint, windowMs: number): boolean;
    remainingMs(remoteId: bigint, windowMs: number): number;
  };
}

/** The root machine with every effect provided (the machines' author's recipe: lobby and peer pool provided inside). */
export function wireSessionMachine(effects: MachineEffects) {
  const lobby = lobbyMachine.provide({
    actions: {
      requestCreateLobby: (_, params) => effects.createLobby(params),
      requestJoinLobby: (_, params) => effects.joinLobby(params),
      requestLeaveLobby: ({ context }, params) => effects.leaveLobby(params, context.lobbyId),
      setLobbyJoinable: (_, params) => effects.setLobbyJoinable(params),
      setLobbyData: (_, params) => effects.setLobbyData(params),
      allowP2PRelay: () => effects.allowRelay(),
      requestLobbyList: (_, params) => effects.requestLobbyList(params),
      requestKick: (_, params) => effects.kick(params),
      requestBan: (_, params) => effects.ban(params),
      requestStart: (_, params) => effects.start(params),
    },
  });
  const actions = {
    sendHandshake: (_: unknown, params: HandshakeParams) => effects.sendHandshake(params),
    sendHandshakeAck: (_: unknown, params: RemoteParams) => effects.sendHandshakeAck(params),
    sendHeartbeat: (_: unknown, params: RemoteParams) => effects.sendHeartbeat(params),
    closeSession: (_: unknown, params: RemoteParams) => effects.closeSession(params),
  };
  const liveness = effects.liveness;
  const peer =
    liveness === undefined
      ? peerSessionMachine.provide({ actions })
      : peerSessionMachine.provide({
          actions,
          guards: {
            heardWithinLivenessWindow: ({ context }) =>
              liveness.heardWithinWindow(context.remoteId, context.timing.livenessTimeoutMs),
          },
          delays: {
            livenessTimeout: ({ context }) => liveness.remainingMs(context.remoteId, context.timing.livenessTimeoutMs),
          },
        });
  return sessionMachine.provide({
    actions: { acceptSession: (_, params) => effects.acceptSession(params) },
    actors: { lobby, peerPool: createPeerPool(peer) },
  });
}

export type WiredSessionMachine = ReturnType<typeof wireSessionMachine>;
