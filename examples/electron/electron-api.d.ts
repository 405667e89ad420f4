// The part of Electron's API the example uses, declared here because the `electron` npm package cannot be a
// dependency of lobbykit: its current releases want Node >= 22.12 (lobbykit supports 20), bring @types/node 24
// beside lobbykit's 20, and download Electron's binary the first time the package is required. These shapes are
// Electron's own (electron.d.ts); only what main.ts and preload.ts call is here.
declare module 'electron' {
  export interface WebContents {
    send(channel: string, ...args: unknown[]): void;
  }
  export interface BrowserWindowOptions {
    width?: number;
    height?: number;
    webPreferences?: { preload?: string; contextIsolation?: boolean; nodeIntegration?: boolean; sandbox?: boolean };
  }
  export class BrowserWindow {
    constructor(options?: BrowserWindowOptions);
    readonly webContents: WebContents;
    loadFile(path: string): Promise<void>;
  }
  export interface IpcMainInvokeEvent {
    readonly sender: WebContents;
  }
  export const ipcMain: {
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: never[]) => unknown): void;
    removeHandler(channel: string): void;
  };
  export const app: {
    whenReady(): Promise<void>;
    on(event: 'window-all-closed' | 'before-quit', listener: () => void): void;
    quit(): void;
  };
  export interface IpcRendererEvent {
    readonly sender: unknown;
  }
  export const ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): void;
    removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): void;
  };
  export const contextBridge: {
    exposeInMainWorld(key: string, api: unknown): void;
  };
}
