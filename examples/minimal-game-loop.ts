/**
 * A minimal game loop on lobbykit: two players on the simulated Steam, one hosts, the other joins, and every frame
 * (60 Hz) each sends its position and reads the other's. Run it: `node --import tsx examples/minimal-game-loop.ts`.
 *
 * The frame body is `createMinimalGame(clock).frame()`; `runMinimalGame(clock, ticks)` plays it on virtual time,
 * which is how the test runs this file.
 */
import { pathToFileURL } from 'node:url';
import { createLobbyRuntime, createSimulatedSteam, createSystemClock, steamIdOfAccount, VirtualClock, type LobbyClock, type LobbyRuntime } from 'lobbykit';

export const FRAME_MS = 1000 / 60;
const POSITION_CHANNEL = 1;

interface Position {
  readonly x: number;
  readonly y: number;
}

export interface GameSummary {
  readonly frames: number;
  readonly lobbyId: bigint | undefined;
  /** Frame at which both players saw "all peers connected". */
  readonly connectedAtFrame: number | undefined;
  /** Positions each player received from the other. */
  readonly positionsReceived: { readonly host: number; readonly friend: number };
  readonly lastPositionSeenByHost: Position | undefined;
  readonly chat: readonly string[];
  readonly errors: readonly string[];
}

export interface MinimalGame {
  /** One frame of the game loop. */
  frame(): void;
  summary(): GameSummary;
  dispose(): void;
}

export function createMinimalGame(clock: LobbyClock): MinimalGame {
  const steam = createSimulatedSteam({ seed: 1, clock });
  const hostId = steamIdOfAccount(1001);
  const friendId = steamIdOfAccount(1002);
  steam.addUser({ id: hostId, name: 'Host' });
  steam.addUser({ id: friendId, name: 'Friend' });
  // Friends know each other's names at once; strangers' names arrive later (members$ updates when they do).
  steam.befriend(hostId, friendId);
  const host = createLobbyRuntime({ backend: steam.backend(hostId), clock });
  const friend = createLobbyRuntime({ backend: steam.backend(friendId), clock });

  const received = { host: 0, friend: 0 };
  let lastPositionSeenByHost: Position | undefined;
  const chat: string[] = [];
  const errors: string[] = [];
  host.messages<Position>(POSITION_CHANNEL).subscribe((message) => {
    received.host++;
    lastPositionSeenByHost = message.value;
  });
  friend.messages<Position>(POSITION_CHANNEL).subscribe(() => void received.friend++);
  host.chat$.subscribe((line) => chat.push(`${line.name}: ${line.text}`));
  for (const runtime of [host, friend]) runtime.errors$.subscribe((error) => errors.push(error.reason));

  let frames = 0;
  let connectedAtFrame: number | undefined;
  const step = (runtime: LobbyRuntime, frame: number) => {
    const angle = frame / 30;
    runtime.send('all', { x: Math.round(Math.cos(angle) * 400) / 4, y: Math.round(Math.sin(angle) * 400) / 4 }, {
      channel: POSITION_CHANNEL,
      reliable: false,
    });
  };

  return {
    frame() {
      frames++;
      host.tick();
      friend.tick();
      const hostLobby = host.lobbyState();
      if (frames === 1) void host.createLobby({ data: { name: 'ice map', mode: 'ctf' } });
      if (hostLobby.status === 'joined' && friend.lobbyState().status === 'idle' && connectedAtFrame === undefined) {
        void friend.joinLobby(hostLobby.lobbyId!);
      }
      const connected = host.allConnected() && friend.allConnected() && host.members().length === 2;
      if (connected && connectedAtFrame === undefined) {
        connectedAtFrame = frames;
        friend.sendChat('gg! rematch on the ice map?');
      }
      if (connected) {
        step(host, frames);
        step(friend, frames);
      }
    },
    summary: () => ({
      frames,
      lobbyId: host.lobbyState().lobbyId,
      connectedAtFrame,
      positionsReceived: { ...received },
      lastPositionSeenByHost,
      chat: [...chat],
      errors: [...errors],
    }),
    dispose() {
      friend.dispose();
      host.dispose();
    },
  };
}

/** Plays `ticks` frames at 60 Hz of virtual time. */
export function runMinimalGame(clock: VirtualClock, ticks: number): GameSummary {
  const game = createMinimalGame(clock);
  for (let i = 0; i < ticks; i++) {
    clock.advance(FRAME_MS);
    game.frame();
  }
  const summary = game.summary();
  game.dispose();
  return summary;
}

// Run directly: a real 60 Hz loop (setInterval) on the system clock, for five seconds.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const game = createMinimalGame(createSystemClock());
  let frames = 0;
  const timer = setInterval(() => {
    game.frame();
    if (++frames < 300) return;
    clearInterval(timer);
    const summary = game.summary();
    game.dispose();
    process.stdout.write(
      `lobby ${summary.lobbyId} · connected at frame ${summary.connectedAtFrame} · positions received: host ${summary.positionsReceived.host}, friend ${summary.positionsReceived.friend}\n` +
        `${summary.chat.join('\n')}\n${summary.errors.length === 0 ? 'no errors' : summary.errors.join('\n')}\n`,
    );
  }, FRAME_MS);
}
