/** Which addresses the loopback service may listen on (this machine's only), and its default address and port. */
import { isIP } from 'node:net';

/** Steam's own default game port, easy to remember; `--port 0` picks a free one. */
export const DEFAULT_LOOPBACK_PORT = 27015;
export const DEFAULT_LOOPBACK_HOST = '127.0.0.1';

/**
 * Whether `host` can only be reached from this machine. The loopback service has no authentication, so it
 * listens on loopback addresses only; anything else is refused before a socket opens.
 */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  const family = isIP(host);
  if (family === 4) return host.startsWith('127.');
  if (family === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

export function loopbackHostProblem(host: string): string | undefined {
  return isLoopbackHost(host)
    ? undefined
    : `refusing to listen on ${host}: the loopback service has no authentication, so it only listens on this machine (127.0.0.1, ::1 or localhost)`;
}
