/**
 * Which browser pages may use the loopback service. It has no authentication, so any web page the user visits could
 * otherwise list and join lobbies through it: pages served from this machine's loopback addresses (and Electron's
 * file:// pages) may connect, others only when the user names them. Clients that send no Origin (game processes,
 * Node, Godot) are not browsers' pages and are let in.
 */
import { isLoopbackHost } from './loopback-host.js';

/** Why `origin` cannot be an --allow-origin value, or undefined. */
export function allowOriginProblem(origin: string): string | undefined {
  if (origin === 'null' || /^[a-z][a-z0-9+.-]*:\/\/[^/\s?#]*$/i.test(origin)) return undefined;
  return `--allow-origin takes an origin such as https://game.example or app://game (scheme://host[:port], no path) or null, got ${JSON.stringify(origin)}`;
}

function normalize(origin: string): string {
  return origin.trim().toLowerCase();
}

function isLoopbackPage(origin: string): boolean {
  if (origin === 'file://') return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return isLoopbackHost(host);
}

/** Decides whether a connection's Origin header may use the service. */
export function originPolicy(allowed: readonly string[]): (origin: string | undefined) => boolean {
  const extra = new Set(allowed.map(normalize));
  return (origin) => origin === undefined || isLoopbackPage(normalize(origin)) || extra.has(normalize(origin));
}

/** A close reason within WebSocket's 123 bytes that says how to let this origin in. */
export function originRefusalReason(origin: string): string {
  const shown = origin.length > 50 ? `${origin.slice(0, 47)}...` : origin;
  return `origin ${shown} not allowed; run lobbykit serve --allow-origin <origin>`;
}
