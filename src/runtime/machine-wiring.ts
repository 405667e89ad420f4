import type { LobbyClock } from '../effects/clock.js';
import { lobbyMachine, type CreateParams, type LobbyDataParams, type LobbyIdParams, type ListParams, type MemberParams } from '../machines/lobby.machine.js';
import { createPeerPool } from '../machines/peer-pool.js';
import { peerSessionMachine, type HandshakeParams, type RemoteParams } from '../machines/peer-session.machine.js';
import { sessionMachine, type AcceptSessionParams, type HeartbeatParams, type LivenessCheckParams } from '../machines/session.machine.js';

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
  sendHeartbeats(params: HeartbeatParams): void;
  /**
   * With the ledger (see liveness.ts), the only mode that calls it: `peer.silent` for each member not heard within
   * the window.
   */
  checkLiveness(params: LivenessCheckParams): void;
  closeSession(params: RemoteParams): void;
}

/**
 * The machines run one runtime's effects at a time: the runtime enters `runWith(effects, …)` around everything that
 * makes its actors move (sends, start, stop, and — through `clockFor` — every delayed event), and the provided
 * implementations below read the effects from there.
 *
 * Why not `.provide()` per runtime: providing builds a new machine, and with it the whole state-node tree of the
 * root, the lobby and the peer machine — about 99 KB per runtime, 14 KB per peer session in a lobby of 8 (see
 * `npm run bench -- scale`). XState hands actions the actor's `system`, not the runtime that owns it, so the one
 * route from a shared machine's actions to one runtime's effects is the runtime that is running.
 */
let active: MachineEffects | undefined;

export function runWith<T>(effects: MachineEffects, run: () => T): T {
  const outer = active;
  active = effects;
  try {
    return run();
  } finally {
    active = outer;
  }
}

function effectsNow(): MachineEffects {
  // Only reachable if something made an actor move outside runWith: a bug in the runtime, reported as an actor error.
  if (active === undefined) throw new Error('lobbykit: a machine ran outside its runtime');
  return active;
}

/** A clock for the runtime's actors: their delayed events fire inside `runWith(effects, …)`. */
export function clockFor(clock: LobbyClock, effects: MachineEffects): LobbyClock {
  return {
    now: () => clock.now(),
    setTimeout: (fn, ms) => clock.setTimeout(() => runWith(effects, fn), ms),
    clearTimeout: (id) => clock.clearTimeout(id),
  };
}

function wire(ledger: boolean) {
  const lobby = lobbyMachine.provide({
    actions: {
      requestCreateLobby: (_, params) => effectsNow().createLobby(params),
      requestJoinLobby: (_, params) => effectsNow().joinLobby(params),
      requestLeaveLobby: ({ context }, params) => effectsNow().leaveLobby(params, context.lobbyId),
      setLobbyJoinable: (_, params) => effectsNow().setLobbyJoinable(params),
      setLobbyData: (_, params) => effectsNow().setLobbyData(params),
      allowP2PRelay: () => effectsNow().allowRelay(),
      requestLobbyList: (_, params) => effectsNow().requestLobbyList(params),
      requestKick: (_, params) => effectsNow().kick(params),
      requestBan: (_, params) => effectsNow().ban(params),
      requestStart: (_, params) => effectsNow().start(params),
    },
  });
  const actions = {
    sendHandshake: (_: unknown, params: HandshakeParams) => effectsNow().sendHandshake(params),
    sendHandshakeAck: (_: unknown, params: RemoteParams) => effectsNow().sendHandshakeAck(params),
    closeSession: (_: unknown, params: RemoteParams) => effectsNow().closeSession(params),
  };
  // With the ledger, the sessions keep no liveness timers and the root's heartbeat asks the runtime to watch them;
  // without, each session times itself and the root's check stays its default, a no-op.
  const peer = ledger
    ? peerSessionMachine.provide({ actions, guards: { livenessWatchedByRuntime: () => true } })
    : peerSessionMachine.provide({ actions });
  const checkLiveness = (_: unknown, params: LivenessCheckParams) => effectsNow().checkLiveness(params);
  return sessionMachine.provide({
    actions: {
      acceptSession: (_, params) => effectsNow().acceptSession(params),
      sendHeartbeats: (_, params) => effectsNow().sendHeartbeats(params),
      ...(ledger ? { checkLiveness } : {}),
    },
    actors: { lobby, peerPool: createPeerPool(peer) },
  });
}

export type WiredSessionMachine = ReturnType<typeof wire>;

const wired: { ledger?: WiredSessionMachine; events?: WiredSessionMachine } = {};

/**
 * The root machine with every effect provided, built once per liveness mode and shared by every runtime: with
 * `ledger`, the runtime's `checkLiveness` watches the sessions; without, each session's own timer and `peer.traffic`.
 */
export function sessionMachineFor(ledger: boolean): WiredSessionMachine {
  const key = ledger ? 'ledger' : 'events';
  return (wired[key] ??= wire(ledger));
}
