// The renderer's game loop (docs/electron.md): it draws and simulates; the lobby lives in the main process and is
// reached through `window.lobby` (preload.ts). Positions go out unreliably every frame on channel 1.
import type { LobbyBridge } from './preload.js';

declare global {
  interface Window {
    readonly lobby: LobbyBridge;
  }
}

interface Position {
  readonly x: number;
  readonly y: number;
}

const others = new Map<bigint, Position>();
let me: Position = { x: 0, y: 0 };

window.lobby.on('lobby:message', (message) => {
  if (message.channel === 1) others.set(message.from, message.value as Position);
});
window.lobby.on('lobby:error', (error) => console.warn(error.kind, error.reason));

export async function hostOrJoin(lobbyId?: bigint): Promise<void> {
  const result = lobbyId === undefined ? await window.lobby.createLobby({ lobbyType: 2, maxMembers: 4 }) : await window.lobby.joinLobby(lobbyId);
  console.log(result);
}

function frame(): void {
  me = { x: me.x + 1, y: me.y };
  void window.lobby.send('all', me, { channel: 1, sendType: 0 });
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
