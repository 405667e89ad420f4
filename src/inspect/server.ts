/**
 * The live viewer's HTTP and WebSocket server: serves its page, streams the inspection feed, and binds to loopback
 * addresses only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { InspectionEvent } from 'xstate';
import { chartOf, type NamedMachine } from './chart.js';
import { chartToDot } from './dot.js';
import { InspectFeed, type FeedUpdate } from './feed.js';
import { viewerPage, type ViewerChart } from './page.js';
import { LOBBYKIT_MACHINES, loadSvgRenderer, SvgRendererMissingError, type SvgRenderer } from './visualize.js';

export interface InspectServerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** A loopback address only (`127.0.0.1`, the default, `::1` or `localhost`): the feed shows live game state. */
  readonly host?: string;
  /** Machines whose charts the page draws. Default: lobbykit's session, lobby and peer-session machines. */
  readonly machines?: readonly NamedMachine[];
  /** Log entries kept for late browsers and shown on the page. Default 500. */
  readonly logLimit?: number;
  /** Timestamps the log (pass the runtime's clock, virtual or not). */
  readonly clock?: { now(): number };
}

export interface InspectServer {
  /** The page's address, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  /** XState's inspection observer: pass it as the `inspect` option of `createActor` (or the runtime). */
  readonly inspect: (event: InspectionEvent) => void;
  /** How many browsers are connected. */
  readonly clients: number;
  /** Disconnects every browser and stops listening. */
  close(): Promise<void>;
}

export class InspectServerError extends Error {
  constructor(
    readonly code: 'not-loopback' | 'listen-failed',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
/** A browser that cannot keep up is dropped rather than letting its backlog grow without bound. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/**
 * The offline live viewer: one self-contained page at `/` and a WebSocket feed at `/feed`, on loopback only.
 * Inspection events are folded into a bounded feed (actors and their states, the last `logLimit` events) and
 * broadcast in one message per burst (a synchronous run of events is flushed together in a microtask).
 */
export async function createInspectServer(options: InspectServerOptions = {}): Promise<InspectServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) {
    throw new InspectServerError('not-loopback', `The inspector only listens on loopback, not on ${host}.`);
  }
  const logLimit = Math.max(1, Math.floor(options.logLimit ?? 500));
  const page = viewerPage(await drawCharts(options.machines ?? LOBBYKIT_MACHINES), { logLimit });
  const feed = new InspectFeed({ logLimit, clock: options.clock });

  const http = createServer((req, res) => servePage(req, res, page));
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  http.on('upgrade', (req, socket, head) => {
    if (pathOf(req) !== '/feed' || !isSameOriginLoopback(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      send(ws, JSON.stringify({ type: 'hello', ...feed.current() }));
    });
  });

  let pendingActors = new Map<string, FeedUpdate['actors'][number]>();
  let pendingLog: FeedUpdate['log'][number][] = [];
  let flushQueued = false;
  const flush = (): void => {
    flushQueued = false;
    if (pendingActors.size === 0 && pendingLog.length === 0) return;
    const message = JSON.stringify({ type: 'update', actors: [...pendingActors.values()], log: pendingLog.slice(-logLimit) });
    pendingActors = new Map();
    pendingLog = [];
    for (const ws of wss.clients) send(ws, message);
  };

  const inspect = (event: InspectionEvent): void => {
    // Inspection runs inside the caller's actors: nothing may throw back into them.
    try {
      const update = feed.apply(event);
      if (update === undefined || wss.clients.size === 0) return;
      for (const actor of update.actors) pendingActors.set(actor.id, actor);
      for (const entry of update.log) pendingLog.push(entry);
      if (pendingLog.length > logLimit) pendingLog.splice(0, pendingLog.length - logLimit);
      if (!flushQueued) {
        flushQueued = true;
        queueMicrotask(flush);
      }
    } catch {
      // A malformed inspection event is skipped; the next snapshot repairs the view.
    }
  };

  const port = await listen(http, options.port ?? 0, host);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    inspect,
    get clients() {
      return wss.clients.size;
    },
    close: () => closeAll(http, wss),
  };
}

async function drawCharts(machines: readonly NamedMachine[]): Promise<ViewerChart[]> {
  let renderSvg: SvgRenderer | undefined;
  try {
    renderSvg = await loadSvgRenderer();
  } catch (error) {
    // Without the optional Graphviz renderer the page draws state trees instead.
    if (!(error instanceof SvgRendererMissingError)) throw error;
  }
  return machines.map((named) => {
    const chart = chartOf(named);
    return { chart, svg: renderSvg?.(chartToDot(chart)) };
  });
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://localhost').pathname;
}

/** Refuses pages on other origins (and DNS rebinding) from reading the feed: Host and Origin must be loopback. */
function isSameOriginLoopback(req: IncomingMessage): boolean {
  const hostHeader = req.headers.host ?? '';
  const hostname = hostHeader.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  if (!LOOPBACK.has(hostname)) return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${hostHeader}`;
}

function servePage(req: IncomingMessage, res: ServerResponse, page: string): void {
  const path = pathOf(req);
  if (req.method !== 'GET' || (path !== '/' && path !== '/index.html')) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  res
    .writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The page is self-contained: forbid it from loading anything but its own feed.
      'content-security-policy':
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self' ws: wss:",
    })
    .end(page);
}

function send(ws: WebSocket, message: string): void {
  if (ws.readyState !== ws.OPEN) return;
  if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
    ws.terminate();
    return;
  }
  ws.send(message);
}

function listen(http: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) =>
      reject(new InspectServerError('listen-failed', `Cannot listen on ${host}:${port}: ${error.message}`, { cause: error }));
    http.once('error', onError);
    http.listen(port, host, () => {
      http.off('error', onError);
      resolve((http.address() as AddressInfo).port);
    });
  });
}

function closeAll(http: Server, wss: WebSocketServer): Promise<void> {
  for (const ws of wss.clients) ws.terminate();
  return new Promise((resolve) => {
    wss.close(() => {
      http.close(() => resolve());
      http.closeAllConnections();
    });
  });
}
