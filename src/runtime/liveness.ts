/**
 * Liveness without actor events: the data plane writes when it last heard each member into the member's slot (the
 * same Map lookup that admitted the packet), and the peer machine's liveness timer reads it when it fires — heard
 * within the window? re-arm for the window's remainder; silent? fail. A chatty peer costs one timer transition per
 * liveness window instead of a `peer.traffic` event every few hundred ms (each ~15 µs of XState work, measured
 * with `npm run bench -- tick`), and silence is still detected one window after the last packet.
 */
export function heardWithin(lastHeard: number | undefined, now: number, windowMs: number): boolean {
  return lastHeard !== undefined && now - lastHeard < windowMs;
}

/** Time until the window since the last packet closes (the whole window when nothing was heard yet). */
export function remainingMs(lastHeard: number | undefined, now: number, windowMs: number): number {
  if (lastHeard === undefined || lastHeard === -Infinity) return windowMs;
  return Math.max(1, Math.min(windowMs, lastHeard + windowMs - now));
}
