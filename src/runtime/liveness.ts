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

/**
 * Heartbeats the same way, from the other end: every reliable frame we send a member stamps its slot, and when the
 * root's heartbeat timer fires, a member is owed one only if less than 1 ms of the interval since that stamp is
 * left. So a link carrying reliable game traffic at least once an interval sends no heartbeat at all. Unreliable
 * frames do not stamp: they may be lost, so they cannot stand in for the heartbeat that keeps the remote's liveness
 * timer fed. The millisecond of slack keeps a send exactly one interval before the timer from counting as recent
 * when the clock's fractional frame times round (1317.0000000001 + 1000 − 2317 is not always 1000).
 */
export function heartbeatDue(lastSent: number | undefined, now: number, intervalMs: number): boolean {
  return lastSent === undefined || !(lastSent + intervalMs - now >= 1);
}
