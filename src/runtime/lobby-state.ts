/**
 * Our own lobby membership as the game reads it (`lobbyState()`, `lobby$`), derived from the lobby actor's snapshot.
 */
import type { SnapshotFrom } from 'xstate';
import type { lobbyMachine } from '../machines/lobby.machine.js';

/** `reconnecting`: Steam dropped us and our seat is held while we rejoin (P2P goes on; owner commands wait). */
export type LobbyStatus = 'idle' | 'creating' | 'joining' | 'cancelling' | 'joined' | 'reconnecting' | 'leaving';

/** Our own lobby membership, as `lobby$` publishes it. */
export interface LobbyState {
  readonly status: LobbyStatus;
  /** The lobby we are in (joined, leaving), or undefined. */
  readonly lobbyId: bigint | undefined;
  /** The lobby a join is waiting for. */
  readonly joiningLobbyId: bigint | undefined;
  readonly ownerId: bigint | undefined;
  readonly isOwner: boolean;
  /** Grows on every entry and owner change; owner-only commands issued under an older one are refused. */
  readonly epoch: number;
}

/** Lobby and member data keys lobbykit writes itself start with this; a game cannot write them (commands.ts). */
export const LOBBYKIT_KEY_PREFIX = 'lobbykit:';

/** Lobby data key `startGame()` sets: Steam has no "start" call, so the start is lobby data every member sees. */
export const STARTED_LOBBY_DATA_KEY = `${LOBBYKIT_KEY_PREFIX}started`;

type LobbySnapshot = SnapshotFrom<typeof lobbyMachine>;

/** Before the lobby actor has started: nothing asked for yet. */
export const IDLE_LOBBY: LobbyState = Object.freeze({
  status: 'idle',
  lobbyId: undefined,
  joiningLobbyId: undefined,
  ownerId: undefined,
  isOwner: false,
  epoch: 0,
});

type TopState = Extract<LobbySnapshot['value'], string> | 'joined';

const STATUS_OF: Readonly<Record<TopState, LobbyStatus>> = {
  idle: 'idle',
  creating: 'creating',
  joining: 'joining',
  abandoningCreate: 'cancelling',
  abandoningJoin: 'cancelling',
  joined: 'joined',
  leaving: 'leaving',
};

function statusOf(snapshot: LobbySnapshot): LobbyStatus {
  const value = snapshot.value;
  if (typeof value === 'string') return STATUS_OF[value];
  return snapshot.matches({ joined: 'reconnecting' }) ? 'reconnecting' : 'joined';
}

export function lobbyStateOf(snapshot: LobbySnapshot): LobbyState {
  const context = snapshot.context;
  return {
    status: statusOf(snapshot),
    lobbyId: context.lobbyId,
    joiningLobbyId: context.targetLobbyId,
    ownerId: context.ownerId,
    isOwner: context.ownerId !== undefined && context.ownerId === context.selfId,
    epoch: context.epoch,
  };
}

export function sameLobbyState(a: LobbyState, b: LobbyState): boolean {
  return (
    a.status === b.status &&
    a.lobbyId === b.lobbyId &&
    a.joiningLobbyId === b.joiningLobbyId &&
    a.ownerId === b.ownerId &&
    a.epoch === b.epoch
  );
}
