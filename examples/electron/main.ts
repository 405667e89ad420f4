// The Electron main process of a game on Steam (docs/electron.md). Type-checked by `npm test`; run by Electron, never
// by the tests (Electron cannot be downloaded here): its lobbykit half, lobby-host.ts, runs under Node in a test.
import { BrowserWindow, app, ipcMain } from 'electron';
import { fileURLToPath } from 'node:url';
import { electronEnableSteamOverlay, init } from 'steamworks.js';
import { startLobbyHost } from './lobby-host.js';

// steamworks.js lives in the main process only, and the overlay must be enabled before any window exists.
electronEnableSteamOverlay();

// The game's one client. lobbykit is handed it and never calls init() again: a second init() would drop this
// client and every callback registered through it. Without Steam, init() throws; the game can try again later.
let client: ReturnType<typeof init>;
try {
  client = init(480);
} catch (error) {
  console.error(`Steam is not running: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

await app.whenReady();
const window = new BrowserWindow({
  width: 1280,
  height: 720,
  webPreferences: { preload: fileURLToPath(new URL('./preload.js', import.meta.url)), contextIsolation: true, sandbox: true },
});
const host = await startLobbyHost({ client, ipc: ipcMain, renderer: window.webContents });
app.on('window-all-closed', () => {
  host.stop();
  // steamworks.js's runCallbacks timer (every 33 ms) would keep a plain Node process alive; Electron quits anyway.
  app.quit();
});
await window.loadFile('index.html');
